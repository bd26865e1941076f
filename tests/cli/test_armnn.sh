#!/usr/bin/env bash
# The armnn delegate (docs/tflite.md, "Arm NN") against edgebench's own
# import: the same .tflite files run on ref and on Arm NN's CpuRef, two
# independent readers and kernel sets, give the same outputs (the Fashion
# CNN fp32 twin on 100 images, the never-seen hand-built net against its
# NumPy evaluation too), and its int8 sibling's logits agree within one
# quantisation step (TFLite's fixed-point rounding in Arm NN, the project's
# requantisation rule in ref); the run records Arm NN's version and backend;
# what Arm NN 20.08 cannot run is refused by name, not crashed on.
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

# refusals by name, before Arm NN could abort or fail to parse
run_eb 0 inspect "$F/int8.tflite" --backend armnn
expect_in "$WORK/out" "'FULLY_CONNECTED_6/Gemm_3' \\(Gemm\\): Arm NN 20.08 aborts on per-channel quantised fully-connected weights"
run_eb 0 inspect "$F/fp32.onnx" --backend armnn
expect_in "$WORK/out" 'armnn runs .tflite models only'
run_eb 0 inspect "$EB_SOURCE_DIR/tests/fuzz/corpus/tflite/float_net.tflite" --backend armnn
expect_in "$WORK/out" "needs the bias input"

finish
