#!/usr/bin/env python3
"""Seed corpus of the fuzz target fuzz_tflite (tests/fuzz/corpus/tflite).

    /usr/bin/python3 tools/make_tflite_corpus.py [OUT_DIR]

Small .tflite files that between them reach every operator mapper of the
loader (float and int8, per-tensor and per-channel), plus a custom operator,
an unknown builtin, an output nothing writes and a truncated file, so the
fuzzer starts from inputs that get past the FlatBuffer checks. Seeded: re-running writes the same bytes.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_writer as tw  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def float_net(rng):
    m = tw.Model()
    x = m.tensor("x", [1, 6, 6, 2])
    pads = m.tensor("pads", [4, 2], "int32", data=np.array([[0, 0], [1, 1], [1, 1], [0, 0]]))
    xp = m.tensor("xp", [1, 8, 8, 2])
    m.op(tw.PAD, [x, pads], [xp])
    w = m.tensor("w", [4, 3, 3, 2], data=rng.standard_normal((4, 3, 3, 2)))
    b = m.tensor("b", [4], data=rng.standard_normal(4))
    c = m.tensor("c", [1, 3, 3, 4])
    m.op(tw.CONV_2D, [xp, w, b], [c], tw.CONV2D,
         [(0, "u8", tw.VALID), (1, "i32", 2), (2, "i32", 2), (3, "u8", tw.ACT_RELU6)])
    dw = m.tensor("dw", [1, 3, 3, 8], data=rng.standard_normal((1, 3, 3, 8)))
    d = m.tensor("d", [1, 3, 3, 8])
    m.op(tw.DEPTHWISE_CONV_2D, [c, dw, -1], [d], tw.DEPTHWISE_CONV2D,
         [(0, "u8", tw.SAME), (1, "i32", 1), (2, "i32", 1), (3, "i32", 2), (4, "u8", tw.ACT_RELU)])
    ap = m.tensor("ap", [1, 2, 2, 8])
    m.op(tw.AVERAGE_POOL_2D, [d], [ap], tw.POOL2D,
         [(0, "u8", tw.SAME), (1, "i32", 2), (2, "i32", 2), (3, "i32", 2), (4, "i32", 2)])
    axes = m.tensor("axes", [2], "int32", data=np.array([1, 2]))
    mean = m.tensor("mean", [1, 8])
    m.op(tw.MEAN, [ap, axes], [mean], tw.REDUCER_OPT, [(0, "bool", False)])
    fw = m.tensor("fw", [3, 8], data=rng.standard_normal((3, 8)))
    f = m.tensor("f", [1, 3])
    m.op(tw.FULLY_CONNECTED, [mean, fw, -1], [f])
    s = m.tensor("s", [1, 3])
    m.op(tw.SOFTMAX, [f], [s], tw.SOFTMAX_OPT, [(0, "f32", 1.0)])
    m.inputs, m.outputs = [x], [s]
    return m.build()


def eltwise_net(rng):
    m = tw.Model()
    x = m.tensor("x", [1, 4, 4, 3])
    cur = x
    for i, code in enumerate([tw.RELU, tw.RELU6, tw.RELU_N1_TO_1, tw.LOGISTIC, tw.TANH,
                              tw.HARD_SWISH]):
        y = m.tensor("e%d" % i, [1, 4, 4, 3])
        m.op(code, [cur], [y])
        cur = y
    k = m.tensor("k", [3], data=rng.standard_normal(3))
    y = m.tensor("mul", [1, 4, 4, 3])
    m.op(tw.MUL, [cur, k], [y], tw.MUL_OPT, [(0, "u8", tw.ACT_NONE)])
    z = m.tensor("cat", [1, 4, 4, 6])
    m.op(tw.CONCATENATION, [y, x], [z], tw.CONCATENATION_OPT, [(0, "i32", 3)])
    r = m.tensor("r", [1, 96])
    m.op(tw.RESHAPE, [z], [r], tw.RESHAPE_OPT, [(0, "vec_i32", [1, 96])])
    m.inputs, m.outputs = [x], [r]
    return m.build()


def int8_net(rng):
    m = tw.Model()
    x = m.tensor("x", [1, 4, 4, 2])
    q = dict(scale=[0.05], zero_point=[-3])
    xq = m.tensor("xq", [1, 4, 4, 2], "int8", **q)
    m.op(tw.QUANTIZE, [x], [xq])
    w = m.tensor("w", [3, 1, 1, 2], "int8", data=rng.integers(-127, 128, (3, 1, 1, 2)),
                 scale=[0.01, 0.02, 0.03], zero_point=[0, 0, 0], qdim=0)
    b = m.tensor("b", [3], "int32", data=rng.integers(-100, 100, 3),
                 scale=[0.0005, 0.001, 0.0015], zero_point=[0, 0, 0])
    c = m.tensor("c", [1, 4, 4, 3], "int8", scale=[0.04], zero_point=[-128])
    m.op(tw.CONV_2D, [xq, w, b], [c], tw.CONV2D, [(0, "u8", tw.SAME), (1, "i32", 1),
                                                   (2, "i32", 1), (3, "u8", tw.ACT_RELU)])
    a = m.tensor("a", [1, 4, 4, 3], "int8", scale=[0.06], zero_point=[-100])
    m.op(tw.ADD, [c, c], [a], tw.ADD_OPT, [(0, "u8", tw.ACT_NONE)])
    mp = m.tensor("mp", [1, 2, 2, 3], "int8", scale=[0.06], zero_point=[-100])
    m.op(tw.MAX_POOL_2D, [a], [mp], tw.POOL2D,
         [(0, "u8", tw.VALID), (1, "i32", 2), (2, "i32", 2), (3, "i32", 2), (4, "i32", 2)])
    y = m.tensor("y", [1, 2, 2, 3])
    m.op(tw.DEQUANTIZE, [mp], [y])
    m.inputs, m.outputs = [x], [y]
    return m.build()


def custom_net(_rng):
    m = tw.Model()
    x = m.tensor("x", [1, 4])
    y = m.tensor("y", [1, 4])
    m.op(tw.CUSTOM, [x], [y], custom="MyFancyOp")
    m.inputs, m.outputs = [x], [y]
    return m.build()


def unknown_net(_rng):
    m = tw.Model()
    x = m.tensor("x", [1, 4])
    y = m.tensor("y", [1, 4])
    m.op(tw.SQUARE, [x], [y])
    m.inputs, m.outputs = [x], [y]
    return m.build()


def never_written_net(_rng):
    m = tw.Model()
    x = m.tensor("x", [1, 4])
    y = m.tensor("y", [1, 4])
    m.inputs, m.outputs = [x], [y]
    return m.build()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fuzz", "corpus",
                                                             "tflite")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(21)
    files = {"float_net.tflite": float_net(rng), "eltwise_net.tflite": eltwise_net(rng),
             "int8_net.tflite": int8_net(rng), "custom_op.tflite": custom_net(rng),
             "unknown_op.tflite": unknown_net(rng), "never_written.tflite": never_written_net(rng)}
    files["truncated.tflite"] = files["float_net.tflite"][:300]
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
