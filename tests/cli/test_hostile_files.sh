#!/usr/bin/env bash
# Hostile and broken files (issue 14, docs/security.md "Hostile files and
# fuzzing"): every reader ends with exit 1-3 and a message naming the file
# and the problem, never a signal, a hang or an allocation of what a header
# merely claims; a valid model with empty products runs. The files are made here with Debian's python3 (numpy, h5py,
# onnx) or by cutting the project's own files.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
M="$EB_SOURCE_DIR/models"
F="$EB_SOURCE_DIR/tests/data/fashion"
if ! "$PY" -c 'import numpy, h5py, onnx' 2>/dev/null; then
    echo "skip: needs python3-numpy, python3-h5py, python3-onnx (tools/install-deps.sh)"
    exit 77
fi

# run_eb under a time limit: a hang is a failure, not a stuck test (exit 124)
run_lim() {
    local want=$1; shift
    CHECKS=$((CHECKS + 1))
    timeout -s KILL 60 "$EDGEBENCH" "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "edgebench $* exited $got, expected $want"
        sed 's/^/  stderr: /' "$WORK/err" | head -20 >&2
    fi
}

scenario() { # NAME MODEL [INPUTS]: write $WORK/NAME.yaml
    {
        echo "edgebench: 1"
        echo "model: {path: $2}"
        echo "backends: [ref]"
        echo "run: {warmup: {iterations: 1, min_time_ms: 0}, measure: {iterations: 3, min_time_ms: 0}}"
        [ -n "${3:-}" ] && echo "inputs: $3"
    } >"$WORK/$1.yaml"
}

# ---- ONNX ---------------------------------------------------------------
head -c 300 "$M/quickstart_cnn.onnx" >"$WORK/cut.onnx"
run_lim 2 inspect "$WORK/cut.onnx"
expect_in "$WORK/err" "cut.onnx: not a valid ONNX model"

# a ~200-byte model whose initializer claims 2^23 x 2^23 floats (256 TiB)
# and holds none: refused before any allocation (was: out of memory, exit 3)
"$PY" - "$WORK/huge.onnx" <<'PY'
import sys, onnx
from onnx import helper, TensorProto
w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 23, 1 << 23], raw_data=b"")
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y], [w])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PY
run_lim 2 inspect "$WORK/huge.onnx"
expect_in "$WORK/err" "huge.onnx.*'w'.*holds 0 bytes but its shape needs 281474976710656"

# an empty float tensor with no payload at all (was memcpy from NULL)
"$PY" - "$WORK/empty.onnx" <<'PY'
import sys, onnx
from onnx import helper, TensorProto
w = helper.make_tensor("w", TensorProto.FLOAT, [0], vals=[])
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y], [w])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PY
run_lim 0 inspect "$WORK/empty.onnx"

# products with a zero dimension (K = 0, no output channels), fp32, QDQ
# and QOperator: ref and simd give their empty or zero outputs (were:
# SIGFPE, dividing a tensor's size by that dimension in the plan builders)
"$PY" - "$WORK" <<'PY'
import sys, numpy as np, onnx
from onnx import helper, TensorProto as T, numpy_helper as nh
d = sys.argv[1]
vi, c = helper.make_tensor_value_info, lambda n, a: nh.from_array(np.asarray(a), n)
def save(name, nodes, ins, outs, inits):
    g = helper.make_graph(nodes, name, ins, outs, inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), f"{d}/{name}.onnx")
q = [c("sa", np.float32(0.1)), c("za", np.uint8(3)), c("sw", np.float32(0.2)),
     c("zw", np.int8(0)), c("sy", np.float32(0.3)), c("zy", np.uint8(1))]
Q = lambda x, s, z, y: helper.make_node("QuantizeLinear", [x, s, z], [y])
DQ = lambda x, s, z, y: helper.make_node("DequantizeLinear", [x, s, z], [y])
save("k0_matmul", [helper.make_node("MatMul", ["a", "w"], ["y"])], [vi("a", T.FLOAT, [1, 0])],
     [vi("y", T.FLOAT, [1, 4])], [c("w", np.zeros((0, 4), np.float32))])
save("k0_qdq_matmul", [Q("a", "sa", "za", "aq"), DQ("aq", "sa", "za", "ad"), DQ("w", "sw", "zw", "wd"),
     helper.make_node("MatMul", ["ad", "wd"], ["m"]), Q("m", "sy", "zy", "y")],
     [vi("a", T.FLOAT, [2, 0])], [vi("y", T.UINT8, [2, 4])], q + [c("w", np.zeros((0, 4), np.int8))])
