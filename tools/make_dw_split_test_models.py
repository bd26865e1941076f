#!/usr/bin/python3
"""Generate the depthwise split fixtures of tests/test_simd_backend.c:

  tests/data/models/dw_split.onnx        fp32
  tests/data/qdq/qlinear_dw_split.onnx   the same layers as QLinearConv (uint8
                                         activations, per-channel int8 weights)

x[1,300,12,12] -> depthwise 3x3/1 (+ Clip 0..6 in fp32) -> depthwise 3x3/2 -> y[1,300,6,6]

Below AVX-512 (the portable and AVX2 kernels, which the test runs on every
x86 host) both layers run channels-last on simd (planes under 16 wide). With
two threads they have too few rows to share, so they are split into blocks
of channels (eight blocks of 40 lanes); 300 channels are not a multiple of
16, so the last block is ragged. With AVX-512 kernels the planes are read in
place instead (simd_vec_dwconv.h's dw_small_plane). Byte-exact (int8) and within
tolerance (fp32) against ref is what the test checks.

  tests/data/models/dw_bands.onnx, tests/data/qdq/qlinear_dw_bands.onnx
                                         one 5x5 depthwise layer, 600 x 40 x 40:
                                         several channels-last bands per task
                                         on any host (see bands())

    /usr/bin/python3 tools/make_dw_split_test_models.py
The outputs are committed; re-running rewrites them deterministically.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
C, H = 300, 12
rng = np.random.default_rng(1906)


def const(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def save(nodes, inits, x_type, y_type, path, x_shape=(1, C, H, H),
         y_shape=(1, C, H // 2, H // 2), name="dw_split"):
    x = helper.make_tensor_value_info("x", x_type, list(x_shape))
    y = helper.make_tensor_value_info("y", y_type, list(y_shape))
    m = helper.make_model(helper.make_graph(nodes, name, [x], [y], inits),
                          opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools", producer_version="1")
    onnx.checker.check_model(m)
    onnx.save(m, os.path.normpath(path))


def dw(inputs, out, name, stride):
    return helper.make_node("Conv" if len(inputs) == 3 else "QLinearConv", inputs, [out],
                            name=name, group=C, kernel_shape=[3, 3], strides=[stride, stride],
                            pads=[1, 1, 1, 1])


def fp32():
    w1, w2 = (rng.standard_normal((C, 1, 3, 3)).astype(np.float32) * 0.5 for _ in range(2))
    b1, b2 = (rng.standard_normal(C).astype(np.float32) * 0.1 for _ in range(2))
    nodes = [dw(["x", "w1", "b1"], "a", "dw1", 1),
             helper.make_node("Clip", ["a", "lo", "hi"], ["r"], name="relu6"),
             dw(["r", "w2", "b2"], "y", "dw2", 2)]
    inits = [const("w1", w1), const("b1", b1), const("w2", w2), const("b2", b2),
             const("lo", np.float32(0)), const("hi", np.float32(6))]
    save(nodes, inits, TensorProto.FLOAT, TensorProto.FLOAT,
         os.path.join(ROOT, "models", "dw_split.onnx"))


def int8():
    inits = [const("sx", np.float32(0.02)), const("zx", np.uint8(128)),
             const("s1", np.float32(0.05)), const("z1", np.uint8(3)),
             const("s2", np.float32(0.08)), const("z2", np.uint8(120))]
    for k in (1, 2):
        inits += [const(f"w{k}", rng.integers(-127, 128, (C, 1, 3, 3), dtype=np.int8)),
                  const(f"sw{k}", (rng.random(C) * 0.01 + 0.002).astype(np.float32)),
                  const(f"zw{k}", np.zeros(C, np.int8)),
                  const(f"b{k}", rng.integers(-2000, 2000, C, dtype=np.int32))]
    nodes = [dw(["x", "sx", "zx", "w1", "sw1", "zw1", "s1", "z1", "b1"], "a", "qdw1", 1),
             dw(["a", "s1", "z1", "w2", "sw2", "zw2", "s2", "z2", "b2"], "y", "qdw2", 2)]
    save(nodes, inits, TensorProto.UINT8, TensorProto.UINT8,
         os.path.join(ROOT, "qdq", "qlinear_dw_split.onnx"))


def bands():
    """A channels-last step too large for one band on any host (bands are
    at most 1 MiB): 600 channels, 40x40, a 5x5 window (channels-last at any
    width), so every task copies several bands and moves the rows two
    bands share."""
    c, h = 600, 40
    shape = (1, c, h, h)
    w = (rng.standard_normal((c, 1, 5, 5)) * 0.2).astype(np.float32)
    b = (rng.standard_normal(c) * 0.1).astype(np.float32)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="dw5", group=c,
                            kernel_shape=[5, 5], pads=[2, 2, 2, 2])
    save([node], [const("w", w), const("b", b)], TensorProto.FLOAT, TensorProto.FLOAT,
         os.path.join(ROOT, "models", "dw_bands.onnx"), shape, shape, "dw_bands")
    inits = [const("sx", np.float32(0.02)), const("zx", np.uint8(128)),
             const("wq", rng.integers(-127, 128, (c, 1, 5, 5), dtype=np.int8)),
             const("sw", (rng.random(c) * 0.01 + 0.002).astype(np.float32)),
             const("zw", np.zeros(c, np.int8)),
             const("sy", np.float32(0.1)), const("zy", np.uint8(120)),
             const("bq", rng.integers(-2000, 2000, c, dtype=np.int32))]
    node = helper.make_node("QLinearConv", ["x", "sx", "zx", "wq", "sw", "zw", "sy", "zy", "bq"],
                            ["y"], name="qdw5", group=c, kernel_shape=[5, 5], pads=[2, 2, 2, 2])
    save([node], inits, TensorProto.UINT8, TensorProto.UINT8,
         os.path.join(ROOT, "qdq", "qlinear_dw_bands.onnx"), shape, shape, "qlinear_dw_bands")


if __name__ == "__main__":
    fp32()
    int8()
    bands()
