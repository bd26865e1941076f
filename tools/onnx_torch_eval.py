"""Execute an ONNX graph with PyTorch operators (the fixture script's
evaluator and calibrator).

PyTorch 1.13 cannot load an ONNX file, and Debian has no ONNX Runtime for
Python, so the fixtures script runs the exported graphs with this small
interpreter: each ONNX node becomes the torch.nn.functional call with the
same semantics. It covers the operators the fixture models use (Conv, Relu,
Clip, MaxPool, Add, GlobalAveragePool, Flatten, Reshape, Gemm, MatMul,
QuantizeLinear, DequantizeLinear, Cast, Constant, Identity) and refuses any
other by name. The batch dimension is free: a graph exported for batch 1 runs
on batches of any size (Reshape keeps dimension 0).

QuantizeLinear rounds half to even (torch.round), as the ONNX operator does.
"""
import numpy as np
import torch
import torch.nn.functional as F
from onnx import numpy_helper

_DT = {1: torch.float32, 2: torch.uint8, 3: torch.int8, 6: torch.int32, 7: torch.int64,
       10: torch.float16, 11: torch.float64}


def _attrs(node):
    out = {}
    for a in node.attribute:
        if a.type == a.INT:
            out[a.name] = a.i
        elif a.type == a.FLOAT:
            out[a.name] = a.f
        elif a.type == a.INTS:
            out[a.name] = list(a.ints)
        elif a.type == a.TENSOR:
            out[a.name] = torch.from_numpy(numpy_helper.to_array(a.t).copy())
        elif a.type == a.STRING:
            out[a.name] = a.s.decode()
    return out


def _pads(a, nd=2):
    p = a.get("pads", [0] * (2 * nd))
    begin, end = p[:nd], p[nd:]
    return begin, end


def _pad_input(x, begin, end, value=0.0):
    """Asymmetric ONNX pads as an explicit F.pad (last dimension first)."""
    if begin == end:
        return x, begin
    fp = []
    for b, e in zip(reversed(begin), reversed(end)):
        fp += [b, e]
    return F.pad(x, fp, value=value), [0] * len(begin)


def _axis_shape(t, rank, axis):
    shape = [1] * rank
    shape[axis % rank] = t.numel()
    return t.reshape(shape)


def _quant_params(env, node, rank):
    s = env[node.input[1]].to(torch.float32)
    zp = env[node.input[2]] if len(node.input) > 2 and node.input[2] else torch.zeros((), dtype=torch.uint8)
    axis = _attrs(node).get("axis", 1)
    if s.numel() > 1:
        s = _axis_shape(s, rank, axis)
        zp = _axis_shape(zp, rank, axis)
    return s, zp


def run_node(node, env):
    a = _attrs(node)
    op = node.op_type
    x = env[node.input[0]] if node.input and node.input[0] else None
    if op == "Conv":
        w = env[node.input[1]]
        b = env[node.input[2]] if len(node.input) > 2 and node.input[2] else None
        begin, end = _pads(a)
        x, pad = _pad_input(x, begin, end)
        return F.conv2d(x, w, b, stride=a.get("strides", [1, 1]), padding=pad,
                        dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
    if op == "Relu":
        return F.relu(x)
    if op == "Clip":
        lo = env[node.input[1]].item() if len(node.input) > 1 and node.input[1] else a.get("min", -float("inf"))
        hi = env[node.input[2]].item() if len(node.input) > 2 and node.input[2] else a.get("max", float("inf"))
        return torch.clamp(x, lo, hi)
    if op == "MaxPool":
        begin, end = _pads(a)
        x, pad = _pad_input(x, begin, end, value=-float("inf"))
        return F.max_pool2d(x, a["kernel_shape"], stride=a.get("strides", a["kernel_shape"]),
                            padding=pad, dilation=a.get("dilations", [1, 1]),
                            ceil_mode=bool(a.get("ceil_mode", 0)))
    if op == "Add":
        return x + env[node.input[1]]
    if op == "GlobalAveragePool":
        return x.mean(dim=(2, 3), keepdim=True)
    if op == "Flatten":
        ax = a.get("axis", 1)
        return x.reshape(int(np.prod(x.shape[:ax])), -1)
    if op == "Reshape":
        shape = [int(v) for v in env[node.input[1]].tolist()]
        shape[0] = x.shape[0]  # the batch is free
        return x.reshape(shape)
    if op == "Gemm":
        w = env[node.input[1]]
        if a.get("transA", 0):
            x = x.t()
        if a.get("transB", 0):
            w = w.t()
        y = a.get("alpha", 1.0) * (x @ w)
        if len(node.input) > 2 and node.input[2]:
            y = y + a.get("beta", 1.0) * env[node.input[2]]
        return y
    if op == "MatMul":
        return x @ env[node.input[1]]
    if op == "QuantizeLinear":
        s, zp = _quant_params(env, node, x.dim())
        lo, hi = (0, 255) if zp.dtype == torch.uint8 else (-128, 127)
        q = torch.clamp(torch.round(x / s) + zp.to(torch.float32), lo, hi)
        return q.to(zp.dtype)
    if op == "DequantizeLinear":
        s, zp = _quant_params(env, node, x.dim())
        return (x.to(torch.float32) - zp.to(torch.float32)) * s
    if op == "Cast":
        return x.to(_DT[a["to"]])
    if op == "Constant":
        return a["value"]
    if op == "Identity":
        return x
    # the rest of what the held-out CNNs (tools/make_heldout_cnns.py) use,
    # so they can be calibrated into QDQ form too
    if op == "Sigmoid":
        return torch.sigmoid(x)
    if op == "Mul":
        return x * env[node.input[1]]
    if op == "ReduceMean":
        axes = a.get("axes")
        if axes is None and len(node.input) > 1 and node.input[1]:
            axes = [int(v) for v in env[node.input[1]].tolist()]
        return x.mean(dim=tuple(axes), keepdim=bool(a.get("keepdims", 1)))
    if op == "Concat":
        return torch.cat([env[i] for i in node.input], dim=a["axis"])
    if op == "Transpose":
        return x.permute(*a["perm"])
    if op == "Split":
        sizes = (env[node.input[1]].tolist() if len(node.input) > 1 and node.input[1]
                 else a.get("split"))
        n = len(node.output)
        if sizes is None:
            sizes = [x.shape[a.get("axis", 0)] // n] * n
        return list(torch.split(x, [int(v) for v in sizes], dim=a.get("axis", 0)))
    raise ValueError(f"onnx_torch_eval: operator {op} (node {node.name}) is not supported")


def run_graph(model, feeds, keep=None):
    """Run model (onnx.ModelProto) on feeds {name: tensor}. Returns the graph
    outputs as a list, and when keep is a dict, fills it with every tensor
    (name -> value) computed on the way (for calibration)."""
    env = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    env.update(feeds)
    with torch.no_grad():
        for node in model.graph.node:
            y = run_node(node, env)
            ys = y if isinstance(y, list) else [y]  # Split: one per output
            for name, v in zip(node.output, ys):
                env[name] = v
                if keep is not None:
                    keep[name] = v
    return [env[o.name] for o in model.graph.output]
