#!/usr/bin/env bash
# ctest-labels: timing
# Sensors end to end against fixture sysfs trees that a background writer
# advances as the kernel would: a RAPL package counter at a known power
# (wrapping during the run) and a heating thermal zone; an INA3221 rail at
# a known current and voltage. The energy in the results file must match
# the known energy within 5%: this proves the wiring (discovery, sampler,
# wraps, the measured phase's window) with a writer racing the clock, so it
# is in the `timing` group; the 1% accuracy of the integration itself is
# checked on exact traces in tests/test_sensor.c.
. "$(dirname "$0")/lib.sh"
FIX="$EB_SOURCE_DIR/tests/data/sysfs"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
if ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks h5py (python3-h5py)"; exit 77
fi

# The writer: every millisecond, energy_uj = (start + watts x elapsed) mod
# range and the zone's temperature rises by 10 °C per second; each file is
# written and renamed, so a reader never sees half a value (as with the
# kernel's attributes). One process without forks keeps it on time.
writer() { # ROOT WATTS START_UJ RANGE_UJ
    exec /usr/bin/python3 - "$@" <<'PY'
import os, sys, time
root, watts, start, rng = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rapl = root + "/sys/class/powercap/intel-rapl:0/energy_uj"
zone = root + "/sys/class/thermal/thermal_zone0/temp"
def put(path, value):
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % value)
    os.replace(path + ".tmp", path)
t0 = time.monotonic()
while True:
    s = time.monotonic() - t0
    put(rapl, (start + int(watts * s * 1e6)) % rng)
    put(zone, 40000 + int(s * 10000))
    time.sleep(0.001)
PY
}

cp -r "$FIX/x86-rapl" "$WORK/tree"
echo 5000000 >"$WORK/tree/sys/class/powercap/intel-rapl:0/max_energy_range_uj" # wraps at 5 J
writer "$WORK/tree" 9 4000000 5000000 &
WRITER=$!
trap 'kill $WRITER 2>/dev/null; wait $WRITER 2>/dev/null; rm -rf "$WORK"' EXIT

cat >"$WORK/rapl.yaml" <<EOF2
edgebench: 1
model: {path: $MODEL}
backends: [ref]
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 10, min_time_ms: 2000, max_time_ms: 5000}
conditions:
  - {name: warm, kind: plain}
metrics:
  power: rapl
  sample_period_ms: 20
  sysfs_root: tree
  temperature_limit_c: 45
  counters: [perf::TASK-CLOCK]
EOF2
run_eb 0 run "$WORK/rapl.yaml" -o "$WORK/rapl.h5"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/rapl.h5" <<'PY' || fail "RAPL fixture: energy or series wrong"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
run = f["runs"]["000001"]
m = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in run["metrics"].attrs.items()}
n = run.attrs["n"]
p = m["power_mean_w"]
print(f"rapl fixture: {m['energy_j']:.4f} J over the measured phase, mean {p:.4f} W (known 9 W), "
      f"{m['energy_per_inference_j'] * 1e6:.2f} uJ per inference")
assert abs(p - 9.0) <= 0.45, f"mean power {p:.4f} W, known 9 W (5%)"
assert abs(m["energy_per_inference_j"] * n - m["energy_j"]) < 1e-9 * m["energy_j"] + 1e-12
assert m["sensors"].startswith("power_w: package-0 (rapl); temperature_c: x86_pkg_temp (thermal); freq_mhz: cpu0"), m["sensors"]
# counted, or said why not (PAPI without a PMU, as in some VMs)
assert "counter.perf::TASK-CLOCK" in m or "counter_unavailable.perf::TASK-CLOCK" in m
pw = run["sensors"]["power_w"][:]
en = run["sensors"]["energy_j"][:]
tc = run["sensors"]["temperature_c"][:]
fq = run["sensors"]["freq_mhz"][:]
assert pw.shape[1] == 2 and len(pw) >= 50, pw.shape
assert (en[1:, 1] >= en[:-1, 1]).all()             # the wrap is undone: energy only grows
assert en[-1, 1] - en[0, 1] > 5.0                  # more than one 5 J range was crossed
assert tc[-1, 1] > tc[0, 1] + 10                   # the zone heated up during the cell
assert tc[0, 0] < 0 <= tc[-1, 0]                   # t = 0 is the measured phase's start
assert (fq[:, 1] == 2400).all()
assert m["throttled"].startswith("yes: ") and "temperature reached" in m["throttled"], m["throttled"]
PY
run_eb 0 report "$WORK/rapl.h5"
expect_in "$WORK/out" '^Throttled:'
expect_in "$WORK/out" 'temperature reached [0-9.]+ C \(limit 45.0 C\)'
kill $WRITER; wait $WRITER 2>/dev/null

# An INA3221 board (Jetson): 1.5 A at 5 V on VDD_IN = 7.5 W, constant, with
# an idle baseline measured on the same rail (so 0 J above idle).
cp -r "$FIX/jetson-orin" "$WORK/jetson"
echo 1500 >"$WORK/jetson/sys/class/hwmon/hwmon1/curr1_input"
echo 5000 >"$WORK/jetson/sys/class/hwmon/hwmon1/in1_input"
cat >"$WORK/ina.yaml" <<EOF2
edgebench: 1
model: {path: $MODEL}
backends: [ref]
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 10, min_time_ms: 300}
metrics: {sysfs_root: jetson, sample_period_ms: 10, idle_baseline_ms: 200}
EOF2
run_eb 0 run "$WORK/ina.yaml" -o "$WORK/ina.h5"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/ina.h5" <<'PY' || fail "INA fixture: energy wrong"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
run = f["runs"]["000001"]
m = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in run["metrics"].attrs.items()}
secs = m["energy_j"] / m["power_mean_w"]
print(f"ina fixture: {m['energy_j']:.4f} J in {secs:.3f} s (known {7.5 * secs:.4f} J), idle {m['idle_power_w']:.3f} W")
assert abs(m["power_mean_w"] - 7.5) < 1e-9
assert abs(m["idle_power_w"] - 7.5) < 1e-9
assert abs(m["energy_above_idle_j"]) < 1e-9
assert m["sensors"].startswith("power_w: ina3221:curr1xin1 (hwmon)"), m["sensors"]
assert "energy_j" not in run["sensors"]            # a power sensor has no counter series
PY
finish
