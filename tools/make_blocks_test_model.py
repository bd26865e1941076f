#!/usr/bin/python3
"""Generate the fixtures of simd's fused inverted-residual steps: on
threads, a pointwise convolution, the depthwise one after it, the 1x1
projection after that and the residual Add of the block's input run as one
step, band by band over each thread's output rows
(backends/simd/simd_plan_pwdw.c, simd_plan_pwdw_q8.c):
tests/data/models/blocks.onnx (fp32) and tests/data/qdq/qdq_blocks.onnx (the
same graph in QDQ form, tools/onnx_qdq.py, calibrated on random inputs).
Eight blocks:

x[1,8,63,67], x2[1,16,16,17], x3[1,32,28,14] ->
  a: pw 8->512 (+ bias) -> Clip -> dw 3x3/1 (+ bias) -> Clip -> pj 512->8
     (+ bias) -> Add(pj, x) -> ya             all four groups one step; 2.1
                                               MB expansion: several bands
                                               per thread
  b: ya -> pw 8->64 -> dw 3x3/1 -> pj 64->8 -> Add(ya, pj) -> yb
                                               the Add's inputs the other
                                               way round; its input written
                                               by block a's step
  c: x -> pw 8->48 -> Clip -> dw 3x3/2 pads 1 -> pj 48->16 -> yc[1,16,32,34]
                                               stride 2, no Add
  d: x -> pw 8->40 -> dw 3x3/1 -> pj 40->8 -> Add(pj, ya) -> yd
                                               the Add's other input is not
                                               the block's: a step of its own
  e: x -> pw 8->32 -> dw 3x3/1 -> pj 32->8 -> ye_pj (a graph output too)
     -> Add(ye_pj, x) -> ye                    the Add a step of its own
  f: yc -> pw 16->64 -> dw 3x3/2 pads 1 -> pj 64->16 -> yf[1,16,16,17]
                                               16 rows: 8 per thread
  g: x2 -> pw 16->64 -> dw 3x3/2 pads 1 -> pj 64->16 -> yg[1,16,8,9]
                                               8 rows: under 6 per thread
                                               on two threads, nothing fused
  h: x3 -> pw 32->128 -> dw 3x3/1 -> pj 128->32 -> Add(pj, x3) -> yh
                                               14 columns: planes the
                                               kernels read in place

No output is more than two blocks from an input: test_delegate_outputs
holds the delegates that run the QDQ form in float to 2 steps of ref, and
each layer may add one. 63 rows and 67 columns leave ragged bands and
ragged GEMM panels; channel counts that are not multiples of 16 leave
ragged rows. test_simd_backend compares simd with ref (int8 byte for byte,
fp32 within its tolerance) on every ISA build the host runs, on one and two
threads, and checks which steps take which nodes.

    /usr/bin/python3 tools/make_blocks_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
import onnx
import torch
from onnx import helper

import onnx_fixture
from make_pwdw_test_model import dw, pw
from onnx_fixture import const, f32
from onnx_qdq import quantize

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_F32 = os.path.join(HERE, "..", "tests", "data", "models", "blocks.onnx")
OUT_Q8 = os.path.join(HERE, "..", "tests", "data", "qdq", "qdq_blocks.onnx")
CIN, H, W = 8, 63, 67


def block(rng, name, x, cin, e, cout, stride, bias=False, clip=False, out=None):
    """pw cin->e [-> Clip] -> dw 3x3/stride [-> Clip] -> pj e->cout (into
    out, or name_pj_y): nodes, initializers and the projection's output."""
    def w(wname, *shape, scale=0.5):
        return onnx_fixture.weights(rng, wname, *shape, scale=scale)
    p, d, j = name + "_pw", name + "_dw", name + "_pj"
    inits = [w(p + "_w", e, cin, 1, 1), w(d + "_w", e, 1, 3, 3), w(j + "_w", cout, e, 1, 1)]
    bias_of = {}
    if bias:
        inits += [w(p + "_b", e, scale=0.1), w(d + "_b", e, scale=0.1), w(j + "_b", cout, scale=0.1)]
        bias_of = {p: [p + "_b"], d: [d + "_b"], j: [j + "_b"]}
    nodes = [pw([x, p + "_w"] + bias_of.get(p, []), p + "_y", "pw_" + name)]
    t = p + "_y"
    if clip:
        nodes.append(helper.make_node("Clip", [t, "lo", "hi"], [p + "_c"], name="clip_" + p))
        t = p + "_c"
    nodes.append(dw([t, d + "_w"] + bias_of.get(d, []), d + "_y", "dw_" + name, e, stride,
                    [1, 1, 1, 1]))
    t = d + "_y"
    if clip:
        nodes.append(helper.make_node("Clip", [t, "lo", "hi"], [d + "_c"], name="clip_" + d))
        t = d + "_c"
    out = out or j + "_y"
    nodes.append(pw([t, j + "_w"] + bias_of.get(j, []), out, "pj_" + name))
    return nodes, inits, out


def add(a, b, out, name):
    return helper.make_node("Add", [a, b], [out], name=name)


def main():
    rng = np.random.default_rng(2612)
    nodes, inits = [], [const("lo", np.float32(0)), const("hi", np.float32(6))]

    def put(parts):
        nodes.extend(parts[0])
        inits.extend(parts[1])
        return parts[2]

    pa = put(block(rng, "a", "x", CIN, 512, CIN, 1, bias=True, clip=True))
    nodes.append(add(pa, "x", "ya", "add_a"))
    pb = put(block(rng, "b", "ya", CIN, 64, CIN, 1))
    nodes.append(add("ya", pb, "yb", "add_b"))
    put(block(rng, "c", "x", CIN, 48, 16, 2, clip=True, out="yc"))
    pd = put(block(rng, "d", "x", CIN, 40, CIN, 1))
    nodes.append(add(pd, "ya", "yd", "add_d"))
    put(block(rng, "e", "x", CIN, 32, CIN, 1, out="ye_pj"))
    nodes.append(add("ye_pj", "x", "ye", "add_e"))
    put(block(rng, "f", "yc", 16, 64, 16, 2, out="yf"))
    put(block(rng, "g", "x2", 16, 64, 16, 2, out="yg"))
    ph = put(block(rng, "h", "x3", 32, 128, 32, 1))
    nodes.append(add(ph, "x3", "yh", "add_h"))
    outs = [f32("ya", [1, CIN, H, W]), f32("yb", [1, CIN, H, W]), f32("yc", [1, 16, 32, 34]),
            f32("yd", [1, CIN, H, W]), f32("ye_pj", [1, CIN, H, W]), f32("ye", [1, CIN, H, W]),
            f32("yf", [1, 16, 16, 17]), f32("yg", [1, 16, 8, 9]), f32("yh", [1, 32, 28, 14])]
    ins = [f32("x", [1, CIN, H, W]), f32("x2", [1, 16, 16, 17]), f32("x3", [1, 32, 28, 14])]
    m = helper.make_model(helper.make_graph(nodes, "qdq_blocks", ins, outs, inits),
                          opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools", producer_version="1")
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, os.path.normpath(OUT_F32))
    g = torch.Generator().manual_seed(2612)
    q = quantize(m, {"x": torch.rand(2, CIN, H, W, generator=g) * 2 - 1,
                     "x2": torch.rand(2, 16, 16, 17, generator=g) * 2 - 1,
                     "x3": torch.rand(2, 32, 28, 14, generator=g) * 2 - 1})
    onnx.checker.check_model(q, full_check=True)
    onnx.save(q, os.path.normpath(OUT_Q8))


if __name__ == "__main__":
    main()
