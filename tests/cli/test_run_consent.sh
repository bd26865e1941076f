#!/usr/bin/env bash
# A scenario and a results file are data (docs/security.md): a
# metrics.power_command runs only with --allow-commands, validate says so,
# and gate --confirm never runs the command stored in the results file it
# judges (editing that stored scenario must not be a way to run code).
. "$(dirname "$0")/lib.sh"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
MARK="$WORK/meter-ran"
cat >"$WORK/meter.yaml" <<YAML
edgebench: 1
name: meter
model:
  path: $MODEL
inputs: {kind: random, seed: 3}
backends: [ref]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 20, min_time_ms: 50, max_time_ms: 2000}
metrics:
  power: command
  power_command: "touch $MARK; echo 2 W"
  sample_period_ms: 10
budgets:
  - {metric: latency_p50_ms, max: 0.0000001}
YAML

# ---- run: refused without the flag, runs with it ---------------------------
run_eb 2 run "$WORK/meter.yaml" -o "$WORK/m.h5"
expect_in "$WORK/err" "meter.yaml:12:18: metrics.power_command runs the shell command 'touch .*meter-ran; echo 2 W' on this machine"
expect_in "$WORK/err" 'add --allow-commands if you trust this file'
CHECKS=$((CHECKS + 1))
[ -e "$MARK" ] && fail "the command ran without --allow-commands"
CHECKS=$((CHECKS + 1))
[ -e "$WORK/m.h5" ] && fail "a refused run created its results file"
# given on the command line it still needs the flag
sed '/power_command/d' "$WORK/meter.yaml" >"$WORK/plain.yaml"
run_eb 2 run "$WORK/plain.yaml" -o "$WORK/p.h5" --set "metrics.power_command=touch $MARK"
expect_in "$WORK/err" "plain.yaml: --set metrics.power_command=touch .*: metrics.power_command runs"
run_eb 0 validate "$WORK/meter.yaml"
expect_in "$WORK/err" 'note: .*meter.yaml:12:18: metrics.power_command runs a shell command on this machine: run and farm need --allow-commands'
run_eb 0 run "$WORK/meter.yaml" -o "$WORK/m.h5" --allow-commands
CHECKS=$((CHECKS + 1))
[ -e "$MARK" ] || fail "the allowed command did not run"

# ---- gate --confirm: the stored command is not run -------------------------
rm -f "$MARK"
run_eb 1 gate "$WORK/m.h5" --confirm
expect_in "$WORK/err" "the scenario 'meter' stored in the results file has metrics.power_command \('touch .*'\); the re-run does not run commands from the file it judges"
expect_in "$WORK/err" "confirming meter on .*: round 1, re-running the candidate's cells 0$"
expect_in "$WORK/out" 'confirmed by a re-run'
CHECKS=$((CHECKS + 1))
[ -e "$MARK" ] && fail "gate --confirm ran the command stored in the results file"
# a stored scenario edited to carry a command (a file from elsewhere)
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    run_eb 0 run "$WORK/plain.yaml" -o "$WORK/p.h5"
    /usr/bin/python3 - "$WORK/p.h5" "$MARK" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    g = f["scenarios/meter"]
    y = g.attrs["yaml"]
    y = y.decode() if isinstance(y, bytes) else y
    g.attrs["yaml"] = y.replace("metrics:\n", "metrics:\n  power_command: \"touch %s\"\n" % sys.argv[2])
PY
    run_eb 1 gate "$WORK/p.h5" --confirm --allow-commands
    expect_in "$WORK/err" 'the re-run does not run commands from the file it judges'
    CHECKS=$((CHECKS + 1))
    [ -e "$MARK" ] && fail "gate --confirm ran a command edited into the results file"
fi
run_eb 2 gate "$WORK/m.h5" --allow-commands
expect_in "$WORK/err" '--allow-commands, --confirm-budget and --baseline-program only apply with --confirm'
finish
