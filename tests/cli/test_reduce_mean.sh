#!/usr/bin/env bash
# ReduceMean (the mean over chosen axes, e.g. MnasNet's x.mean([2, 3]) as
# PyTorch exports it) as a user meets it: node tests written here from
# NumPy's mean, in the ONNX node-test layout, pass `edgebench conformance
# --dir` on ref and simd (axes as an attribute up to opset 17 and as an input
# from opset 18, keepdims 0 and 1, negative axes, every axis, an empty axes
# list with noop_with_empty_axes); over the spatial axes it equals
# GlobalAveragePool to the bit; a repeated or out-of-range axis is refused by
# inspect with exit 2 naming the file and the node, and axes known only at
# run time are refused by ref with that reason.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import onnx, numpy' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks onnx/numpy (tools/install-deps.sh)"
    exit 77
fi

"$PY" - "$WORK" <<'PYEOF' || fail "writing the node tests failed"
import os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(7)

def case(name, shape, opset, axes=None, keepdims=None, axes_input=False, noop=None):
    x = rng.standard_normal(shape).astype(np.float32) * 3
    attrs = {}
    if keepdims is not None:
        attrs["keepdims"] = keepdims
    if noop is not None:
        attrs["noop_with_empty_axes"] = noop
    inputs, inits = ["x"], []
    if axes is not None and not axes_input:
        attrs["axes"] = axes
    if axes is not None and axes_input:
        inputs.append("axes")
        inits.append(numpy_helper.from_array(np.array(axes, dtype=np.int64), "axes"))
    kd = 1 if keepdims is None else keepdims
    if axes is None or (axes_input and len(axes) == 0):
        y = x.copy() if noop else x.mean(axis=None, keepdims=bool(kd))
    else:
        y = x.mean(axis=tuple(axes), keepdims=bool(kd))
    y = np.asarray(y, dtype=np.float32)
    node = helper.make_node("ReduceMean", inputs, ["y"], **attrs)
    g = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, y.shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    d = os.path.join(out, "node", "test_" + name)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    onnx.save(m, os.path.join(d, "model.onnx"))
    for k, (nm, v) in enumerate([("x", x)]):
        with open(os.path.join(d, "test_data_set_0", f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v, nm).SerializeToString())
    with open(os.path.join(d, "test_data_set_0", "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(y, "y").SerializeToString())

case("rm_spatial_keep0", [2, 16, 7, 7], 13, axes=[2, 3], keepdims=0)
case("rm_spatial_keep1", [1, 32, 5, 9], 13, axes=[2, 3], keepdims=1)
case("rm_channel", [3, 5, 4], 13, axes=[1], keepdims=1)
case("rm_negative", [2, 3, 4, 5], 11, axes=[-1, -3], keepdims=0)
case("rm_all_default", [4, 6, 3], 13)
case("rm_opset18_input", [2, 8, 6, 6], 18, axes=[3, 2], keepdims=0, axes_input=True)
case("rm_opset18_noop", [2, 3, 4], 18, axes=[], axes_input=True, noop=1)

# the same mean as GlobalAveragePool, for the bit-for-bit check
x = rng.standard_normal([1, 24, 7, 7]).astype(np.float32)
for op, kw in [("ReduceMean", {"axes": [2, 3], "keepdims": 1}), ("GlobalAveragePool", {})]:
    node = helper.make_node(op, ["x"], ["y"], **kw)
    g = helper.make_graph([node], op, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 24, 7, 7])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 24, 1, 1])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, f"{op}.onnx"))

# hostile: a repeated axis, an axis out of range, axes only known at run time
for name, axes, extra in [("dup", [1, 1], None), ("range", [4], None), ("runtime", None, "axes")]:
    inputs = ["x"] + ([extra] if extra else [])
    kw = {"axes": axes} if axes else {}
    node = helper.make_node("ReduceMean", inputs, ["y"], **kw)
    ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4, 5])]
    if extra:
        ins.append(helper.make_tensor_value_info("axes", TensorProto.INT64, [1]))
    g = helper.make_graph([node], name, ins, [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 18 if extra else 13)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, f"bad_{name}.onnx"))
PYEOF

# 1. the node tests, on ref and on simd
for b in ref simd; do
    run_eb 0 conformance --backend "$b" --dir "$WORK/node" -v
    expect_in "$WORK/out" "conformance $b: 7 passed, 0 failed, 0 skipped"
    expect_in "$WORK/out" 'rm_opset18_input'
done

# 2. over H and W it is GlobalAveragePool to the bit (seeded inputs, stored outputs)
for op in ReduceMean GlobalAveragePool; do
    cat >"$WORK/$op.yaml" <<YEOF
edgebench: 1
name: rm_$op
model: {path: $op.onnx}
inputs: {kind: random, seed: 5, distribution: normal, mean: 0.0, std: 1.0}
backends: [{name: ref, threads: 1}]
run: {warmup: {iterations: 1}, measure: {iterations: 3, min_time_ms: 0}, repetitions: 1}
outputs: {store: on, max_samples: 3}
conditions: [{name: plain, kind: plain}]
YEOF
    run_eb 0 run "$WORK/$op.yaml" -o "$WORK/$op.h5" --quiet
done
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK" <<'PYEOF' || fail "ReduceMean over H, W differs from GlobalAveragePool"
import sys, h5py, numpy as np
w = sys.argv[1]
def outs(op):
    with h5py.File(f"{w}/{op}.h5") as f:
        return np.asarray(f["runs/000001/outputs/y"]).ravel()
a, b = outs("ReduceMean"), outs("GlobalAveragePool")
assert a.size >= 24 and a.tobytes() == b.tobytes(), (a[:4], b[:4])
PYEOF

# 3. hostile axes: refused with the file, the node and the reason
run_eb 2 inspect "$WORK/bad_dup.onnx"
expect_in "$WORK/err" 'bad_dup.onnx.*ReduceMean.*axis 1 is listed twice'
run_eb 2 inspect "$WORK/bad_range.onnx"
expect_in "$WORK/err" 'bad_range.onnx.*axis 4 is out of range for rank 4'
run_eb 0 inspect "$WORK/bad_runtime.onnx"
expect_in "$WORK/out" 'axes are only known at run time'
finish