save("m0_qdq_conv", [Q("x", "sa", "za", "xq"), DQ("xq", "sa", "za", "xd"), DQ("w", "sw", "zw", "wd"),
     helper.make_node("Conv", ["xd", "wd"], ["m"], pads=[1, 1, 1, 1]), Q("m", "sy", "zy", "y")],
     [vi("x", T.FLOAT, [1, 3, 8, 8])], [vi("y", T.UINT8, [1, 0, 8, 8])],
     q + [c("w", np.zeros((0, 3, 3, 3), np.int8))])
save("m0_qlinearconv", [helper.make_node("QLinearConv", ["x", "sa", "za", "w", "sw", "zw", "sy", "zy"],
     ["y"], pads=[1, 1, 1, 1])], [vi("x", T.UINT8, [1, 3, 8, 8])], [vi("y", T.UINT8, [1, 0, 8, 8])],
     q + [c("w", np.zeros((0, 3, 3, 3), np.int8))])
save("k0_qlinearmatmul", [helper.make_node("QLinearMatMul", ["a", "sa", "za", "w", "sw", "zw", "sy", "zy"],
     ["y"])], [vi("a", T.UINT8, [2, 0])], [vi("y", T.UINT8, [2, 4])], q + [c("w", np.zeros((0, 4), np.int8))])
PY
for f in k0_matmul k0_qdq_matmul m0_qdq_conv m0_qlinearconv k0_qlinearmatmul; do
    run_lim 0 inspect "$WORK/$f.onnx" --backend simd
    for be in ref simd; do
        run_lim 0 profile "$WORK/$f.onnx" --backend "$be" --iterations 2 --warmup 1
    done
done

# model.path naming a device or a FIFO: refused by validate, never hashed
scenario zero /dev/zero
run_lim 2 validate "$WORK/zero.yaml"
expect_in "$WORK/err" "model.path: /dev/zero is not a regular file"
run_lim 2 run "$WORK/zero.yaml" -o "$WORK/zero.h5"
expect_in "$WORK/err" "/dev/zero is not a regular file"
mkfifo "$WORK/fifo"
run_lim 2 inspect "$WORK/fifo"
expect_in "$WORK/err" "fifo: the file is a FIFO, not a regular file"
# and a model over the size limit
EDGEBENCH_MAX_MODEL_MB=1 run_lim 0 inspect "$M/fashion/fp32.onnx" # 415 KiB: fits
head -c 2000000 /dev/zero >"$WORK/big.onnx"
scenario big "$WORK/big.onnx"
EDGEBENCH_MAX_MODEL_MB=1 run_lim 2 validate "$WORK/big.yaml"
expect_in "$WORK/err" "big.onnx is over the size limit of 1 MiB"

# ---- datasets -------------------------------------------------------------
FM="$M/fashion/fp32.onnx"
# .npy: a header that ends right after the descr quote (was an over-read)
"$PY" - "$WORK/badhdr.npy" <<'PY'
import sys
h = b"{'fortran_order': False, 'shape': (4, 28, 28), 'descr': '"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h)
PY
scenario npyhdr "$FM" "{kind: dataset, path: $WORK/badhdr.npy}"
run_lim 3 run "$WORK/npyhdr.yaml" -o "$WORK/npyhdr.h5"
run_lim 0 report "$WORK/npyhdr.h5"
expect_in "$WORK/out" "badhdr.npy: malformed"

# .npy: a shape claiming 2^40 samples in a file of a few bytes
"$PY" - "$WORK/claims.npy" <<'PY'
import sys
h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 28, 28), }"
h += " " * (63 - len(h) % 64) + "\n"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h.encode() + b"\0" * 64)
PY
scenario npyclaim "$FM" "{kind: dataset, path: $WORK/claims.npy}"
run_lim 3 run "$WORK/npyclaim.yaml" -o "$WORK/npyclaim.h5"
run_lim 0 report "$WORK/npyclaim.h5"
expect_in "$WORK/out" "claims.npy: truncated: the header promises .* the file holds 64 bytes"

