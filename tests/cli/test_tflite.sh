#!/usr/bin/env bash
# TensorFlow Lite import (docs/tflite.md) as a user meets it: the Fashion CNN
# written as .tflite (tools/make_tflite_fixtures.py) scores what its ONNX twin
# scores through `edgebench run` on ref and simd (fp32 sample for sample, int8
# within 0.3 pp); a net edgebench has never seen, built here from the schema
# with seeded random weights (pad, conv + relu6, depthwise conv, average
# pool, mean, fully connected, softmax), equals a NumPy evaluation written in
# this test, and passes a golden check made from it; inspect and profile
# read .tflite; an unknown or custom operator is refused by name and a
# truncated or inconsistent file is refused with exit 2 naming the file.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export PYTHONPATH="$EB_SOURCE_DIR/tools"
if ! "$PY" -c 'import flatbuffers, onnx, numpy, h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks flatbuffers/onnx/numpy/h5py (tools/install-deps.sh)"
    exit 77
fi
F="$EB_SOURCE_DIR/models/fashion"
C="$EB_SOURCE_DIR/tests/fuzz/corpus/tflite"

# 0. the generator is re-runnable: it writes the committed int8 fixture again
"$PY" "$EB_SOURCE_DIR/tools/make_tflite_fixtures.py" "$WORK" >/dev/null
CHECKS=$((CHECKS + 1))
cmp -s "$WORK/int8.tflite" "$F/int8.tflite" || fail "tools/make_tflite_fixtures.py no longer writes models/fashion/int8.tflite"

# 1. inspect: NHWC input, the QDQ form ref fuses
run_eb 0 inspect "$F/int8.tflite"
expect_in "$WORK/out" 'input +float32 +1x28x28x1'
expect_in "$WORK/out" 'logits +float32 +1x10'
expect_in "$WORK/out" 'CONV_2D_1/Conv_4 +Conv +1x16x28x28'
expect_in "$WORK/out" 'MACs: 1.12 M'
expect_in "$WORK/out" 'ref runs every node'
run_eb 0 profile "$WORK/fp32.tflite" --iterations 3 --warmup 1
expect_in "$WORK/out" 'Conv'

# 2. top-1 of each .tflite against its ONNX twin, same images, ref and simd
DATA=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
LABELS=/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
N=10000
if [ ! -r "$DATA" ] || [ -n "${EB_SANITIZED:-}" ]; then
    # the committed 1,000-image slice: still the same images for both twins
    DATA="$EB_SOURCE_DIR/tests/data/fashion/t1k-images-idx3-ubyte.gz"
    LABELS="$EB_SOURCE_DIR/tests/data/fashion/t1k-labels-idx1-ubyte.gz"
    N=1000
    echo "note: comparing on the 1,000-image slice (full set missing or sanitizer build)"
fi
for m in fp32.onnx int8.onnx fp32.tflite int8.tflite; do
    src="$F/$m"
    [ "$m" = fp32.tflite ] && src="$WORK/fp32.tflite"
    cat >"$WORK/$m.yaml" <<YAML
edgebench: 1
name: tflite-twins
model: {path: $src}
inputs: {kind: dataset, path: $DATA, labels: $LABELS, normalize: {mean: 0.2860, std: 0.3530}}
accuracy: {reference: off}
backends: [ref, simd]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: $N, min_time_ms: 0, max_time_ms: 3600000}
  timeout_s: 3600
YAML
    run_eb 0 run "$WORK/$m.yaml" -o "$WORK/$m.h5" --quiet
done
CHECKS=$((CHECKS + 1))
if ! "$PY" - "$WORK" "$N" <<'PYEOF'
import sys
import h5py
import numpy as np
w, n = sys.argv[1], int(sys.argv[2])
def runs(m):
    f = h5py.File(f"{w}/{m}.h5", "r")
    return {g.attrs["backend"]: (float(g["metrics"].attrs["top1"]), int(g["metrics"].attrs["accuracy_samples"]),
                                 g["accuracy/correct"][:]) for g in f["runs"].values()}
bad = 0
for v, tol in (("fp32", 0.0), ("int8", 0.003)):
    o, t = runs(v + ".onnx"), runs(v + ".tflite")
    for be in ("ref", "simd"):
        (a, na, ca), (b, nb, cb) = o[be], t[be]
        same = int((ca == cb).sum())
        ok = na == nb == n and abs(a - b) <= tol + 1e-12 and (tol > 0 or same == n)
        print(f"{v} {be}: onnx {100*a:.2f}%  tflite {100*b:.2f}%  n={nb}  same hits {same}/{n}  {'ok' if ok else 'MISMATCH'}")
        bad += not ok
sys.exit(1 if bad else 0)
PYEOF
then
    fail ".tflite top-1 differs from its ONNX twin"
fi

