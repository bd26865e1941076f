#!/usr/bin/python3
"""Generate tests/data/models/conv_pool_bands.onnx, the fixture of simd's
fused stem + max-pool step (backends/simd/simd_plan_convpool.c):

x[1,3,131,139] ->
  a: conv 3->64 3x3/2 pads 1 (+ bias) -> Relu -> MaxPool 3x3/2 pads 1
     -> ya[1,64,33,35]
  b: conv 3->24 5x5/1 pads 2 (no bias) -> Clip 0..6 -> MaxPool 2x2/2
     ceil_mode 1 (its last row and column of windows half outside)
     -> yb[1,24,66,70]
  c: conv 3->64 3x3/2 pads 1, its output also a graph output (yc_conv):
     not fused, the tensor must exist -> MaxPool 3x3/2 -> yc[1,64,32,34]

Each convolution's output is over 1 MiB, the size from which simd fuses,
and on a host with a 2 MiB L2 each thread's pooled rows take more than one
band, so rows shared by consecutive bands are carried over. 24 output
channels leave the kernel's second block of 16 half empty. The direct
convolution exists in the AVX-512 builds only; the others run the pairs
unfused, and the test compares simd with ref on every ISA build the host
runs, on one and two threads.

    /usr/bin/python3 tools/make_convpool_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
from onnx import helper

import onnx_fixture
from onnx_fixture import const, f32, save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models",
                   "conv_pool_bands.onnx")
H, W = 131, 139
rng = np.random.default_rng(1207)


def weights(name, *shape, scale=0.5):
    return onnx_fixture.weights(rng, name, *shape, scale=scale)


def conv(inputs, out, name, k, stride, pad):
    return helper.make_node("Conv", inputs, [out], name=name, kernel_shape=[k, k],
                            strides=[stride, stride], pads=[pad] * 4)


def main():
    nodes = [
        conv(["x", "wa", "ba"], "a1", "conv_a", 3, 2, 1),
        helper.make_node("Relu", ["a1"], ["a2"], name="relu_a"),
        helper.make_node("MaxPool", ["a2"], ["ya"], name="pool_a", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        conv(["x", "wb"], "b1", "conv_b", 5, 1, 2),
        helper.make_node("Clip", ["b1", "lo", "hi"], ["b2"], name="clip_b"),
        helper.make_node("MaxPool", ["b2"], ["yb"], name="pool_b", kernel_shape=[2, 2],
                         strides=[2, 2], ceil_mode=1),
        conv(["x", "wc"], "yc_conv", "conv_c", 3, 2, 1),
        helper.make_node("MaxPool", ["yc_conv"], ["yc"], name="pool_c", kernel_shape=[3, 3],
                         strides=[2, 2]),
    ]
    inits = [weights("wa", 64, 3, 3, 3), weights("ba", 64, scale=0.1),
             weights("wb", 24, 3, 5, 5), weights("wc", 64, 3, 3, 3),
             const("lo", np.float32(0)), const("hi", np.float32(6))]
    outs = [f32("ya", [1, 64, 33, 35]), f32("yb", [1, 24, 66, 70]),
            f32("yc_conv", [1, 64, 66, 70]), f32("yc", [1, 64, 32, 34])]
    save(OUT, "conv_pool_bands", nodes, [f32("x", [1, 3, H, W])], outs, inits)


if __name__ == "__main__":
    main()
