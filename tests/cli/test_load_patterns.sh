#!/usr/bin/env bash
# Load patterns end to end (docs/load-patterns.md) on the test plugin
# "chaos", whose inference busy-waits delay_us = 2 ms (a fixed service
# time): server, a server search, multi_stream and offline cells; the
# counts, the stored fields (h5py), the reports and a budget on the server's
# query p99. Loose, load-independent assertions only: counts that follow
# from the seed and the settings, latencies at least the service time,
# rates at most one per service time. The queueing figures themselves are
# checked on a fake clock (tests/test_load_sched.c).
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
PY=/usr/bin/python3
if ! "$PY" -c 'import h5py, numpy' 2>/dev/null; then
    echo "skipped: $PY cannot import h5py and numpy (apt-get install python3-h5py python3-numpy)"
    exit 77
fi
M="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
cat >"$WORK/s.yaml" <<YAML
edgebench: 1
name: load
model: {path: $M}
backends:
  - {name: chaos, options: {mode: ok, delay_us: 2000}}
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 10, min_time_ms: 0, max_time_ms: 20000}
  seed: 3
  timeout_s: 120
YAML
R="$WORK/r.h5"
run_eb 0 run "$WORK/s.yaml" -o "$R" --quiet \
    --set run.load.kind=server --set run.load.target_qps=40 --set run.load.duration_s=1
run_eb 0 run "$WORK/s.yaml" -o "$R" --append --quiet \
    --set run.load.kind=server --set run.load.target_qps=40 --set run.load.duration_s=0.5 \
    --set run.load.search=true --set run.load.latency_bound_ms=10000 --set run.load.max_trials=2
run_eb 0 run "$WORK/s.yaml" -o "$R" --append --quiet \
    --set run.load.kind=multi_stream --set run.load.samples_per_query=3 \
    --set run.load.interval_ms=20
run_eb 0 run "$WORK/s.yaml" -o "$R" --append --quiet \
    --set run.load.kind=offline --set run.load.batch=4

# the file against docs/results-schema.md (load runs included)
CHECKS=$((CHECKS + 1))
"$PY" "$EB_SOURCE_DIR/tests/check_results_h5py.py" --expect-runs 4 "$R" >"$WORK/check" 2>&1 ||
    { fail "check_results_h5py.py rejects the file"; sed 's/^/  | /' "$WORK/check" >&2; }

CHECKS=$((CHECKS + 1))
"$PY" - "$R" <<'PY' || fail "stored load fields"
import sys
import h5py, numpy as np
D = 2_000_000  # the service time, ns: no latency is shorter
f = h5py.File(sys.argv[1], "r")
runs = [f["runs"][k] for k in sorted(f["runs"])]
def m(r, k):
    v = r["metrics"].attrs[k]
    return v.decode() if isinstance(v, bytes) else v
server, search, multi, off = runs
for r in runs:
    assert r.attrs["status"] == "ok", r.attrs["message"]
    lat, t = r["latency_ns"][()], r["t_ns"][()]
    assert len(lat) == int(m(r, "load.completed")) == r.attrs["n"]
    assert lat.min() >= D, lat.min()

# server: Poisson arrivals inside the 1 s window (40 expected; the count
# follows from run.seed alone), latency from the scheduled arrival
assert m(server, "load.pattern") == "server"
assert "target_qps=40;duration_s=1;" in m(server, "load.params"), m(server, "load.params")
iss, comp = int(m(server, "load.issued")), int(m(server, "load.completed"))
assert 15 <= iss <= 70 and 1 <= comp <= iss, (iss, comp)
t = server["t_ns"][()]
assert t.max() < 1_000_000_000 and np.all(np.diff(t.astype(np.int64)) >= 0)
assert 0 < m(server, "load.achieved_qps") <= 500
assert server["load/trials"].shape == (1, 6)
assert "load.search_qps" not in server["metrics"].attrs

# the search: at most 2 trials, the first at target_qps, the second at twice
# it when the first met the (very loose) bound, half of it when not
tr = search["load/trials"][()]
assert 1 <= len(tr) <= 2 and tr[0, 0] == 40, tr
if len(tr) == 2:
    assert tr[1, 0] == (80 if tr[0, 5] == 1 else 20), tr
sq = m(search, "load.search_qps")
assert sq == 0 or sq in tr[:, 0], (sq, tr)

