#!/usr/bin/env bash
# The armnn delegate (docs/tflite.md, "Arm NN") against edgebench's own
# import: the same .tflite files run on ref and on Arm NN's CpuRef, two
# independent readers and kernel sets, give the same outputs (the Fashion
# CNN fp32 twin on 100 images, the never-seen hand-built net against its
# NumPy evaluation too), and its int8 sibling's logits agree within one
# quantisation step (TFLite's fixed-point rounding in Arm NN, the project's
# requantisation rule in ref); the Fashion twins' top-1 on armnn against the
# ONNX twins' on ref (fp32 equal, the int8 .tflite within 0.3 pp) on the first
# 1,000 test images (EB_ARMNN_FULL=1: all 10,000, about 5 minutes of CpuRef);
# the run records Arm NN's version and backend; what Arm NN 20.08 cannot run
# is refused by name before its parser sees it (an FC without its options
# table, per-channel FC weights), not crashed on, and still runs on ref.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export PYTHONPATH="$EB_SOURCE_DIR/tools:$EB_SOURCE_DIR/tests/tools"
if [ ! -e "${EB_BUILD_DIR:-}/backends/plugins/libedgebench_backend_armnn.so" ]; then
    echo "skipped: the armnn delegate is not built (install libarmnn-dev libarmnntfliteparser-dev, reconfigure)"
    exit 77
fi
"$EDGEBENCH" backends >"$WORK/backends" 2>&1
if ! grep -Eq '^armnn +available' "$WORK/backends"; then
    echo "skipped: armnn is built but unavailable here:"; grep -A1 '^armnn' "$WORK/backends"
    exit 77
fi
if ! "$PY" -c 'import flatbuffers, onnx, numpy, h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks flatbuffers/onnx/numpy/h5py (tools/install-deps.sh)"
    exit 77
fi
F="$EB_SOURCE_DIR/models/fashion"
D="$EB_SOURCE_DIR/tests/data/fashion"
expect_in "$WORK/backends" '^armnn +available .*library 22\.0\.0, Cpu(Acc|Ref)'

"$PY" "$EB_SOURCE_DIR/tools/make_tflite_fixtures.py" "$WORK" >/dev/null
"$PY" "$EB_SOURCE_DIR/tools/make_tflite_fixtures.py" --fc-per-channel "$WORK" >/dev/null
"$PY" -c 'import sys, tflite_hand_net as h; h.write(sys.argv[1])' "$WORK/hand.tflite"
scenario() { # FILE MODEL NORMALIZE
    cat >"$1" <<YAML
edgebench: 1
name: armnn-cross
model: {path: $2}
inputs: {kind: dataset, path: $D/t100-images.npy, labels: $D/t100-labels.npy, normalize: $3}
backends: [ref, {name: armnn, options: {backend: CpuRef}}]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 100, min_time_ms: 0, max_time_ms: 60000}
accuracy: {reference: off}
outputs: {store: on, max_samples: 100}
YAML
}
scenario "$WORK/fashion.yaml" "$WORK/fp32.tflite" '{scale: 0.00392156862745098, mean: 0.2860, std: 0.3530}'
scenario "$WORK/hand.yaml" "$WORK/hand.tflite" '{scale: 0.00392156862745098, mean: 0.0, std: 1.0}'
"$PY" -c 'import sys, tflite_hand_net as h; h.write_int8(sys.argv[1])' "$WORK/hand8.tflite"
scenario "$WORK/hand8.yaml" "$WORK/hand8.tflite" '{scale: 0.00392156862745098, mean: 0.0, std: 1.0}'
run_eb 0 run "$WORK/fashion.yaml" -o "$WORK/fashion.h5" --quiet
run_eb 0 run "$WORK/hand.yaml" -o "$WORK/hand.h5" --quiet
run_eb 0 run "$WORK/hand8.yaml" -o "$WORK/hand8.h5" --quiet
CHECKS=$((CHECKS + 1))
if ! "$PY" - "$WORK" "$D/t100-images.npy" <<'PYEOF'
import sys
import h5py
import numpy as np
import tflite_hand_net
w = sys.argv[1]
bad = 0
def runs(name, out):
    f = h5py.File(f"{w}/{name}.h5", "r")
    return {g.attrs["backend"]: (g[f"outputs/{out}"][:], g.attrs["library_version"],
                                 float(g["metrics"].attrs["top1"])) for g in f["runs"].values()}
