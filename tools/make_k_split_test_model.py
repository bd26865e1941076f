#!/usr/bin/python3
"""Generate tests/data/models/k_split.onnx, the fixture of simd's fp32
GEMM split along K (backends/simd/simd_gemm.c, f32_k_splits): projections
whose input a step split by channels wrote, run on two or more threads.

a[1,576,23,23] ->
  dw:    depthwise 3x3/1, pads 1 (+ bias) -> Clip 0..6    (planar: by planes)
  proj1: 576 -> 40, 1x1 (+ bias) -> Relu                 -> y1[1,40,23,23]
p[1,288,13,13], q[1,288,13,13] ->
  add:   p + q                                            (by element ranges)
  proj2: 288 -> 64, 1x1 (+ bias)                         -> y2[1,64,13,13]

proj1 is deep enough for K blocks inside each thread's range of channels,
its clamp goes with the partial sums, and 529 columns leave a ragged last
panel for the wide kernels; proj2 runs on the few-column kernels (13 x 13
columns, ragged for 7 and 6 wide panels). The test compares simd with ref
on every ISA build the host runs, on one to four threads.

    /usr/bin/python3 tools/make_k_split_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
from onnx import helper

import onnx_fixture
from onnx_fixture import const, f32, save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models",
                   "k_split.onnx")
rng = np.random.default_rng(1208)


def weights(name, *shape, scale=0.1):
    return onnx_fixture.weights(rng, name, *shape, scale=scale)


def main():
    nodes = [
        helper.make_node("Conv", ["a", "wd", "bd"], ["d1"], name="dw", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=576),
        helper.make_node("Clip", ["d1", "lo", "hi"], ["d"], name="clip_dw"),
        helper.make_node("Conv", ["d", "w1", "b1"], ["p1"], name="proj1", kernel_shape=[1, 1]),
        helper.make_node("Relu", ["p1"], ["y1"], name="relu1"),
        helper.make_node("Add", ["p", "q"], ["s"], name="add"),
        helper.make_node("Conv", ["s", "w2", "b2"], ["y2"], name="proj2", kernel_shape=[1, 1]),
    ]
    inits = [weights("wd", 576, 1, 3, 3, scale=0.5), weights("bd", 576),
             weights("w1", 40, 576, 1, 1), weights("b1", 40),
             weights("w2", 64, 288, 1, 1), weights("b2", 64),
             const("lo", np.float32(0)), const("hi", np.float32(6))]
    ins = [f32("a", [1, 576, 23, 23]), f32("p", [1, 288, 13, 13]), f32("q", [1, 288, 13, 13])]
    outs = [f32("y1", [1, 40, 23, 23]), f32("y2", [1, 64, 13, 13])]
    save(OUT, "k_split", nodes, ins, outs, inits)


if __name__ == "__main__":
    main()
