#!/usr/bin/env bash
# Accuracy end to end: every Fashion-MNIST variant over the full test set
# reports the top-1 PyTorch measured (models/fashion/accuracy.json), and the
# shipped variants scenario runs clean / noise / drift conditions whose
# accuracy and comparison with the reference land in the results file and
# the variant report.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
DATA=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz

if [ -n "${EB_SANITIZED:-}" ]; then
    # 10,000 images through five variants and three conditions: under
    # ASan/UBSan (make check-asan) this takes over 15 minutes of a 2-core
    # VM; the same code paths run in cli_test_dataset_errors and test_accuracy.
    echo "skipped: too slow under sanitizers ($EB_SANITIZED); run it in make check"
    exit 77
fi
if [ ! -r "$DATA" ]; then
    echo "skipped: $DATA missing (Debian package dataset-fashion-mnist, tools/install-deps.sh)"
    exit 77
fi

# 1. the full test set: edgebench's top-1 against PyTorch's
run_eb 0 run "$EB_SOURCE_DIR/tests/data/accuracy/fashion-full.yaml" -o "$WORK/full.h5" --quiet
CHECKS=$((CHECKS + 1))
if ! "$PY" - "$WORK/full.h5" "$EB_SOURCE_DIR/models/fashion/accuracy.json" <<'PYEOF'
import json, sys
import h5py
f = h5py.File(sys.argv[1], "r")
want = json.load(open(sys.argv[2]))["top1"]
# fp32, fp16 and the pruned variants compute what PyTorch computes (float32);
# int8 runs integer kernels whose rounding is within one quantisation step
# of the float QDQ semantics PyTorch evaluated: a few images may flip.
tol = {"fp32": 0.001, "fp16": 0.001, "pruned50": 0.001, "pruned80": 0.001, "int8": 0.003}
bad = 0
for rid, g in f["runs"].items():
    v = g.attrs["variant"]
    m = g["metrics"].attrs
    got, n = float(m["top1"]), int(m["accuracy_samples"])
    ok = n == 10000 and abs(got - want[v]) <= tol[v]
    print(f"{v:9s} edgebench {100*got:.2f}%  PyTorch {100*want[v]:.2f}%  n={n}  "
          f"top3 {100*float(m['top3']):.2f}%  {'ok' if ok else 'MISMATCH'}")
    bad += not ok
    if len(g["accuracy/correct"]) != n or int(g["accuracy/correct"][:].sum()) != round(got * n):
        print(f"{v}: accuracy/correct does not add up to top1"); bad += 1
sys.exit(1 if bad else 0)
PYEOF
then
    fail "top-1 differs from the PyTorch numbers in models/fashion/accuracy.json"
fi

# 2. the shipped variants scenario (shortened), its metrics and its report
run_eb 0 run "$EB_SOURCE_DIR/scenarios/fashion-variants.yaml" -o "$WORK/v.h5" --quiet \
    --set run.measure.iterations=300 --set run.warmup.iterations=5
CHECKS=$((CHECKS + 1))
if ! "$PY" - "$WORK/v.h5" "$EB_SOURCE_DIR" <<'PYEOF'
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
cells = {(g.attrs["variant"], g.attrs["condition"]): g for g in f["runs"].values()}
assert len(cells) == 15, len(cells)
def m(v, c, k): return float(cells[(v, c)]["metrics"].attrs[k])
# the reference variant has no comparison; every other one has
assert "agreement_with_reference" not in cells[("fp32", "clean")]["metrics"].attrs
for v in ("int8", "fp16", "pruned50", "pruned80"):
    for c in ("clean", "noise", "noise-drift"):
        a = m(v, c, "agreement_with_reference")
        assert 0.6 <= a <= 1.0, (v, c, a)
