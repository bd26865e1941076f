#!/usr/bin/python3
"""Write a small float32 MLP as ONNX for the example plugin: every op the
example backend runs, with seeded weights (re-running gives the same file).

    x [1,1,4,4] -> Flatten -> Gemm(16->32, transB) -> Relu
                -> MatMul(32->10) -> Add(bias) -> Reshape [1,10] -> y

Usage: make_mlp.py OUT.onnx   (needs python3-onnx and python3-numpy)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(out):
    rng = np.random.default_rng(17)
    w1 = rng.normal(0, 0.5, (32, 16)).astype(np.float32)  # Gemm B with transB=1: [N, K]
    b1 = rng.normal(0, 0.1, (32,)).astype(np.float32)
    w2 = rng.normal(0, 0.5, (32, 10)).astype(np.float32)  # MatMul B: [K, N]
    b2 = rng.normal(0, 0.1, (10,)).astype(np.float32)
    shape = np.array([1, 10], dtype=np.int64)
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (shape, "shape"))]
    nodes = [
        helper.make_node("Flatten", ["x"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "w1", "b1"], ["h"], name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["h_relu"], name="relu1"),
        helper.make_node("MatMul", ["h_relu", "w2"], ["z"], name="fc2"),
        helper.make_node("Add", ["z", "b2"], ["z_bias"], name="bias2"),
        helper.make_node("Reshape", ["z_bias", "shape"], ["y"], name="reshape"),
    ]
    graph = helper.make_graph(
        nodes, "example_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="edgebench examples/plugin/make_mlp.py",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
