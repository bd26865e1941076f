#!/bin/bash
# The results file written by the C store (tests/test_store.c's round trip,
# left at $EB_STORE_TEST_OUT) read by an independent reader, h5py through
# tests/check_results_h5py.py; and that reader catching a tampered file.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
CHECK="$EB_SOURCE_DIR/tests/check_results_h5py.py"
BIN="$EB_BUILD_DIR/tests/test_store"
if [ ! -x "$PY" ] || ! "$PY" -c 'import h5py, numpy' 2>/dev/null; then
    echo "skipped: $PY cannot import h5py and numpy (apt-get install python3-h5py python3-numpy)"
    exit 77
fi
if [ ! -x "$BIN" ]; then
    echo "skipped: $BIN is not built (cmocka missing?)"
    exit 77
fi

H5="$WORK/results.h5"

# check EXPECTED_EXIT ARGS...: runs the checker, output in $WORK/out.
check() {
    local want=$1; shift
    CHECKS=$((CHECKS + 1))
    "$PY" "$CHECK" "$@" >"$WORK/out" 2>&1
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "check_results_h5py.py $* exited $got, expected $want"
        sed 's/^/  | /' "$WORK/out" | tail -20 >&2
    fi
}

CHECKS=$((CHECKS + 1))
if ! EB_STORE_TEST_OUT="$H5" "$BIN" >"$WORK/unit.log" 2>&1; then
    fail "test_store failed writing $H5"
    tail -20 "$WORK/unit.log" >&2
fi

# The file as written: every check passes.
check 0 "$H5" --expect-runs 4 --expect-status ok,ok,failed,crashed
expect_in "$WORK/out" '^runs: 4 \(000001=ok, 000002=ok, 000003=failed, 000004=crashed\)'
expect_in "$WORK/out" '^summary: 4 rows'
expect_in "$WORK/out" 'all [0-9]+ checks passed'
cat "$WORK/out"

# Wrong expectations are reported.
check 1 "$H5" --expect-runs 5 --expect-status ok,ok,ok,crashed
expect_in "$WORK/out" 'FAIL: .*4 runs, expected 5'
expect_in "$WORK/out" 'FAIL: .*statuses ok,ok,failed,crashed, expected ok,ok,ok,crashed'

# A stored statistic that does not match the samples is caught.
cp "$H5" "$WORK/p50.h5"
"$PY" -c 'import h5py, sys
with h5py.File(sys.argv[1], "r+") as f:
    a = f["runs/000002"].attrs
    a["p50"] = a["p50"] * 1.001' "$WORK/p50.h5"
check 1 "$WORK/p50.h5"
expect_in "$WORK/out" 'FAIL: .*/runs/000002: p50 stored'
expect_in "$WORK/out" 'FAIL: .*/summary row 000002: p50='

# A /summary that lost a row, a sample array of the wrong length, an
# attribute of the wrong type.
cp "$H5" "$WORK/broken.h5"
"$PY" -c 'import h5py, numpy as np, sys
with h5py.File(sys.argv[1], "r+") as f:
    f["summary"].resize((3,))
    g = f["runs/000001"]
    del g["t_ns"]
    g["t_ns"] = np.arange(3, dtype=np.uint64)
    g.attrs["threads"] = np.float64(2)' "$WORK/broken.h5"
check 1 "$WORK/broken.h5"
expect_in "$WORK/out" 'FAIL: .*/summary has 3 rows, /runs has 4 groups'
expect_in "$WORK/out" 'FAIL: .*/runs/000001/t_ns: shape \(3,\), n is 10'
expect_in "$WORK/out" 'FAIL: .*/runs/000001: attribute threads missing or not int32'

# Not an HDF5 file at all.
echo "hello" >"$WORK/plain.h5"
check 2 "$WORK/plain.h5"
expect_in "$WORK/out" 'plain.h5: cannot open as HDF5'

finish
