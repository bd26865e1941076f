#!/usr/bin/env bash
# ctest-labels: timing
# An external power meter given as a command (metrics.power_command): one
# printing watts, one printing a joule counter, one that fails. The run
# records the meter's energy; a failing meter is unavailable, not fatal.
# The joule meter counts by the clock, and a command's read is stamped with
# the middle of its fork-exec-read: real time, so the `timing` group, and
# within 5% (the wiring); the counter arithmetic is exact in test_sensor.c.
. "$(dirname "$0")/lib.sh"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
if ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks h5py (python3-h5py)"; exit 77
fi

# a USB meter that reads 3.25 W
printf '#!/bin/sh\necho "3.25 W"\n' >"$WORK/watts.sh"
# a lab supply's energy counter: 2 J per second since the epoch second it
# was made (bash's clock, microseconds)
cat >"$WORK/joules.sh" <<'EOF2'
#!/bin/bash
now=${EPOCHREALTIME/./}
echo "$(( (now - T0) * 2 / 1000 )) mJ"
EOF2
chmod +x "$WORK/watts.sh" "$WORK/joules.sh"
export T0=${EPOCHREALTIME/./}

scenario() { # FILE COMMAND
    cat >"$1" <<EOF2
edgebench: 1
model: {path: $MODEL}
backends: [ref]
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 10, min_time_ms: 1000}
metrics: {power: command, power_command: "$2", sample_period_ms: 20, sysfs_root: empty}
EOF2
}
mkdir -p "$WORK/empty"
metrics() { /usr/bin/python3 - "$@" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
m = f["runs"]["000001"]["metrics"].attrs
for k in sys.argv[2:]:
    v = m.get(k)
    print(f"{k}={v.decode() if isinstance(v, bytes) else v}")
PY
}

scenario "$WORK/w.yaml" "$WORK/watts.sh"
run_eb 0 run "$WORK/w.yaml" -o "$WORK/w.h5" --allow-commands
metrics "$WORK/w.h5" power_mean_w energy_j sensors >"$WORK/m"
cat "$WORK/m"
expect_in "$WORK/m" '^power_mean_w=3\.2(5|50000000+[0-9]*|4999999+[0-9]*)$'
expect_in "$WORK/m" '^sensors=power_w: command \(command\)$'

scenario "$WORK/j.yaml" "$WORK/joules.sh"
run_eb 0 run "$WORK/j.yaml" -o "$WORK/j.h5" --allow-commands
metrics "$WORK/j.h5" power_mean_w energy_j >"$WORK/m"
cat "$WORK/m"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 -c '
import sys
m = dict(l.strip().split("=", 1) for l in open(sys.argv[1]))
p = float(m["power_mean_w"])
assert abs(p - 2.0) <= 0.10, f"mean power {p:.4f} W, known 2 W (5%)"   # the counter advances 2 J/s
' "$WORK/m" || fail "joule meter: mean power is not 2 W"

# a meter that prints nonsense: the cell still runs, power is unavailable
printf '#!/bin/sh\necho "volts: 5"\n' >"$WORK/bad.sh"
chmod +x "$WORK/bad.sh"
scenario "$WORK/b.yaml" "$WORK/bad.sh"
run_eb 0 run "$WORK/b.yaml" -o "$WORK/b.h5" --allow-commands
metrics "$WORK/b.h5" energy_j sensors_unavailable >"$WORK/m"
expect_in "$WORK/m" '^energy_j=None$'
expect_in "$WORK/m" "^sensors_unavailable=power: meter command '.*bad.sh' printed 'volts: 5': expected a number of watts or joules"
finish
