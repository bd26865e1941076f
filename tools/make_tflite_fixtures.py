#!/usr/bin/env python3
"""Write the trained Fashion-MNIST CNN (models/fashion/*.onnx) as TensorFlow Lite files.

    /usr/bin/python3 tools/make_tflite_fixtures.py [OUT_DIR]   (default models/fashion)

    /usr/bin/python3 tools/make_tflite_fixtures.py --fc-per-channel OUT_DIR

Writes fp32.tflite (float32 weights) from fp32.onnx and int8.tflite (int8
activations, int8 weights, int32 biases) from int8.onnx, as a TFLite
converter lays them out: NHWC activations, OHWI conv weights, the flatten in
HWC order (so fc1's columns are permuted from ONNX's CHW order).

The int8 file follows TFLite's int8 quantisation spec: conv weights per
output channel, FULLY_CONNECTED weights per tensor (symmetric, zero point 0,
scale max|w| / 127) with int32 biases at input scale x weight scale. The
ONNX twin quantises its Gemm weights per channel, so the fully-connected
layers are requantised from the twin's real weights (its int8 values times
their channel scales) and score within a few tenths of a point of it, not
identically; conv layers and activations keep the twin's parameters
exactly (uint8 zero point z becomes int8 z - 128, the same real values).
Per-tensor FC weights are also what Arm NN 20.08 takes (it asserts on
per-channel ones).

--fc-per-channel writes int8_fc_per_channel.tflite instead: the twin's
per-channel FC weights unchanged, so it computes exactly the twin's
integers (the tests use it for the importer's per-channel FC path and the
armnn refusal). Needs Debian's python3-onnx, python3-numpy and
python3-flatbuffers; no TensorFlow.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_writer as tw  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def inits(path):
    m = onnx.load(path)
    return {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}


def conv_opts(act):
    return [(0, "u8", tw.SAME), (1, "i32", 1), (2, "i32", 1), (3, "u8", act)]


POOL = [(0, "u8", tw.VALID), (1, "i32", 2), (2, "i32", 2), (3, "i32", 2), (4, "i32", 2)]


def fc1_hwc(w):
    """fc1's columns from ONNX's flatten of [32, 7, 7] (CHW) to TFLite's [7, 7, 32] (HWC)."""
    return w.reshape(w.shape[0], 32, 7, 7).transpose(0, 2, 3, 1).reshape(w.shape[0], -1)


