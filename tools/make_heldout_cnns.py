#!/usr/bin/python3
"""Write CNNs the project's kernels were never tuned on (not committed: 5-47 MB each).

  /usr/bin/python3 tools/make_heldout_cnns.py OUT_DIR

writes OUT_DIR/<arch>.onnx for six torchvision architectures of other
families than the MobileNet-v2 fixtures: resnet18 (3x3 convolutions),
squeezenet1_1 (fire modules, concat), efficientnet_b0 (SiLU, squeeze-excite,
5x5 depthwise), regnet_x_400mf (grouped convolutions), mnasnet0_5 (mean over
H and W: ReduceMean) and shufflenet_v2_x1_0 (channel split and shuffle:
Shape/Gather/Slice arithmetic). Input `input` float32 [1, 3, 224, 224],
output `logits`, opset 13, seeded random weights (speed and portability
work only). bench/bench_heldout.sh runs them through bench_backends.

Needs Debian's python3-torch, python3-torchvision, python3-onnx.
"""
import os
import sys
import warnings

import onnx
import torch

SEED = 20261206
ARCHS = ["resnet18", "squeezenet1_1", "efficientnet_b0", "regnet_x_400mf", "mnasnet0_5",
         "shufflenet_v2_x1_0"]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_heldout_cnns.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    import torchvision
    warnings.filterwarnings("ignore")
    for arch in ARCHS:
        path = os.path.join(out, arch + ".onnx")
        if os.path.exists(path):
            continue
        torch.manual_seed(SEED)
        model = getattr(torchvision.models, arch)().eval()
        tmp = path + ".tmp"
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), tmp, input_names=["input"],
                          output_names=["logits"], opset_version=13, do_constant_folding=True)
        onnx.checker.check_model(onnx.load(tmp))
        os.replace(tmp, path)
        print("wrote", path)


if __name__ == "__main__":
    main()
