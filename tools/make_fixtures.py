#!/usr/bin/python3
"""Train the Fashion-MNIST fixture CNN, write its compression variants and a
MobileNet-v2-style model, and the slice of test data the tests use.

Writes (all committed; re-run to regenerate, output is deterministic up to
PyTorch's CPU kernels):

  models/fashion/fp32.onnx       the trained CNN
  models/fashion/int8.onnx       static PTQ, QDQ form, per-channel int8 weights,
                                 uint8 activations calibrated on 512 training images
  models/fashion/fp16.onnx       weights stored as float16 (Cast to float32 at run time)
  models/fashion/pruned50.onnx   50% of each layer's weights zeroed by magnitude,
  models/fashion/pruned80.onnx   80%, each fine-tuned for one epoch with its mask
  models/fashion/accuracy.json   top-1 of every variant on the full 10,000-image test
                                 set, as PyTorch computes it (read by the tests)
  models/fashion/README.md       how they were made, with that table
  models/mobilenet_v2/mobilenet_v2_050_96.onnx       torchvision MobileNet-v2,
  models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx  width 0.5, 10 classes, 3x96x96,
                                 seeded random weights (speed work only), and its QDQ form
  tests/data/fashion/t1k-images-idx3-ubyte.gz, t1k-labels-idx1-ubyte.gz
                                 the first 1,000 test images and labels (IDX, as the
                                 dataset ships them)
  tests/data/fashion/t100-images.npy, t100-labels.npy, t100.h5
                                 the first 100, as NumPy and HDF5 files (reader tests)

Needs Debian's python3-torch, python3-torchvision, python3-onnx, python3-h5py,
python3-numpy and dataset-fashion-mnist; run as
    /usr/bin/python3 tools/make_fixtures.py
"""
import gzip
import json
import os
import struct
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_qdq import quantize, to_fp16_weights  # noqa: E402
from onnx_torch_eval import run_graph  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = "/usr/share/datasets/fashion-mnist"
FASHION = os.path.join(ROOT, "models", "fashion")
MOBILENET = os.path.join(ROOT, "models", "mobilenet_v2")
TESTDATA = os.path.join(ROOT, "tests", "data", "fashion")
SEED = 20261126
# The preprocessing every consumer uses: pixel / 255, then (x - MEAN) / STD.
MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, arr):
    header = struct.pack(">I", 0x0800 | arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(header + arr.astype(np.uint8).tobytes())


def prep(images):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - MEAN) / STD


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def train(model, x, y, epochs, masks=None, lr=1e-3):
    g = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for ep in range(epochs):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            if masks:
                with torch.no_grad():
                    for p, m in masks.items():
                        p.mul_(m)
        print(f"  epoch {ep + 1}/{epochs}: last batch loss {loss.item():.3f}", flush=True)
    model.eval()