# .npy labels of uint64 beyond int64 (was undefined behaviour)
"$PY" - "$WORK/imgs.npy" "$WORK/labels.npy" <<'PY'
import sys, numpy as np
np.save(sys.argv[1], np.zeros((4, 28, 28), np.uint8))
np.save(sys.argv[2], np.array([1, 2, 2**64 - 1, 3], np.uint64))
PY
scenario npylab "$FM" "{kind: dataset, path: $WORK/imgs.npy, labels: $WORK/labels.npy}"
run_lim 3 run "$WORK/npylab.yaml" -o "$WORK/npylab.h5"
run_lim 0 report "$WORK/npylab.h5"
expect_in "$WORK/out" "labels.npy: label 2 is .* outside the int64 range"

# gzip IDX that inflates beyond the array limit (a small gzip bomb): refused
# by the limit, with the limit's name
"$PY" - "$WORK/bomb-idx3-ubyte.gz" <<'PY'
import sys, gzip, struct
n = 3000
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    f.write(struct.pack(">I", 0x0803) + struct.pack(">III", n, 28, 28))
    f.write(b"\0" * (n * 28 * 28))
PY
scenario bomb "$FM" "{kind: dataset, path: $WORK/bomb-idx3-ubyte.gz}"
EDGEBENCH_MAX_ARRAY_MB=8 run_lim 3 run "$WORK/bomb.yaml" -o "$WORK/bomb.h5"
run_lim 0 report "$WORK/bomb.h5"
expect_in "$WORK/out" "bomb-idx3-ubyte.gz: the decoded array of 9408000 bytes is over the limit of 8 MiB"
# ... and a gzip IDX whose header claims 600 M bytes but which holds a few:
# truncated, without allocating what it claims
"$PY" - "$WORK/liar-idx3-ubyte.gz" <<'PY'
import sys, gzip, struct
with gzip.open(sys.argv[1], "wb") as f:
    f.write(struct.pack(">I", 0x0803) + struct.pack(">III", 60000, 100, 100) + b"\1" * 1000)
PY
scenario liar "$FM" "{kind: dataset, path: $WORK/liar-idx3-ubyte.gz}"
EDGEBENCH_MAX_ARRAY_MB=4096 run_lim 3 run "$WORK/liar.yaml" -o "$WORK/liar.h5"
run_lim 0 report "$WORK/liar.h5"
expect_in "$WORK/out" "liar-idx3-ubyte.gz: truncated: the header promises 600000000 elements"

# HDF5 dataset input: a chunked dataset declaring 2^40 samples, and an
# external link to a FIFO
"$PY" - "$WORK/in.h5" "$WORK/fifo" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f.create_dataset("images", shape=(1 << 40, 28, 28), dtype="u1", chunks=(1, 28, 28))
    f["ext"] = h5py.ExternalLink(sys.argv[2], "/x")
PY
scenario h5in "$FM" "{kind: dataset, path: $WORK/in.h5}"
run_lim 3 run "$WORK/h5in.yaml" -o "$WORK/h5in.h5"
run_lim 0 report "$WORK/h5in.h5"
expect_in "$WORK/out" "in.h5: refused: link '/ext' is an external"

# ---- results files --------------------------------------------------------
scenario ok "$M/quickstart_cnn.onnx"
run_lim 0 run "$WORK/ok.yaml" -o "$WORK/good.h5"
mutate() { # SRC DST PYTHON-STATEMENTS (f is the open file)
    cp "$1" "$2"
    "$PY" -c "import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r+')
$3
f.close()" "$2" "$WORK/fifo"
}
# an extra dataset declaring 2^61 float64 elements (was a heap overflow)
mutate "$WORK/good.h5" "$WORK/huge.h5" \
    "f['runs/000001'].create_dataset('probe', shape=(1 << 61,), dtype='f8', chunks=(1024,))"
for cmd in "report $WORK/huge.h5" "compare $WORK/huge.h5 $WORK/good.h5" \
           "compare $WORK/good.h5 $WORK/huge.h5" "gate $WORK/huge.h5 --baseline $WORK/good.h5"; do
    # shellcheck disable=SC2086
    run_lim 2 $cmd
    expect_in "$WORK/err" "huge.h5: /runs/000001: dataset 'probe': 2305843009213693952 elements of 8 bytes: over the limit"
done
run_lim 2 merge "$WORK/huge.h5" -o "$WORK/merged.h5"
expect_in "$WORK/err" "huge.h5: .*over the limit"
[ -e "$WORK/merged.h5" ] && fail "merge wrote an output from a refused input"

