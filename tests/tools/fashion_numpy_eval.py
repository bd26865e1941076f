"""The Fashion-MNIST fixture CNN (models/fashion/fp32.onnx) evaluated with
NumPy in float64, node by node from the ONNX file: an computation of its
outputs independent of edgebench's backends, for tests/cli/test_outputs.sh.

Only the operators that network uses (Conv with pads, Relu, MaxPool 2x2
stride 2, Flatten, Gemm with transB) are implemented; any other is refused by
name. Debian's python3-onnx 1.12 has no onnx.reference, and this machine's
/usr/bin/python3 may have no torch.
"""
import numpy as np
import onnx
from onnx import numpy_helper

MEAN, STD = 0.2860, 0.3530  # models/fashion/README.md


def preprocess(pixels):
    """uint8 28x28 pixels -> the model's float input [1, 1, 28, 28]."""
    return ((pixels.astype(np.float64) / 255.0 - MEAN) / STD).reshape(1, 1, 28, 28)


def run(path, x):
    m = onnx.load(path)
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}
    env[m.graph.input[0].name] = x
    for n in m.graph.node:
        a = {t.name: onnx.helper.get_attribute_value(t) for t in n.attribute}
        ins = [env[i] for i in n.input]
        if n.op_type == "Conv":
            xx, w, b = ins
            p = a.get("pads", [0, 0, 0, 0])
            kh, kw = w.shape[2:]
            xp = np.pad(xx, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
            h, wd = xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
            cols = np.stack([xp[:, :, i:i + h, j:j + wd] for i in range(kh) for j in range(kw)],
                            axis=2)
            y = np.einsum("nckhw,ock->nohw", cols, w.reshape(w.shape[0], w.shape[1], -1))
            y = y + b[None, :, None, None]
        elif n.op_type == "Relu":
            y = np.maximum(ins[0], 0)
        elif n.op_type == "MaxPool":
            assert list(a["kernel_shape"]) == [2, 2] and list(a["strides"]) == [2, 2]
            xx = ins[0]
            nb, c, h, wd = xx.shape
            y = xx[:, :, :h // 2 * 2, :wd // 2 * 2].reshape(nb, c, h // 2, 2, wd // 2, 2)
            y = y.max(axis=(3, 5))
        elif n.op_type == "Flatten":
            y = ins[0].reshape(ins[0].shape[0], -1)
        elif n.op_type == "Gemm":
            assert a.get("transB", 0) == 1
            y = ins[0] @ ins[1].T + ins[2]
        else:
            raise SystemExit(f"fashion_numpy_eval: operator {n.op_type} is not implemented")
        env[n.output[0]] = y
    return env[m.graph.output[0].name]


def outputs(model, images, n):
    """Outputs of the first n images, stacked: [n, 1, 10] float64."""
    return np.stack([run(model, preprocess(images[i])) for i in range(n)])