# 3. a net edgebench has never seen, against NumPy
"$PY" - "$WORK" <<'PYEOF' || fail "could not write the hand-built net"
import sys
import numpy as np
import tflite_writer as tw
w = sys.argv[1]
rng = np.random.default_rng(2021)
p = {"cw": rng.standard_normal((8, 3, 3, 1)).astype(np.float32) * 0.5,
     "cb": rng.standard_normal(8).astype(np.float32) * 0.1,
     "dw": rng.standard_normal((1, 3, 3, 16)).astype(np.float32) * 0.5,
     "db": rng.standard_normal(16).astype(np.float32) * 0.1,
     "fw": rng.standard_normal((10, 16)).astype(np.float32),
     "fb": rng.standard_normal(10).astype(np.float32)}
np.savez(f"{w}/hand.npz", **p)
m = tw.Model()
x = m.tensor("image", [1, 28, 28, 1])
pads = m.tensor("pads", [4, 2], "int32", data=np.array([[0, 0], [1, 1], [1, 1], [0, 0]]))
xp = m.tensor("padded", [1, 30, 30, 1])
m.op(tw.PAD, [x, pads], [xp])
cw = m.tensor("cw", [8, 3, 3, 1], data=p["cw"])
cb = m.tensor("cb", [8], data=p["cb"])
c = m.tensor("conv", [1, 14, 14, 8])
m.op(tw.CONV_2D, [xp, cw, cb], [c], tw.CONV2D,
     [(0, "u8", tw.VALID), (1, "i32", 2), (2, "i32", 2), (3, "u8", tw.ACT_RELU6)])
dw = m.tensor("dw", [1, 3, 3, 16], data=p["dw"])
db = m.tensor("db", [16], data=p["db"])
d = m.tensor("dwconv", [1, 14, 14, 16])
m.op(tw.DEPTHWISE_CONV_2D, [c, dw, db], [d], tw.DEPTHWISE_CONV2D,
     [(0, "u8", tw.SAME), (1, "i32", 1), (2, "i32", 1), (3, "i32", 2), (4, "u8", tw.ACT_RELU)])
ap = m.tensor("avgpool", [1, 5, 5, 16])
m.op(tw.AVERAGE_POOL_2D, [d], [ap], tw.POOL2D,
     [(0, "u8", tw.SAME), (1, "i32", 3), (2, "i32", 3), (3, "i32", 3), (4, "i32", 3)])
axes = m.tensor("axes", [2], "int32", data=np.array([1, 2]))
mean = m.tensor("mean", [1, 16])
m.op(tw.MEAN, [ap, axes], [mean], tw.REDUCER_OPT, [(0, "bool", False)])
fw = m.tensor("fw", [10, 16], data=p["fw"])
fb = m.tensor("fb", [10], data=p["fb"])
f = m.tensor("fc", [1, 10])
m.op(tw.FULLY_CONNECTED, [mean, fw, fb], [f])
s = m.tensor("prob", [1, 10])
m.op(tw.SOFTMAX, [f], [s], tw.SOFTMAX_OPT, [(0, "f32", 0.5)])
m.inputs, m.outputs = [x], [s]
open(f"{w}/hand.tflite", "wb").write(m.build())
PYEOF
D="$EB_SOURCE_DIR/tests/data/fashion"
hand_scenario() { # FILE OUTPUTS_YAML
    cat >"$1" <<YAML
edgebench: 1
name: tflite-hand
model: {path: $WORK/hand.tflite}
inputs: {kind: dataset, path: $D/t100-images.npy, labels: $D/t100-labels.npy, normalize: {scale: 0.00392156862745098, mean: 0.0, std: 1.0}}
backends: [ref, simd]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 12, min_time_ms: 0, max_time_ms: 5000}
accuracy: {reference: off}
outputs:
$2
YAML
}
hand_scenario "$WORK/hand.yaml" "  store: on
  max_samples: 12"
run_eb 0 run "$WORK/hand.yaml" -o "$WORK/hand.h5" --quiet
CHECKS=$((CHECKS + 1))
if ! "$PY" - "$WORK" "$D/t100-images.npy" <<'PYEOF'
import sys
import h5py
import numpy as np
w = sys.argv[1]
p = np.load(f"{w}/hand.npz")
imgs = np.load(sys.argv[2])[:12].astype(np.float64) / 255.0

def conv_nhwc(x, wt, b, stride, pad, groups=1):
    """x [H, W, C]; wt [O, KH, KW, I] (I = C / groups); explicit pads (t, l, b, r)."""
    x = np.pad(x, ((pad[0], pad[2]), (pad[1], pad[3]), (0, 0)))
    o, kh, kw, i = wt.shape
    oh, ow = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    y = np.zeros((oh, ow, o))
    per = o // groups
    for oc in range(o):
        g = oc // per
        for r in range(oh):
            for c in range(ow):
                win = x[r * stride:r * stride + kh, c * stride:c * stride + kw, g * i:(g + 1) * i]
                y[r, c, oc] = (win * wt[oc]).sum() + b[oc]
    return y

