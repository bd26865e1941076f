#!/usr/bin/env bash
# edgebench probe: this host as a device description file (YAML and JSON),
# the same description stored in a results file, fixture sysfs trees, and
# bad usage.
. "$(dirname "$0")/lib.sh"
FIX="$EB_SOURCE_DIR/tests/data/sysfs"
have_py() { /usr/bin/python3 -c 'import yaml, h5py' 2>/dev/null; }

run_eb 0 probe
cp "$WORK/out" "$WORK/probe.yaml"
expect_in "$WORK/probe.yaml" '^edgebench_device: 1$'
for k in arch cpu_vendor cpu_brand logical_cpus physical_cores features feature_source caches \
         memory_bytes kernel virtualised freq_peak_mhz power_sensors temperature_sensors \
         thermal_zones frequency_sensors papi 'counter.perf::TASK-CLOCK' peak_gflops_fp32 \
         peak_gops_int8 peak_basis; do
    expect_in "$WORK/probe.yaml" "^\"$k\": \".+\"$"
done
# a VM without sensors says why each is missing
if ! [ -d /sys/class/powercap ] && ! ls /sys/class/hwmon/hwmon* >/dev/null 2>&1; then
    expect_in "$WORK/probe.yaml" '^"power_sensors": "unavailable: RAPL: no .*hwmon'
fi
run_eb 0 probe --format json --id lab-7
cp "$WORK/out" "$WORK/probe.json"
run_eb 0 probe -o "$WORK/probe2.yaml" --id lab-7

if have_py; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 - "$WORK/probe.yaml" "$WORK/probe.json" "$WORK/probe2.yaml" <<'PY' || fail "probe YAML and JSON disagree"
import json, sys, yaml
y = yaml.safe_load(open(sys.argv[1]))
j = json.load(open(sys.argv[2]))
y2 = yaml.safe_load(open(sys.argv[3]))
assert y["edgebench_device"] == 1 and j["edgebench_device"] == 1
assert j["id"] == "lab-7" and y2["id"] == "lab-7", (j["id"], y2["id"])
for d in (y, j):
    del d["id"]
assert y == j, set(y.items()) ^ set(j.items())
assert all(isinstance(v, str) for k, v in y.items() if k != "edgebench_device")
float(y["peak_gflops_fp32"]) if not y["peak_gflops_fp32"].startswith("unavailable") else None
PY
fi

# the description in a results file is the probe's, key for key
cat >"$WORK/s.yaml" <<EOF2
edgebench: 1
model: {path: $EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx}
backends: [ref]
run: {warmup: {iterations: 1, min_time_ms: 0}, measure: {iterations: 5, min_time_ms: 0}}
metrics: {calibration_ms: 0}
EOF2
run_eb 0 run "$WORK/s.yaml" -o "$WORK/r.h5" --device-id lab-7
if have_py; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 - "$WORK/probe2.yaml" "$WORK/r.h5" <<'PY' || fail "results file's /devices/lab-7 differs from the probe"
import sys, yaml, h5py
y = yaml.safe_load(open(sys.argv[1]))
f = h5py.File(sys.argv[2], "r")
g = f["devices"]["lab-7"]
stored = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in g.attrs.items()}
probe = {k: v for k, v in y.items() if k not in ("edgebench_device", "id")}
assert stored == probe, {k: (stored.get(k), probe.get(k)) for k in set(stored) | set(probe) if stored.get(k) != probe.get(k)}
PY
fi
# appending a second run keeps the same device (nothing in it changes)
run_eb 0 run "$WORK/s.yaml" -o "$WORK/r.h5" --device-id lab-7 --append

# a fixture tree: a Jetson's INA3221 rails, thermal zones and cpufreq
run_eb 0 probe --sysfs-root "$FIX/jetson-orin"
expect_in "$WORK/out" '^"power_sensors": "ina3221:curr1xin1 \(hwmon hwmon1:curr1xin1\), ina3221:curr2xin2'
expect_in "$WORK/out" '^"thermal_zones": "cpu-thermal \(thermal_zone0\), gpu-thermal \(thermal_zone1\)'
expect_in "$WORK/out" '^"freq_max_mhz": "1510"$'
expect_in "$WORK/out" '^"frequency_sensors": "scaling_cur_freq of 6 CPUs \(cpufreq\)"$'
EB_SYSFS_ROOT="$FIX/x86-rapl" run_eb 0 probe
expect_in "$WORK/out" '^"power_sensors": "package-0 \(rapl intel-rapl:0\)'
expect_in "$WORK/out" '^"caches": "L1d 48 KiB, L1i 32 KiB, L2 1280 KiB, L3 24 MiB"$'

# bad usage
run_eb 2 probe --format xml
expect_in "$WORK/err" 'probe: --format xml: expected yaml or json'
run_eb 2 probe --bogus
expect_in "$WORK/err" "edgebench probe: unknown option '--bogus'"
run_eb 2 probe -o /nonexistent-dir/x.yaml
expect_in "$WORK/err" 'cannot write /nonexistent-dir/x.yaml'
finish