# an external link to a FIFO (was a hang) and a soft link out of the run
mutate "$WORK/good.h5" "$WORK/ext.h5" "f['runs/000001/probe'] = h5py.ExternalLink(sys.argv[2], '/x')"
mutate "$WORK/good.h5" "$WORK/soft.h5" "f['runs/000001/probe'] = h5py.SoftLink('/summary')"
for cmd in report "compare $WORK/good.h5" "gate --baseline $WORK/good.h5"; do
    for bad in ext soft; do
        # shellcheck disable=SC2086
        run_lim 2 ${cmd%% *} "$WORK/$bad.h5" $([ "$cmd" = "${cmd#* }" ] || echo "${cmd#* }")
        expect_in "$WORK/err" "$bad.h5: refused: .*link '/runs/000001/probe'"
    done
done
run_lim 2 merge "$WORK/ext.h5" -o "$WORK/merged.h5"
expect_in "$WORK/err" "ext.h5: refused: link '/runs/000001/probe' is an external"
run_lim 2 run "$WORK/ok.yaml" -o "$WORK/ext.h5" --append
expect_in "$WORK/err" "ext.h5: refusing to append: link '/runs/000001/probe' is an external"

# a latency dataset of the wrong type, an attribute of 1000 strings where one
# is expected
mutate "$WORK/good.h5" "$WORK/lat.h5" "del f['runs/000001/latency_ns']; f['runs/000001/latency_ns'] = np.zeros((2, 2), 'f4')"
run_lim 2 report "$WORK/lat.h5"
expect_in "$WORK/err" "lat.h5: /runs/000001: dataset 'latency_ns' is not a 1-D integer array"
mutate "$WORK/good.h5" "$WORK/attr.h5" "f['runs/000001'].attrs['backend'] = np.array(['x'] * 1000, dtype=h5py.string_dtype())"
run_lim 2 report "$WORK/attr.h5"
expect_in "$WORK/err" "attr.h5: /runs/000001: unreadable or mistyped attribute 'backend'"

# ---- run -o over an existing file, --append refused -------------------------
cp "$WORK/good.h5" "$WORK/keep.h5"
sum_before=$(sha256sum <"$WORK/keep.h5")
# a run whose every cell fails leaves the existing file as it was
run_lim 3 run "$WORK/npyhdr.yaml" -o "$WORK/keep.h5"
expect_in "$WORK/err" "keep.h5: no cell succeeded, so the existing file was left unchanged"
[ "$(sha256sum <"$WORK/keep.h5")" = "$sum_before" ] || fail "a failed run changed keep.h5"
ls "$WORK"/keep.h5.*.tmp >/dev/null 2>&1 && fail "a temporary file was left behind"
# a run with a cell that succeeds replaces it
run_lim 0 run "$WORK/ok.yaml" -o "$WORK/keep.h5"
[ "$(sha256sum <"$WORK/keep.h5")" != "$sum_before" ] || fail "a good run did not replace keep.h5"
run_lim 0 report "$WORK/keep.h5"
expect_in "$WORK/out" "^000001 .* ok "

# a refused --append leaves schema_version (and the rest) untouched
mutate "$WORK/good.h5" "$WORK/old.h5" "f.attrs['schema_version'] = '1.0'; del f['summary']"
sum_before=$(sha256sum <"$WORK/old.h5")
run_lim 2 run "$WORK/ok.yaml" -o "$WORK/old.h5" --append
expect_in "$WORK/err" "old.h5: edgebench results file without /summary"
[ "$(sha256sum <"$WORK/old.h5")" = "$sum_before" ] || fail "a refused --append changed old.h5"

# ---- YAML -------------------------------------------------------------------
# 45,000 anchors and aliases: linear, seconds at most (was 72 s)
"$PY" - "$WORK/aliases.yaml" "$M/quickstart_cnn.onnx" <<'PY'
import sys
n = 45000
with open(sys.argv[1], "w") as f:
    f.write("edgebench: 1\nmodel: {path: %s}\nbackends: [ref]\n" % sys.argv[2])
    f.write("x-anchors: [" + ", ".join("&a%d %d" % (i, i) for i in range(n)) + "]\n")
    f.write("x-aliases: [" + ", ".join("*a%d" % i for i in range(n)) + "]\n")
PY
start=$(date +%s)
run_lim 2 validate "$WORK/aliases.yaml"
expect_in "$WORK/err" "aliases.yaml:4:1: unknown key 'x-anchors'"
[ $(($(date +%s) - start)) -le 10 ] || fail "45,000 aliases took more than 10 s"
finish
