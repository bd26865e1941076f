#!/usr/bin/env bash
# Shape arithmetic evaluated at load (harness/model/shape_fold.c) and Slice,
# as a user meets them with a network edgebench has never seen: a PyTorch
# module written here with x.view(x.size(0), -1), a ShuffleNet channel
# shuffle (x.size() divided by the groups), x.chunk(2, 1) and x.mean([2, 3])
# exports Shape -> Gather -> Div -> Unsqueeze -> Concat -> Reshape, Slice and
# ReduceMean; `conformance --dir` checks its outputs against PyTorch's on ref
# and simd, inspect says ref runs every node and no shape is unknown. ONNX's
# own Slice node tests (libonnx-testdata: clamping, negative steps and axes,
# out-of-bounds ends) pass with their parameters as constants. Hostile shape
# arithmetic (an index out of range, a division by zero, a step of 0) is
# refused by inspect with exit 2 naming the file and the node.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, onnx, numpy' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks torch/onnx/numpy (tools/install-deps.sh)"
    exit 77
fi
ONNX_NODE=/usr/share/libonnx-testdata/data/node

"$PY" - "$WORK" "$ONNX_NODE" <<'PYEOF' 2>"$WORK/py.err" || { fail "writing the models failed"; cat "$WORK/py.err" >&2; }
import glob, os, shutil, sys, warnings
import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

warnings.filterwarnings("ignore")
out, onnx_node = sys.argv[1], sys.argv[2]
torch.manual_seed(11)

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.branch = torch.nn.Conv2d(4, 4, 1)
        self.fc = torch.nn.Linear(8 * 4 * 4, 5)

    def forward(self, x):
        x = torch.relu(self.conv(x))
        a, b = x.chunk(2, dim=1)                      # Slice
        x = torch.cat([a, self.branch(b)], 1)
        n, c, h, w = x.size()                         # Shape -> Gather
        x = x.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous().view(n, -1, h, w)
        m = x.mean([2, 3])                            # ReduceMean
        x = torch.nn.functional.max_pool2d(x, 2)
        x = x.view(x.size(0), -1)                     # Shape -> Gather -> Unsqueeze -> Concat
        return self.fc(x) + m.sum(1, keepdim=True)

def node_test(name, model_path, inputs, outputs):
    d = os.path.join(out, "node", "test_" + name)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    shutil.copy(model_path, os.path.join(d, "model.onnx"))
    for k, (nm, v) in enumerate(inputs):
        with open(os.path.join(d, "test_data_set_0", f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v, nm).SerializeToString())
    for k, (nm, v) in enumerate(outputs):
        with open(os.path.join(d, "test_data_set_0", f"output_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v, nm).SerializeToString())

net = Net().eval()
x = torch.randn(2, 3, 8, 8)
path = os.path.join(out, "unseen.onnx")
torch.onnx.export(net, x, path, input_names=["x"], output_names=["y"], opset_version=13)
ops = {n.op_type for n in onnx.load(path).graph.node}
for want in ("Shape", "Gather", "Div", "Concat", "Slice", "ReduceMean", "Reshape"):
    assert want in ops, f"the export has no {want}: {sorted(ops)}"
with torch.no_grad():
    y = net(x).numpy()
node_test("unseen_net", path, [("x", x.numpy())], [("y", y)])

# ONNX's Slice node tests, their starts/ends/axes/steps turned into constants
for d in sorted(glob.glob(os.path.join(onnx_node, "test_slice*"))):
    m = onnx.load(os.path.join(d, "model.onnx"))
    ds = os.path.join(d, "test_data_set_0")
    vals = [numpy_helper.to_array(onnx.load_tensor(p))
            for p in sorted(glob.glob(os.path.join(ds, "input_*.pb")))]
    g = m.graph
    names = [i.name for i in g.input]
    for nm, v in zip(names[1:], vals[1:]):
        g.initializer.append(numpy_helper.from_array(v, nm))
    del g.input[1:]
    p = os.path.join(out, os.path.basename(d) + ".onnx")
    onnx.save(m, p)
    outs = [numpy_helper.to_array(onnx.load_tensor(q))
            for q in sorted(glob.glob(os.path.join(ds, "output_*.pb")))]
    node_test(os.path.basename(d)[5:] + "_const", p, [(names[0], vals[0])],
              [(o.name, v) for o, v in zip(g.output, outs)])

# hostile shape arithmetic
def bad(name, nodes, inits):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                          [numpy_helper.from_array(np.array(v, dtype=np.int64), k) for k, v in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, f"bad_{name}.onnx"))

bad("gather", [helper.make_node("Shape", ["x"], ["s"]),
               helper.make_node("Gather", ["s", "i"], ["d"], axis=0),
               helper.make_node("Reshape", ["x", "d"], ["y"])], [("i", [7])])
bad("div0", [helper.make_node("Shape", ["x"], ["s"]),
             helper.make_node("Div", ["s", "z"], ["d"]),
             helper.make_node("Reshape", ["x", "d"], ["y"])], [("z", [1, 0, 1])])
bad("step0", [helper.make_node("Slice", ["x", "b", "e", "a", "st"], ["y"])],
    [("b", [0]), ("e", [2]), ("a", [1]), ("st", [0])])
PYEOF

# 1. the network: every shape known, ref runs it all, outputs as PyTorch's
run_eb 0 inspect "$WORK/unseen.onnx"
expect_in "$WORK/out" 'ref runs every node'
expect_not_in "$WORK/out" 'cannot infer shapes'
expect_in "$WORK/out" '/Gather +Gather .* folded +folded'
n_slice=$(ls -d "$WORK"/node/test_slice*_const | wc -l)
CHECKS=$((CHECKS + 1))
[ "$n_slice" -ge 8 ] || fail "only $n_slice Slice node tests found in libonnx-testdata"
for b in ref simd; do
    run_eb 0 conformance --backend "$b" --dir "$WORK/node" -v
    expect_in "$WORK/out" "conformance $b: $((n_slice + 1)) passed, 0 failed, 0 skipped"
    expect_in "$WORK/out" 'slice_neg_steps_const'
done

# 2. hostile shape arithmetic
run_eb 2 inspect "$WORK/bad_gather.onnx"
expect_in "$WORK/err" "bad_gather.onnx.*Gather.*index 7 is out of range for a dim of 3"
run_eb 2 inspect "$WORK/bad_div0.onnx"
expect_in "$WORK/err" "bad_div0.onnx.*Div.*integer division of 3 by 0"
run_eb 2 inspect "$WORK/bad_step0.onnx"
expect_in "$WORK/err" "bad_step0.onnx.*Slice.*step 0 on axis 1"
finish
