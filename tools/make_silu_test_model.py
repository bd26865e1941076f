#!/usr/bin/python3
"""Generate tests/data/models/silu_se.onnx: the SiLU and squeeze-excite
patterns of EfficientNet in miniature, for tests/test_simd_backend.c.

x[1,15,9,11] -> Conv(3x3, 15->15) -> Sigmoid -> Mul(c, s)      SiLU
             -> GlobalAveragePool -> Conv(1x1, 15->4)
             -> Sigmoid -> Mul(s2, g)                           SiLU, operands swapped
             -> Conv(1x1, 4->15) -> Sigmoid -> Mul(silu, gate)  the excite (broadcast)
             -> Sigmoid                                         plain, the graph output
1485 elements a plane set: not a multiple of any vector width.

    /usr/bin/python3 tools/make_silu_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "models")
rng = np.random.default_rng(4321)


def arr(name, *shape, scale=1.0):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def main():
    inits = [arr("w1", 15, 15, 3, 3, scale=0.5), arr("b1", 15), arr("w2", 4, 15, 1, 1),
             arr("b2", 4), arr("w3", 15, 4, 1, 1), arr("b3", 15)]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Sigmoid", ["c"], ["s"], name="sig"),
        helper.make_node("Mul", ["c", "s"], ["silu"], name="silu"),
        helper.make_node("GlobalAveragePool", ["silu"], ["g"], name="gap"),
        helper.make_node("Conv", ["g", "w2", "b2"], ["r"], name="reduce", kernel_shape=[1, 1]),
        helper.make_node("Sigmoid", ["r"], ["s2"], name="sig2"),
        helper.make_node("Mul", ["s2", "r"], ["rs"], name="silu2"),
        helper.make_node("Conv", ["rs", "w3", "b3"], ["e"], name="expand", kernel_shape=[1, 1]),
        helper.make_node("Sigmoid", ["e"], ["gate"], name="sig3"),
        helper.make_node("Mul", ["silu", "gate"], ["se"], name="excite"),
        helper.make_node("Sigmoid", ["se"], ["y"], name="sig4"),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 15, 9, 11])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 15, 9, 11])
    m = helper.make_model(helper.make_graph(nodes, "silu_se", [x], [y], inits),
                          opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools", producer_version="1")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, "silu_se.onnx"))


if __name__ == "__main__":
    main()
