#!/usr/bin/python3
"""Generate tests/data/models/k_split.onnx, the fixture of simd's fp32
GEMMs split along K (backends/simd/simd_gemm.c, f32_k_splits): projections
whose input a step split by channels wrote, run on two or more threads.

a[1,576,23,23] ->
  dw:    depthwise 3x3/1, pads 1 (+ bias) -> Clip 0..6    (planar: by planes)
  proj1: 576 -> 40, 1x1 (+ bias) -> Relu                 -> y1[1,40,23,23]
p[1,288,13,13], q[1,288,13,13] ->
  add2:  p + q                                            (by element ranges)
  proj2: 288 -> 64, 1x1 (+ bias)                         -> y2[1,64,13,13]
u[1,158,25,25], v[1,158,25,25] ->
  add3:  u + v
  proj3: 158 -> 48, 1x1 (+ bias) -> Relu                 -> y3[1,48,25,25]

proj1 is deep enough for K blocks inside each thread's range of channels;
clamps go with the partial sums; proj2 runs on the few-column kernels
(169 columns, ragged for 7- and 6-wide panels), proj3 on the wide ones
(625 columns, ragged for 32 and 16). The test compares simd with ref on
every ISA build the host runs, on one to four threads.

    /usr/bin/python3 tools/make_k_split_test_model.py
It also writes tests/fuzz/corpus/plan/k_split.onnx, a small seed of the
same path for fuzz_plan. The outputs are committed; re-running rewrites
them deterministically.
"""
import os

import numpy as np
from onnx import helper

import onnx_fixture
from onnx_fixture import const, f32, save

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data", "models", "k_split.onnx")
SEED = os.path.join(HERE, "..", "tests", "fuzz", "corpus", "plan", "k_split.onnx")
rng = np.random.default_rng(1208)
INPUTS = {"a": [1, 576, 23, 23], "p": [1, 288, 13, 13], "q": [1, 288, 13, 13],
          "u": [1, 158, 25, 25], "v": [1, 158, 25, 25]}


def weights(name, *shape, scale=0.1):
    return onnx_fixture.weights(rng, name, *shape, scale=scale)


def pointwise(x, w, b, out, name):
    return helper.make_node("Conv", [x, w, b], [out], name=name, kernel_shape=[1, 1])


def main():
    nodes = [
        helper.make_node("Conv", ["a", "wd", "bd"], ["d1"], name="dw", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=576),
        helper.make_node("Clip", ["d1", "lo", "hi"], ["d"], name="clip_dw"),
        pointwise("d", "w1", "b1", "p1", "proj1"),
        helper.make_node("Relu", ["p1"], ["y1"], name="relu1"),
        helper.make_node("Add", ["p", "q"], ["s2"], name="add2"),
        pointwise("s2", "w2", "b2", "y2", "proj2"),
        helper.make_node("Add", ["u", "v"], ["s3"], name="add3"),
        pointwise("s3", "w3", "b3", "p3", "proj3"),
        helper.make_node("Relu", ["p3"], ["y3"], name="relu3"),
    ]
    inits = [weights("wd", 576, 1, 3, 3, scale=0.5), weights("bd", 576),
             weights("w1", 40, 576, 1, 1), weights("b1", 40),
             weights("w2", 64, 288, 1, 1), weights("b2", 64),
             weights("w3", 48, 158, 1, 1), weights("b3", 48),
             const("lo", np.float32(0)), const("hi", np.float32(6))]
    ins = [f32(name, shape) for name, shape in INPUTS.items()]
    outs = [f32("y1", [1, 40, 23, 23]), f32("y2", [1, 64, 13, 13]), f32("y3", [1, 48, 25, 25])]
    save(OUT, "k_split", nodes, ins, outs, inits)
    # the fuzz_plan seed: the smallest Add -> projection that splits along K
    # on two threads (65536 elements shared, 16 x 64 x 1024 multiply-adds)
    save(SEED, "k_split_seed",
         [helper.make_node("Add", ["p", "q"], ["s"], name="add"),
          pointwise("s", "ws", "bs", "r", "proj"),
          helper.make_node("Relu", ["r"], ["y"], name="relu")],
         [f32("p", [1, 64, 32, 32]), f32("q", [1, 64, 32, 32])], [f32("y", [1, 16, 32, 32])],
         [weights("ws", 16, 64, 1, 1), weights("bs", 16)])


if __name__ == "__main__":
    main()
