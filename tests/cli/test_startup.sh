#!/usr/bin/env bash
# Start-up cost end to end: every cell records load_ms (model read + parse,
# backend open + prepare) and first_inference_ms (the cold inference after
# prepare, before the warm-up), stored as run metrics, shown in the run
# table and gated by budgets.
#
# Verdicts never depend on machine load: the test plugin "chaos" busy-waits
# 30 ms in prepare and 50 ms more in its first run, so the figures have
# known lower bounds whatever else runs; only ">=" and "fails a limit below
# the bound" are checked. The shipped quickstart model on ref and simd
# checks that real backends report both figures.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
PY=/usr/bin/python3
cat >"$WORK/s.yaml" <<YAML
edgebench: 1
name: startup
model:
  path: $EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx
backends:
  - name: chaos
    options: {mode: ok, prepare_delay_us: 30000, first_delay_us: 50000}
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 20, min_time_ms: 0}
  repetitions: 2
  timeout_s: 60
YAML
run_eb 0 run "$WORK/s.yaml" -o "$WORK/s.h5" --quiet

# 1. stored per run, with the bounds the plugin guarantees
if "$PY" -c 'import h5py' 2>/dev/null; then
    CHECKS=$((CHECKS + 1))
    "$PY" - "$WORK/s.h5" <<'PY' || fail "load_ms / first_inference_ms are not as measured"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
bad = []
for rid, g in f["runs"].items():
    m = g["metrics"].attrs
    load, first = m.get("load_ms"), m.get("first_inference_ms")
    if load is None or first is None:
        bad.append(f"{rid}: missing ({dict(m)})")
        continue
    if not load >= 30:
        bad.append(f"{rid}: load_ms {load} < the 30 ms prepare busy-wait")
    if not first >= 50:
        bad.append(f"{rid}: first_inference_ms {first} < the 50 ms first-run busy-wait")
    if g.attrs["n"] != 20:
        bad.append(f"{rid}: the cold inference changed the measured count: n={g.attrs['n']}")
if len(f["runs"]) != 2:
    bad.append(f"{len(f['runs'])} runs")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
fi

# 2. in the run table (text and Markdown) and in CSV
run_eb 0 report "$WORK/s.h5"
expect_in "$WORK/out" '  load ms  cold ms  device +scenario$'
expect_in "$WORK/out" '^000001 .*  (3[0-9]|[4-9][0-9]|[0-9]{3,})\.[0-9]  +([5-9][0-9]|[0-9]{3,})\.[0-9]{2}  [^ ]+ +startup$'
run_eb 0 report "$WORK/s.h5" --format md
expect_in "$WORK/out" '^\| id .* \| load ms \| cold ms \| device \| scenario \|$'
run_eb 0 report "$WORK/s.h5" --format csv
expect_in "$WORK/out" '^id,.*,first_inference_ms,.*load_ms'

# 3. budgets: a limit below the guaranteed bound fails, a generous one passes
cat >"$WORK/fail.yaml" <<'Y'
budgets:
  - {name: cold start, metric: first_inference_ms, max: 40}
  - {name: load, metric: load_ms, max: 100000}
Y
run_eb 1 gate "$WORK/s.h5" --budgets "$WORK/fail.yaml"
expect_in "$WORK/out" '^FAIL +cold start .*first inference [0-9.]+ ms > max 40 ms'
expect_in "$WORK/out" '^PASS +load .*load time [0-9.]+ ms <= max 100000 ms'
cat >"$WORK/bad.yaml" <<'Y'
budgets:
  - {metric: load_ms, min: 1}
Y
run_eb 2 gate "$WORK/s.h5" --budgets "$WORK/bad.yaml"
expect_in "$WORK/err" "load_ms takes 'max'"

# 4. real backends report both figures
for b in ref simd; do
    run_eb 0 run "$EB_SOURCE_DIR/scenarios/quickstart.yaml" -o "$WORK/q_$b.h5" --quiet \
        --set "backends=[$b]" --set run.measure.iterations=20 --set run.measure.min_time_ms=0
    run_eb 0 report "$WORK/q_$b.h5" --format json
    CHECKS=$((CHECKS + 1))
    "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = d["runs"][0]["metrics"]
assert m["load_ms"] > 0 and m["first_inference_ms"] > 0, m
' "$WORK/out" || fail "$b: no start-up figures in the JSON report"
done
finish
