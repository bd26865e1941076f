#!/usr/bin/env bash
# Raw outputs and the golden check (docs/outputs.md), as a user meets them:
# the Fashion CNN on dataset images keeps its outputs in the results file,
# they equal a NumPy evaluation of the ONNX file (tests/tools/
# fashion_numpy_eval.py) on ref and simd; goldens written from that
# evaluation pass; a golden perturbed at known elements fails with exit 1,
# the exact mismatch count and the worst elements in order; both caps hold;
# a golden that does not fit or is hostile is refused before measuring
# (exit 2, naming the file, the model and the output).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
MODEL="$EB_SOURCE_DIR/models/fashion/fp32.onnx"
D="$EB_SOURCE_DIR/tests/data/fashion"
export PYTHONPATH="$EB_SOURCE_DIR/tests/tools"

scenario() { # FILE OUTPUTS_YAML [INPUTS_YAML]
    cat >"$1" <<YAML
edgebench: 1
name: outputs
model: {path: $MODEL}
inputs: ${3:-{kind: dataset, path: $D/t100-images.npy, labels: $D/t100-labels.npy, normalize: {scale: 0.00392156862745098, mean: 0.2860, std: 0.3530\}\}}
backends: [ref, simd]
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 30, min_time_ms: 0, max_time_ms: 5000}
accuracy: {reference: off}
outputs:
$2
YAML
}

# 1. stored outputs equal the independent computation, on both backends
scenario "$WORK/store.yaml" "  store: on
  max_samples: 12"
run_eb 0 run "$WORK/store.yaml" -o "$WORK/store.h5" --quiet
CHECKS=$((CHECKS + 1))
if ! "$PY" - "$WORK/store.h5" "$MODEL" "$D/t100-images.npy" "$WORK" <<'PYEOF'
import sys
import h5py
import numpy as np
import fashion_numpy_eval as ev
f = h5py.File(sys.argv[1], "r")
want = ev.outputs(sys.argv[2], np.load(sys.argv[3]), 12)
bad = 0
for rid, g in f["runs"].items():
    out = g["outputs/logits"]
    m = g["metrics"].attrs
    err = np.abs(out[:] - want).max()
    print(f"{g.attrs['backend']}: outputs/logits {out.shape} {out.dtype}, max |edgebench - numpy| {err:.3g}")
    if out.shape != (12, 1, 10) or out.dtype != np.float32:
        print("wrong shape or type"); bad += 1
    if not np.allclose(out[:], want, rtol=1e-4, atol=1e-5):
        print("outputs differ from the NumPy evaluation"); bad += 1
    if (m["outputs_samples"], m["outputs_available"], m["outputs_cut"]) != (12, 100, "max_samples"):
        print("outputs_* metrics:", dict(m)); bad += 1
    if "golden_pass" in m:
        print("a golden check without a golden file"); bad += 1
    if g["outputs_index"][:].tolist() != list(range(12)):
        print("outputs_index of a sequential stream:", g["outputs_index"][:]); bad += 1
# goldens for the next steps, from the NumPy evaluation (float32, as a
# user would save a reference framework's outputs)
w = want.astype(np.float32)
np.save(f"{sys.argv[4]}/golden.npy", w)
with h5py.File(f"{sys.argv[4]}/golden.h5", "w") as h:
    h["logits"] = w
np.save(f"{sys.argv[4]}/golden3.npy", w[:3])     # fewer golden samples than captured
np.save(f"{sys.argv[4]}/one.npy", w[0])         # the output's own shape: one sample
p = w.copy()
p[2, 0, 3] += 1.0        # |err| 1.0
p[5, 0, 7] -= 0.5        # |err| 0.5
p[9, 0, 1] = np.nan      # NaN: a mismatch, ranked first
p[11, 0, 9] += 1e-5 * abs(p[11, 0, 9])  # inside rtol 1e-4: not a mismatch
np.save(f"{sys.argv[4]}/perturbed.npy", p)
sys.exit(1 if bad else 0)
PYEOF
then
    fail "stored outputs are not the model's outputs"
fi

# a shuffled stream: outputs_index names each stored sample's dataset index
sed 's|normalize:|order: shuffled, seed: 7, normalize:|' "$WORK/store.yaml" >"$WORK/shuffled.yaml"
run_eb 0 run "$WORK/shuffled.yaml" -o "$WORK/shuffled.h5" --quiet --backend simd
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/shuffled.h5" "$MODEL" "$D/t100-images.npy" <<'PYEOF' || fail "shuffled outputs_index"
import sys
import h5py
import numpy as np
import fashion_numpy_eval as ev
g = h5py.File(sys.argv[1], "r")["runs/000001"]
idx = g["outputs_index"][:]
images = np.load(sys.argv[3])
want = np.stack([ev.run(sys.argv[2], ev.preprocess(images[i])) for i in idx])
print("shuffled dataset indices", idx.tolist())
sys.exit(not (len(set(idx.tolist())) == 12 and idx.tolist() != list(range(12))
              and np.allclose(g["outputs/logits"][:], want, rtol=1e-4, atol=1e-5)))
