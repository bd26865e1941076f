#!/usr/bin/python3
"""Generate tests/data/models/pw_dw_bands.onnx, the fixture of simd's fused
pointwise + depthwise step (backends/simd/simd_plan_pwdw.c):

x[1,8,63,67] ->
  a: pointwise 8->64 (+ bias) -> Clip 0..6 -> depthwise 3x3/1 pads 1 (+ bias)
     -> Relu -> ya[1,64,63,67]
  b: pointwise 8->72 -> depthwise 3x3/2 pads 0,0,1,1 (no activation between)
     -> Clip 0..6 -> yb[1,72,31,33]
  c: pointwise 8->64 -> depthwise 3x3/1, the pointwise output also a graph
     output (yc_pw): not fused, the tensor must exist -> yc[1,64,63,67]

Each pointwise output is over 1 MiB, the size from which simd fuses; 63 rows
and 67 columns leave ragged bands and ragged GEMM panels, and on a host with
a 2 MiB L2 each thread's rows take several bands, so rows shared by
consecutive bands are carried over. The test compares simd with ref on every
ISA build the host runs.

    /usr/bin/python3 tools/make_pwdw_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
from onnx import helper

import onnx_fixture
from onnx_fixture import const, f32, save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models",
                   "pw_dw_bands.onnx")
CIN, H, W = 8, 63, 67


def pw(inputs, out, name):
    return helper.make_node("Conv", inputs, [out], name=name, kernel_shape=[1, 1])


def dw(inputs, out, name, c, stride, pads):
    return helper.make_node("Conv", inputs, [out], name=name, group=c, kernel_shape=[3, 3],
                            strides=[stride, stride], pads=pads)


def graph(rng, ca=64, cb=72, cc=64):
    """The three pairs with ca, cb and cc channels (weights drawn from rng in
    a fixed order): nodes, initializers, outputs. The int8 fixture
    (make_pwdw_q8_test_model.py) is the same graph, wider, quantised."""
    def weights(name, *shape, scale=0.5):
        return onnx_fixture.weights(rng, name, *shape, scale=scale)

    nodes = [
        pw(["x", "wa1", "ba1"], "a1", "pw_a"),
        helper.make_node("Clip", ["a1", "lo", "hi"], ["a2"], name="clip_a"),
        dw(["a2", "wa2", "ba2"], "a3", "dw_a", ca, 1, [1, 1, 1, 1]),
        helper.make_node("Relu", ["a3"], ["ya"], name="relu_a"),
        pw(["x", "wb1"], "b1", "pw_b"),
        dw(["b1", "wb2"], "b2", "dw_b", cb, 2, [0, 0, 1, 1]),
        helper.make_node("Clip", ["b2", "lo", "hi"], ["yb"], name="clip_b"),
        pw(["x", "wc1"], "yc_pw", "pw_c"),
        dw(["yc_pw", "wc2", "bc2"], "yc", "dw_c", cc, 1, [1, 1, 1, 1]),
    ]
    inits = [weights("wa1", ca, CIN, 1, 1), weights("ba1", ca, scale=0.1),
             weights("wa2", ca, 1, 3, 3), weights("ba2", ca, scale=0.1),
             weights("wb1", cb, CIN, 1, 1), weights("wb2", cb, 1, 3, 3),
             weights("wc1", cc, CIN, 1, 1), weights("wc2", cc, 1, 3, 3),
             weights("bc2", cc, scale=0.1),
             const("lo", np.float32(0)), const("hi", np.float32(6))]
    outs = [f32("ya", [1, ca, H, W]), f32("yb", [1, cb, 31, 33]), f32("yc_pw", [1, cc, H, W]),
            f32("yc", [1, cc, H, W])]
    return nodes, inits, outs


def main():
    nodes, inits, outs = graph(np.random.default_rng(2612))
    save(OUT, "pw_dw_bands", nodes, [f32("x", [1, CIN, H, W])], outs, inits)

if __name__ == "__main__":
    main()