def avgpool_same(x, k, s):
    h = -(-x.shape[0] // s)
    tot = max((h - 1) * s + k - x.shape[0], 0)
    t = tot // 2
    y = np.zeros((h, h, x.shape[2]))
    for r in range(h):
        for c in range(h):
            r0, c0 = r * s - t, c * s - t
            win = x[max(r0, 0):min(r0 + k, x.shape[0]), max(c0, 0):min(c0 + k, x.shape[1])]
            y[r, c] = win.mean(axis=(0, 1))  # TFLite: pixels inside the image only
    return y

want = []
for im in imgs:
    x = np.pad(im.reshape(28, 28, 1), ((1, 1), (1, 1), (0, 0)))          # PAD
    x = np.clip(conv_nhwc(x, p["cw"], p["cb"], 2, (0, 0, 0, 0)), 0, 6)   # CONV_2D VALID s2, RELU6
    dw = p["dw"].transpose(3, 1, 2, 0)                                    # 1HWO -> O,H,W,1
    x = np.maximum(conv_nhwc(x, dw, p["db"], 1, (1, 1, 1, 1), groups=8), 0)  # SAME, x2, RELU
    x = avgpool_same(x, 3, 3)                                             # 14 -> 5, SAME
    x = x.mean(axis=(0, 1))                                               # MEAN over H, W
    z = 0.5 * (p["fw"] @ x + p["fb"])                                     # FC, softmax beta 0.5
    e = np.exp(z - z.max())
    want.append((e / e.sum()).reshape(1, 10))
want = np.array(want, dtype=np.float32)
np.save(f"{w}/hand-golden.npy", want)
f = h5py.File(f"{w}/hand.h5", "r")
bad = 0
for g in f["runs"].values():
    out = g["outputs/prob"][:]
    err = np.abs(out - want).max()
    print(f"{g.attrs['backend']}: outputs/prob {out.shape}, max |edgebench - numpy| {err:.3g}")
    bad += out.shape != (12, 1, 10) or not np.allclose(out, want, rtol=1e-4, atol=1e-6)
sys.exit(1 if bad or len(f["runs"]) != 2 else 0)
PYEOF
then
    fail "the hand-built .tflite differs from its NumPy evaluation"
fi
# the same evaluation as a golden file: the golden check passes on both backends
hand_scenario "$WORK/hand-golden.yaml" "  golden: $WORK/hand-golden.npy
  rtol: 1e-4
  atol: 1e-6"
run_eb 0 run "$WORK/hand-golden.yaml" -o "$WORK/hand-golden.h5" --quiet
CHECKS=$((CHECKS + 1))
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1]); r=[int(g["metrics"].attrs["golden_pass"]) for g in f["runs"].values()]; sys.exit(0 if r==[1,1] else 1)' "$WORK/hand-golden.h5" \
    || fail "the golden check of the hand-built .tflite did not pass on ref and simd"

# 4. refused by operator name: inspect exits 2 (as for a bad ONNX file)
run_eb 2 inspect "$C/unknown_op.tflite"
expect_in "$WORK/err" 'unknown_op.tflite: operator 0 \(SQUARE\): operator SQUARE is not supported'
run_eb 2 inspect "$C/custom_op.tflite"
expect_in "$WORK/err" "custom_op.tflite: operator 0: custom operator 'MyFancyOp' is not supported"
sed "s|$WORK/hand.tflite|$C/unknown_op.tflite|" "$WORK/hand.yaml" >"$WORK/unknown.yaml"
# run fails its cells naming the operator (exit 3, as for an unreadable ONNX file)
run_eb 3 run "$WORK/unknown.yaml" -o "$WORK/unknown.h5"
expect_in "$WORK/err" 'ref / .*failed: .*unknown_op.tflite: operator 0 \(SQUARE\): operator SQUARE is not supported'

# 5. truncated and inconsistent files: exit 2, the file and the problem named
head -c 2000 "$F/int8.tflite" >"$WORK/cut.tflite"
run_eb 2 inspect "$WORK/cut.tflite"
expect_in "$WORK/err" 'cut.tflite: .*(outside the file|past the end of the file).*truncated or corrupt'
: >"$WORK/empty.tflite"
run_eb 2 inspect "$WORK/empty.tflite"
expect_in "$WORK/err" 'empty.tflite: file is empty, not a TFLite model'
"$PY" - "$WORK" <<'PYEOF' || fail "could not write the inconsistent net"
import sys
import numpy as np
import tflite_writer as tw
m = tw.Model()
x = m.tensor("x", [1, 8, 8, 1])
wt = m.tensor("w", [2, 3, 3, 1], data=np.ones((2, 3, 3, 1)))
y = m.tensor("y", [1, 8, 8, 2])  # VALID padding computes 6x6, not 8x8
m.op(tw.CONV_2D, [x, wt, -1], [y], tw.CONV2D, [(0, "u8", tw.VALID), (1, "i32", 1), (2, "i32", 1)])
m.inputs, m.outputs = [x], [y]
open(f"{sys.argv[1]}/badshape.tflite", "wb").write(m.build())
PYEOF
run_eb 2 inspect "$WORK/badshape.tflite"
expect_in "$WORK/err" "badshape.tflite: tensor 'y': the file states float32 1x8x8x2, its operator computes float32 1x6x6x2"

finish
