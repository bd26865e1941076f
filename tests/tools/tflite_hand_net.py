"""A .tflite net edgebench has never seen, and its NumPy evaluation.

Built from the schema (tools/tflite_writer.py) with seeded random weights:
PAD -> CONV_2D (VALID, stride 2, fused RELU6) -> DEPTHWISE_CONV_2D (SAME,
multiplier 2, fused RELU) -> AVERAGE_POOL_2D (SAME, 3x3 stride 3) -> MEAN
over H, W -> FULLY_CONNECTED -> SOFTMAX (beta 0.5), input "image"
[1, 28, 28, 1] float32, output "prob" [1, 10]. evaluate() computes what
TFLite defines, written directly in NumPy (float64), for the tests
tests/cli/test_tflite.sh (edgebench's import) and test_armnn.sh (Arm NN).
"""
import numpy as np
import tflite_writer as tw


def params():
    rng = np.random.default_rng(2021)
    return {"cw": rng.standard_normal((8, 3, 3, 1)).astype(np.float32) * 0.5,
            "cb": rng.standard_normal(8).astype(np.float32) * 0.1,
            "dw": rng.standard_normal((1, 3, 3, 16)).astype(np.float32) * 0.5,
            "db": rng.standard_normal(16).astype(np.float32) * 0.1,
            "fw": rng.standard_normal((10, 16)).astype(np.float32),
            "fb": rng.standard_normal(10).astype(np.float32)}


def write(path):
    p = params()
    m = tw.Model()
    x = m.tensor("image", [1, 28, 28, 1])
    pads = m.tensor("pads", [4, 2], "int32", data=np.array([[0, 0], [1, 1], [1, 1], [0, 0]]))
    xp = m.tensor("padded", [1, 30, 30, 1])
    m.op(tw.PAD, [x, pads], [xp])
    cw = m.tensor("cw", [8, 3, 3, 1], data=p["cw"])
    cb = m.tensor("cb", [8], data=p["cb"])
    c = m.tensor("conv", [1, 14, 14, 8])
    m.op(tw.CONV_2D, [xp, cw, cb], [c], tw.CONV2D,
         [(0, "u8", tw.VALID), (1, "i32", 2), (2, "i32", 2), (3, "u8", tw.ACT_RELU6)])
    dw = m.tensor("dw", [1, 3, 3, 16], data=p["dw"])
    db = m.tensor("db", [16], data=p["db"])
    d = m.tensor("dwconv", [1, 14, 14, 16])
    m.op(tw.DEPTHWISE_CONV_2D, [c, dw, db], [d], tw.DEPTHWISE_CONV2D,
         [(0, "u8", tw.SAME), (1, "i32", 1), (2, "i32", 1), (3, "i32", 2), (4, "u8", tw.ACT_RELU)])
    ap = m.tensor("avgpool", [1, 5, 5, 16])
    m.op(tw.AVERAGE_POOL_2D, [d], [ap], tw.POOL2D,
         [(0, "u8", tw.SAME), (1, "i32", 3), (2, "i32", 3), (3, "i32", 3), (4, "i32", 3)])
    axes = m.tensor("axes", [2], "int32", data=np.array([1, 2]))
    mean = m.tensor("mean", [1, 16])
    m.op(tw.MEAN, [ap, axes], [mean], tw.REDUCER_OPT, [(0, "bool", False)])
    fw = m.tensor("fw", [10, 16], data=p["fw"])
    fb = m.tensor("fb", [10], data=p["fb"])
    f = m.tensor("fc", [1, 10])
    # options written although all default: Arm NN 20.08 dereferences them
    m.op(tw.FULLY_CONNECTED, [mean, fw, fb], [f], tw.FULLY_CONNECTED_OPT, [(0, "u8", tw.ACT_NONE)])
    s = m.tensor("prob", [1, 10])
    m.op(tw.SOFTMAX, [f], [s], tw.SOFTMAX_OPT, [(0, "f32", 0.5)])
    m.inputs, m.outputs = [x], [s]
    with open(path, "wb") as out:
        out.write(m.build())


def conv_nhwc(x, wt, b, stride, pad, groups=1):
    """x [H, W, C]; wt [O, KH, KW, I] (I = C / groups); explicit pads (t, l, b, r)."""
    x = np.pad(x, ((pad[0], pad[2]), (pad[1], pad[3]), (0, 0)))
    o, kh, kw, i = wt.shape
    oh, ow = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    y = np.zeros((oh, ow, o))
    per = o // groups
    for oc in range(o):
        g = oc // per
        for r in range(oh):
            for c in range(ow):
                win = x[r * stride:r * stride + kh, c * stride:c * stride + kw, g * i:(g + 1) * i]
                y[r, c, oc] = (win * wt[oc]).sum() + b[oc]
    return y


