#!/usr/bin/env bash
# ctest-labels: timing
# The thermal condition kinds end to end: soak (model and cpu), cooldown
# against a fixture thermal zone that a background writer cools (reached
# and timed out), background_load, and scenario errors in their parameters.
# Real time (a writer process cools the zone by the clock): `timing` group.
. "$(dirname "$0")/lib.sh"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
FIX="$EB_SOURCE_DIR/tests/data/sysfs"
if ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks h5py (python3-h5py)"; exit 77
fi
cp -r "$FIX/x86-rapl" "$WORK/tree"
ZONE="$WORK/tree/sys/class/thermal/thermal_zone0/temp"
# the package cools from 70 °C by 20 °C per second, down to 30 °C
cooler() {
    local t0 now ms fd
    t0=${EPOCHREALTIME/./}
    exec {fd}<> <(:)
    while :; do
        now=${EPOCHREALTIME/./}
        ms=$(((now - t0) / 1000))
        local m=$((70000 - ms * 20))
        [ $m -lt 30000 ] && m=30000
        # write and rename: a reader never sees a half-written file, as with
        # the kernel's attributes
        echo $m >"$ZONE.tmp" && mv -f "$ZONE.tmp" "$ZONE"
        read -r -t 0.01 -u "$fd" || :
    done
}

cat >"$WORK/c.yaml" <<EOF2
edgebench: 1
model: {path: $MODEL}
backends: [ref]
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 20, min_time_ms: 0}
conditions:
  - {name: cool, kind: cooldown, sensor: x86_pkg_temp, below_c: 55, timeout_s: 20}
  - {name: soak-model, kind: soak, duration_s: 0.3}
  - {name: soak-cpu, kind: soak, duration_s: 0.2, load: cpu}
  - {name: never-cool, kind: cooldown, sensor: thermal_zone1, below_c: 10, timeout_s: 0.3}
  - {name: busy, kind: background_load, load_threads: [1, 2], load: fp}
metrics: {sysfs_root: tree, sample_period_ms: 50, power: none}
EOF2
run_eb 0 validate "$WORK/c.yaml" --matrix
expect_in "$WORK/out" 'busy +load_threads=1 '
expect_in "$WORK/out" 'busy +load_threads=2 '
# the cooler starts right before the run, so the zone is still hot when the
# first cell reads it
echo 70000 >"$ZONE"
cooler &
COOLER=$!
trap 'kill $COOLER 2>/dev/null; wait $COOLER 2>/dev/null; rm -rf "$WORK"' EXIT
run_eb 0 run "$WORK/c.yaml" -o "$WORK/c.h5"
expect_in "$WORK/err" '6 of 6 cells: 6 ok'
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/c.h5" <<'PY' || fail "condition results are wrong"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
runs = {}
for rid in f["runs"]:
    g = f["runs"][rid]
    cond = g.attrs["condition"]
    cond = cond.decode() if isinstance(cond, bytes) else cond
    m = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g["metrics"].attrs.items()}
    runs.setdefault(cond, []).append((g, m))
g, m = runs["soak-model"][0]
print("soak-model:", m["soak_s"], "s,", m["soak_inferences"], "inferences")
assert 0.3 <= m["soak_s"] < 1.0 and m["soak_inferences"] > 10
t = g["sensors"]["temperature_c"][:]
assert t[0, 0] < -0.2e9                       # the series covers the soak before t = 0
g, m = runs["soak-cpu"][0]
assert 0.2 <= m["soak_s"] < 1.0 and "soak_inferences" not in m
g, m = runs["cool"][0]
print("cool:", m["cooldown"])
assert m["cooldown"].startswith("reached: x86_pkg_temp at "), m["cooldown"]
assert "below 55.0 C" in m["cooldown"]
# it did wait for the zone: its first read was still hot (how long depends on
# how fast this machine starts the cell, up to the 0.75 s the zone takes)
assert m["cooldown_wait_s"] > 0, m["cooldown_wait_s"]
g, m = runs["never-cool"][0]
print("never-cool:", m["cooldown"])
assert m["cooldown"] == "timeout: acpitz still at 27.8 C (limit 10.0 C) after 0.3 s", m["cooldown"]
assert len(runs["busy"]) == 2
for g, m in runs["busy"]:
    assert g.attrs["status"] in (b"ok", "ok")
PY
kill $COOLER; wait $COOLER 2>/dev/null

# bad parameters name the file, line and key
cat >"$WORK/bad.yaml" <<EOF2
edgebench: 1
model: {path: $MODEL}
backends: [ref]
conditions:
  - {name: t, kind: throttle, duty: 0}
  - {name: b, kind: background_load, load: gpu}
  - {name: s, kind: soak, duty: 0.5}
  - {name: c, kind: cooldown, below_c: hot}
metrics: {power: solar, sample_period_ms: 0, counters: [{a: 1}]}
EOF2
run_eb 2 validate "$WORK/bad.yaml"
expect_in "$WORK/err" 'bad.yaml:5:37: conditions\[0\]\.duty: 0 is out of range \(more than 0, at most 1\)'
expect_in "$WORK/err" "bad.yaml:6:44: conditions\\[1\\]\\.load: unknown value 'gpu'"
expect_in "$WORK/err" "bad.yaml:7:27: unknown key 'duty' in conditions\\[2\\] \\(valid keys: name, kind, duration_s, load\\)"
expect_in "$WORK/err" 'bad.yaml:8:40: conditions\[3\]\.below_c: expected a number'
expect_in "$WORK/err" 'bad.yaml:9:18: metrics\.power: '
expect_in "$WORK/err" 'metrics\.sample_period_ms: '
expect_in "$WORK/err" 'metrics\.counters\[0\]: expected '
finish
