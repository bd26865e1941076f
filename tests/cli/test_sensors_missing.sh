#!/usr/bin/env bash
# A scenario whose sensors and counters are missing on this host: every
# missing one is recorded as unavailable with the reason, the run succeeds,
# and no energy or counter value is invented.
. "$(dirname "$0")/lib.sh"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
if ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks h5py (python3-h5py)"; exit 77
fi
mkdir -p "$WORK/nosys"
cat >"$WORK/s.yaml" <<EOF2
edgebench: 1
model: {path: $MODEL}
backends: [ref]
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 20, min_time_ms: 0}
conditions:
  - {name: plain, kind: plain}
  - {name: cool, kind: cooldown, below_c: 40, timeout_s: 5}
metrics:
  power: rapl
  sysfs_root: nosys
  idle_baseline_ms: 100
  temperature_limit_c: 80
  counters: [PAPI_TOT_INS, PAPI_TOT_CYC, perf::TASK-CLOCK, no::SUCH-EVENT]
EOF2
run_eb 0 run "$WORK/s.yaml" -o "$WORK/r.h5"
expect_in "$WORK/err" '2 of 2 cells: 2 ok'
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/r.h5" <<'PY' || fail "missing sensors are not recorded as unavailable"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
for rid in ("000001", "000002"):
    run = f["runs"][rid]
    m = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in run["metrics"].attrs.items()}
    print(rid, {k: v for k, v in m.items() if "unavailable" in k or k in ("cooldown", "energy_note")})
    assert run.attrs["status"] in (b"ok", "ok")
    su = m["sensors_unavailable"]
    assert su.startswith("power: RAPL: no ") and "/nosys/sys/class/powercap" in su, su
    assert "temperature: thermal zones: no " in su and "frequency: cpufreq: no " in su, su
    for k in ("energy_j", "energy_per_inference_j", "idle_power_w", "power_mean_w"):
        assert k not in m, k                          # nothing invented
    assert "sensors" not in run                       # no series without sensors
    assert m["energy_note"] == "idle baseline: no power sensor", m["energy_note"]
    assert m["counter_unavailable.no::SUCH-EVENT"].startswith("PAPI: "), m
    for ev in ("PAPI_TOT_INS", "PAPI_TOT_CYC"):
        # counted where the host has a PMU, else a reason; never a silent 0
        assert ("counter." + ev in m and m["counter." + ev] > 0) or \
               len(m["counter_unavailable." + ev]) > 20, ev
    if "counter.PAPI_TOT_INS" not in m:
        assert "ipc" not in m and "instructions_per_inference" not in m
    # a software event counts wherever PAPI's perf_event component works;
    # where libpfm4 disabled it (a CPU it does not know), it says so
    assert ("counter.perf::TASK-CLOCK" in m and m["counter.perf::TASK-CLOCK"] > 0) or \
           "perf_event component is disabled" in m["counter_unavailable.perf::TASK-CLOCK"], m
    # no sensor to check against the limits: calibration alone decides
    assert m["throttled"].startswith(("no", "yes: the core ran slower")), m["throttled"]
cool = {k: (v.decode() if isinstance(v, bytes) else v)
        for k, v in f["runs"]["000002"]["metrics"].attrs.items()}
assert cool["cooldown"].startswith("unavailable: thermal zones: no "), cool["cooldown"]
PY
finish