PYEOF

# the file as an independent reader sees it (schema 1.3)
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" "$WORK/store.h5" >"$WORK/check.log" 2>&1 ||
    { fail "check_results_h5py.py store.h5"; tail -5 "$WORK/check.log" >&2; }

# 2. goldens from the independent computation pass (npy and HDF5, both backends)
for g in golden.npy golden.h5; do
    scenario "$WORK/pass.yaml" "  golden: $g
  max_samples: 12
  rtol: 1e-4
  atol: 1e-5"
    run_eb 0 run "$WORK/pass.yaml" -o "$WORK/pass.h5" --quiet
    expect_not_in "$WORK/err" "golden check failed"
    CHECKS=$((CHECKS + 1))
    "$PY" - "$WORK/pass.h5" <<'PYEOF' || fail "$g: golden metrics of a passing check"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
bad = 0
for g in f["runs"].values():
    m = g["metrics"].attrs
    got = (m["golden_pass"], m["golden_outputs"], m["golden_mismatches"],
           m["golden.logits.compared"], m["golden.logits.samples"])
    print(g.attrs["backend"], got, m["golden.logits.max_abs_err"])
    bad += got != (1, 1, 0, 120, 12) or not m["golden.logits.max_abs_err"] < 1e-4
    bad += "outputs" in g  # store: off keeps nothing
sys.exit(int(bad))
PYEOF
done
run_eb 0 report "$WORK/pass.h5"
expect_in "$WORK/out" "Outputs vs golden:"
expect_in "$WORK/out" "ref/default/plain rep 0 logits: ok, 0 of 120 elements differ"

# 3. a golden perturbed at known elements: exit 1, exact counts, worst first
scenario "$WORK/fail.yaml" "  golden: perturbed.npy
  store: on
  max_samples: 12
  rtol: 1e-4
  atol: 1e-5
  worst: 3"
run_eb 1 run "$WORK/fail.yaml" -o "$WORK/fail.h5" --quiet
expect_in "$WORK/err" "golden check failed: default on ref \(plain\)"
expect_in "$WORK/err" "golden check failed: default on simd \(plain\)"
expect_in "$WORK/err" "logits: 3 mismatches \(2.5%\), max abs err 1(\.0*[0-9]*)?, .*worst: sample 9 \[0,1\]: -?[0-9.e+-]+ vs nan; sample 2 \[0,3\]: .*; sample 5 \[0,7\]: "
expect_in "$WORK/err" "2 cells' outputs differ from the golden file"
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/fail.h5" <<'PYEOF' || fail "golden metrics of the perturbed golden"
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
bad = 0
for g in f["runs"].values():
    m = g["metrics"].attrs
    w = g["golden_worst/logits"][:]
    print(g.attrs["backend"], m["golden.logits.mismatches"], m["golden.logits.nan_mismatches"],
          m["golden.logits.mismatch_fraction"], w[:, :2].tolist())
    bad += (m["golden_pass"], m["golden.logits.mismatches"], m["golden.logits.nan_mismatches"]) != (0, 3, 1)
    bad += abs(m["golden.logits.mismatch_fraction"] - 3 / 120) > 1e-12
    bad += abs(m["golden.logits.max_abs_err"] - 1.0) > 1e-4
    # rows: sample, flat index in the sample, got, expected, |error|
    bad += w.shape != (3, 5) or w[:, :2].tolist() != [[9, 1], [2, 3], [5, 7]]
    bad += not (np.isnan(w[0, 3]) and np.isinf(w[0, 4]))
    out = g["outputs/logits"][:]
    bad += not (w[1, 2] == out[2, 0, 3] and abs(w[1, 4] - 1.0) < 1e-4)
    # the run itself measured fine: its status stays ok
    bad += g.attrs["status"] != "ok"
sys.exit(int(bad))
PYEOF
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" "$WORK/fail.h5" >"$WORK/check.log" 2>&1 ||
    { fail "check_results_h5py.py fail.h5"; tail -5 "$WORK/check.log" >&2; }
