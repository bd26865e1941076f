#!/usr/bin/env bash
# Typed conditions end to end (issue 15, docs/conditions.md): a scenario
# with a noise sweep, a drifting brightness and a throttle is resolved once
# into typed values (validate --matrix --format json shows them as JSON
# numbers, a swept 0.30000000000000004 exactly), carried to the cell and
# stored as /runs/<id>/condition with one float64 / int64 / string
# attribute per parameter beside the old condition_params text; a file
# with only the old text (the typed group deleted, as files before schema
# 1.4 are) is still reported with the same parameters; a malformed typed
# group or an over-long old text is refused with a message naming it.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import h5py' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 lacks h5py (python3-h5py)"; exit 77
fi
D="$EB_SOURCE_DIR/tests/data/fashion"
cat >"$WORK/s.yaml" <<EOF2
edgebench: 1
name: typed
model: {path: $EB_SOURCE_DIR/models/fashion/fp32.onnx}
inputs:
  kind: dataset
  path: $D/t1k-images-idx3-ubyte.gz
  labels: $D/t1k-labels-idx1-ubyte.gz
  limit: 50
  normalize: {mean: 0.2860, std: 0.3530}
backends: [ref]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 50, min_time_ms: 0}
metrics: {calibration_ms: 0, power: none}
conditions:
  - {name: noisy, kind: noise, sigma: [0, 0.1, 0.30000000000000004], seed: 3}
  - name: dimming
    kind: brightness
    seed: 5
    drift: {param: delta, from: 0, to: -0.5, shape: step, at: 20}
  - {name: choke, kind: throttle, duty: 0.5, period_ms: 20}
EOF2

# 1. the matrix: typed values, the display text as before
run_eb 0 validate "$WORK/s.yaml" --matrix
expect_in "$WORK/out" 'noisy +sigma=0.30000000000000004 '
run_eb 0 validate "$WORK/s.yaml" --matrix --format json
expect_in "$WORK/out" '"condition_params": "sigma=0.30000000000000004;seed=3", "condition_values": \{"sigma": 0.30000000000000004, "seed": 3\}'
expect_in "$WORK/out" '"condition_values": \{"delta": 0, "seed": 5, "drift.param": "delta", "drift.from": 0, "drift.to": -0.5, "drift.shape": "step", "drift.at": 20\}'
expect_in "$WORK/out" '"condition_values": \{"duty": 0.5, "period_ms": 20, "method": "signal"\}'

# 2. the run stores the typed group; the text and /summary stay
run_eb 0 run "$WORK/s.yaml" -o "$WORK/s.h5" --quiet
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/s.h5" <<'PY' || fail "the typed condition group is wrong"
import sys, h5py, numpy as np
want = {
    ("noisy", 0): {"kind": "noise", "sigma": 0.0, "seed": 3},
    ("noisy", 1): {"kind": "noise", "sigma": 0.1, "seed": 3},
    ("noisy", 2): {"kind": "noise", "sigma": 0.30000000000000004, "seed": 3},
    ("dimming", 3): {"kind": "brightness", "delta": 0.0, "seed": 5, "drift.param": "delta",
                     "drift.from": 0.0, "drift.to": -0.5, "drift.shape": "step", "drift.at": 20},
    ("choke", 4): {"kind": "throttle", "duty": 0.5, "period_ms": 20, "method": "signal"},
}
bad = []
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["schema_version"] == "1.4", f.attrs["schema_version"]
    for rid, g in f["runs"].items():
        key = (g.attrs["condition"], int(g.attrs["cell_index"]))
        attrs = g["condition"].attrs
        got = {k: attrs[k] for k in attrs}
        w = want[key]
        if list(got) != list(w):
            bad.append(f"{rid}: parameters {list(got)}, want {list(w)} (table order)")
        for k, v in w.items():
            a = attrs.get(k)
            if isinstance(v, str):
                ok = isinstance(a, str) and a == v
            elif isinstance(v, float):
                ok = isinstance(a, np.floating) and a.dtype == np.float64 and float(a) == v
            else:
                ok = isinstance(a, np.integer) and a.dtype == np.int64 and int(a) == v
            if not ok:
                bad.append(f"{rid}: {k} = {a!r} ({type(a).__name__}), want {v!r}")
        if g.attrs["status"] != "ok":
            bad.append(f"{rid}: status {g.attrs['status']}")
    s = f["summary"][...]
    text = {r["id"].decode(): r["condition_params"].decode() for r in s}
    for rid, g in f["runs"].items():
        if text[rid] != g.attrs["condition_params"]:
            bad.append(f"{rid}: /summary condition_params {text[rid]!r}")
    if f["runs/000003"].attrs["condition_params"] != "sigma=0.30000000000000004;seed=3":
        bad.append("000003: text " + f["runs/000003"].attrs["condition_params"])
    drift = f["runs/000004/accuracy/drift_delta"][...]
    if not (np.all(drift[:20] == 0) and np.all(drift[20:] == -0.5)):
        bad.append("000004: drift_delta is not a step at 20")
if bad:
    print("\n".join(bad)); sys.exit(1)
PY
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" "$WORK/s.h5" >"$WORK/check" 2>&1 ||
    { fail "check_results_h5py.py"; tail -5 "$WORK/check" >&2; }
run_eb 0 report "$WORK/s.h5" --format json
grep -E '"condition_params"' "$WORK/out" >"$WORK/new-params"

# 3. a file with the old text form only: the same parameters reported
cp "$WORK/s.h5" "$WORK/old.h5"
"$PY" - "$WORK/old.h5" <<'PY' || fail "could not make the old-form file"
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    for g in f["runs"].values():
        del g["condition"]
PY
run_eb 0 report "$WORK/old.h5" --format json
grep -E '"condition_params"' "$WORK/out" >"$WORK/old-params"
CHECKS=$((CHECKS + 1))
cmp -s "$WORK/new-params" "$WORK/old-params" ||
    { fail "old-form parameters differ"; diff "$WORK/new-params" "$WORK/old-params" >&2; }
run_eb 0 report "$WORK/old.h5" --format variants
expect_in "$WORK/out" 'sigma=0.30000000000000004;seed=3'
# the severity chart reads the old form's numbers too
run_eb 0 report "$WORK/old.h5" --format html -o "$WORK/old.html"
CHECKS=$((CHECKS + 1))
grep -q 'top-1 against sigma' "$WORK/old.html" || fail "no severity chart from the old form"

# 4. malformed: a typed parameter that is not one value, an over-long text
cp "$WORK/s.h5" "$WORK/bad.h5"
cp "$WORK/s.h5" "$WORK/badtext.h5"
"$PY" - "$WORK/bad.h5" "$WORK/badtext.h5" <<'PY' || fail "could not make the malformed files"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    f["runs/000002/condition"].attrs["sigma"] = np.array([0.1, 0.2])
with h5py.File(sys.argv[2], "r+") as f:
    g = f["runs/000002"]
    del g["condition"]
    g.attrs["condition_params"] = "sigma=" + "9" * 5000
PY
run_eb 2 report "$WORK/bad.h5"
expect_in "$WORK/err" "/runs/000002: condition: parameter 'sigma' is not one float64, int64 or string"
run_eb 2 report "$WORK/badtext.h5"
expect_in "$WORK/err" '/runs/000002: condition_params: longer than'
finish
