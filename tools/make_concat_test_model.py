#!/usr/bin/python3
"""Generate tests/data/models/concat_place.onnx, the fixture of Concats
written in place (backends/ref/ref_concat_place.h): the plan places a
Concat's inputs inside its output when the inputs lie there back to back,
and must still copy wherever that would be wrong.

x[1,4,6,6] ->
  a = Relu(Conv3x3(x))                          [1,4,6,6] (576 bytes)
  big = Conv1x1(x)                              [1,8,6,6]
  b = Conv1x1(big)                              [1,4,6,6]
  c1 = Concat(a, b)            axis 1           elided
  z  = Conv1x1(x), d = Conv1x1(c1)              [1,4,6,6] each
  c2 = Concat(z, c1)           axis 1           elided (c1 goes inside c2, after z)
  y2 = Conv1x1(c2)                              c2's last reader
  big2 = Conv1x1(x) [1,8,6,6], d2 = Conv1x1(big2)
  e  = Concat(a, d2)           axis 1           copies: a is already inside c2
  f  = Concat(r, r)            axis 1           copies: one tensor twice (r = Relu(d))
  g  = Concat(x, a2)           axis 1           copies: x is the caller's input
  h  = Concat(p, q)            axis 3 (widths)  copies: rows interleave
  k  = Concat(s, t)            axis 1           copies: 36-byte parts, not aligned
  m  = Concat(u, v, w)         axis -3          elided (three parts, negative axis)
outputs: y2, e, f, g, h, k, m, and a (a part of c1 and c2 that is also a
graph output).

c2 and m are the largest tensors (1728 bytes; c2 is placed first, at
the arena's start). big lives only between a and c1: were c2's bytes not
kept from a's step on, the arena would put big over a; were they not kept
until a's last reader (a is a graph output, read after y2, c2's last
reader), it would put big2 there. The test runs it on ref with memory
reuse on and off (the bytes must not differ), on simd against ref, and
checks which Concats were elided.

    /usr/bin/python3 tools/make_concat_test_model.py
It also writes tests/fuzz/corpus/plan/concat_place.onnx (the same model)
as a fuzz_plan seed. The outputs are committed; re-running rewrites them
deterministically.
"""
import os

import numpy as np
from onnx import helper

import onnx_fixture
from onnx_fixture import f32, save

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data", "models", "concat_place.onnx")
SEED = os.path.join(HERE, "..", "tests", "fuzz", "corpus", "plan", "concat_place.onnx")
rng = np.random.default_rng(1207)


def weights(name, *shape):
    return onnx_fixture.weights(rng, name, *shape, scale=0.3)


def conv(x, w, out, name, k=1, stride=1):
    return helper.make_node("Conv", [x, w], [out], name=name, kernel_shape=[k, k],
                            pads=[k // 2] * 4, strides=[stride, stride])


def concat(ins, out, axis=1):
    return helper.make_node("Concat", ins, [out], name=out, axis=axis)


def main():
    nodes = [
        conv("x", "wa", "a0", "conv_a", k=3),
        helper.make_node("Relu", ["a0"], ["a"], name="relu_a"),
        conv("x", "wbig", "big", "conv_big"),
        conv("big", "wb", "b", "conv_b"),
        concat(["a", "b"], "c1"),
        conv("x", "wz", "z", "conv_z"),
        conv("c1", "wd", "d", "conv_d"),
        concat(["z", "c1"], "c2"),
        conv("c2", "wy", "y2", "conv_y2"),
        conv("x", "wbig2", "big2", "conv_big2"),
        conv("big2", "wd2", "d2", "conv_d2"),
        concat(["a", "d2"], "e"),
        helper.make_node("Relu", ["d"], ["r"], name="relu_r"),
        concat(["r", "r"], "f"),
        conv("x", "wa2", "a2", "conv_a2"),
        concat(["x", "a2"], "g"),
        conv("x", "wp", "p", "conv_p"),
        conv("x", "wq", "q", "conv_q"),
        concat(["p", "q"], "h", axis=3),
        conv("x", "ws", "s", "conv_s", k=3, stride=2),
        conv("x", "wt", "t", "conv_t", k=3, stride=2),
        concat(["s", "t"], "k"),
        conv("x", "wu", "u", "conv_u"),
        conv("x", "wv", "v", "conv_v"),
        conv("x", "ww", "w", "conv_w"),
        concat(["u", "v", "w"], "m", axis=-3),
    ]
    inits = [weights("wa", 4, 4, 3, 3), weights("wbig", 8, 4, 1, 1),
             weights("wb", 4, 8, 1, 1), weights("wz", 4, 4, 1, 1), weights("wd", 4, 8, 1, 1),
             weights("wy", 4, 12, 1, 1), weights("wbig2", 8, 4, 1, 1),
             weights("wd2", 4, 8, 1, 1),
             weights("wa2", 4, 4, 1, 1), weights("wp", 4, 4, 1, 1), weights("wq", 4, 4, 1, 1),
             weights("ws", 1, 4, 3, 3), weights("wt", 1, 4, 3, 3), weights("wu", 4, 4, 1, 1),
             weights("wv", 4, 4, 1, 1), weights("ww", 4, 4, 1, 1)]
    outs = [f32("y2", [1, 4, 6, 6]), f32("e", [1, 8, 6, 6]), f32("f", [1, 8, 6, 6]),
            f32("g", [1, 8, 6, 6]), f32("h", [1, 4, 6, 12]), f32("k", [1, 2, 3, 3]),
            f32("m", [1, 12, 6, 6]), f32("a", [1, 4, 6, 6])]
    model = ("concat_place", nodes, [f32("x", [1, 4, 6, 6])], outs, inits)
    save(OUT, *model)
    save(SEED, *model)


if __name__ == "__main__":
    main()