run_eb 0 report "$WORK/fail.h5" --format md
expect_in "$WORK/out" "## Outputs vs golden"
expect_in "$WORK/out" "logits: FAIL, 3 of 120 elements differ"
run_eb 0 report "$WORK/fail.h5" --format csv
expect_in "$WORK/out" "golden.logits.mismatches"
run_eb 0 report "$WORK/fail.h5" --format json
expect_in "$WORK/out" '"golden.logits.mismatches": ?3'

# 4. fewer golden samples than captured; a golden of one sample; equal_nan
scenario "$WORK/g3.yaml" "  golden: golden3.npy
  max_samples: 12"
run_eb 0 run "$WORK/g3.yaml" -o "$WORK/g3.h5" --quiet --backend ref
scenario "$WORK/one.yaml" "  golden: one.npy
  rtol: 1e-4
  atol: 1e-5"
run_eb 0 run "$WORK/one.yaml" -o "$WORK/one.h5" --quiet --backend simd
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/g3.h5" "$WORK/one.h5" <<'PYEOF' || fail "golden sample counts"
import sys
import h5py
a = h5py.File(sys.argv[1], "r")["runs/000001/metrics"].attrs
b = h5py.File(sys.argv[2], "r")["runs/000001/metrics"].attrs
print(a["golden.logits.samples"], a["golden.logits.compared"], b["golden.logits.samples"])
sys.exit(not (a["golden.logits.samples"] == 3 and a["golden.logits.compared"] == 30
              and b["golden.logits.samples"] == 1 and b["golden_pass"] == 1))
PYEOF

# 5. the caps: bytes (40 bytes a sample: 0.0002 MiB keeps 5), random inputs
# (one sample), and isolation none stores the same way
scenario "$WORK/cap.yaml" "  store: on
  max_samples: 50
  max_mb: 0.0002"
run_eb 0 run "$WORK/cap.yaml" -o "$WORK/cap.h5" --quiet --backend ref
scenario "$WORK/rnd.yaml" "  store: on" "{kind: random, seed: 3}"
run_eb 0 run "$WORK/rnd.yaml" -o "$WORK/rnd.h5" --quiet --backend simd --set run.isolation=none
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/cap.h5" "$WORK/rnd.h5" <<'PYEOF' || fail "output caps"
import sys
import h5py
c = h5py.File(sys.argv[1], "r")["runs/000001"]
r = h5py.File(sys.argv[2], "r")["runs/000001"]
print(c["outputs/logits"].shape, dict(c["metrics"].attrs)["outputs_cut"], r["outputs/logits"].shape)
sys.exit(not (c["outputs/logits"].shape == (5, 1, 10) and c["metrics"].attrs["outputs_cut"] == "max_mb"
              and c["metrics"].attrs["outputs_samples"] == 5
              and r["outputs/logits"].shape == (1, 1, 10) and r["metrics"].attrs["outputs_available"] == 1
              and "outputs_cut" not in r["metrics"].attrs))
PYEOF

# a golden check with no sample under max_mb fails the cell (exit 3), saying so
scenario "$WORK/nothing.yaml" "  golden: golden.npy
  max_mb: 0.00001"
run_eb 3 run "$WORK/nothing.yaml" -o "$WORK/nothing.h5" --quiet --backend ref
run_eb 0 report "$WORK/nothing.h5"
expect_in "$WORK/out" "failed: outputs.max_mb \(10 bytes\) holds less than one sample's outputs \(40 bytes\)"

# 6. integer and several outputs, in their own element types (random
# inputs, --store-outputs): qdq_fallback has five outputs (uint8 and
# float32), qdq_convnet one int8; an integer golden is compared exactly
Q="$EB_SOURCE_DIR/tests/data/qdq"
cat >"$WORK/int.yaml" <<YAML
edgebench: 1
name: int-outputs
model:
  variants: {fallback: $Q/qdq_fallback.onnx, convnet: $Q/qdq_convnet.onnx}
inputs: {kind: random, seed: 5}
backends: [ref, simd]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0}
accuracy: {reference: off}
YAML
run_eb 0 run "$WORK/int.yaml" -o "$WORK/int.h5" --quiet --store-outputs
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/int.h5" "$WORK" <<'PYEOF' || fail "integer outputs"
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
want = {"fallback": {"y": ("uint8", (1, 1, 3, 5, 5)), "c": ("float32", (1, 1, 3, 3, 3)),
                     "y2": ("uint8", (1, 1, 3, 3, 3)), "p": ("uint8", (1, 1, 2, 4, 4)),
                     "a": ("uint8", (1, 1, 2, 5, 5))},
        "convnet": {"y": ("int8", (1, 1, 10))}}