for name, out, want in (("fashion", "logits", None),
                        ("hand", "prob", tflite_hand_net.evaluate(np.load(sys.argv[2])))):
    r = runs(name, out)
    (ref, _, t_ref), (arm, lib, t_arm) = r["ref"], r["armnn"]
    err = np.abs(ref - arm).max()
    print(f"{name}: max |ref - armnn CpuRef| {err:.3g} over {ref.shape[0]} samples, top-1 {t_ref} / {t_arm}, armnn library '{lib}'")
    if ref.shape[0] != 100 or not np.allclose(ref, arm, rtol=1e-4, atol=1e-4) or t_ref != t_arm:
        print("  MISMATCH"); bad += 1
    if not lib.startswith("22.0.0, Cpu"):
        print("  library_version does not name Arm NN's version and backend"); bad += 1
    if want is not None and not np.allclose(arm, want, rtol=1e-4, atol=1e-6):
        print(f"  armnn differs from NumPy by {np.abs(arm - want).max():.3g}"); bad += 1
# int8: each logit within one step (0.1) of Arm NN's, the softmax within a
# few steps of 1/256 (a logit step moves it by several), top-1 on >= 95 of 100
f = h5py.File(f"{w}/hand8.h5", "r")
r = {g.attrs["backend"]: (g["outputs/logits_f"][:], g["outputs/prob"][:]) for g in f["runs"].values()}
(lr, pr), (la, pa) = r["ref"], r["armnn"]
steps = np.abs(lr - la).max() / 0.1
agree = int((lr.argmax(-1) == la.argmax(-1)).sum())
print(f"hand8: logits differ by at most {steps:.2f} steps ({int((np.abs(lr - la) > 1e-6).sum())} of {lr.size} differ), "
      f"softmax by {256 * np.abs(pr - pa).max():.0f}/256, top-1 agrees on {agree}/100")
if lr.shape[0] != 100 or steps > 1.0001 or np.abs(pr - pa).max() > 8 / 256 or agree < 95:
    print("  MISMATCH"); bad += 1
sys.exit(1 if bad else 0)
PYEOF
then
    fail "edgebench's import and Arm NN disagree on the same .tflite"
fi

# top-1 of the Fashion .tflite files on Arm NN against their ONNX twins on
# ref, the same images. CpuRef takes ~15 ms an image here, so CI compares on
# the committed first 1,000 test images (~35 s); EB_ARMNN_FULL=1 uses all
# 10,000 (about 5 minutes).
DATA="$D/t1k-images-idx3-ubyte.gz"
LABELS="$D/t1k-labels-idx1-ubyte.gz"
N=1000
if [ -n "${EB_ARMNN_FULL:-}" ]; then
    DATA=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
    LABELS=/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
    N=10000
    [ -r "$DATA" ] || fail "EB_ARMNN_FULL=1 needs $DATA (dataset-fashion-mnist)"
fi
top1_scenario() { # NAME MODEL BACKENDS
    cat >"$WORK/$1.yaml" <<YAML
edgebench: 1
name: armnn-top1
model: {path: $2}
inputs: {kind: dataset, path: $DATA, labels: $LABELS, normalize: {mean: 0.2860, std: 0.3530}}
accuracy: {reference: off}
backends: $3
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: $N, min_time_ms: 0, max_time_ms: 3600000}
  timeout_s: 3600
YAML
    run_eb 0 run "$WORK/$1.yaml" -o "$WORK/$1.h5" --quiet
}
top1_scenario top1-fp32-onnx "$F/fp32.onnx" '[ref]'
top1_scenario top1-int8-onnx "$F/int8.onnx" '[ref]'
top1_scenario top1-fp32-tflite "$WORK/fp32.tflite" '[{name: armnn, options: {backend: CpuRef}}]'
top1_scenario top1-int8-tflite "$F/int8.tflite" '[{name: armnn, options: {backend: CpuRef}}]'
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK" "$N" <<'PYEOF' || fail "the Fashion .tflite on armnn does not score what its ONNX twin scores"
import sys
import h5py
w, n = sys.argv[1], int(sys.argv[2])
def top1(name):
    (g,) = h5py.File(f"{w}/{name}.h5", "r")["runs"].values()
    assert int(g["metrics"].attrs["accuracy_samples"]) == n, name
    return float(g["metrics"].attrs["top1"]), g["accuracy/correct"][:]
