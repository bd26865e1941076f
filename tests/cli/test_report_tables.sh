#!/usr/bin/env bash
# report --format csv and --format json as a script reads them: a run with
# accuracy metrics on two variants (and a third cell without them, from
# another scenario appended to the same file) read by pandas through
# the documented one-liner (docs/reports.md): one column per stored metric,
# every metric of every run present with its stored value, "-" / null
# where a run has none, and the CSV's metric columns equal to the JSON's
# metric names. Values are checked against the HDF5 file through h5py.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import pandas, h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 cannot import pandas and h5py (apt-get install python3-pandas python3-h5py)"
    exit 77
fi
if [ ! -r /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
    echo "skipped: dataset-fashion-mnist is not installed"
    exit 77
fi
cat >"$WORK/acc.yaml" <<YAML
edgebench: 1
name: tables
model:
  variants:
    fp32: $EB_SOURCE_DIR/models/fashion/fp32.onnx
    int8: $EB_SOURCE_DIR/models/fashion/int8.onnx
inputs:
  kind: dataset
  path: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
  labels: /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
  limit: 200
  normalize: {mean: 0.2860, std: 0.3530}
accuracy: {top_k: 3, reference: off}
backends: [ref]
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 200, min_time_ms: 0}
YAML
run_eb 0 run "$WORK/acc.yaml" -o "$WORK/r.h5" --quiet
run_eb 0 run "$EB_SOURCE_DIR/tests/data/farm/fast.yaml" -o "$WORK/r.h5" --append --quiet
run_eb 0 report "$WORK/r.h5" --format csv -o "$WORK/runs.csv"
run_eb 0 report "$WORK/r.h5" --format json -o "$WORK/runs.json"

# the documented one-liner, as written in docs/reports.md
CHECKS=$((CHECKS + 1))
line=$(grep -o "python3 -c 'import pandas as pd; df = pd.read_csv(\"runs.csv\", na_values=\[\"-\"\]); print(df)'" \
    "$EB_SOURCE_DIR/docs/reports.md" | head -1)
[ -n "$line" ] || fail "docs/reports.md no longer has the pandas one-liner this test runs"
(cd "$WORK" && "$PY" -c 'import pandas as pd; df = pd.read_csv("runs.csv", na_values=["-"]); print(df)' \
    >"$WORK/df.txt" 2>&1) || { fail "the one-liner failed"; cat "$WORK/df.txt" >&2; }

CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/runs.csv" "$WORK/runs.json" "$WORK/r.h5" <<'PY' || fail "the tables do not hold every metric of every run"
import json, math, sys
import h5py
import pandas as pd
csv, js, h5 = sys.argv[1:]
df = pd.read_csv(csv, na_values=["-"], dtype={"id": str})
doc = json.load(open(js))
bad = []
f = h5py.File(h5, "r")
stored = {}
for rid in f["runs"]:
    g = f["runs"][rid]
    m = {}
    if "metrics" in g:
        mg = g["metrics"]
        for k in mg.attrs:  # numbers are metrics; strings are text extras
            v = mg.attrs[k]
            if isinstance(v, (int, float)) or getattr(v, "dtype", None) is not None and v.dtype.kind in "fiu":
                m[k] = float(v)
    stored[rid] = m
names = sorted(set(k for m in stored.values() for k in m))
if not names:
    bad.append("no metrics stored: the test proves nothing")
for want in ("top1", "top3", "flops_per_inference"):
    if want not in names:
        bad.append(f"metric {want} not stored by the run")
fixed = list(df.columns[: len(df.columns) - len(names)])
metric_cols = [c[len("metric."):] if c.startswith("metric.") else c for c in df.columns[len(fixed):]]
if metric_cols != names:
    bad.append(f"CSV metric columns {metric_cols} != stored {names}")
json_names = [sorted(r["metrics"].keys()) for r in doc["runs"]]
if any(n != names for n in json_names):
    bad.append(f"JSON metric names differ from the stored ones: {json_names[0]} vs {names}")
if len(df) != len(stored) or len(doc["runs"]) != len(stored):
    bad.append(f"{len(df)} CSV rows, {len(doc['runs'])} JSON runs, {len(stored)} stored runs")
for i, row in df.iterrows():
    rid = row["id"]
    jrun = next(r for r in doc["runs"] if r["id"] == rid)
    for k, col in zip(names, df.columns[len(fixed):]):
        want = stored[rid].get(k)
        got_csv = row[col]
        got_json = jrun["metrics"][k]
        if want is None:
            if not (isinstance(got_csv, float) and math.isnan(got_csv)) or got_json is not None:
                bad.append(f"run {rid} {k}: none stored, CSV {got_csv!r}, JSON {got_json!r}")
        elif not math.isclose(float(got_csv), want, rel_tol=1e-12) or not math.isclose(float(got_json), want, rel_tol=1e-12):
            bad.append(f"run {rid} {k}: stored {want}, CSV {got_csv}, JSON {got_json}")
if all("top1" in m for m in stored.values()):
    bad.append("every run has top1: the '-' / null case is not exercised")
tops = df.dropna(subset=["top1"])
if len(tops) != 2 or not ((tops["top1"] > 0.5) & (tops["top1"] <= 1)).all():
    bad.append(f"top1 of the two variants not read as numbers: {list(tops['top1'])}")
print("\n".join(bad) or f"{len(df)} runs, {len(names)} metrics: CSV == JSON == HDF5")
sys.exit(1 if bad else 0)
PY
finish
