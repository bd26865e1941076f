#!/usr/bin/python3
"""Generate tests/data/models/direct_conv.onnx, the fixture of simd's direct
convolution (backends/simd/simd_vec_conv_small.h, AVX-512 builds; other
builds run the same nodes as GEMMs):

x[1,3,45,51] ->
  stem:   3 -> 24, 5x5/2, pads 2,1,1,2 (+ bias) -> Relu      -> ys[1,24,22,25]
  g16:    24 -> 32, 2 groups (12 in, 16 out), 3x3/1, pads 1
          (+ bias) -> Clip 0..6                               -> ya[1,32,22,25]
  g12:    32 -> 48, 4 groups (8 in, 12 out), 3x3/2, pads 0,1,1,0 -> yb[1,48,11,12]
  g24:    48 -> 48, 2 groups (24 in, 24 out), 3x3 dilation 2,
          pads 2 (+ bias)                                     -> yc[1,48,11,12]
  narrow: 48 -> 48, 3 groups (16 in, 16 out), 3x3/2, no pads:
          rows 5 wide, too narrow for the direct kernel: GEMM -> yd[1,48,5,5]

Output channels that are not a multiple of 16 (24, 12 per group), both
strides, asymmetric padding, dilation, rows wider and narrower than a
vector and ragged column blocks. The test compares simd with ref on every
ISA build the host runs; cli test_simd checks which nodes run direct.

    /usr/bin/python3 tools/make_direct_conv_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
from onnx import helper

import onnx_fixture
from onnx_fixture import const, f32, save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models",
                   "direct_conv.onnx")
rng = np.random.default_rng(1207)


def weights(name, *shape, scale=0.3):
    return onnx_fixture.weights(rng, name, *shape, scale=scale)


def conv(inputs, out, name, k, stride=1, pads=(0, 0, 0, 0), group=1, dilation=1):
    return helper.make_node("Conv", inputs, [out], name=name, kernel_shape=[k, k],
                            strides=[stride, stride], pads=list(pads), group=group,
                            dilations=[dilation, dilation])


def main():
    nodes = [
        conv(["x", "ws", "bs"], "s1", "stem", 5, 2, (2, 1, 1, 2)),
        helper.make_node("Relu", ["s1"], ["ys"], name="relu_s"),
        conv(["ys", "wa", "ba"], "a1", "g16", 3, 1, (1, 1, 1, 1), group=2),
        helper.make_node("Clip", ["a1", "lo", "hi"], ["ya"], name="clip_a"),
        conv(["ya", "wb"], "yb", "g12", 3, 2, (0, 1, 1, 0), group=4),
        conv(["yb", "wc", "bc"], "yc", "g24", 3, 1, (2, 2, 2, 2), group=2, dilation=2),
        conv(["yc", "wd"], "yd", "narrow", 3, 2, group=3),
    ]
    inits = [weights("ws", 24, 3, 5, 5), weights("bs", 24, scale=0.1),
             weights("wa", 32, 12, 3, 3), weights("ba", 32, scale=0.1),
             weights("wb", 48, 8, 3, 3), weights("wc", 48, 24, 3, 3),
             weights("bc", 48, scale=0.1), weights("wd", 48, 16, 3, 3),
             const("lo", np.float32(0)), const("hi", np.float32(6))]
    outs = [f32("ys", [1, 24, 22, 25]), f32("ya", [1, 32, 22, 25]), f32("yb", [1, 48, 11, 12]),
            f32("yc", [1, 48, 11, 12]), f32("yd", [1, 48, 5, 5])]
    save(OUT, "direct_conv", nodes, [f32("x", [1, 3, 45, 51])], outs, inits)

if __name__ == "__main__":
    main()
