#!/usr/bin/python3
"""Generate tests/data/qdq/qlinear_conv_groups.onnx for tests/test_simd_backend.c:
int8 convolutions with a window that the simd GEMM runs over channel groups
(simd_plan_conv.c's conv_q8_blocked: the input regrouped into 4-byte
elements of KU channels, the window packed from them).

x[2,5,30,40] uint8 -> seven QLinearConv layers -> y[2,8,4,3] uint8:

  qc1  5 -> 12, 3x3, pad 1           channels not a multiple of 4 (nor 2)
  qc2  12 -> 10, 3x3/2, pads 0,1,1,0 asymmetric padding; int8 output
  qc3  10 -> 16, 3x3, dilation 2, pad 2, group 2 (5 channels a group)
  qc4  16 -> 9, 1x3, stride 1,2, pad 0,1
  qc5  9 -> 7, 5x5, pad 2, weight zero point -100: centred weights past the
       int8 range, so VNNI builds take the int16 pair format (KU 2)
  qc6  7 -> 6, 1x1/2                 a one-tap window that is not pointwise
  qc7  6 -> 8, 3x3/2, pad 1          a 4x3 output: 7-column panels over rows

Batch 2, and planes from 1200 positions (the wide kernels' 32-column
panels) down to a dozen (the 7-column ones, rows shorter than a panel).
The outputs are committed; re-running rewrites them deterministically:

    /usr/bin/python3 tools/make_qconv_groups_test_model.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "qdq",
                   "qlinear_conv_groups.onnx")
rng = np.random.default_rng(2612)


def const(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def main():
    # name, in, out, kernel, strides, pads, dilations, group, w zero point, y type
    layers = [("qc1", 5, 12, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, 0, np.uint8),
              ("qc2", 12, 10, (3, 3), (2, 2), (0, 1, 1, 0), (1, 1), 1, 0, np.int8),
              ("qc3", 10, 16, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), 2, 0, np.uint8),
              ("qc4", 16, 9, (1, 3), (1, 2), (0, 1, 0, 1), (1, 1), 1, 0, np.uint8),
              ("qc5", 9, 7, (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), 1, -100, np.uint8),
              ("qc6", 7, 6, (1, 1), (2, 2), (0, 0, 0, 0), (1, 1), 1, 0, np.uint8),
              ("qc7", 6, 8, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, 0, np.uint8)]
    inits = [const("s0", np.float32(0.02)), const("z0", np.uint8(128))]
    nodes = []
    x = "x"
    for i, (name, c, m, k, st, pads, dil, group, zw, yt) in enumerate(layers, 1):
        w = rng.integers(-127, 128, (m, c // group, *k), dtype=np.int8)
        # the sums must span the output range: scale by the window's size
        fan = c // group * k[0] * k[1]
        inits += [const(f"w{i}", w),
                  const(f"sw{i}", (rng.random(m) * 0.004 + 0.002).astype(np.float32)
                        if zw == 0 else np.float32(0.003)),
                  const(f"zw{i}", np.zeros(m, np.int8) if zw == 0 else np.int8(zw)),
                  const(f"s{i}", np.float32(0.02 * np.sqrt(fan) / 3)),
                  const(f"z{i}", yt(128 if yt == np.uint8 else -5)),
                  const(f"b{i}", rng.integers(-3000, 3000, m, dtype=np.int32))]
        y = "y" if i == len(layers) else f"a{i}"
        nodes.append(helper.make_node(
            "QLinearConv", [x, f"s{i - 1}", f"z{i - 1}", f"w{i}", f"sw{i}", f"zw{i}", f"s{i}",
                            f"z{i}", f"b{i}"], [y], name=name, kernel_shape=list(k),
            strides=list(st), pads=list(pads), dilations=list(dil), group=group))
        x = y
    g = helper.make_graph(nodes, "qlinear_conv_groups",
                          [helper.make_tensor_value_info("x", TensorProto.UINT8, [2, 5, 30, 40])],
                          [helper.make_tensor_value_info("y", TensorProto.UINT8, [2, 8, 4, 3])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools", producer_version="1")
    m = onnx.shape_inference.infer_shapes(m)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, os.path.normpath(OUT))
    for v in list(m.graph.value_info) + list(m.graph.output):
        print(v.name, [d.dim_value for d in v.type.tensor_type.shape.dim])


if __name__ == "__main__":
    main()
