#!/usr/bin/python3
"""Generate tests/data/models/dw_batch.onnx: planar depthwise convolutions
over a batch of two images, for simd's depthwise driver, which hands a
kernel call a run of consecutive channels of one image at a time
(backends/simd/simd_plan_dwconv.c, dw_f32_task):

x[2,21,20,20] ->
  dw1: depthwise 3x3/1, pads 1 (+ bias) -> Clip 0..6   -> y1[2,21,20,20]
  dw2: depthwise 3x3/2, pads 1 (no bias)               -> y2[2,21,10,10]

42 planes: one thread's single task, and two threads' tasks of six planes,
cross the boundary between the images (plane 21), so a run that ignored it
would take the second image's first planes with the first one's last
channels' weights. The test compares simd with ref on every ISA build the
host runs.

    /usr/bin/python3 tools/make_dw_batch_test_model.py
The output is committed; re-running rewrites it deterministically.
"""
import os

import numpy as np
from onnx import helper

import onnx_fixture
from onnx_fixture import const, f32, save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models",
                   "dw_batch.onnx")
rng = np.random.default_rng(1209)


def main():
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["d1"], name="dw1", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=21),
        helper.make_node("Clip", ["d1", "lo", "hi"], ["y1"], name="clip1"),
        helper.make_node("Conv", ["y1", "w2"], ["y2"], name="dw2", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1], group=21),
    ]
    inits = [onnx_fixture.weights(rng, "w1", 21, 1, 3, 3),
             onnx_fixture.weights(rng, "b1", 21, scale=0.1),
             onnx_fixture.weights(rng, "w2", 21, 1, 3, 3),
             const("lo", np.float32(0)), const("hi", np.float32(6))]
    save(OUT, "dw_batch", nodes, [f32("x", [2, 21, 20, 20])],
         [f32("y1", [2, 21, 20, 20]), f32("y2", [2, 21, 10, 10])], inits)


if __name__ == "__main__":
    main()
