#!/usr/bin/python3
"""Generate the small ONNX models the loader and CLI tests use.

Writes tests/data/models/*.onnx: one well-formed tiny CNN whose shapes, MACs
and parameter count are known by hand (the tests check them), and one model
per kind of bad input the loader must reject with a precise message.

Run with Debian's Python (it has python3-onnx and numpy):
    /usr/bin/python3 tools/make_test_models.py
The outputs are committed; re-running rewrites them deterministically.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "models")
rng = np.random.default_rng(1234)


def save(model, name):
    onnx.save(model, os.path.join(OUT, name))


def model(graph, opset=13):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="edgebench-tools", producer_version="1")
    m.ir_version = 8
    return m


def tiny_conv(batch_dim=1):
    """x[N,1,8,8] -> Conv(4,3x3,pad1) -> Relu -> MaxPool(2) -> Flatten -> Gemm(10) -> Softmax.

    MACs: conv 4*8*8 outputs * 9 = 2304; gemm 64*10 = 640; total 2944.
    Parameters: 36 + 4 + 640 + 10 = 690 (2760 bytes of float32).
    """
    w = numpy_helper.from_array(rng.standard_normal((4, 1, 3, 3)).astype(np.float32), "conv.w")
    b = numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "conv.b")
    fw = numpy_helper.from_array(rng.standard_normal((10, 64)).astype(np.float32) * 0.1, "fc.w")
    fb = numpy_helper.from_array(rng.standard_normal(10).astype(np.float32), "fc.b")
    nodes = [
        helper.make_node("Conv", ["x", "conv.w", "conv.b"], ["c"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["prob"], name="softmax", axis=-1),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch_dim, 1, 8, 8])
    y = helper.make_tensor_value_info("prob", TensorProto.FLOAT, [batch_dim, 10])
    return model(helper.make_graph(nodes, "tiny_conv", [x], [y], [w, b, fw, fb]))


def single_node(op, inputs, outputs, inits=(), **attrs):
    nodes = [helper.make_node(op, [i[0] for i in inputs], [o[0] for o in outputs], name="n0",
                              **attrs)]
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs
           if n not in {t.name for t in inits}]
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs]
    return model(helper.make_graph(nodes, "g", ins, outs, list(inits)))


def main():
    os.makedirs(OUT, exist_ok=True)
    good = tiny_conv()
    save(good, "tiny_conv.onnx")
    save(tiny_conv("N"), "tiny_conv_dynamic_batch.onnx")

    # the same network with its nodes stored in reverse order (ONNX requires
    # topological order, but the loader sorts rather than trusting the file)
    unsorted = tiny_conv()
    rev = list(unsorted.graph.node)[::-1]
    del unsorted.graph.node[:]
    unsorted.graph.node.extend(rev)
    save(unsorted, "tiny_conv_unsorted.onnx")

    data = good.SerializeToString()
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(OUT, "not_a_model.onnx"), "wb") as f:
        f.write(b"this is a text file, not a protobuf\n" * 4)
    open(os.path.join(OUT, "empty.onnx"), "wb").close()

    # the smallest real model: one Relu (the harness-overhead benchmark runs it)
    save(single_node("Relu", [("x", [1, 16])], [("y", [1, 16])]), "relu.onnx")

    # an op no backend knows
    save(single_node("FooBar", [("x", [1, 4])], [("y", [1, 4])]), "unknown_op.onnx")

    # dimensions whose product overflows int64
    save(single_node("Relu", [("x", [1 << 40, 1 << 40, 1 << 40])], [("y", [1, 1])]),
         "dim_overflow.onnx")

    # initializer whose payload is shorter than its shape needs
    bad = numpy_helper.from_array(np.zeros((4, 4), np.float32), "w")
    bad.raw_data = bad.raw_data[:15]
    save(single_node("Add", [("x", [4, 4]), ("w", [4, 4])], [("y", [4, 4])], inits=[bad]),
         "bad_initializer.onnx")

    # weights stored in an external data file
    ext = numpy_helper.from_array(np.zeros((4, 4), np.float32), "w")
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    e = ext.external_data.add()
    e.key, e.value = "location", "weights.bin"
    save(single_node("Add", [("x", [4, 4]), ("w", [4, 4])], [("y", [4, 4])], inits=[ext]),
         "external_data.onnx")

    # a node reading a tensor nothing defines
    nodes = [helper.make_node("Add", ["x", "ghost"], ["y"], name="add_ghost")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    save(model(g), "undefined_input.onnx")

    # two nodes feeding each other
    nodes = [helper.make_node("Add", ["x", "b"], ["a"], name="loop_a"),
             helper.make_node("Relu", ["a"], ["b"], name="loop_b")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("b", TensorProto.FLOAT, [2])])
    save(model(g), "cycle.onnx")

    # conv whose weight expects 3 input channels while the input has 1
    w3 = numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_bad", kernel_shape=[3, 3])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w3])
    save(model(g), "conv_channel_mismatch.onnx")


if __name__ == "__main__":
    main()
