#!/usr/bin/env bash
# edgebench run + report end to end, as a user runs them: the quickstart,
# every report format, an independent HDF5 reader, a bad scenario, backends
# that fail / crash / hang, and Ctrl-C in the middle of a run.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
S="$EB_SOURCE_DIR/scenarios"
R="$EB_SOURCE_DIR/tests/data/run"
H5PY_CHECK="$EB_SOURCE_DIR/tests/check_results_h5py.py"
have_h5py() { /usr/bin/python3 -c 'import h5py' 2>/dev/null; }

# 1. the shipped quickstart, shortened
FAST=(--set run.measure.iterations=30 --set run.measure.min_time_ms=0
      --set run.warmup.iterations=2 --set run.warmup.min_time_ms=0)
run_eb 0 run "$S/quickstart.yaml" -o "$WORK/q.h5" "${FAST[@]}"
expect_in "$WORK/err" '\[1/1\] ref / default / plain: ok'
expect_in "$WORK/err" '1 of 1 cells: 1 ok'

run_eb 0 report "$WORK/q.h5"
expect_in "$WORK/out" '^000001 +ref +default +plain'
expect_in "$WORK/out" ' ok +'
run_eb 0 report "$WORK/q.h5" --format md
expect_in "$WORK/out" '^\| *id *\|'
expect_in "$WORK/out" '^\| *000001 *\| *ref *\|'
run_eb 0 report "$WORK/q.h5" --format csv
expect_in "$WORK/out" '^id,'
expect_in "$WORK/out" '^000001,[^,]*,[^,]*,ref,'
run_eb 0 report "$WORK/q.h5" --format json -o "$WORK/q.json"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "edgebench-report", d.get("format")
runs = d["runs"]
assert len(runs) == 1 and runs[0]["status"] == "ok", runs
' "$WORK/q.json" || fail "report --format json is not the expected document"
run_eb 2 report "$WORK/q.h5" --format pdf
run_eb 2 report "$WORK/missing.h5"
expect_in "$WORK/err" 'missing.h5'

if have_h5py; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 "$H5PY_CHECK" "$WORK/q.h5" --expect-runs 1 --expect-status ok \
        >"$WORK/h5py.log" 2>&1 || { fail "independent h5py check failed"; cat "$WORK/h5py.log" >&2; }
fi

# a second run appends with continuing ids
run_eb 0 run "$S/quickstart.yaml" -o "$WORK/q.h5" --append "${FAST[@]}"
run_eb 0 report "$WORK/q.h5" --format csv
expect_in "$WORK/out" '^000002,[^,]*,[^,]*,ref,'

# 2. a bad scenario: exit 2, file:line:col, nothing written
printf 'edgebench: 1\nmodel:\n  path: ../models/tiny_conv.onnx\nbackends: [ref]\nrun:\n  measure:\n    itertions: 5\n' >"$R/../bad_run_tmp.yaml"
run_eb 2 run "$R/../bad_run_tmp.yaml" -o "$WORK/bad.h5"
rm -f "$R/../bad_run_tmp.yaml"
expect_in "$WORK/err" 'bad_run_tmp.yaml:7:5: .*itertions.*did you mean .iterations.'
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/bad.h5" ] || fail "a bad scenario created a results file"
run_eb 2 run "$S/quickstart.yaml" -o "$WORK/x.h5" --backend nosuch
expect_in "$WORK/err" 'nosuch'
run_eb 2 run "$S/quickstart.yaml" -o "$WORK/x.h5" --set run.repetitions=0
expect_in "$WORK/err" 'repetitions'

# 3. fail / crash / hang: recorded, and the run goes on
run_eb 3 run "$R/chaos.yaml" -o "$WORK/chaos.h5"
expect_in "$WORK/err" '4 of 4 cells: 1 ok, 1 failed, 1 crashed, 1 timeout'
run_eb 0 report "$WORK/chaos.h5" --format csv
expect_in "$WORK/out" '^000001,[^,]*,[^,]*,chaos,.*,ok,'
expect_in "$WORK/out" '^000002,[^,]*,[^,]*,chaos,.*,failed,'
expect_in "$WORK/out" '^000003,[^,]*,[^,]*,chaos,.*,crashed,'
expect_in "$WORK/out" '^000004,[^,]*,[^,]*,chaos,.*,timeout,'
run_eb 0 report "$WORK/chaos.h5"
expect_in "$WORK/out" 'chaos: failing in run 4 as asked'
expect_in "$WORK/out" 'SIGSEGV'
expect_in "$WORK/out" 'timeout'
if have_h5py; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 "$H5PY_CHECK" "$WORK/chaos.h5" --expect-runs 4 \
        --expect-status ok,failed,crashed,timeout >"$WORK/h5py.log" 2>&1 \
        || { fail "h5py check of the chaos run failed"; cat "$WORK/h5py.log" >&2; }
fi

# 4. Ctrl-C in the middle: the file keeps every finished cell
"$EDGEBENCH" run "$R/slow_cells.yaml" -o "$WORK/int.h5" >"$WORK/int.out" 2>"$WORK/int.err" &
pid=$!
for _ in $(seq 1 200); do
    grep -q '\[2/12\]' "$WORK/int.err" 2>/dev/null && break
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
CHECKS=$((CHECKS + 1))
[ "$rc" = 3 ] || fail "interrupted run exited $rc, expected 3"
expect_in "$WORK/int.err" 'interrupt: stopping after the current cell'
expect_in "$WORK/int.err" 'keeps the [0-9]+ finished cells'
run_eb 0 report "$WORK/int.h5" --format csv
CHECKS=$((CHECKS + 1))
n=$(grep -c '^0000[0-9][0-9],[^,]*,[^,]*,chaos,.*,ok,' "$WORK/out")
{ [ "$n" -ge 2 ] && [ "$n" -lt 12 ]; } || fail "interrupted file holds $n ok cells, expected 2..11"
if have_h5py; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 "$H5PY_CHECK" "$WORK/int.h5" --expect-runs "$n" --expect-status "$(yes ok | head -n "$n" | paste -sd,)" \
        >"$WORK/h5py.log" 2>&1 || { fail "h5py check of the interrupted file failed"; cat "$WORK/h5py.log" >&2; }
fi

# a second interrupt aborts the running cell, recorded as interrupted
"$EDGEBENCH" run "$R/slow_cells.yaml" -o "$WORK/int2.h5" --set run.measure.min_time_ms=4000 \
    >/dev/null 2>"$WORK/int2.err" &
pid=$!
for _ in $(seq 1 200); do
    grep -q '\[1/12\]' "$WORK/int2.err" 2>/dev/null && break
    sleep 0.1
done
sleep 0.5
kill -INT "$pid"; sleep 0.3; kill -INT "$pid"
wait "$pid"
run_eb 0 report "$WORK/int2.h5" --format csv
expect_in "$WORK/out" ',interrupted,'
finish
