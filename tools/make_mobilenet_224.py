#!/usr/bin/python3
"""Write the MobileNet-v2 1.0@224 speed fixture (not committed: 14 MB).

  /usr/bin/python3 tools/make_mobilenet_224.py OUT_DIR

writes OUT_DIR/mobilenet_v2_100_224.onnx (torchvision's MobileNet-v2
architecture, width 1.0, 1000 classes, input `input` float32 [1, 3, 224,
224], output `logits`, opset 13, seeded random weights: speed work only) and
OUT_DIR/mobilenet_v2_100_224_int8.onnx, its QDQ form (tools/onnx_qdq.py,
calibrated on 4 seeded random images). Deterministic up to PyTorch's CPU
kernels. bench/bench_backends runs this on demand when the files are missing
from <build>/models/.

Needs Debian's python3-torch, python3-torchvision, python3-onnx, python3-numpy.
"""
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_qdq import quantize  # noqa: E402

SEED = 20261205


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_mobilenet_224.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    import torchvision
    torch.manual_seed(SEED)
    model = torchvision.models.mobilenet_v2(width_mult=1.0, num_classes=1000)
    model.eval()
    fp32 = os.path.join(out, "mobilenet_v2_100_224.onnx")
    tmp = fp32 + ".tmp"
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), tmp, input_names=["input"],
                      output_names=["logits"], opset_version=13, do_constant_folding=True)
    m = onnx.load(tmp)
    onnx.checker.check_model(m)
    os.replace(tmp, fp32)
    g = torch.Generator().manual_seed(SEED)
    cal = torch.rand(4, 3, 224, 224, generator=g) * 2 - 1
    q = quantize(m, {"input": cal})
    int8 = os.path.join(out, "mobilenet_v2_100_224_int8.onnx")
    onnx.save(q, int8 + ".tmp")
    os.replace(int8 + ".tmp", int8)
    print(f"wrote {fp32} and {int8}")


if __name__ == "__main__":
    main()
