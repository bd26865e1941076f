"""Static post-training quantisation of an fp32 ONNX graph into QDQ form.

The output is the form ONNX Runtime's quantiser and PyTorch's QDQ export
write, which edgebench's backends fuse into integer kernels
(docs/quantization.md):

  * activations: uint8, asymmetric, per tensor; the range of each tensor is
    calibrated (min/max over the calibration batch, widened to include 0) by
    running the fp32 graph with onnx_torch_eval;
  * Conv / Gemm weights: int8, symmetric, per output channel, stored as int8
    initializers read through DequantizeLinear(axis 0);
  * Conv / Gemm biases: int32 with scale s_x * s_w[c], zero point 0;
  * every activation tensor gets QuantizeLinear -> DequantizeLinear after its
    producer, except a Conv/Gemm/Add output whose only reader is Relu/Clip
    (the activation is fused: the Q/DQ goes after it); MaxPool, Flatten and
    Reshape reuse their input's parameters (they cannot change the range);
  * the graph output is dequantised back to float32.
"""
import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from onnx_torch_eval import run_graph

PASS_THROUGH = {"MaxPool", "Flatten", "Reshape", "Identity"}
FUSED_ACT = {"Relu", "Clip"}


def calibrate(model, feeds):
    """min/max of every tensor over the calibration feeds."""
    keep = {}
    run_graph(model, feeds, keep)
    ranges = {name: (float(v.min()), float(v.max())) for name, v in feeds.items()}
    for name, v in keep.items():
        if v.dtype.is_floating_point:
            ranges[name] = (float(v.min()), float(v.max()))
    return ranges


def act_params(lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(np.clip(np.round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zp)


def weight_params(w):
    flat = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    scale = np.where(flat > 0, flat / 127.0, 1.0).astype(np.float32)
    shape = (-1,) + (1,) * (w.ndim - 1)
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def quantize(model, feeds):
    """Return a new ModelProto: model in QDQ form, calibrated on feeds."""
    ranges = calibrate(model, feeds)
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consumers = {}
    for n in g.node:
        for t in n.input:
            consumers.setdefault(t, []).append(n)
    producers = {o: n for n in g.node for o in n.output}
    out_names = {o.name for o in g.output}

    new_inits = [i for i in g.initializer]
    nodes = []
    qname = {}    # float tensor -> its DQ'd name
    params = {}   # float tensor -> (scale, zp) initializer names
    counter = [0]

    def const(base, arr):
        counter[0] += 1
        name = f"{base}_{counter[0]}"
        new_inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def qdq(t, sz=None):
        """Insert Q -> DQ after float tensor t; returns the DQ output name."""
        if sz is None:
            s, z = act_params(*ranges[t])
            sz = (const(t + "_scale", s), const(t + "_zp", z))
        params[t] = sz
        q_out, dq_out = t + "_q", t + "_dq"
        nodes.append(helper.make_node("QuantizeLinear", [t, sz[0], sz[1]], [q_out], name=t + "_Q"))
        nodes.append(helper.make_node("DequantizeLinear", [q_out, sz[0], sz[1]], [dq_out], name=t + "_DQ"))
        qname[t] = dq_out
        return dq_out

    for i in g.input:
        if i.name not in inits:
            qdq(i.name)

    for n in g.node:
        op = n.op_type
        ins = list(n.input)
        if op in ("Conv", "Gemm") and len(ins) >= 2 and ins[1] in inits:
            x = ins[0]
            x_scale = float(numpy_helper.to_array(
                [i for i in new_inits if i.name == params[x][0]][0]))
            w = inits[ins[1]]
            if op == "Gemm" and not any(a.name == "transB" and a.i for a in n.attribute):
                # [in, out]: per-column parameters, axis 1
                wq, ws = weight_params(w.T)
                wq, axis = wq.T.copy(), 1
            else:
                wq, ws = weight_params(w)
                axis = 0
            wn = const(ins[1] + "_int8", wq)
            wsn = const(ins[1] + "_scale", ws)
            wzn = const(ins[1] + "_zp", np.zeros(ws.shape, np.int8))
            nodes.append(helper.make_node("DequantizeLinear", [wn, wsn, wzn], [ins[1] + "_dq"],
                                          name=ins[1] + "_DQ", axis=axis))
            ins[1] = ins[1] + "_dq"
            if len(ins) > 2 and ins[2] in inits:
                bs = (x_scale * ws).astype(np.float32)
                bq = np.round(inits[ins[2]] / bs).astype(np.int32)
                bn = const(ins[2] + "_int32", bq)
                bsn = const(ins[2] + "_scale", bs)
                bzn = const(ins[2] + "_zp", np.zeros(bs.shape, np.int32))
                nodes.append(helper.make_node("DequantizeLinear", [bn, bsn, bzn], [ins[2] + "_dq"],
                                              name=ins[2] + "_DQ", axis=0))
                ins[2] = ins[2] + "_dq"
        ins = [qname.get(t, t) for t in ins]
        nodes.append(helper.make_node(op, ins, list(n.output), name=n.name, domain=n.domain))
        nodes[-1].attribute.extend(n.attribute)

        y = n.output[0]
        readers = consumers.get(y, [])
        if op in PASS_THROUGH and n.input[0] in params:
            qdq(y, params[n.input[0]])
        elif len(readers) == 1 and readers[0].op_type in FUSED_ACT and y not in out_names:
            continue  # quantised after the activation
        elif y in ranges:
            qdq(y)

    # outputs: float32 again (the DQ'd names), under their original names
    outs = []
    for o in g.output:
        src = qname.get(o.name, o.name)
        nodes.append(helper.make_node("Identity", [src], [o.name + "_out"], name=o.name + "_out"))
        outs.append(helper.make_tensor_value_info(o.name + "_out", TensorProto.FLOAT,
                                                  [d.dim_value for d in o.type.tensor_type.shape.dim]))
    used = {t for nd in nodes for t in nd.input}
    new_inits = [i for i in new_inits if i.name in used]
    graph = helper.make_graph(nodes, g.name + "_qdq", list(g.input), outs, new_inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgebench tools/onnx_qdq.py")
    onnx.checker.check_model(m)
    return m


def to_fp16_weights(model):
    """Float initializers stored as float16, each read through Cast(to float)."""
    g = model.graph
    nodes, inits = [], []
    for i in g.initializer:
        arr = numpy_helper.to_array(i)
        if arr.dtype == np.float32:
            inits.append(numpy_helper.from_array(arr.astype(np.float16), i.name + "_fp16"))
            nodes.append(helper.make_node("Cast", [i.name + "_fp16"], [i.name], name=i.name + "_cast",
                                          to=TensorProto.FLOAT))
        else:
            inits.append(i)
    graph = helper.make_graph(nodes + list(g.node), g.name + "_fp16", list(g.input), list(g.output), inits)
    m = helper.make_model(graph, opset_imports=list(model.opset_import),
                          producer_name="edgebench tools/onnx_qdq.py")
    onnx.checker.check_model(m)
    return m