assert m("fp16", "clean", "agreement_with_reference") == 1.0
assert m("fp16", "clean", "max_abs_err") < 0.05
# noise costs accuracy; the drift ramps sigma 0 -> 0.4 over the stream
assert m("fp32", "noise", "top1") < m("fp32", "clean", "top1")
d = cells[("fp32", "noise-drift")]["accuracy/drift_sigma"][:]
assert len(d) == 300 and d[0] == 0.0 and abs(d[-1] - 0.4) < 1e-12
c = cells[("fp32", "noise-drift")]["accuracy/correct"][:]
assert c[:100].mean() > c[-100:].mean(), (c[:100].mean(), c[-100:].mean())
# McNemar on the same samples: fp32 on ref in the clean condition is the
# reference the comparison re-runs, so its stored hits are the reference's
import zlib
import numpy as np
import onnx
from onnx import numpy_helper
from scipy.stats import binomtest
ref_hits = cells[("fp32", "clean")]["accuracy/correct"][:].astype(bool)
for v in ("int8", "fp16", "pruned50", "pruned80"):
    own = cells[(v, "clean")]["accuracy/correct"][:].astype(bool)
    b, c = int((ref_hits & ~own).sum()), int((~ref_hits & own).sum())
    assert (m(v, "clean", "top1_only_reference"), m(v, "clean", "top1_only_variant")) == (b, c), v
    p = binomtest(min(b, c), b + c, 0.5).pvalue if b + c else 1.0
    assert abs(m(v, "clean", "top1_vs_reference_p") - p) <= 1e-9 + 1e-6 * p, (v, p)
# sparsity and compressed size, recomputed from the model files
models = "%s/models/fashion" % sys.argv[2]
for v in ("fp32", "pruned50", "pruned80"):
    g = onnx.load("%s/%s.onnx" % (models, v)).graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    ws = [inits[n.input[1]] for n in g.node
          if n.op_type in ("Conv", "Gemm", "MatMul") and len(n.input) > 1 and n.input[1] in inits]
    zeros, total = sum(int((w == 0).sum()) for w in ws), sum(w.size for w in ws)
    assert m(v, "clean", "weight_elements") == total, v
    assert abs(m(v, "clean", "weight_sparsity") - zeros / total) < 1e-12, (v, zeros / total)
for v in ("fp32", "int8", "pruned80"):
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    data = open("%s/%s.onnx" % (models, v), "rb").read()
    assert m(v, "clean", "model_gzip_bytes") == len(z.compress(data) + z.flush()), v
assert m("pruned80", "clean", "weight_sparsity") > 0.75 > m("pruned50", "clean", "weight_sparsity") > 0.45
assert m("pruned80", "clean", "model_gzip_bytes") < 0.5 * m("fp32", "clean", "model_gzip_bytes")
print("variants scenario: metrics as expected")
PYEOF
then
    fail "fashion-variants results are not as expected"
fi
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" --expect-runs 15 "$WORK/v.h5" >"$WORK/check" 2>&1 ||
    { fail "the independent h5py check of the variants results failed"; tail -5 "$WORK/check" >&2; }
run_eb 0 report "$WORK/v.h5" --format variants
expect_in "$WORK/out" '^## .* · ref · noise-drift · 1 thread'
expect_in "$WORK/out" '^\| fp32 \| ok \| [0-9.]+ \| [0-9.]+ \| (stable|unstable \([^)]+\)) \| [0-9.]+ MiB \| 414\.9 KiB \| [0-9.]+ KiB \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| \(reference\) \| - \| - \|$'
expect_in "$WORK/out" '^\| int8 \| ok \| .* \| 110\.4 KiB \| [0-9.]+ KiB \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [-+][0-9.]+ \(p=[0-9.e+-]+\) \| [0-9.]+ \| [0-9.]+ \|$'

# 2b. the same variant across backends, and the stability of each latency:
#     fp32 and int8 on ref and simd; the samples are then replaced by seeded
#     ones (tests/tools/eb_synth_results) so which runs are stable is known:
#     tight samples -> "stable"; 30% long tails -> "unstable (CV ..)" and the reason
#     under the table
cat >"$WORK/xb.yaml" <<YAML
edgebench: 1
name: across
model:
  variants: {fp32: $EB_SOURCE_DIR/models/fashion/fp32.onnx, int8: $EB_SOURCE_DIR/models/fashion/int8.onnx}
  reference: fp32
inputs: {kind: dataset, path: $EB_SOURCE_DIR/tests/data/fashion/t1k-images-idx3-ubyte.gz,
         labels: $EB_SOURCE_DIR/tests/data/fashion/t1k-labels-idx1-ubyte.gz,
         normalize: {scale: 0.00392156862745098, mean: 0.2860, std: 0.3530}}
