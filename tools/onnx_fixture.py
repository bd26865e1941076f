"""What the fp32 test-model generators share (make_pwdw_test_model.py,
make_direct_conv_test_model.py): constants, seeded random weights, float
tensor declarations, and the checked, deterministic save.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def const(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def weights(rng, name, *shape, scale=0.5):
    """float32 normal(0, scale) values of the given shape from rng."""
    return const(name, (rng.standard_normal(shape) * scale).astype(np.float32))


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def save(path, name, nodes, inputs, outputs, inits):
    """The graph as an opset-13 model, fully checked, written to path."""
    m = helper.make_model(helper.make_graph(nodes, name, inputs, outputs, inits),
                          opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench-tools", producer_version="1")
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, os.path.normpath(path))