# multi_stream: a query of 3 inferences every 20 ms, 10 queries
assert m(multi, "load.pattern") == "multi_stream"
assert int(m(multi, "load.issued")) == int(m(multi, "load.completed")) == 10
assert int(m(multi, "load.inferences")) == 30
assert list(multi["t_ns"][()]) == [k * 20_000_000 for k in range(10)]
assert multi["latency_ns"][()].min() >= 3 * D
assert m(multi, "load.interval_ms") == 20 and m(multi, "load.samples_per_query") == 3

# offline: 10 queries of 4 inferences back to back; at most 1/D inferences/s
assert m(off, "load.pattern") == "offline"
assert int(m(off, "load.completed")) == 10 and int(m(off, "load.inferences")) == 40
assert 0 < m(off, "load.inferences_per_s") <= 500
assert off["latency_ns"][()].min() >= 4 * D
PY

# the reports: a table per pattern (text, md), columns (csv), members (json)
run_eb 0 report "$R"
expect_in "$WORK/out" '^Load patterns \(latency per query, from its scheduled start\):$'
expect_in "$WORK/out" '^server:$'
expect_in "$WORK/out" '^id +run +target qps +achieved qps +issued +completed +p50 µs +p99 µs +bound ms +search qps +trials$'
expect_in "$WORK/out" '^000001 +chaos\{delay_us=2000,mode=ok\}/default/plain rep 0 +40 '
expect_in "$WORK/out" '^000002 .* 10000 (met|missed) '
expect_in "$WORK/out" '^multi_stream:$'
expect_in "$WORK/out" '^000003 +chaos.* +3 +20 +10 '
expect_in "$WORK/out" '^offline:$'
expect_in "$WORK/out" '^000004 +chaos.* +4 +10 +40 '
run_eb 0 report "$R" --format md
expect_in "$WORK/out" '^## Load patterns$'
expect_in "$WORK/out" '^### server$'
expect_in "$WORK/out" '^### offline$'
run_eb 0 report "$R" --format html -o "$WORK/r.html"
expect_in "$WORK/r.html" '<a href="#load">Load patterns</a>'
expect_in "$WORK/r.html" '<h2 id="load">Load patterns</h2>'
expect_in "$WORK/r.html" '<h3>multi_stream</h3>'
run_eb 0 report "$R" --format csv -o "$WORK/r.csv"
run_eb 0 report "$R" --format json -o "$WORK/r.json"
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/r.csv" "$WORK/r.json" <<'PY' || fail "csv/json load columns"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["load_pattern"] for r in rows] == ["server", "server", "multi_stream", "offline"], rows
assert rows[3]["load_params"] == "batch=4" and rows[3]["load.inferences"] == "40"
runs = json.load(open(sys.argv[2]))["runs"]
assert [r["load_pattern"] for r in runs] == ["server", "server", "multi_stream", "offline"]
assert runs[2]["load_params"] == "samples_per_query=3;interval_ms=20"
assert runs[0]["metrics"]["load.issued"] >= runs[0]["metrics"]["load.completed"]
PY

# a budget on the query p99 of the server cell (latency from the scheduled
# arrival): wired through, with a bound no run misses
printf 'budgets:\n  - {metric: latency_p99_ms, max: 100000}\n' >"$WORK/b.yaml"
run_eb 0 gate "$R" --budgets "$WORK/b.yaml"
expect_in "$WORK/out" 'PASS +latency_p99_ms'
# the rates gate with a lower limit: offline's throughput cannot pass 500
# inferences/s (2 ms each), and a single_stream cell has no rate to gate
printf 'budgets:\n  - {metric: inferences_per_s, min: 1000, select: {scenario: load}}\n' >"$WORK/b2.yaml"
run_eb 1 gate "$R" --budgets "$WORK/b2.yaml"
expect_in "$WORK/out" 'FAIL +inferences_per_s .*throughput [0-9.e+]+ inferences/s < min 1000 inferences/s'
printf 'budgets:\n  - {metric: achieved_qps, max_regression_pct: 5}\n' >"$WORK/b3.yaml"
run_eb 2 gate "$R" --budgets "$WORK/b3.yaml"
expect_in "$WORK/err" "achieved_qps takes 'min'"