def torch_top1(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def onnx_top1(m, x, y):
    correct = 0
    name = m.graph.input[0].name
    for i in range(0, len(x), 1000):
        out = run_graph(m, {name: x[i:i + 1000]})[0]
        correct += int((out.argmax(1) == y[i:i + 1000]).sum())
    return correct / len(x)


def export(model, path, shape, names=("input", "logits")):
    model.eval()
    torch.onnx.export(model, torch.zeros(shape), path, input_names=[names[0]], output_names=[names[1]],
                      opset_version=13, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def prune(model, fraction):
    """Zero the smallest |w| of each conv/linear weight; returns the masks."""
    masks = {}
    for mod in model.modules():
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            w = mod.weight.data
            k = int(fraction * w.numel())
            thresh = w.abs().flatten().kthvalue(k).values if k > 0 else -1
            m = (w.abs() > thresh).float()
            w.mul_(m)
            masks[mod.weight] = m
    return masks


def sparsity(model):
    z = n = 0
    for mod in model.modules():
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            z += int((mod.weight == 0).sum())
            n += mod.weight.numel()
    return z / n


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    for d in (FASHION, MOBILENET, TESTDATA):
        os.makedirs(d, exist_ok=True)
    xtr_u8 = read_idx(os.path.join(DATA, "train-images-idx3-ubyte.gz"))
    ytr = torch.from_numpy(read_idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    xte_u8 = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))
    yte_np = read_idx(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz"))
    yte = torch.from_numpy(yte_np.astype(np.int64))
    xtr, xte = prep(xtr_u8), prep(xte_u8)

    # test data slices
    write_idx(os.path.join(TESTDATA, "t1k-images-idx3-ubyte.gz"), xte_u8[:1000])
    write_idx(os.path.join(TESTDATA, "t1k-labels-idx1-ubyte.gz"), yte_np[:1000])
    np.save(os.path.join(TESTDATA, "t100-images.npy"), xte_u8[:100])
    np.save(os.path.join(TESTDATA, "t100-labels.npy"), yte_np[:100].astype(np.int64))
    import h5py
    with h5py.File(os.path.join(TESTDATA, "t100.h5"), "w") as f:
        f.create_dataset("images", data=xte_u8[:100])
        f.create_dataset("labels", data=yte_np[:100].astype(np.int32))

    print("training the Fashion-MNIST CNN", flush=True)
    model = FashionCNN()
    train(model, xtr, ytr, epochs=3)
    acc = {}
    rows = []
    shape = (1, 1, 28, 28)

    fp32 = export(model, os.path.join(FASHION, "fp32.onnx"), shape)
    acc["fp32"] = torch_top1(model, xte, yte)
    acc_onnx = onnx_top1(fp32, xte, yte)
    assert abs(acc_onnx - acc["fp32"]) < 1e-3, (acc_onnx, acc["fp32"])
    rows.append(("fp32", "trained, 3 epochs of Adam (lr 1e-3, batch 128)", 0.0))

    cal = xtr[torch.randperm(len(xtr), generator=torch.Generator().manual_seed(SEED))[:512]]
    int8 = quantize(fp32, {"input": cal})
    onnx.save(int8, os.path.join(FASHION, "int8.onnx"))
    acc["int8"] = onnx_top1(int8, xte, yte)
    rows.append(("int8", "static PTQ in QDQ form: per-channel int8 weights, uint8 activations "
                 "calibrated (min/max) on 512 training images", 0.0))

    fp16 = to_fp16_weights(fp32)
    onnx.save(fp16, os.path.join(FASHION, "fp16.onnx"))
    acc["fp16"] = onnx_top1(fp16, xte, yte)
    rows.append(("fp16", "weights stored as float16, Cast to float32 at run time", 0.0))

    state = {k: v.clone() for k, v in model.state_dict().items()}
    for frac in (0.5, 0.8):
        name = f"pruned{int(frac * 100)}"
        pm = FashionCNN()
        pm.load_state_dict(state)
        masks = prune(pm, frac)
        print(f"fine-tuning {name}", flush=True)
        train(pm, xtr, ytr, epochs=1, masks=masks, lr=5e-4)
        export(pm, os.path.join(FASHION, name + ".onnx"), shape)
        acc[name] = torch_top1(pm, xte, yte)
        rows.append((name, f"{int(frac * 100)}% of each layer's weights zeroed by magnitude, "
                     "fine-tuned 1 epoch with the mask", sparsity(pm)))

    sizes = {v: os.path.getsize(os.path.join(FASHION, v + ".onnx")) for v in acc}
    with open(os.path.join(FASHION, "accuracy.json"), "w") as f:
        json.dump({"test_set": "Fashion-MNIST t10k (10,000 images)", "mean": MEAN, "std": STD,
                   "top1": acc, "bytes": sizes}, f, indent=2, sort_keys=True)
        f.write("\n")
    write_readme(rows, acc, sizes)

    print("MobileNet-v2 (width 0.5, 96x96, seeded random weights)", flush=True)
    import torchvision
    torch.manual_seed(SEED)
    mb = torchvision.models.mobilenet_v2(width_mult=0.5, num_classes=10)
    mbm = export(mb, os.path.join(MOBILENET, "mobilenet_v2_050_96.onnx"), (1, 3, 96, 96))
    # calibration on Fashion images scaled up to 96x96, three channels
    xc = F.interpolate(cal[:64], size=(96, 96), mode="bilinear", align_corners=False).repeat(1, 3, 1, 1)
    mbq = quantize(mbm, {"input": xc})
    onnx.save(mbq, os.path.join(MOBILENET, "mobilenet_v2_050_96_int8.onnx"))
    for k, v in acc.items():
        print(f"  {k:9s} top-1 {100 * v:.2f}%  {sizes[k]} bytes")


def write_readme(rows, acc, sizes):
    lines = [
        "# Fashion-MNIST fixture models",
        "",
        "Generated by `tools/make_fixtures.py` (run it with `/usr/bin/python3`; it needs",
        "Debian's `python3-torch`, `python3-torchvision`, `python3-onnx` and",
        "`dataset-fashion-mnist`). The network: Conv(1→16, 3×3) → ReLU → MaxPool 2 →",
        "Conv(16→32, 3×3) → ReLU → MaxPool 2 → Flatten → Linear(1568→64) → ReLU →",
        "Linear(64→10); input `input` float32 [1, 1, 28, 28], output `logits` [1, 10].",
        "",
        f"Preprocessing (the same for every variant): pixel / 255, then (x − {MEAN}) / {STD}.",
        "",
        "Top-1 on the full Fashion-MNIST test set (10,000 images) as PyTorch computes it:",
        "fp32 and the pruned variants by the trained `nn.Module`; int8 and fp16 by",
        "PyTorch operators executing the ONNX graph node by node",
        "(`tools/onnx_torch_eval.py`: PyTorch cannot load ONNX files, so the QDQ and",
        "Cast semantics are evaluated with `torch.round`, `torch.clamp` and `Tensor.to`).",
        "",
        "| variant | how | weight sparsity | bytes | top-1 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, how, sp in rows:
        lines.append(f"| `{name}` | {how} | {100 * sp:.0f}% | {sizes[name]} | {100 * acc[name]:.2f}% |")
    lines += [
        "",
        "`accuracy.json` holds the same numbers for the tests",
        "(`tests/cli/test_accuracy_fashion.sh` checks that edgebench reports them).",
        "",
        "`../mobilenet_v2/`: torchvision's MobileNet-v2 architecture at width 0.5 with",
        "10 classes and a 3×96×96 input, seeded random weights (for speed work, not",
        "accuracy), and its QDQ int8 form calibrated on Fashion-MNIST images scaled to",
        "96×96.",
        "",
    ]
    with open(os.path.join(FASHION, "README.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
