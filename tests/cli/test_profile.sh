#!/usr/bin/env bash
# edgebench profile: per-node and per-op-type time of one inference from the
# backend's profile hook, as a user runs it. Checked on the Fashion CNN and
# the MobileNet-v2 fixture on ref and simd: every node of the model is
# listed (the same nodes inspect lists), Conv/Gemm nodes are timed, the op
# sums are the sums of their nodes, and the JSON agrees with the text.
# Nothing here depends on how long anything took: how close the nodes' sum
# comes to the inference (the Done-when's 5%) is measured by
# bench/bench_profile.sh. Errors: a backend without the hook, an unknown
# backend, a truncated model, bad options -> exit 2 with the reason.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
# onednn times its primitives (a node fused into another's primitive is
# untimed); checked where the plugin is available
BACKENDS="ref simd"
if "$EDGEBENCH" backends 2>/dev/null | grep -Eq '^onednn +available'; then
    BACKENDS="$BACKENDS onednn"
else
    echo "note: onednn unavailable here, its profile not checked"
fi
for model in models/fashion/fp32.onnx models/mobilenet_v2/mobilenet_v2_050_96.onnx; do
    for b in $BACKENDS; do
        run_eb 0 profile "$EB_SOURCE_DIR/$model" --backend $b --iterations 20 --warmup 2 --format json
        cp "$WORK/out" "$WORK/p.json"
        run_eb 0 inspect "$EB_SOURCE_DIR/$model" --format json --backend ref
        cp "$WORK/out" "$WORK/i.json"
        CHECKS=$((CHECKS + 1))
        "$PY" - "$WORK/p.json" "$WORK/i.json" <<'PY' || fail "$model on $b: the profile is inconsistent"
import json, sys
p, i = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
nodes = p["nodes"]
want = [n["name"] for n in i["graph"]]
assert [n["name"] for n in nodes] == want, ([n["name"] for n in nodes][:5], want[:5])
heavy = [n for n in nodes if n["op"] in ("Conv", "Gemm", "MatMul")]
assert heavy and all(n["median_ns"] is not None and n["median_ns"] > 0 for n in heavy), heavy[:3]
sums = {}
for n in nodes:
    if n["median_ns"] is not None:
        s = sums.setdefault(n["op"], [0, 0])
        s[0] += 1
        s[1] += n["median_ns"]
assert {o["op"]: [o["nodes"], o["sum_of_medians_ns"]] for o in p["ops"]} == sums
assert p["nodes_sum_ns"] == sum(v[1] for v in sums.values())
assert p["inference_p50_ns"] > 0 and p["iterations"] == 20 and p["warmup"] == 2
assert abs(p["coverage"] - p["nodes_sum_ns"] / p["inference_p50_ns"]) < 1e-3
PY
    done
done
run_eb 0 profile "$EB_SOURCE_DIR/models/fashion/fp32.onnx" --backend simd --iterations 10
expect_in "$WORK/out" '^edgebench profile .* on simd \(1 thread\): 10 inferences after 20 warm-up$'
expect_in "$WORK/out" '^inference p50 [0-9.]+ µs; the [0-9]+ timed nodes. medians sum to [0-9.]+ µs \([0-9.]+% of it\)$'
expect_in "$WORK/out" '^/conv2/Conv +Conv +[0-9.]+ +[0-9.]+$'
expect_in "$WORK/out" '^Conv +2 +[0-9.]+ +[0-9.]+$'
expect_in "$WORK/out" '^/Relu +Relu +- +-$'

# errors
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
run_eb 2 profile "$EB_SOURCE_DIR/models/fashion/fp32.onnx" --backend chaos
expect_in "$WORK/err" "backend 'chaos' has no per-node profile"
run_eb 2 profile "$EB_SOURCE_DIR/models/fashion/fp32.onnx" --backend nosuch
expect_in "$WORK/err" "unknown backend 'nosuch'"
head -c 3000 "$EB_SOURCE_DIR/models/fashion/fp32.onnx" >"$WORK/cut.onnx"
run_eb 2 profile "$WORK/cut.onnx"
expect_in "$WORK/err" "cut.onnx"
run_eb 2 profile "$EB_SOURCE_DIR/models/fashion/fp32.onnx" --iterations 0
expect_in "$WORK/err" "--iterations takes an integer from 1 to 100000"
run_eb 2 profile "$EB_SOURCE_DIR/models/fashion/fp32.onnx" --option nokey
expect_in "$WORK/err" "--option takes KEY=VALUE"
run_eb 2 profile "$EB_SOURCE_DIR/models/fashion/fp32.onnx" --backend simd --option nosuch=1
expect_in "$WORK/err" "nosuch"
run_eb 0 profile --help
expect_in "$WORK/out" '--iterations N'
finish
