#!/usr/bin/python3
"""Generate the quantised test models of the ref backend's int8 side.

This script GENERATES every file in tests/data/qdq/ (they are committed):

  qdq_convnet.onnx       QDQ form (as ONNX Runtime's / PyTorch's static
                         quantisation writes it): Q(x) -> DQ -> Conv(per-channel
                         int8 w, int32 bias) -> Relu -> Q -> DQ -> Conv(group 2,
                         stride 2) -> Clip(0, 6) -> Q -> DQ -> Conv(depthwise,
                         dilation 2, per-tensor w) -> Q -> DQ -> Flatten -> Q ->
                         DQ -> Gemm(transB, per-channel w) -> Q -> y (int8)
  qlinear_convnet.onnx   the same network in QOperator form: QLinearConv x3,
                         Flatten between DQ / Q, QLinearMatMul; its output must
                         equal the fused QDQ model's bit for bit
  qdq_residual.onnx      the other patterns: DQ(x) feeding both a Conv and a
                         residual Add (a shared DQ), Add -> Relu -> Q, MaxPool
                         and Relu between equal Q/DQ parameters, Reshape, Gemm
                         (B not transposed, per-column weights and zero points,
                         float32 bias) and MatMul with per-tensor weights
  qdq_fallback.onnx      QDQ groups that each break one fusion condition (run-time
                         weight, float output also a graph output, scale change
                         around MaxPool, broadcasting Add): nothing may fuse
  <net>_input.pb         random float32 input (TensorProto); fallback_input_N.pb
  <net>_expected_int.pb  output of the integer rule of backends/ref/requant_s32.h
                         computed here with numpy (int64 sums, float32 products,
                         round half to even): what the fused kernels must give
  <net>_expected_float.pb  output of the model's float semantics (DQ -> float
                         op -> Q, float64 sums): the fused result must lie
                         within one quantisation step of it

Re-run with Debian's Python (python3-onnx and numpy):
    /usr/bin/python3 tools/make_qdq_test_models.py
Output is deterministic (fixed seed); the C tests in tests/test_ref_quant.c
read these files.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "qdq"))
rng = np.random.default_rng(20240607)
f32 = np.float32


# ---- the integer rule (backends/ref/requant_s32.h), in numpy ---------------

def qrange(dt):
    return (0, 255) if dt == np.uint8 else (-128, 127)


def q_round(v, zp, lo, hi):
    """zp + rint(clamp(v, lo - zp, hi - zp)) on float32 values."""
    v = np.clip(v.astype(f32), f32(lo - zp), f32(hi - zp))
    return (np.rint(v).astype(np.int64) + zp)


def quantize(x, s, zp, dt):
    lo, hi = qrange(dt)
    return q_round(x.astype(f32) / f32(s), zp, lo, hi).astype(dt)


def dequantize(q, s, zp):
    """DequantizeLinear; s and zp broadcast along axis 0 when per-channel."""
    return ((q.astype(np.int64) - zp).astype(f32) * f32(s)).astype(f32)


def requant(acc, mult, zp, lo, hi):
    acc32 = acc.astype(np.int64).astype(np.int32)  # int32 accumulation
    return q_round(acc32.astype(f32) * mult.astype(f32), zp, lo, hi)


def multiplier(sx, sw, sy):
    return (f32(sx) * np.asarray(sw, dtype=f32)).astype(f32) / f32(sy)


def conv_int(xc, wc, bias, stride, pad, dil, group):
    """sum (x - zx) * (w - zw) + bias in int64; xc, wc already centred."""
    n, c, h, w = xc.shape
    m, cg, kh, kw = wc.shape
    oh = (h + 2 * pad - ((kh - 1) * dil + 1)) // stride + 1
    ow = (w + 2 * pad - ((kw - 1) * dil + 1)) // stride + 1
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=xc.dtype)
    xp[:, :, pad:pad + h, pad:pad + w] = xc
    out = np.zeros((n, m, oh, ow), dtype=xc.dtype)
    mg = m // group
    for oc in range(m):
        g = oc // mg
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * stride:i * stride + (kh - 1) * dil + 1:dil,
                           j * stride:j * stride + (kw - 1) * dil + 1:dil]
                out[:, oc, i, j] = (patch * wc[oc]).sum(axis=(1, 2, 3))
        if bias is not None:
            out[:, oc] += bias[oc]
    return out


# ---- model building helpers ------------------------------------------------

class Net:
    def __init__(self):
        self.nodes, self.inits = [], []
        self.count = 0

    def name(self, base):
        self.count += 1
        return "%s_%d" % (base, self.count)

    def const(self, base, arr):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), n))
        return n

    def node(self, op, inputs, base, out=None, **attrs):
        out = out or self.name(base)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out + "_node", **attrs))
        return out

    def q(self, x, s, zp, dt, out=None):
        return self.node("QuantizeLinear", [x, self.const("s", f32(s)), self.const("zp", dt(zp))], "q",
                         out=out)

    def dq(self, x, s, zp, dt, axis=None):
        s, zp = np.asarray(s, dtype=f32), np.asarray(zp, dtype=dt)
        attrs = {} if axis is None else {"axis": axis}
        return self.node("DequantizeLinear", [x, self.const("s", s), self.const("zp", zp)], "dq", **attrs)

    def model(self, inp, shape, out, out_dt, out_shape, opset=13):
        g = helper.make_graph(
            self.nodes, "g",
            [helper.make_tensor_value_info(inp, TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info(out, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(out_dt)], out_shape)],
            self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="edgebench-tools/make_qdq_test_models.py",
                              producer_version="1")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def quant_weight(w, per_channel):
    """Symmetric int8 weights, per output channel (axis 0) or per tensor."""
    if per_channel:
        s = (np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127).astype(f32)
        q = np.clip(np.rint(w / s.reshape((-1,) + (1,) * (w.ndim - 1))), -127, 127).astype(np.int8)
    else:
        s = f32(np.abs(w).max() / 127)
        q = np.clip(np.rint(w / s), -127, 127).astype(np.int8)
    return q, s


def quant_bias(b, sx, sw):
    """int32 bias at scale sx * sw, the float32 product a quantiser writes."""
    bs = (f32(sx) * np.asarray(sw, dtype=f32)).astype(f32)
    return np.rint(b / bs).astype(np.int32), bs


def save(m, name):
    onnx.save(m, os.path.join(OUT, name))


def save_tensor(arr, name):
    t = numpy_helper.from_array(np.ascontiguousarray(arr), os.path.splitext(name)[0])
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(t.SerializeToString())


# ---- the conv net ----------------------------------------------------------

def convnet():
    x = rng.standard_normal((1, 3, 9, 9)).astype(f32)
    sx, zx = f32(4.0 / 255), 128                      # uint8 input
    w1, w2, w3 = (rng.standard_normal(s).astype(f32) * 0.4 for s in
                  [(6, 3, 3, 3), (4, 3, 3, 3), (4, 1, 3, 3)])
    w4 = rng.standard_normal((10, 100)).astype(f32) * 0.1
    b1, b2 = rng.standard_normal(6).astype(f32) * 0.2, rng.standard_normal(4).astype(f32) * 0.2
    w1q, sw1 = quant_weight(w1, True)
    w2q, sw2 = quant_weight(w2, True)
    w3q, sw3 = quant_weight(w3, False)
    w4q, sw4 = quant_weight(w4, True)
    b1q, bs1 = quant_bias(b1, sx, sw1)
    s1, z1 = f32(3.0 / 255), -128                     # int8 after Relu
    b2q, bs2 = quant_bias(b2, s1, sw2)
    s2, z2 = f32(6.0 / 255), 0                        # uint8 after Clip(0, 6)
    s3, z3 = f32(5.0 / 255), 100                      # uint8
    s4, z4 = f32(4.0 / 255), 5                        # int8 output

    # -- integer rule --
    xq = quantize(x, sx, zx, np.uint8)
    acc = conv_int(xq.astype(np.int64) - zx, w1q.astype(np.int64), b1q, 1, 1, 1, 1)
    y1 = requant(acc, multiplier(sx, sw1, s1)[None, :, None, None], z1, -128, 127)
    y1 = np.maximum(y1, z1).astype(np.int8)           # Relu: clamp at Q(0)
    acc = conv_int(y1.astype(np.int64) - z1, w2q.astype(np.int64), b2q, 2, 1, 1, 2)
    y2 = requant(acc, multiplier(s1, sw2, s2)[None, :, None, None], z2, 0, 255).astype(np.uint8)
    acc = conv_int(y2.astype(np.int64) - z2, w3q.astype(np.int64), None, 1, 2, 2, 4)
    y3 = requant(acc, multiplier(s2, np.full(4, sw3), s3)[None, :, None, None], z3, 0, 255).astype(np.uint8)
    flat = y3.reshape(1, 100).astype(np.int64) - z3
    acc = flat @ w4q.astype(np.int64).T
    y_int = requant(acc, multiplier(s3, sw4, s4)[None, :], z4, -128, 127).astype(np.int8)

    # -- float semantics: DQ -> float op (float64 sums) -> Q --
    def conv_f(xf, wf, bf, stride, pad, dil, group):
        return conv_int(xf.astype(np.float64), wf.astype(np.float64), bf, stride, pad, dil, group)

    xf = dequantize(xq, sx, zx)
    v = conv_f(xf, dequantize(w1q, sw1[:, None, None, None], 0), dequantize(b1q, bs1, 0), 1, 1, 1, 1)
    f1 = quantize(np.maximum(v, 0), s1, z1, np.int8)
    v = conv_f(dequantize(f1, s1, z1), dequantize(w2q, sw2[:, None, None, None], 0),
               dequantize(b2q, bs2, 0), 2, 1, 1, 2)
    f2 = quantize(np.clip(v, 0, 6), s2, z2, np.uint8)
    v = conv_f(dequantize(f2, s2, z2), dequantize(w3q, sw3, 0), None, 1, 2, 2, 4)
    f3 = quantize(v, s3, z3, np.uint8)
    v = dequantize(f3, s3, z3).reshape(1, 100).astype(np.float64) @ \
        dequantize(w4q, sw4[:, None], 0).astype(np.float64).T
    y_float = quantize(v, s4, z4, np.int8)

    # -- QDQ model --
    n = Net()
    t = n.q("x", sx, zx, np.uint8)
    t = n.dq(t, sx, zx, np.uint8)
    t = n.node("Conv", [t, n.dq(n.const("w1", w1q), sw1, np.zeros(6, np.int8), np.int8, axis=0),
                        n.dq(n.const("b1", b1q), bs1, np.zeros(6, np.int32), np.int32, axis=0)],
               "conv1", pads=[1, 1, 1, 1])
    t = n.node("Relu", [t], "relu1")
    t = n.dq(n.q(t, s1, z1, np.int8), s1, z1, np.int8)
    t = n.node("Conv", [t, n.dq(n.const("w2", w2q), sw2, np.zeros(4, np.int8), np.int8, axis=0),
                        n.dq(n.const("b2", b2q), bs2, np.zeros(4, np.int32), np.int32, axis=0)],
               "conv2", group=2, strides=[2, 2], pads=[1, 1, 1, 1])
    t = n.node("Clip", [t, n.const("lo", f32(0)), n.const("hi", f32(6))], "clip2")
    t = n.dq(n.q(t, s2, z2, np.uint8), s2, z2, np.uint8)
    t = n.node("Conv", [t, n.dq(n.const("w3", w3q), sw3, np.int8(0), np.int8)],
               "conv3", group=4, dilations=[2, 2], pads=[2, 2, 2, 2])
    t = n.dq(n.q(t, s3, z3, np.uint8), s3, z3, np.uint8)
    t = n.node("Flatten", [t], "flatten")
    t = n.dq(n.q(t, s3, z3, np.uint8), s3, z3, np.uint8)
    t = n.node("Gemm", [t, n.dq(n.const("w4", w4q), sw4, np.zeros(10, np.int8), np.int8, axis=0)],
               "fc", transB=1)
    t = n.q(t, s4, z4, np.int8, out="y")
    save(n.model("x", [1, 3, 9, 9], t, np.int8, [1, 10]), "qdq_convnet.onnx")

    # -- QOperator model: the same integers --
    n = Net()
    c = n.const
    t = n.q("x", sx, zx, np.uint8)
    t = n.node("QLinearConv", [t, c("sx", sx), c("zx", np.uint8(zx)), c("w1", w1q), c("sw1", sw1),
                               c("zw1", np.zeros(6, np.int8)), c("s1", s1), c("z1", np.int8(z1)),
                               c("b1", b1q)], "qconv1", pads=[1, 1, 1, 1])
    t = n.node("QLinearConv", [t, c("s1", s1), c("z1", np.int8(z1)), c("w2", w2q), c("sw2", sw2),
                               c("zw2", np.zeros(4, np.int8)), c("s2", s2), c("z2", np.uint8(z2)),
                               c("b2", b2q)], "qconv2", group=2, strides=[2, 2], pads=[1, 1, 1, 1])
    t = n.node("QLinearConv", [t, c("s2", s2), c("z2", np.uint8(z2)), c("w3", w3q), c("sw3", sw3),
                               c("zw3", np.int8(0)), c("s3", s3), c("z3", np.uint8(z3))],
               "qconv3", group=4, dilations=[2, 2], pads=[2, 2, 2, 2])
    t = n.dq(t, s3, z3, np.uint8)
    t = n.node("Flatten", [t], "flatten")
    t = n.q(t, s3, z3, np.uint8)
    t = n.node("QLinearMatMul", [t, c("s3", s3), c("z3", np.uint8(z3)), c("w4t", np.ascontiguousarray(w4q.T)),
                                 c("sw4", sw4), c("zw4", np.zeros(10, np.int8)), c("s4", s4),
                                 c("z4", np.int8(z4))], "qfc", out="y")
    save(n.model("x", [1, 3, 9, 9], t, np.int8, [1, 10]), "qlinear_convnet.onnx")

    save_tensor(x, "convnet_input.pb")
    save_tensor(y_int, "convnet_expected_int.pb")
    save_tensor(y_float, "convnet_expected_float.pb")
    return np.abs(y_int.astype(int) - y_float.astype(int)).max()


# ---- the residual net: add, maxpool, relu, reshape, gemm, matmul ------------

def residual():
    x = rng.standard_normal((1, 4, 6, 6)).astype(f32)
    sx, zx = f32(4.0 / 255), 120                      # uint8
    w = rng.standard_normal((4, 4, 1, 1)).astype(f32) * 0.5
    wq, sw = quant_weight(w, True)
    sc, zc = f32(3.0 / 255), 128                      # conv output, uint8
    sa, za = f32(6.0 / 255), 0                        # after Add + Relu, uint8
    wg = rng.standard_normal((3, 5)).astype(f32) * 0.5  # Gemm B, [K][N]
    sg = (np.abs(wg).max(axis=0) / 127).astype(f32)   # per column (axis 1)
    zg = np.array([0, 1, -1, 2, 0], dtype=np.int8)     # per-column zero points
    wgq = np.clip(np.rint(wg / sg) + zg, -128, 127).astype(np.int8)
    bg = (rng.standard_normal(5) * 0.3).astype(f32)   # float32 bias (not quantised)
    sh, zh = f32(5.0 / 255), -3                       # Gemm output, int8
    wm = rng.standard_normal((5, 4)).astype(f32) * 0.5
    wmq, sm = quant_weight(wm, False)                 # MatMul B, per tensor
    sy, zy = f32(4.0 / 255), 10                       # int8 output

    # -- integer rule --
    xq = quantize(x, sx, zx, np.uint8)
    acc = conv_int(xq.astype(np.int64) - zx, wq.astype(np.int64), None, 1, 0, 1, 1)
    cq = requant(acc, multiplier(sx, sw, sc)[None, :, None, None], zc, 0, 255).astype(np.uint8)
    va = (cq.astype(np.int64) - zc).astype(f32) * (sc / sa)
    vb = (xq.astype(np.int64) - zx).astype(f32) * (sx / sa)
    aq = q_round((va + vb).astype(f32), za, max(0, za), 255).astype(np.uint8)  # Relu: >= Q(0)
    pq = aq.reshape(1, 4, 3, 2, 3, 2).max(axis=(3, 5))
    rq = np.maximum(pq, za)
    flat = rq.reshape(12, 3).astype(np.int64) - za
    acc_scale = (sa * sg).astype(f32)                 # float32 product, then double division
    bias = np.rint(bg.astype(np.float64) / acc_scale.astype(np.float64)).astype(np.int64)
    acc = flat @ (wgq.astype(np.int64) - zg) + bias
    hq = requant(acc, multiplier(sa, sg, sh)[None, :], zh, -128, 127).astype(np.int8)
    acc = (hq.astype(np.int64) - zh) @ wmq.astype(np.int64)
    y_int = requant(acc, multiplier(sh, np.full(4, sm), sy)[None, :], zy, -128, 127).astype(np.int8)

    # -- float semantics --
    xf = dequantize(xq, sx, zx)
    v = conv_int(xf.astype(np.float64), dequantize(wq, sw[:, None, None, None], 0).astype(np.float64),
                 None, 1, 0, 1, 1)
    cf = quantize(v, sc, zc, np.uint8)
    v = dequantize(cf, sc, zc).astype(f32) + xf           # float32 Add
    af = quantize(np.maximum(v, 0), sa, za, np.uint8)
    pf = quantize(dequantize(af, sa, za).reshape(1, 4, 3, 2, 3, 2).max(axis=(3, 5)), sa, za, np.uint8)
    rf = quantize(np.maximum(dequantize(pf, sa, za), 0), sa, za, np.uint8)
    v = dequantize(rf, sa, za).reshape(12, 3).astype(np.float64) @ \
        ((wgq.astype(np.int64) - zg).astype(f32) * sg).astype(np.float64) + bg
    hf = quantize(v, sh, zh, np.int8)
    v = dequantize(hf, sh, zh).astype(np.float64) @ dequantize(wmq, sm, 0).astype(np.float64)
    y_float = quantize(v, sy, zy, np.int8)

    n = Net()
    xq_t = n.q("x", sx, zx, np.uint8)
    xd = n.dq(xq_t, sx, zx, np.uint8)                  # read by the Conv and the Add
    t = n.node("Conv", [xd, n.dq(n.const("w", wq), sw, np.zeros(4, np.int8), np.int8, axis=0)], "conv")
    t = n.dq(n.q(t, sc, zc, np.uint8), sc, zc, np.uint8)
    t = n.node("Add", [t, xd], "add")
    t = n.node("Relu", [t], "relu")
    t = n.dq(n.q(t, sa, za, np.uint8), sa, za, np.uint8)
    t = n.node("MaxPool", [t], "pool", kernel_shape=[2, 2], strides=[2, 2])
    t = n.dq(n.q(t, sa, za, np.uint8), sa, za, np.uint8)
    t = n.node("Relu", [t], "relu2")
    t = n.dq(n.q(t, sa, za, np.uint8), sa, za, np.uint8)
    t = n.node("Reshape", [t, n.const("shape", np.array([12, 3], dtype=np.int64))], "reshape")
    t = n.dq(n.q(t, sa, za, np.uint8), sa, za, np.uint8)
    t = n.node("Gemm", [t, n.dq(n.const("wg", wgq), sg, zg, np.int8, axis=1), n.const("bg", bg)], "gemm")
    t = n.dq(n.q(t, sh, zh, np.int8), sh, zh, np.int8)
    t = n.node("MatMul", [t, n.dq(n.const("wm", wmq), sm, np.int8(0), np.int8)], "matmul")
    t = n.q(t, sy, zy, np.int8, out="y")
    save(n.model("x", [1, 4, 6, 6], t, np.int8, [12, 4]), "qdq_residual.onnx")
    save_tensor(x, "residual_input.pb")
    save_tensor(y_int, "residual_expected_int.pb")
    save_tensor(y_float, "residual_expected_float.pb")
    return np.abs(y_int.astype(int) - y_float.astype(int)).max()


# ---- patterns that must not fuse --------------------------------------------

def fallback():
    """Every group here breaks one condition of the fusion pass, so the fused
    plan has no group and runs every node as written:
      - the Conv's weight is a graph input (not a constant);
      - the Conv's float output is also a graph output ("c");
      - the MaxPool's Q has another scale than its DQ;
      - the Add broadcasts its second operand."""
    x = rng.standard_normal((1, 2, 5, 5)).astype(f32)
    w = rng.integers(-100, 100, (3, 2, 3, 3)).astype(np.int8)
    sx, zx = f32(4.0 / 255), 128
    n = Net()
    xd = n.dq(n.q("x", sx, zx, np.uint8), sx, zx, np.uint8)
    wd = n.dq("w", f32(0.01), np.int8(0), np.int8)
    t = n.node("Conv", [xd, wd], "conv_runtime_w", pads=[1, 1, 1, 1])
    y = n.q(t, f32(6.0 / 255), 128, np.uint8, out="y")
    t = n.node("Conv", [xd, n.dq(n.const("w2", w), f32(0.01), np.int8(0), np.int8)], "conv_shared_out",
               out="c")
    y2 = n.q(t, f32(6.0 / 255), 128, np.uint8, out="y2")
    t = n.node("MaxPool", [xd], "pool", kernel_shape=[2, 2])
    p = n.q(t, f32(5.0 / 255), zx, np.uint8, out="p")
    t = n.node("Add", [xd, n.dq(n.const("b", np.arange(5, dtype=np.uint8).reshape(1, 1, 1, 5)),
                                f32(0.1), np.uint8(2), np.uint8)], "add_broadcast")
    a = n.q(t, f32(5.0 / 255), 128, np.uint8, out="a")
    g = helper.make_graph(
        n.nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 5, 5]),
         helper.make_tensor_value_info("w", TensorProto.INT8, [3, 2, 3, 3])],
        [helper.make_tensor_value_info(y, TensorProto.UINT8, [1, 3, 5, 5]),
         helper.make_tensor_value_info("c", TensorProto.FLOAT, [1, 3, 3, 3]),
         helper.make_tensor_value_info(y2, TensorProto.UINT8, [1, 3, 3, 3]),
         helper.make_tensor_value_info(p, TensorProto.UINT8, [1, 2, 4, 4]),
         helper.make_tensor_value_info(a, TensorProto.UINT8, [1, 2, 5, 5])],
        n.inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools/make_qdq_test_models.py", producer_version="1")
    m.ir_version = 8
    onnx.checker.check_model(m)
    save(m, "qdq_fallback.onnx")
    save_tensor(x, "fallback_input_0.pb")
    save_tensor(w, "fallback_input_1.pb")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    d1 = convnet()
    d2 = residual()
    fallback()
    print("wrote %s (integer vs float semantics: max diff %d and %d steps)" % (OUT, d1, d2))
