#!/usr/bin/env bash
# TensorFlow Lite import (docs/tflite.md) as a user meets it: the Fashion CNN
# written as .tflite (tools/make_tflite_fixtures.py) scores what its ONNX twin
# scores through `edgebench run` on ref and simd (fp32 sample for sample; the
# int8 file, per-tensor fully-connected weights as TFLite's spec has them,
# within 0.3 pp; its sibling with the twin's per-channel fully-connected
# weights, the importer's per-channel FC path, sample for sample); a net edgebench has never seen, built from the schema with
# seeded random weights (pad, conv + relu6, depthwise conv, average pool,
# mean, fully connected, softmax: tests/tools/tflite_hand_net.py), equals
# that file's direct NumPy evaluation and passes a golden check made from it,
# and its int8 sibling gives the same bytes on ref and simd; inspect and profile
# read .tflite; an unknown or custom operator is refused by name and a
# truncated or inconsistent file is refused with exit 2 naming the file.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export PYTHONPATH="$EB_SOURCE_DIR/tools:$EB_SOURCE_DIR/tests/tools"
if ! "$PY" -c 'import flatbuffers, onnx, numpy, h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks flatbuffers/onnx/numpy/h5py (tools/install-deps.sh)"
    exit 77
fi
F="$EB_SOURCE_DIR/models/fashion"
C="$EB_SOURCE_DIR/tests/fuzz/corpus/tflite"

# 0. the generator is re-runnable: it writes the committed int8 fixture again
"$PY" "$EB_SOURCE_DIR/tools/make_tflite_fixtures.py" "$WORK" >/dev/null
"$PY" "$EB_SOURCE_DIR/tools/make_tflite_fixtures.py" --fc-per-channel "$WORK" >/dev/null
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
for m in fp32.onnx int8.onnx fp32.tflite int8.tflite int8_fc_per_channel.tflite; do
    src="$F/$m"
    case "$m" in fp32.tflite | int8_fc_per_channel.tflite) src="$WORK/$m" ;; esac
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
# the per-tensor int8 file computes other fully-connected integers than its
# twin (requantised weights): within 0.3 pp; the others, image for image
for v, o_name, tol in (("fp32", "fp32", 0.0), ("int8", "int8", 0.003),
                       ("int8_fc_per_channel", "int8", 0.0)):
    o, t = runs(o_name + ".onnx"), runs(v + ".tflite")
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
"$PY" -c 'import sys, tflite_hand_net as h; h.write(sys.argv[1])' "$WORK/hand.tflite" || fail "could not write the hand-built net"
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
import tflite_hand_net
w = sys.argv[1]
want = tflite_hand_net.evaluate(np.load(sys.argv[2])[:12])
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

# its int8 sibling (converter-style quantisation: per-channel conv weights,
# per-tensor fully connected, int8 add, average pool, softmax) runs on ref and
# simd, which compute the same bytes by the project's requantisation rule
"$PY" -c 'import sys, tflite_hand_net as h; h.write_int8(sys.argv[1])' "$WORK/hand8.tflite"
sed "s|$WORK/hand.tflite|$WORK/hand8.tflite|" "$WORK/hand.yaml" >"$WORK/hand8.yaml"
run_eb 0 run "$WORK/hand8.yaml" -o "$WORK/hand8.h5" --quiet
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/hand8.h5" <<'PYEOF' || fail "ref and simd differ on the int8 hand-built net"
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
r = {g.attrs["backend"]: g for g in f["runs"].values()}
for out in ("prob", "logits_f"):
    a, b = r["ref"][f"outputs/{out}"][:], r["simd"][f"outputs/{out}"][:]
    print(f"int8 {out}: {a.shape}, ref == simd: {np.array_equal(a, b)}")
    assert a.shape[0] == 12 and np.array_equal(a, b)
    assert np.all(np.isfinite(a)) and a.std() > 0
PYEOF

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
