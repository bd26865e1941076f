#!/usr/bin/python3
"""Generate tests/data/qdq/qdq_pw_dw_bands.onnx, the fixture of simd's fused
int8 pointwise + depthwise step (backends/simd/simd_plan_pwdw_q8.c): the
graph of tools/make_pwdw_test_model.py with 512, 512 and 64 channels, in
QDQ form (tools/onnx_qdq.py, calibrated on random inputs), every
convolution a QDQ group.

x[1,8,63,67] ->
  a: pointwise 8->512 (+ bias) -> Clip 0..6 -> depthwise 3x3/1 pads 1 (+ bias)
     -> Relu -> ya[1,512,63,67]
  b: pointwise 8->512 -> depthwise 3x3/2 pads 0,0,1,1 (no activation between)
     -> Clip 0..6 -> yb[1,512,31,33]
  c: pointwise 8->64 -> depthwise 3x3/1, the pointwise output also a graph
     output (yc_pw): not fused, the tensor must exist -> yc[1,64,63,67]
  d (int8 only): pointwise 8->64 -> yd_pw, read by a depthwise 3x3/1 (-> yd)
     and by a pointwise 64->8 (-> ye) through the one DequantizeLinear the
     quantiser puts after it: two groups read it, not fused

Each pointwise output is over 256 KiB, the size from which simd fuses on two
threads; a's and b's (2.1 MB) are over a 2 MiB L2, so they fuse on one
thread too, and their 34 KB rows make each thread's rows several bands (rows
shared by consecutive bands carried over, at stride 1 and 2). 63 rows and
67 columns leave ragged bands and ragged GEMM panels. The test compares
simd with ref, byte for byte, on every ISA build the host runs, on one and
two threads.

    /usr/bin/python3 tools/make_pwdw_q8_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
import onnx
import torch
from onnx import helper

from make_pwdw_test_model import CIN, H, W, dw, graph, pw
from onnx_fixture import const, f32
from onnx_qdq import quantize

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "qdq",
                   "qdq_pw_dw_bands.onnx")


def main():
    rng = np.random.default_rng(2612)
    nodes, inits, outs = graph(rng, 512, 512, 64)
    # pw_e before dw_d: the depthwise group is the last reader
    nodes += [pw(["x", "wd1"], "yd_pw", "pw_d"),
              pw(["yd_pw", "we1"], "ye", "pw_e"),
              dw(["yd_pw", "wd2"], "yd", "dw_d", 64, 1, [1, 1, 1, 1])]
    inits += [const(name, (rng.standard_normal(shape) * 0.5).astype(np.float32))
              for name, shape in (("wd1", (64, CIN, 1, 1)), ("wd2", (64, 1, 3, 3)),
                                  ("we1", (8, 64, 1, 1)))]
    outs += [f32("yd", [1, 64, H, W]), f32("ye", [1, 8, H, W])]
    m = helper.make_model(helper.make_graph(nodes, "qdq_pw_dw_bands", [f32("x", [1, CIN, H, W])],
                                            outs, inits),
                          opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools", producer_version="1")
    onnx.checker.check_model(m, full_check=True)
    g = torch.Generator().manual_seed(2612)
    q = quantize(m, {"x": torch.rand(2, CIN, H, W, generator=g) * 2 - 1})
    onnx.checker.check_model(q, full_check=True)
    onnx.save(q, os.path.normpath(OUT))


if __name__ == "__main__":
    main()