bad = 0
for v, tol in (("fp32", 0.0), ("int8", 0.003)):
    (a, ca), (b, cb) = top1(f"top1-{v}-onnx"), top1(f"top1-{v}-tflite")
    ok = abs(a - b) <= tol + 1e-12
    print(f"{v}: onnx on ref {100*a:.2f}%  .tflite on armnn CpuRef {100*b:.2f}%  n={n}  "
          f"same hits {int((ca == cb).sum())}/{n}  {'ok' if ok else 'MISMATCH'}")
    bad += not ok
sys.exit(1 if bad else 0)
PYEOF

# refusals by name, before Arm NN could abort or fail to parse
run_eb 0 inspect "$WORK/int8_fc_per_channel.tflite" --backend armnn
expect_in "$WORK/out" "'FULLY_CONNECTED_6/Gemm_3' \\(Gemm\\): Arm NN 20.08 aborts on per-channel quantised fully-connected weights"
run_eb 0 inspect "$F/fp32.onnx" --backend armnn
expect_in "$WORK/out" 'armnn runs .tflite models only'
run_eb 0 inspect "$EB_SOURCE_DIR/tests/fuzz/corpus/tflite/float_net.tflite" --backend armnn
expect_in "$WORK/out" "needs the bias input"

# A FULLY_CONNECTED stored without its options table (legal: every option
# has a default) segfaults Arm NN 20.08's parser; the plugin reads the file
# first and fails the cell with the reason, the run records a failed (not a
# crashed) armnn cell and the ref cell runs. Then per-channel FC weights,
# which Arm NN aborts on: a failed cell too.
"$PY" - "$WORK/fc_noopt.tflite" <<'PYEOF' || fail "could not write the FC-without-options net"
import sys
import numpy as np
import tflite_writer as tw
rng = np.random.default_rng(3)
m = tw.Model()
x = m.tensor("x", [1, 8])
w = m.tensor("w", [3, 8], data=rng.standard_normal((3, 8)))
b = m.tensor("b", [3], data=rng.standard_normal(3))
y = m.tensor("y", [1, 3])
m.op(tw.FULLY_CONNECTED, [x, w, b], [y])  # no options_type, no options table
m.inputs, m.outputs = [x], [y]
open(sys.argv[1], "wb").write(m.build())
PYEOF
for f in fc_noopt int8_fc_per_channel; do
    cat >"$WORK/$f.yaml" <<YAML
edgebench: 1
name: armnn-refused
model: {path: $WORK/$f.tflite}
inputs: {kind: random, seed: 3}
backends: [{name: armnn, options: {backend: CpuRef}}, ref]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0, max_time_ms: 5000}
YAML
    run_eb 3 run "$WORK/$f.yaml" -o "$WORK/$f.h5"
done
# (per-channel FC weights are seen on the IR already, by supports(); the
# plugin's file check refuses them too, should prepare be reached)
expect_in "$WORK/err" "armnn.*failed: .*int8_fc_per_channel.tflite: node 'FULLY_CONNECTED_6/Gemm_3' \\(Gemm\\): not supported by backend 'armnn': Arm NN 20.08 aborts on per-channel"
"$EDGEBENCH" run "$WORK/fc_noopt.yaml" -o "$WORK/fc_noopt2.h5" >"$WORK/out" 2>"$WORK/err"
expect_in "$WORK/err" "armnn.*failed: .*fc_noopt.tflite: operator 0 \\(FULLY_CONNECTED\\) has no FullyConnectedOptions table"
expect_in "$WORK/err" '1 ok, 1 failed, 0 crashed'
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/fc_noopt.h5" "$WORK/int8_fc_per_channel.h5" <<'PYEOF' || fail "the refused armnn cells are not recorded as failed next to an ok ref cell"
import sys
import h5py
for path in sys.argv[1:]:
    r = {g.attrs["backend"]: g.attrs["status"] for g in h5py.File(path, "r")["runs"].values()}
    print(path, r)
    assert r == {"armnn": "failed", "ref": "ok"}, r
PYEOF

finish