# inputs.batch on a model with a dynamic batch: a call is 4 samples, and
# offline counts samples (load.inferences = queries x batch x 4)
DYN="$EB_SOURCE_DIR/tests/data/models/tiny_conv_dynamic_batch.onnx"
run_eb 0 run "$WORK/s.yaml" -o "$WORK/b.h5" --quiet --set model.path="$DYN" \
    --set inputs.batch=4 --set run.load.kind=offline --set run.load.batch=2
run_eb 0 run "$WORK/s.yaml" -o "$WORK/b.h5" --append --quiet --set model.path="$DYN" \
    --set inputs.batch=4
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/b.h5" <<'PY' || fail "batched model figures"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
off, single = (f["runs"][k] for k in sorted(f["runs"]))
mo, ms = off["metrics"].attrs, single["metrics"].attrs
assert mo["batch"] == 4 and ms["batch"] == 4
assert int(mo["load.completed"]) == 10 and int(mo["load.inferences"]) == 80, dict(mo)
assert mo["load.samples_per_query"] == 8
assert 0 < mo["load.inferences_per_s"] <= 4 * 500  # 2 ms per call of 4 samples
assert "inferences_per_s" in ms and 0 < ms["inferences_per_s"] <= 4 * 500
assert "load.pattern" not in ms  # single_stream stays as it was
PY

# a sweep over the batch: one cell per size, named by its sweep label
run_eb 0 run "$WORK/s.yaml" -o "$WORK/bs.h5" --quiet --set model.path="$DYN" \
    --set 'inputs.batch=[1, 2, 8]'
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/bs.h5" <<'PY' || fail "the batch sweep"
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
runs = [f["runs"][k] for k in sorted(f["runs"])]
sweeps = [r.attrs["sweep"].decode() if isinstance(r.attrs["sweep"], bytes) else r.attrs["sweep"] for r in runs]
assert sweeps == ["inputs.batch=1", "inputs.batch=2", "inputs.batch=8"], sweeps
batches = [r["metrics"].attrs.get("batch", 1) for r in runs]
assert list(batches) == [1, 2, 8], batches
PY
run_eb 0 validate "$WORK/s.yaml" --matrix --set model.path="$DYN" --set 'inputs.batch=[1, 4]'
expect_in "$WORK/out" 'inputs\.batch=4'

# dataset inputs in batches: call m holds samples 4m..4m+3, each scored on
# its row, so 10 calls of 4 score the same 40 samples as 40 calls of 1
cat >"$WORK/ds.yaml" <<YAML
edgebench: 1
name: dsb
model: {path: $DYN}
inputs: {kind: dataset, path: $EB_SOURCE_DIR/tests/data/fashion/t100.h5, labels_dataset: labels}
backends: [ref]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 40, min_time_ms: 0}
YAML
run_eb 0 run "$WORK/ds.yaml" -o "$WORK/ds.h5" --quiet
run_eb 0 run "$WORK/ds.yaml" -o "$WORK/ds.h5" --append --quiet --set inputs.batch=4 \
    --set run.measure.iterations=10
run_eb 0 run "$WORK/ds.yaml" -o "$WORK/ds.h5" --append --quiet --set inputs.batch=4 \
    --set run.measure.iterations=10 --set run.load=offline
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/ds.h5" <<'PY' || fail "dataset batches"
import sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
one, four, off = (f["runs"][k] for k in sorted(f["runs"]))
c1 = one["accuracy/correct"][()]
assert len(c1) == 40 and one.attrs["n"] == 40
for r in (four, off):
    assert r.attrs["n"] == 10 and r["metrics"].attrs["batch"] == 4
    assert r["metrics"].attrs["accuracy_samples"] == 40
    assert np.array_equal(r["accuracy/correct"][()], c1), "per-sample hits differ"
assert off["metrics"].attrs["load.inferences"] == 40
PY

# a search needs a bound; a window that cannot fit the timeout is refused
run_eb 2 validate "$WORK/s.yaml" --set run.load.kind=server --set run.load.search=true
expect_in "$WORK/err" 'run.load.search: a search needs run.load.latency_bound_ms > 0'
run_eb 2 validate "$WORK/s.yaml" --set run.load.kind=server --set run.load.duration_s=100
expect_in "$WORK/err" 'run.load.duration_s: 100 s x 1 trial\(s\)'
finish
