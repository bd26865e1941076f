#!/usr/bin/env bash
# ctest-labels: timing
# Throttle emulation end to end: a condition at 50% duty makes the measured
# phase about twice as slow, and the cell says it was throttled by the
# emulated duty cycle, in the results and in reports; the free cells beside
# it are not throttled. The slowdown is wall time per CPU second (1 /
# cpu_share, the cell's CPU time over the measured phase), so other load on a
# shared machine mostly cancels out. Real time: in the `timing` group. Method
# cgroup where the host does not delegate cpu: the cell fails with the reason.
. "$(dirname "$0")/lib.sh"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
if ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks h5py (python3-h5py)"; exit 77
fi
cat >"$WORK/t.yaml" <<EOF2
edgebench: 1
model: {path: $MODEL}
backends: [ref]
run:
  warmup: {iterations: 10, min_time_ms: 50}
  measure: {iterations: 100, min_time_ms: 1000, max_time_ms: 5000}
  repetitions: 3
  order: shuffled   # free and throttled cells interleave: drifting load hits both
  seed: 3
conditions:
  - {name: free, kind: plain}
  - {name: half, kind: throttle, duty: 0.5, period_ms: 100}
metrics: {calibration_ms: 60}
EOF2
# a second attempt when a burst of other load spoiled the first (ctest runs
# the timing group alone; other users of the machine remain)
INCONCLUSIVE=0
for attempt in 1 2; do
rm -f "$WORK/t.h5"
run_eb 0 run "$WORK/t.yaml" -o "$WORK/t.h5"
/usr/bin/python3 - "$WORK/t.h5" <<'PY'
import sys, h5py, statistics
f = h5py.File(sys.argv[1], "r")
cells = {"free": [], "half": []}
for rid in f["runs"]:
    run = f["runs"][rid]
    cond = run.attrs["condition"]
    cond = cond.decode() if isinstance(cond, bytes) else cond
    m = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in run["metrics"].attrs.items()}
    t, lat = run["t_ns"][:], run["latency_ns"][:]
    wall = (int(t[-1]) + int(lat[-1])) / 1e9
    cells[cond].append((rid, m, len(lat) / wall, 1 / m["cpu_share"]))
rate = {c: statistics.median(x[2] for x in v) for c, v in cells.items()}
stretch = {c: statistics.median(x[3] for x in v) for c, v in cells.items()}
slowdown = stretch["half"] / stretch["free"]
print(f"throughput {rate['free']:.0f}/s free, {rate['half']:.0f}/s at 50% duty: "
      f"{rate['free'] / rate['half']:.2f}x; wall per CPU second {stretch['free']:.2f} vs "
      f"{stretch['half']:.2f}: slowdown {slowdown:.2f}x")
for c, v in cells.items():
    for rid, m, _, _ in v:
        print(f"  {rid} {c}: cpu_share {m['cpu_share']:.2f}; throttled {m['throttled']}; "
              f"competing_load {m['competing_load']}")
for rid, m, _, _ in cells["half"]:
    assert m["throttled"].startswith("yes: emulated duty cycle 50% of every 100 ms "
                                     "(condition kind throttle, method signal)"), (rid, m["throttled"])
    assert "calibration speed" in m["throttled"] and "cpu_share" in m["throttled"], m["throttled"]
# a busy machine is not a throttled one: the free cells are never throttled
for rid, m, _, _ in cells["free"]:
    assert m["throttled"].startswith("no: calibration speed"), (rid, m["throttled"])
ratio = statistics.median(m["calibration_ratio"] for _, m, _, _ in cells["half"])
share = statistics.median(x[1]["cpu_share"] for x in cells["free"])
if share < 0.15:
    # the free cells got under 15% of a core: the cell waits for the CPU
    # most of the time anyway, and a duty cycle's off-part mostly overlaps
    # that wait (1.34x measured at cpu_share 0.05). Nothing to prove here.
    print(f"inconclusive: the free cells got {share:.2f} of a core (machine overloaded)")
    sys.exit(77)
# half duty is about half the speed: 2.0x on an idle machine, up to ~2.9x
# measured beside competing load; clearly apart from 1x and from 4x
assert 1.5 <= slowdown <= 3.3, f"50% duty slowdown {slowdown:.2f}x outside [1.5, 3.3]"
assert ratio <= 0.75, f"calibration under 50% duty at {ratio:.2f}x its speed before"
PY
rc=$?
[ "$rc" = 77 ] && { INCONCLUSIVE=1; break; }
[ "$rc" = 0 ] && break
[ "$attempt" = 2 ] && fail "50% duty is not a ~2x slowdown, or the cells are not marked throttled"
done
CHECKS=$((CHECKS + 1))
run_eb 0 report "$WORK/t.h5"
expect_in "$WORK/out" '^Throttled:$'
expect_in "$WORK/out" '^  [0-9]{6} ref/default/half rep [0-2]: yes: emulated duty cycle 50% of every 100 ms \(condition kind throttle, method signal\); calibration speed 0\.[0-9]+x wall clock, [0-9.]+x per CPU second; cpu_share 0\.[0-9]+'
# the Throttled list holds the emulated cells only (a busy machine puts the
# free ones under Competing load instead)
awk '/^Throttled:$/ {f = 1; next} /^$/ {f = 0} f' "$WORK/out" >"$WORK/throttled"
expect_in "$WORK/throttled" 'ref/default/half rep'
expect_not_in "$WORK/throttled" 'ref/default/free rep'
run_eb 0 report "$WORK/t.h5" --format md
expect_in "$WORK/out" '^## Throttled$'

# cgroup v2 cpu.max: only where the cpu controller is delegated
ctl=/sys/fs/cgroup/cgroup.controllers
[ -e "$ctl" ] || ctl=/sys/fs/cgroup/unified/cgroup.controllers
if ! grep -qw cpu "$ctl" 2>/dev/null; then
    run_eb 3 run "$WORK/t.yaml" -o "$WORK/c.h5" --set 'conditions[1].method=cgroup' \
        --set run.measure.min_time_ms=0
    expect_in "$WORK/err" 'half: failed'
    run_eb 0 report "$WORK/c.h5"
    expect_in "$WORK/out" 'throttle method cgroup: (the cpu controller is not delegated|cannot read|no cgroup v2)'
else
    echo "cgroup cpu controller delegated here: the failure path is not exercised"
fi
if [ "$INCONCLUSIVE" = 1 ] && [ "$FAILS" = 0 ]; then
    echo "skipped: the slowdown is inconclusive on a machine this loaded (the rest passed)"
    exit 77
fi
finish
