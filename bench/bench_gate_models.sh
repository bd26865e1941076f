#!/usr/bin/env bash
# The CI gate on real models the project has never seen (issue 16): models
# are generated here with fresh random weights and shapes no fixture has
# (a conv stem, N residual-free conv+relu blocks, pool, a classifier; the
# seed picks the channel width and input size), run on a real backend, and
# judged like bench_gate_ci.sh does (two `edgebench run`s, then `gate
# --confirm`, 5% max_regression_pct):
#   A/A      the same model twice                    target: never fails
#   slower   candidate has more blocks than baseline target: always fails
#   faster   candidate has fewer blocks              target: never fails
# (six blocks against four: about +45% of the work; two against four: -45%).
# MODE "confirm" measures the two sides in two runs, "ab" interleaved with
# `edgebench ab` (AB_ROUNDS ABBA rounds); both then run gate --confirm.
#
# METRIC is the budget's metric: latency_p50_ms (wall time), or cpu_p50_ms
# (the process's CPU time per inference, which competing load barely moves).
#
#   bench/bench_gate_models.sh BUILD_DIR [TRIALS] [MODELS] [BACKEND] [MEASURE_MS] [MODE] [AB_ROUNDS] [METRIC]
# Run it beside load (two busy loops) to see a shared runner.
set -u
BUILD=${1:?usage: bench_gate_models.sh BUILD_DIR [TRIALS] [MODELS] [BACKEND] [MEASURE_MS]}
TRIALS=${2:-5}
MODELS=${3:-3}
BACKEND=${4:-simd}
MEASURE_MS=${5:-300}
MODE=${6:-confirm}
AB_ROUNDS=${7:-2}
METRIC=${8:-latency_p50_ms}
REPS=${REPS:-2} # run.repetitions per side (docs/ci-gating.md: one run cannot show the machine moving)
BUILD=$(cd "$BUILD" && pwd)
EB="$BUILD/harness/edgebench"
PY=/usr/bin/python3
W=$(mktemp -d /tmp/bench_gate_models.XXXXXX)
. "$(dirname "$0")/gate_pair.sh"
trap 'rm -rf "$W"' EXIT

# model SEED BLOCKS FILE: a new network, weights from SEED
model() {
    "$PY" - "$1" "$2" "$3" <<'PY' || exit 3
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
seed, blocks, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(seed)
width = int(rng.choice([12, 20, 24, 28]))
size = int(rng.choice([48, 56, 72, 80]))
inits, nodes = [], []
def w(name, shape):
    fan_in = int(np.prod(shape[1:]))
    inits.append(numpy_helper.from_array(
        (rng.standard_normal(shape) * (2.0 / fan_in) ** 0.5).astype(np.float32), name))
    return name
def conv(x, cin, cout, k, stride, i):
    y = f"c{i}"
    nodes.append(helper.make_node("Conv", [x, w(f"w{i}", [cout, cin, k, k]), w(f"b{i}", [cout])],
                                  [y], kernel_shape=[k, k], strides=[stride, stride],
                                  pads=[k // 2] * 4))
    nodes.append(helper.make_node("Relu", [y], [f"r{i}"]))
    return f"r{i}"
x = conv("input", 3, width, 3, 2, 0)
for b in range(blocks):
    x = conv(x, width, width, 3, 1, b + 1)
nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"]))
nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], axis=1))
nodes.append(helper.make_node("Gemm", ["flat", w("fc_w", [10, width]), w("fc_b", [10])], ["logits"],
                              transB=1))
g = helper.make_graph(nodes, f"unseen_{seed}_{blocks}",
                      [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, size, size])],
                      [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(m)
onnx.save(m, path)
print(f"width {width}, input {size}x{size}, {blocks} blocks")
PY
}
scenario() { # FILE MODEL
    cat >"$1" <<YAML
edgebench: 1
name: unseen
model:
  path: $2
backends:
  - name: $BACKEND
    threads: 1
run:
  repetitions: $REPS
  warmup: {iterations: 10, min_time_ms: 50}
  measure: {iterations: 1, min_time_ms: $MEASURE_MS, max_time_ms: 20000}
  timeout_s: 120
YAML
}
printf 'budgets:\n  - {name: model median, metric: %s, max_regression_pct: 5}\n' "$METRIC" >"$W/budgets.yaml"
echo "bench_gate_models: mode $MODE, metric $METRIC, $MODELS new models, $TRIALS trials each of A/A, slower, faster; backend $BACKEND, $REPS repetitions of $MEASURE_MS ms measured per run, 5% budget, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
names=(A/A slower faster)
fails=(0 0 0) inconc=(0 0 0) total=0
t0=$(date +%s)
for m in $(seq 1 "$MODELS"); do
    seed=$((1000 + m * 7919))
    echo "model $m (seed $seed): $(model "$seed" 4 "$W/m4.onnx")"
    model "$seed" 6 "$W/m6.onnx" >/dev/null
    model "$seed" 2 "$W/m2.onnx" >/dev/null
    scenario "$W/m4.yaml" "$W/m4.onnx"
    scenario "$W/m6.yaml" "$W/m6.onnx"
    scenario "$W/m2.yaml" "$W/m2.onnx"
    cands=("$W/m4.yaml" "$W/m6.yaml" "$W/m2.yaml")
    for t in $(seq 1 "$TRIALS"); do
        line=$(printf '  %3d |' "$t")
        for k in 0 1 2; do
            gate_pair "$W/m4.yaml" "${cands[$k]}" 60
            rc=$GATE_RC
            [ $rc = 1 ] && fails[$k]=$((fails[$k] + 1))
            [ $rc = 4 ] && inconc[$k]=$((inconc[$k] + 1))
            verdict=$("$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"][0]; print(c["verdict"], "%+.1f%%" % c["change_pct"] if c["change_pct"] is not None else "")' "$W/g.json")
            line+=$(printf ' %-6s %-18s exit %d |' "${names[$k]}" "$verdict" "$rc")
        done
        echo "$line"
        total=$((total + 1))
    done
done
echo
echo "$((($(date +%s) - t0))) s"
ok=1
for k in 0 1 2; do
    if [ $k = 1 ]; then target="fails $total/$total"; pass=$(( fails[$k] == total ))
    else target="fails 0/$total"; pass=$(( fails[$k] == 0 )); fi
    [ $pass = 1 ] || ok=0
    printf '%-7s gate failed %2d/%d, inconclusive (exit 4) %d  target %s  %s\n' "${names[$k]}" \
        "${fails[$k]}" "$total" "${inconc[$k]}" "$target" "$([ $pass = 1 ] && echo ok || echo MISSED)"
done
[ $ok = 1 ]