backends: [ref, simd]
run: {warmup: {iterations: 1, min_time_ms: 0}, measure: {iterations: 200, min_time_ms: 0}}
YAML
run_eb 0 run "$WORK/xb.yaml" -o "$WORK/xb.h5" --quiet
SYNTH="$EB_BUILD_DIR/tests/eb_synth_results"
CHECKS=$((CHECKS + 2))
"$SYNTH" "$WORK/xb.h5" "$WORK/tight.h5" --latency-us 500 --spread-pct 1 --seed 1 >/dev/null 2>&1 ||
    fail "eb_synth_results (tight)"
"$SYNTH" "$WORK/xb.h5" "$WORK/tails.h5" --latency-us 500 --spread-pct 1 --tail-pct 30 --seed 1 >/dev/null 2>&1 ||
    fail "eb_synth_results (tails)"
run_eb 0 report "$WORK/tight.h5" --format variants
expect_in "$WORK/out" '^# The same variant across backends'
expect_in "$WORK/out" '^## int8 · [^·]+ · plain · 1 thread$'
expect_in "$WORK/out" '^\| ref \| ok \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| stable \| [0-9.]+ \| [0-9.]+ \|$'
expect_in "$WORK/out" '^\| simd \| ok \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| stable \| [0-9.]+ \| [0-9.]+ \|$'
expect_not_in "$WORK/out" 'unstable latency'
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/tight.h5" "$WORK/out" <<'PYEOF' || fail "the across-backends tables disagree with the file"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
lines = open(sys.argv[2]).read().split("# The same variant across backends")[1].splitlines()
runs = {(g.attrs["variant"], g.attrs["backend"]): g for g in f["runs"].values()}
variant = None
seen = 0
for l in lines:
    if l.startswith("## "):
        variant = l[3:].split(" · ")[0]
    elif l.startswith("| ref |") or l.startswith("| simd |"):
        c = [x.strip() for x in l.strip("|").split("|")]
        g = runs[(variant, c[0])]
        top1 = float(g["metrics"].attrs["top1"]) * 100
        assert abs(float(c[6]) - top1) < 0.006, (variant, c, top1)
        fastest = min(runs[(variant, b)].attrs["p50"] for b in ("ref", "simd"))
        assert abs(float(c[3]) - g.attrs["p50"] / fastest) < 0.006, (variant, c)
        seen += 1
assert seen == 4, seen
PYEOF
run_eb 0 report "$WORK/tails.h5" --format variants
expect_in "$WORK/out" '^\| fp32 \| ok \| [0-9.]+ \| [0-9.]+ \| unstable \([^)]+\) \|'
expect_in "$WORK/out" '^- int8: unstable latency \(.*outliers [0-9.]+% > 2%.*\): compare its p50 with care$'
expect_in "$WORK/out" '^\| simd \| ok \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| unstable \([^)]+\) \|'

# 3. a severity sweep: one cell per sigma, accuracy falling with it
cat >"$WORK/sweep.yaml" <<YAML
edgebench: 1
model: {path: $EB_SOURCE_DIR/models/fashion/fp32.onnx}
inputs: {kind: dataset, path: $EB_SOURCE_DIR/tests/data/fashion/t1k-images-idx3-ubyte.gz,
         labels: $EB_SOURCE_DIR/tests/data/fashion/t1k-labels-idx1-ubyte.gz,
         normalize: {mean: 0.2860, std: 0.3530}}
backends: [ref]
run: {warmup: {iterations: 1, min_time_ms: 0}, measure: {iterations: 400, min_time_ms: 0}}
conditions: [{name: noise, kind: noise, sigma: [0, 0.2, 0.6], seed: 3}]
YAML
run_eb 0 run "$WORK/sweep.yaml" -o "$WORK/sweep.h5" --quiet
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/sweep.h5" <<'PYEOF' || fail "accuracy does not fall with sigma"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
acc = {g.attrs["sweep"]: float(g["metrics"].attrs["top1"]) for g in f["runs"].values()}
print(acc)
assert acc["sigma=0"] > acc["sigma=0.2"] > acc["sigma=0.6"], acc
PYEOF
finish