def avgpool_same(x, k, s):
    h = -(-x.shape[0] // s)
    t = max((h - 1) * s + k - x.shape[0], 0) // 2
    y = np.zeros((h, h, x.shape[2]))
    for r in range(h):
        for c in range(h):
            r0, c0 = r * s - t, c * s - t
            win = x[max(r0, 0):min(r0 + k, x.shape[0]), max(c0, 0):min(c0 + k, x.shape[1])]
            y[r, c] = win.mean(axis=(0, 1))  # TFLite: pixels inside the image only
    return y


def evaluate(images):
    """images: uint8 [N, 28, 28], fed as pixel / 255. Returns float32 [N, 1, 10]."""
    p = params()
    want = []
    for im in images.astype(np.float64) / 255.0:
        x = np.pad(im.reshape(28, 28, 1), ((1, 1), (1, 1), (0, 0)))           # PAD
        x = np.clip(conv_nhwc(x, p["cw"], p["cb"], 2, (0, 0, 0, 0)), 0, 6)    # VALID s2, RELU6
        dw = p["dw"].transpose(3, 1, 2, 0)                                     # 1HWO -> O,H,W,1
        x = np.maximum(conv_nhwc(x, dw, p["db"], 1, (1, 1, 1, 1), groups=8), 0)  # SAME x2, RELU
        x = avgpool_same(x, 3, 3)                                              # 14 -> 5, SAME
        x = x.mean(axis=(0, 1))                                                # MEAN over H, W
        z = 0.5 * (p["fw"] @ x + p["fb"])                                      # FC, beta 0.5
        e = np.exp(z - z.max())
        want.append((e / e.sum()).reshape(1, 10))
    return np.array(want, dtype=np.float32)


def write_int8(path):
    """The int8 sibling, as TFLite's converter quantises (int8 activations,
    per-channel conv and depthwise weights, per-tensor fully-connected
    weights, int32 biases at input scale x weight scale): QUANTIZE -> CONV_2D
    (SAME, RELU) -> DEPTHWISE_CONV_2D (SAME) -> ADD of the two -> AVERAGE_POOL_2D
    (VALID 2x2) -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX -> DEQUANTIZE ("prob"),
    and the logits dequantised as a second output ("logits_f"). Parameters
    are seeded, not calibrated: ranges merely plausible."""
    rng = np.random.default_rng(2022)
    m = tw.Model()

    def act(name, shape, scale, zp):
        return m.tensor(name, shape, "int8", scale=[scale], zero_point=[zp])

    def qweights(name, w, per_channel_dim):
        axes = tuple(i for i in range(w.ndim) if i != per_channel_dim)
        s = (np.abs(w).max(axis=axes) / 127.0) if per_channel_dim is not None else \
            np.array([np.abs(w).max() / 127.0])
        shape = [1] * w.ndim
        if per_channel_dim is not None:
            shape[per_channel_dim] = -1
        q = np.clip(np.round(w / s.reshape(shape)), -127, 127).astype(np.int8)
        return m.tensor(name, list(w.shape), "int8", data=q, scale=list(map(float, s)),
                        zero_point=[0] * len(s), qdim=per_channel_dim or 0), s

    def qbias(name, b, s):
        return m.tensor(name, [len(b)], "int32", data=np.round(b / s).astype(np.int32),
                        scale=list(map(float, s)), zero_point=[0] * len(s))

    x = m.tensor("image", [1, 28, 28, 1])
    s_in = 1.0 / 255
    xq = act("image_q", [1, 28, 28, 1], s_in, -128)
    m.op(tw.QUANTIZE, [x], [xq])
    cw, cws = qweights("cw", rng.standard_normal((8, 3, 3, 1)) * 0.5, 0)
    cb = qbias("cb", rng.standard_normal(8) * 0.1, cws * s_in)
    s_c = 0.02
    c = act("conv", [1, 28, 28, 8], s_c, -128)
    m.op(tw.CONV_2D, [xq, cw, cb], [c], tw.CONV2D,
         [(0, "u8", tw.SAME), (1, "i32", 1), (2, "i32", 1), (3, "u8", tw.ACT_RELU)])
    dw, dws = qweights("dw", rng.standard_normal((1, 3, 3, 8)) * 0.5, 3)
    db = qbias("db", rng.standard_normal(8) * 0.1, dws * s_c)
    s_d = 0.03
    d = act("dwconv", [1, 28, 28, 8], s_d, 5)
    m.op(tw.DEPTHWISE_CONV_2D, [c, dw, db], [d], tw.DEPTHWISE_CONV2D,
         [(0, "u8", tw.SAME), (1, "i32", 1), (2, "i32", 1), (3, "i32", 1), (4, "u8", tw.ACT_NONE)])
    s_a = 0.04
    a = act("sum", [1, 28, 28, 8], s_a, -10)
    m.op(tw.ADD, [c, d], [a], tw.ADD_OPT, [(0, "u8", tw.ACT_NONE)])
    p = act("pool", [1, 14, 14, 8], s_a, -10)
    m.op(tw.AVERAGE_POOL_2D, [a], [p], tw.POOL2D,
         [(0, "u8", tw.VALID), (1, "i32", 2), (2, "i32", 2), (3, "i32", 2), (4, "i32", 2)])
    shape = m.tensor("flat_shape", [2], "int32", data=np.array([1, 14 * 14 * 8]))
    f = act("flat", [1, 14 * 14 * 8], s_a, -10)
    m.op(tw.RESHAPE, [p, shape], [f], tw.RESHAPE_OPT, [(0, "vec_i32", [1, 14 * 14 * 8])])
    fw, fws = qweights("fw", rng.standard_normal((10, 14 * 14 * 8)) * 0.05, None)
    fb = qbias("fb", rng.standard_normal(10) * 0.1, fws * s_a)
    z = act("logits", [1, 10], 0.1, 0)
    m.op(tw.FULLY_CONNECTED, [f, fw, fb], [z], tw.FULLY_CONNECTED_OPT, [(0, "u8", tw.ACT_NONE)])
    sm = act("prob_q", [1, 10], 1.0 / 256, -128)
    m.op(tw.SOFTMAX, [z], [sm], tw.SOFTMAX_OPT, [(0, "f32", 1.0)])
    y = m.tensor("prob", [1, 10])
    m.op(tw.DEQUANTIZE, [sm], [y])
    zf = m.tensor("logits_f", [1, 10])  # a second output: the logits before softmax
    m.op(tw.DEQUANTIZE, [z], [zf])
    m.inputs, m.outputs = [x], [y, zf]
    with open(path, "wb") as out:
        out.write(m.build())
