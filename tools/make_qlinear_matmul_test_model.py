#!/usr/bin/python3
"""Generate tests/data/qdq/qlinear_matmul.onnx for tests/test_simd_backend.c:
QLinearMatMul nodes (the QOperator format's fully connected layer) in the
forms simd runs, each checked byte for byte against ref on 1 and 2 threads:

  x uint8 [2,3,40] -> mm1 (int8 b [40,24], per-column scales)
                   -> mm2 (uint8 b [24,10], zero point 131: centred weights
                           outside int8) -> y uint8 [2,3,10]
  v int8 [1,64]    -> mm3 (int8 b [64,5], per-column; one row: the
                           matrix-vector kernels) -> z int8 [1,5]
  u int8 [33]      -> mm4 (1-D a, int8 b [33,17], per-tensor) -> t int8 [17]

    /usr/bin/python3 tools/make_qlinear_matmul_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "qdq",
                   "qlinear_matmul.onnx")
rng = np.random.default_rng(2026)


def const(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def mm(name, a, a_q, b, b_q, y, y_q):
    return helper.make_node("QLinearMatMul", [a, *a_q, b, *b_q, *y_q], [y], name=name)


def main():
    inits = [
        const("sx", np.float32(0.02)), const("zx", np.uint8(128)),
        const("w1", rng.integers(-128, 128, (40, 24), dtype=np.int8)),
        const("sw1", (rng.random(24) * 0.01 + 0.002).astype(np.float32)),
        const("zw1", np.zeros(24, np.int8)),
        const("s1", np.float32(0.05)), const("z1", np.uint8(3)),
        const("w2", rng.integers(0, 256, (24, 10), dtype=np.uint8)),
        const("sw2", np.float32(0.004)), const("zw2", np.uint8(131)),
        const("sy", np.float32(0.1)), const("zy", np.uint8(120)),
        const("sv", np.float32(0.03)), const("zv", np.int8(-5)),
        const("w3", rng.integers(-128, 128, (64, 5), dtype=np.int8)),
        const("sw3", (rng.random(5) * 0.01 + 0.002).astype(np.float32)),
        const("zw3", np.zeros(5, np.int8)),
        const("s3", np.float32(0.2)), const("z3", np.int8(7)),
        const("su", np.float32(0.025)), const("zu", np.int8(0)),
        const("w4", rng.integers(-128, 128, (33, 17), dtype=np.int8)),
        const("sw4", np.float32(0.006)), const("zw4", np.int8(0)),
        const("s4", np.float32(0.15)), const("z4", np.int8(-2)),
    ]
    nodes = [
        mm("mm1", "x", ["sx", "zx"], "w1", ["sw1", "zw1"], "h", ["s1", "z1"]),
        mm("mm2", "h", ["s1", "z1"], "w2", ["sw2", "zw2"], "y", ["sy", "zy"]),
        mm("mm3", "v", ["sv", "zv"], "w3", ["sw3", "zw3"], "z", ["s3", "z3"]),
        mm("mm4", "u", ["su", "zu"], "w4", ["sw4", "zw4"], "t", ["s4", "z4"]),
    ]
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes, "qlinear_matmul",
        [vi("x", TensorProto.UINT8, [2, 3, 40]), vi("v", TensorProto.INT8, [1, 64]),
         vi("u", TensorProto.INT8, [33])],
        [vi("y", TensorProto.UINT8, [2, 3, 10]), vi("z", TensorProto.INT8, [1, 5]),
         vi("t", TensorProto.INT8, [17])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools", producer_version="1")
    onnx.checker.check_model(m)
    onnx.save(m, os.path.normpath(OUT))


if __name__ == "__main__":
    main()