def fp32(src):
    p = inits(src)
    m = tw.Model("edgebench tools/make_tflite_fixtures.py: Fashion CNN fp32")
    x = m.tensor("input", [1, 28, 28, 1])
    layers = [("conv1", [1, 28, 28, 16]), ("conv2", [1, 14, 14, 32])]
    cur = x
    for i, (name, shape) in enumerate(layers):
        w = m.tensor(name + ".weight", [shape[3], 3, 3, p[name + ".weight"].shape[1]],
                     data=p[name + ".weight"].transpose(0, 2, 3, 1))
        b = m.tensor(name + ".bias", [shape[3]], data=p[name + ".bias"])
        y = m.tensor(name, shape)
        m.op(tw.CONV_2D, [cur, w, b], [y], tw.CONV2D, conv_opts(tw.ACT_RELU))
        pooled = m.tensor("pool%d" % (i + 1), [1, shape[1] // 2, shape[2] // 2, shape[3]])
        m.op(tw.MAX_POOL_2D, [y], [pooled], tw.POOL2D, POOL)
        cur = pooled
    shape = m.tensor("flat_shape", [2], "int32", data=np.array([1, 1568], np.int32))
    flat = m.tensor("flat", [1, 1568])
    m.op(tw.RESHAPE, [cur, shape], [flat], tw.RESHAPE_OPT, [(0, "vec_i32", [1, 1568])])
    w1 = m.tensor("fc1.weight", [64, 1568], data=fc1_hwc(p["fc1.weight"]))
    b1 = m.tensor("fc1.bias", [64], data=p["fc1.bias"])
    h = m.tensor("fc1", [1, 64])
    m.op(tw.FULLY_CONNECTED, [flat, w1, b1], [h], tw.FULLY_CONNECTED_OPT, [(0, "u8", tw.ACT_RELU)])
    w2 = m.tensor("fc2.weight", [10, 64], data=p["fc2.weight"])
    b2 = m.tensor("fc2.bias", [10], data=p["fc2.bias"])
    y = m.tensor("logits", [1, 10])
    m.op(tw.FULLY_CONNECTED, [h, w2, b2], [y], tw.FULLY_CONNECTED_OPT, [(0, "u8", tw.ACT_NONE)])
    m.inputs, m.outputs = [x], [y]
    return m.build()


def per_tensor(w, ws, bq, bs, in_scale):
    """Per-channel int8 weights w (rows = output channels, scales ws) and
    int32 bias bq (scales bs) requantised per tensor, as TFLite's converter
    quantises FULLY_CONNECTED: symmetric int8 in [-127, 127] with scale
    max|w_real| / 127, zero point 0; bias int32 at in_scale * that scale."""
    ws = np.asarray(ws, np.float64).reshape(-1, *([1] * (w.ndim - 1)))
    real = w.astype(np.float64) * ws
    scale = float(np.float32(np.abs(real).max() / 127.0))
    wq = np.clip(np.rint(real / scale), -127, 127).astype(np.int8)
    b_scale = float(np.float32(np.float32(in_scale) * np.float32(scale)))
    b_real = bq.astype(np.float64) * np.asarray(bs, np.float64)
    bq2 = np.rint(b_real / b_scale)
    assert np.all(np.abs(bq2) < 2**31), "bias out of int32 range"
    return wq, [scale], bq2.astype(np.int32), [b_scale]


def int8(src, fc_per_channel=False):
    p = inits(src)

    def qp(scale_name, zp_name):
        return [float(p[scale_name])], [int(p[zp_name]) - 128]

    def find(prefix):
        s = [k for k in p if k.startswith(prefix + "_scale_")][0]
        z = [k for k in p if k.startswith(prefix + "_zp_")][0]
        return qp(s, z)

    def weight(name, data=None):
        w = p[[k for k in p if k.startswith(name + ".weight_int8_")][0]]
        s = p[[k for k in p if k.startswith(name + ".weight_scale_")][0]]
        bq = p[[k for k in p if k.startswith(name + ".bias_int32_")][0]]
        bs = p[[k for k in p if k.startswith(name + ".bias_scale_")][0]]
        return w if data is None else data(w), list(map(float, s)), bq, list(map(float, bs))

    m = tw.Model("edgebench tools/make_tflite_fixtures.py: Fashion CNN int8")
    x = m.tensor("input", [1, 28, 28, 1])
    s, z = find("input")
    xq = m.tensor("input_q", [1, 28, 28, 1], "int8", scale=s, zero_point=z)
    m.op(tw.QUANTIZE, [x], [xq])
    cur = xq
    acts = {"conv1": "/Relu_output_0", "conv2": "/Relu_1_output_0"}
    for i, (name, shape) in enumerate([("conv1", [1, 28, 28, 16]), ("conv2", [1, 14, 14, 32])]):
        w, ws, bq, bs = weight(name)
        o = shape[3]
        wt = m.tensor(name + ".weight", [o, 3, 3, w.shape[1]], "int8", data=w.transpose(0, 2, 3, 1),
                      scale=ws, zero_point=[0] * o, qdim=0)
        bt = m.tensor(name + ".bias", [o], "int32", data=bq, scale=bs, zero_point=[0] * o)
        s, z = find(acts[name])
        y = m.tensor(name, shape, "int8", scale=s, zero_point=z)
        m.op(tw.CONV_2D, [cur, wt, bt], [y], tw.CONV2D, conv_opts(tw.ACT_RELU))
        pooled = m.tensor("pool%d" % (i + 1), [1, shape[1] // 2, shape[2] // 2, o], "int8",
                          scale=s, zero_point=z)
        m.op(tw.MAX_POOL_2D, [y], [pooled], tw.POOL2D, POOL)
        cur = pooled
    shape = m.tensor("flat_shape", [2], "int32", data=np.array([1, 1568], np.int32))
    flat = m.tensor("flat", [1, 1568], "int8", scale=s, zero_point=z)
    m.op(tw.RESHAPE, [cur, shape], [flat], tw.RESHAPE_OPT, [(0, "vec_i32", [1, 1568])])
    prev = flat
    for name, out, actf, n_out in [("fc1", "/Relu_2_output_0", tw.ACT_RELU, 64),
                                   ("fc2", "logits", tw.ACT_NONE, 10)]:
        w, ws, bq, bs = weight(name, fc1_hwc if name == "fc1" else None)
        if not fc_per_channel:
            w, ws, bq, bs = per_tensor(w, ws, bq, bs, s[0])  # s: the FC input's scale
        wt = m.tensor(name + ".weight", list(w.shape), "int8", data=w, scale=ws,
                      zero_point=[0] * len(ws), qdim=0)
        bt = m.tensor(name + ".bias", [n_out], "int32", data=bq, scale=bs,
                      zero_point=[0] * len(bs))
        s, z = find(out)
        y = m.tensor(name if name == "fc1" else "logits_q", [1, n_out], "int8", scale=s,
                     zero_point=z)
        m.op(tw.FULLY_CONNECTED, [prev, wt, bt], [y], tw.FULLY_CONNECTED_OPT, [(0, "u8", actf)])
        prev = y
    y = m.tensor("logits", [1, 10])
    m.op(tw.DEQUANTIZE, [prev], [y])
    m.inputs, m.outputs = [x], [y]
    return m.build()


def main():
    args = sys.argv[1:]
    per_channel = "--fc-per-channel" in args
    args = [a for a in args if a != "--fc-per-channel"]
    out = args[0] if args else os.path.join(ROOT, "models", "fashion")
    src = os.path.join(ROOT, "models", "fashion")
    files = [("fp32", "fp32", fp32), ("int8", "int8", int8)]
    if per_channel:
        files = [("int8_fc_per_channel", "int8", lambda path: int8(path, fc_per_channel=True))]
    for name, onnx_name, fn in files:
        data = fn(os.path.join(src, onnx_name + ".onnx"))
        with open(os.path.join(out, name + ".tflite"), "wb") as f:
            f.write(data)
        print("%s.tflite: %d bytes" % (name, len(data)))


if __name__ == "__main__":
    main()
