#!/usr/bin/python3
"""Export the quickstart model: a small CNN for 28x28 grey images (the size of
Fashion-MNIST), as PyTorch exports it, so the quickstart scenario runs a real
exporter's ONNX file with nothing to download.

The weights are PyTorch's default initialisation with a fixed seed: this model
is for latency, not accuracy (trained fixtures come from
tools/make_fashion_fixtures.py).

Run with Debian's Python (python3-torch, python3-onnx):
    /usr/bin/python3 tools/export_quickstart_model.py
Writes models/quickstart_cnn.onnx (committed).
"""
import os

import torch
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(),
                                        nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    torch.manual_seed(0)
    model = SmallCNN().eval()
    out = os.path.join(os.path.dirname(__file__), "..", "models", "quickstart_cnn.onnx")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, input_names=["image"],
                      output_names=["logits"], opset_version=13, do_constant_folding=True)
    print("wrote", out)


if __name__ == "__main__":
    main()
