#!/usr/bin/env bash
# The /summary table and the device description as a pandas/h5py user reads
# them (schema 1.3): a Fashion run with accuracy on two variants under a
# plain and a noise condition; /summary has p95, model_bytes, top1/topk/top_k
# and condition_params equal to the run groups and their metrics (checked by
# check_results_h5py.py and again here through pandas); device attributes
# that are numbers are stored as numbers and read back as the same text;
# a file made in the 1.2 layout (old /summary columns, text-only device
# numbers) can still be appended to, reported and merged with a new file
# of the same machine into one device.
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
name: summary
model:
  variants:
    fp32: $EB_SOURCE_DIR/models/fashion/fp32.onnx
    int8: $EB_SOURCE_DIR/models/fashion/int8.onnx
inputs:
  kind: dataset
  path: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
  labels: /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
  limit: 100
  normalize: {mean: 0.2860, std: 0.3530}
accuracy: {top_k: 3, reference: off}
conditions:
  - {name: clean, kind: plain}
  - {name: noisy, kind: noise, sigma: 0.2, seed: 7}
backends: [ref]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 100, min_time_ms: 0}
YAML
run_eb 0 run "$WORK/acc.yaml" -o "$WORK/new.h5" --quiet

# 1. the schema checker: every /summary column equals its run attribute or
#    metric (NaN / 0 where a run has none), device numbers stored as numbers
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" --expect-runs 4 "$WORK/new.h5" >"$WORK/check" 2>&1 ||
    { fail "check_results_h5py.py rejects the file"; sed 's/^/  | /' "$WORK/check" >&2; }

# 2. what a pandas user sees: one DataFrame of /summary ranks the variants
#    by accuracy and latency; the device's numbers are numbers
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/new.h5" "$EB_SOURCE_DIR" <<'PY' || fail "/summary or the device description is wrong"
import os, sys
import h5py, numpy as np, pandas as pd
h5, src = sys.argv[1:]
f = h5py.File(h5, "r")
df = pd.DataFrame(f["summary"][:])
bad = []
for col in ("p95", "model_bytes", "top1", "topk", "top_k", "condition_params",
            "backend_options"):
    if col not in df.columns:
        bad.append(f"no column {col}")
if not bad:
    for _, row in df.iterrows():
        g = f["runs"][row["id"].decode()]
        m = g["metrics"].attrs
        if abs(row["top1"] - m["top1"]) > 1e-12 or abs(row["topk"] - m["top3"]) > 1e-12:
            bad.append(f"run {row['id']}: top1/topk {row['top1']}/{row['topk']} != {m['top1']}/{m['top3']}")
        if row["top_k"] != 3:
            bad.append(f"run {row['id']}: top_k {row['top_k']}")
        if not (row["p90"] <= row["p95"] <= row["p99"]):
            bad.append(f"run {row['id']}: p95 {row['p95']} not between p90 and p99")
        path = g.attrs["model_path"]
        if row["model_bytes"] != os.path.getsize(path):
            bad.append(f"run {row['id']}: model_bytes {row['model_bytes']} != size of {path}")
        cond, params = row["condition"].decode(), row["condition_params"].decode()
        if cond == "noisy" and "sigma=0.2" not in params:
            bad.append(f"run {row['id']}: condition_params {params!r}")
        if params != g.attrs["condition_params"]:
            bad.append(f"run {row['id']}: condition_params differ from the run's")
    # the int8 and fp32 variants differ in accuracy under noise: the table says so
    noisy = df[df["condition"] == b"noisy"].set_index("variant")["top1"]
    if len(noisy) != 2 or not np.isfinite(noisy).all():
        bad.append(f"noisy top1 per variant: {noisy.to_dict()}")
(dev,) = f["devices"].values()
a = dev.attrs
for key, kind in (("logical_cpus", np.integer), ("memory_bytes", np.integer),
                  ("peak_gflops_fp32", np.floating)):
    if key in a and not isinstance(a[key], kind):
        bad.append(f"device {key}={a[key]!r} is {type(a[key]).__name__}, expected a number")
if "logical_cpus" in a and int(a["logical_cpus"]) != os.cpu_count():
    bad.append(f"logical_cpus {a['logical_cpus']} != {os.cpu_count()}")
if not isinstance(a["arch"], str):
    bad.append(f"arch {a['arch']!r} is not text")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# 3. a file in the 1.2 layout: /summary without the 1.3 columns, device
#    numbers as text, schema_version 1.2
"$PY" - "$WORK/new.h5" "$WORK/old.h5" <<'PY' || fail "could not make the 1.2-layout file"
import shutil, sys
import h5py, numpy as np
src, dst = sys.argv[1:]
shutil.copy(src, dst)
with h5py.File(dst, "r+") as f:
    rows = f["summary"][:]
    old = [n for n in rows.dtype.names
           if n not in ("p95", "model_bytes", "top1", "topk", "top_k", "condition_params",
                        "backend_options")]
    dt = np.dtype([(n, rows.dtype[n]) for n in old])
    table = np.empty(len(rows), dtype=dt)
    for n in old:
        table[n] = rows[n]
    del f["summary"]
    f.create_dataset("summary", data=table, maxshape=(None,), chunks=(64,))
    for dev in f["devices"].values():
        for k, v in list(dev.attrs.items()):
            if not isinstance(v, str):
                del dev.attrs[k]
                dev.attrs.create(k, str(v), dtype=h5py.string_dtype())
    f.attrs["schema_version"] = "1.2"
PY
run_eb 0 report "$WORK/old.h5"
sed -e "s/^name: summary/name: appended/" -e "/int8:/d" -e "/name: noisy/d" "$WORK/acc.yaml" >"$WORK/one.yaml"
run_eb 0 run "$WORK/one.yaml" -o "$WORK/old.h5" --append --quiet
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/old.h5" <<'PY' || fail "appending to the 1.2-layout file"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
rows = f["summary"][:]
bad = []
if len(rows) != 5 or len(f["runs"]) != 5:
    bad.append(f"{len(rows)} summary rows, {len(f['runs'])} runs; expected 5")
if "p95" in rows.dtype.names:
    bad.append("the old table gained columns")
last = rows[-1]
g = f["runs"][last["id"].decode()]
if abs(last["p50"] - g.attrs["p50"]) > 1e-6 * g.attrs["p50"]:
    bad.append(f"appended row p50 {last['p50']} != run {g.attrs['p50']}")
if f.attrs["schema_version"] != "1.4":
    bad.append(f"schema_version {f.attrs['schema_version']}")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
run_eb 0 report "$WORK/old.h5" --format csv -o "$WORK/old.csv"

# 4. merge: the old file's text numbers and the new file's numbers describe
#    the same machine: one device with numbers, and the merged /summary is
#    1.3 for all runs (the 4 runs both files hold are merged once)
run_eb 0 merge "$WORK/old.h5" "$WORK/new.h5" -o "$WORK/m.h5"
expect_not_in "$WORK/err" "differs"
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" --expect-runs 5 "$WORK/m.h5" >"$WORK/check" 2>&1 ||
    { fail "check_results_h5py.py rejects the merged file"; sed 's/^/  | /' "$WORK/check" >&2; }
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/m.h5" <<'PY' || fail "the merged file"
import sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
rows = f["summary"][:]
bad = []
if len(f["devices"]) != 1:
    bad.append(f"devices {list(f['devices'])}: the same machine became several")
if not np.isfinite(rows["top1"]).all():
    bad.append(f"merged rows without top1: {rows['top1']}")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
finish
