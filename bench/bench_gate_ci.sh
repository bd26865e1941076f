#!/usr/bin/env bash
# Proof of the CI gate as CI runs it (issue 16), the successor of
# bench_gate_aa_ab for the whole command: every trial is a baseline run, a
# candidate run (separate `edgebench run` sessions, like two CI steps) and
# `edgebench gate CANDIDATE --baseline BASE --confirm` with a 5%
# max_regression_pct budget; what counts is gate's exit code.
#
# Candidates (the test plugin "chaos" busy-waits delay_us per inference;
# each side has its own scenario file with the delay in it, so --confirm
# re-runs each side's own stored scenario):
#   A/A   1000 us against 1000 us        target: never fails
#   +3%   1030 us                        target: never fails (within 5%)
#   +10%  1100 us                        target: fails in >= 90% of trials
#   -20%   800 us                        target: never fails
#
# Modes: "confirm" (default): two separate runs, then gate --confirm (its
# ABBA re-runs of both sides when a verdict is unstable or failing);
# "ab": `edgebench ab` measures both sides interleaved in one job (ABBA,
# AB_ROUNDS rounds, default 2), then the same gate --confirm.
#
#   bench/bench_gate_ci.sh BUILD_DIR [TRIALS] [MEASURE_MS] [CONFIRM_BUDGET_S] [MODE] [AB_ROUNDS]
#   make gate-proof-ci
# Run it beside load to see the gate on a shared runner, e.g. two busy loops:
#   for i in 1 2; do (while :; do :; done) & done; ...; kill %1 %2
set -u
BUILD=${1:?usage: bench_gate_ci.sh BUILD_DIR [TRIALS] [MEASURE_MS] [CONFIRM_BUDGET_S]}
TRIALS=${2:-20}
MEASURE_MS=${3:-300}
BUDGET=${4:-60}
MODE=${5:-confirm}
AB_ROUNDS=${6:-2}
BUILD=$(cd "$BUILD" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
EB="$BUILD/harness/edgebench"
export EDGEBENCH_BACKEND_PATH="$BUILD/tests/backends"
W=$(mktemp -d /tmp/bench_gate_ci.XXXXXX)
. "$SRC/bench/gate_pair.sh"
trap 'rm -rf "$W"' EXIT
scenario() { # FILE DELAY_US
    cat >"$1" <<YAML
edgebench: 1
name: chaos-ab
model:
  path: $SRC/tests/data/models/tiny_conv.onnx
backends:
  - name: chaos
    options: {mode: ok, delay_us: $2}
run:
  warmup: {iterations: 20, min_time_ms: 20}
  measure: {iterations: 1, min_time_ms: $MEASURE_MS, max_time_ms: 20000}
  timeout_s: 60
YAML
}
printf 'budgets:\n  - {name: chaos median, metric: latency_p50_ms, max_regression_pct: 5}\n' >"$W/budgets.yaml"
names=(A/A +3% +10% -20%)
delays=(1000 1030 1100 800)
scenario "$W/base.yaml" 1000
for k in 0 1 2 3; do scenario "$W/cand$k.yaml" "${delays[$k]}"; done
fails=(0 0 0 0) inconc=(0 0 0 0) reruns=(0 0 0 0)
echo "bench_gate_ci: mode $MODE$([ "$MODE" = ab ] && echo " ($AB_ROUNDS ABBA rounds)"), $TRIALS trials, $MEASURE_MS ms measured per run, 5% budget, --confirm-budget $BUDGET s, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
t0=$(date +%s)
for t in $(seq 1 "$TRIALS"); do
    line=$(printf '%5d |' "$t")
    for k in 0 1 2 3; do
        gate_pair "$W/base.yaml" "$W/cand$k.yaml" "$BUDGET"
        rc=$GATE_RC
        [ $rc = 1 ] && fails[$k]=$((fails[$k] + 1))
        [ $rc = 4 ] && inconc[$k]=$((inconc[$k] + 1))
        first=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"][0]; m=c.get("first_message") or c["message"]; print(m.split(":")[0].split(" ")[0] if c["rerun"] else c["verdict"])' "$W/g.json")
        final=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"][0]; print(c["verdict"], "%+.1f%%" % c["change_pct"] if c["change_pct"] is not None else "", "r%d" % len([l for l in open(sys.argv[2]) if "re-running the candidate" in l]))' "$W/g.json" "$W/err")
        grep -q 're-running' "$W/err" && reruns[$k]=$((reruns[$k] + 1))
        line+=$(printf ' %-8s -> %-22s exit %d |' "$first" "$final" "$rc")
    done
    echo "$line"
done
echo
echo "$((($(date +%s) - t0))) s"
ok=1
for k in 0 1 2 3; do
    case $k in
        2) target="fails >= $(( (TRIALS * 9 + 9) / 10 ))/$TRIALS"; pass=$(( fails[$k] * 10 >= TRIALS * 9 )) ;;
        *) target="fails 0/$TRIALS"; pass=$(( fails[$k] == 0 )) ;;
    esac
    [ $pass = 1 ] || ok=0
    printf '%-5s gate failed %2d/%d, inconclusive (exit 4) %d (confirmation re-runs in %d)  target %s  %s\n' \
        "${names[$k]}" "${fails[$k]}" "$TRIALS" "${inconc[$k]}" "${reruns[$k]}" "$target" \
        "$([ $pass = 1 ] && echo ok || echo MISSED)"
done
[ $ok = 1 ]