bad = 0
outs = {}
for g in f["runs"].values():
    v = g.attrs["variant"]
    got = {k: (str(d.dtype), d.shape) for k, d in g["outputs"].items()}
    print(v, g.attrs["backend"], got)
    bad += got != want[v]
    outs.setdefault(v, []).append({k: d[:] for k, d in g["outputs"].items()})
# both backends compute the same integers (ref and simd agree on QDQ)
for v, (a, b) in outs.items():
    for k in a:
        bad += not np.array_equal(a[k], b[k])
y = outs["convnet"][0]["y"]
with h5py.File(f"{sys.argv[2]}/int_golden.h5", "w") as h:
    h["y"] = y
p = y.copy()
p[0, 0, 4] = np.int8(p[0, 0, 4]) + np.int8(1 if p[0, 0, 4] < 127 else -1)
with h5py.File(f"{sys.argv[2]}/int_off.h5", "w") as h:
    h["y"] = p
with h5py.File(f"{sys.argv[2]}/int_float.h5", "w") as h:
    h["y"] = y.astype(np.float32)
sys.exit(int(bad))
PYEOF
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" "$WORK/int.h5" >"$WORK/check.log" 2>&1 ||
    { fail "check_results_h5py.py int.h5"; tail -5 "$WORK/check.log" >&2; }
sed -i 's|  variants: {fallback: .*|  variants: {convnet: '"$Q"'/qdq_convnet.onnx}|' "$WORK/int.yaml"
printf 'outputs: {golden: int_golden.h5, rtol: 0, atol: 0}\n' >>"$WORK/int.yaml"
run_eb 0 run "$WORK/int.yaml" -o "$WORK/intg.h5" --quiet
sed -i 's|int_golden.h5|int_off.h5|' "$WORK/int.yaml"
run_eb 1 run "$WORK/int.yaml" -o "$WORK/into.h5" --quiet
expect_in "$WORK/err" "y: 1 mismatches \(10%\), max abs err 1, .*worst: sample 0 \[0,4\]: "
sed -i 's|int_off.h5|int_float.h5|' "$WORK/int.yaml"
run_eb 2 validate "$WORK/int.yaml"
expect_in "$WORK/err" "int.yaml:[0-9]+:[0-9]+: outputs.golden: golden .*int_float.h5: output 'y' of .*qdq_convnet.onnx is int8, the golden values are floating point"

# 7. goldens that do not fit, or are hostile: refused before measuring (exit 2)
"$PY" - "$WORK" <<'PYEOF'
import sys
import h5py
import numpy as np
w = sys.argv[1]
np.save(f"{w}/shape.npy", np.zeros((12, 10), np.float32))
np.save(f"{w}/ints.npy", np.zeros((12, 1, 10), np.int32))
with h5py.File(f"{w}/other.h5", "w") as h:
    h["probabilities"] = np.zeros((12, 1, 10), np.float32)
good = open(f"{w}/golden.npy", "rb").read()
open(f"{w}/truncated.npy", "wb").write(good[:200])
open(f"{w}/huge.npy", "wb").write(good.replace(b"(12, 1, 10)", b"(99999999, 1, 10)", 1))
open(f"{w}/garbage.h5", "wb").write(b"\x89HDF\r\n\x1a\n" + b"\xff" * 300)
open(f"{w}/golden.txt", "w").write("1 2 3\n")
PYEOF
check_refused() { # GOLDEN REGEX
    scenario "$WORK/bad.yaml" "  golden: $1"
    run_eb 2 validate "$WORK/bad.yaml"
    expect_in "$WORK/err" "bad.yaml:[0-9]+:[0-9]+: outputs.golden: .*$2"
    run_eb 2 run "$WORK/bad.yaml" -o "$WORK/bad.h5" --quiet
    expect_in "$WORK/err" "$2"
    CHECKS=$((CHECKS + 1))
    [ -e "$WORK/bad.h5" ] && fail "$1: a refused run created its results file"
    rm -f "$WORK/bad.h5"
}
check_refused shape.npy "shape.npy: 'the array' has shape \[12, 10\]; output 'logits' of .*fp32.onnx has shape \[1, 10\]"
check_refused ints.npy "ints.npy: output 'logits' of .*fp32.onnx is float32, the golden values are integers"
check_refused other.h5 "other.h5 holds none of the outputs of .*fp32.onnx \(a dataset named after each output, e.g. 'logits'\)"
check_refused truncated.npy "truncated.npy: truncated"
check_refused huge.npy "huge.npy: truncated: the header promises"
check_refused garbage.h5 "garbage.h5: not an HDF5 file|garbage.h5: cannot open"
check_refused golden.txt "golden.txt: a golden file is .npy or HDF5"
check_refused missing.npy "missing.npy: file not found"
finish
