#!/usr/bin/env bash
# How a run ends when it is told to, or cannot go on (README exit codes):
# - a cell never outlives edgebench: SIGKILL while a cell hangs leaves no
#   orphan (the cell has PR_SET_PDEATHSIG);
# - SIGTERM and SIGHUP end the run with its summary line and exit 3, the
#   finished cells kept; a file size limit or a full disk is exit 3 with a
#   message, never a signal status (153, 139);
# - isolation: none honours timeout_s and the second Ctrl-C.
# Uses the test plugin "chaos" (hangs or busy-waits on request).
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
scenario() { # FILE TIMEOUT_S MIN_TIME_MS BACKEND_LINES...
    local f=$1 t=$2 ms=$3
    shift 3
    {
        echo "edgebench: 1"
        echo "name: lifetime"
        echo "model: {path: $MODEL}"
        echo "accuracy: {reference: off}"
        echo "backends:"
        for b in "$@"; do echo "  - $b"; done
        echo "run:"
        echo "  warmup: {iterations: 1, min_time_ms: 0}"
        echo "  measure: {iterations: 5, min_time_ms: $ms, max_time_ms: 60000}"
        echo "  timeout_s: $t"
    } >"$f"
}
OK='{name: chaos, options: {mode: ok}}'
SLOW='{name: chaos, options: {mode: ok, delay_us: 2000}}'
HANG='{name: chaos, options: {mode: hang, after: 2}}'
gone() { # PID: true once the process is gone (or a zombie nobody reaps)
    local _ st
    for _ in $(seq 50); do
        st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
        case "$st" in Z*) return 0 ;; esac
        sleep 0.1
    done
    return 1
}
wait_for() { # FILE REGEX: until FILE matches (at most 30 s)
    local _
    for _ in $(seq 300); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
cell_of() { # PID: its child (the cell process)
    local _ c
    for _ in $(seq 100); do
        c=$(pgrep -P "$1" | head -1)
        [ -n "$c" ] && { echo "$c"; return 0; }
        sleep 0.1
    done
    return 1
}

# ---- 1. SIGKILL of edgebench while a cell hangs: no orphan -----------------
scenario "$WORK/hang.yaml" 600 0 "$HANG"
"$EDGEBENCH" run "$WORK/hang.yaml" -o "$WORK/hang.h5" >/dev/null 2>&1 &
pid=$!
cell=$(cell_of "$pid")
CHECKS=$((CHECKS + 1))
if [ -z "$cell" ]; then
    fail "no cell process appeared"
else
    sleep 1 # the cell hangs now
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    CHECKS=$((CHECKS + 1))
    if ! gone "$cell"; then
        fail "the hung cell $cell outlived edgebench"
        kill -KILL "$cell" 2>/dev/null
    fi
fi

# ---- 2. SIGTERM and SIGHUP: summary, exit 3, finished cells kept -----------
scenario "$WORK/slow.yaml" 600 700 "$OK" "$SLOW" "$SLOW" "$SLOW" "$SLOW"
for sig in TERM HUP; do
    "$EDGEBENCH" run "$WORK/slow.yaml" -o "$WORK/$sig.h5" >"$WORK/$sig.out" 2>"$WORK/$sig.err" &
    pid=$!
    wait_for "$WORK/$sig.err" '\[2/5\]' || fail "SIG$sig: the run did not get to its second cell"
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    CHECKS=$((CHECKS + 1))
    [ "$rc" = 3 ] || fail "SIG$sig: the run exited $rc, expected 3"
    expect_in "$WORK/$sig.err" '^edgebench: [0-9] of 5 cells: '
    expect_in "$WORK/$sig.err" "interrupted \\(SIG$sig\\); .*$sig.h5 keeps the [0-9] finished cells"
    run_eb 0 report "$WORK/$sig.h5" --format csv
    expect_in "$WORK/out" '^000001,[^,]*,[^,]*,chaos,.*,ok,'
    expect_in "$WORK/out" '^000002,'
done
# SIGHUP (a dropped ssh) does not wait for the running cell
expect_in "$WORK/HUP.err" 'hangup: aborting the current cell'

# ---- 3. a file that cannot grow: exit 3, a message, the stored cells kept ---
# The store claims the disk space of each write before making it
# (results/store_space.c): the file is left as the last stored cell made it
# and `report` reads every cell the summary line counts. 2000 samples a
# cell make each cell's results ~70 KB, so the limits below fill in a few.
scenario "$WORK/many.yaml" 60 0 "$OK" "$OK" "$OK" "$OK" "$OK" "$OK" "$OK" "$OK"
stored_cells_readable() { # RESULTS ERRFILE: report lists as many runs as the summary counts
    local n
    n=$(sed -nE 's/^edgebench: ([0-9]+) of 160 cells.*/\1/p' "$2")
    CHECKS=$((CHECKS + 1))
    [ -n "$n" ] && [ "$n" -ge 1 ] || { fail "$1: no cell was stored before the limit ($n)"; return; }
    run_eb 0 report "$1" --format csv
    CHECKS=$((CHECKS + 1))
    [ "$(grep -c '^0000' "$WORK/out")" = "$n" ] ||
        fail "$1: report lists $(grep -c '^0000' "$WORK/out") runs, the run stored $n"
}
(ulimit -f 640; "$EDGEBENCH" run "$WORK/many.yaml" -o "$WORK/fsize.h5" --set run.repetitions=20 \
    --set run.measure.iterations=2000 >"$WORK/fsize.out" 2>"$WORK/fsize.err")
rc=$?
CHECKS=$((CHECKS + 1))
[ "$rc" = 3 ] || fail "a run over the file size limit exited $rc, expected 3"
expect_in "$WORK/fsize.err" 'could not be written'
expect_in "$WORK/fsize.err" 'no room for this cell.s results \(the next write needs .*ulimit -f'
stored_cells_readable "$WORK/fsize.h5" "$WORK/fsize.err"
# a full disk (a small tmpfs; root only)
if [ "$(id -u)" = 0 ] && mkdir -p "$WORK/full" && mount -t tmpfs -o size=1m tmpfs "$WORK/full" 2>/dev/null; then
    "$EDGEBENCH" run "$WORK/many.yaml" -o "$WORK/full/r.h5" --set run.repetitions=20 \
        --set run.measure.iterations=2000 >"$WORK/full.out" 2>"$WORK/full.err"
    rc=$?
    CHECKS=$((CHECKS + 1))
    [ "$rc" = 3 ] || fail "a run onto a full disk exited $rc, expected 3"
    expect_in "$WORK/full.err" 'could not be written'
    expect_in "$WORK/full.err" 'no room for this cell.s results .*No space left on device'
    stored_cells_readable "$WORK/full/r.h5" "$WORK/full.err"
    # merge onto the full disk: refused before writing, the output intact
    before=$(grep -c '^0000' "$WORK/out")
    run_eb 3 merge -o "$WORK/full/r.h5" --append "$WORK/fsize.h5"
    expect_in "$WORK/err" 'no room to merge .*fsize.h5 into it'
    run_eb 0 report "$WORK/full/r.h5" --format csv
    CHECKS=$((CHECKS + 1))
    [ "$(grep -c '^0000' "$WORK/out")" = "$before" ] || fail "a refused merge changed the output"
    umount "$WORK/full"
else
    echo "note: no tmpfs for the full-disk case (needs root); skipped"
fi

# ---- 4. isolation: none honours timeout_s ----------------------------------
scenario "$WORK/hang.yaml" 2 0 "$OK" "$HANG" "$OK"
start=$(date +%s)
run_eb 3 run "$WORK/hang.yaml" -o "$WORK/none.h5" --set run.isolation=none
CHECKS=$((CHECKS + 1))
[ $(( $(date +%s) - start )) -lt 30 ] || fail "isolation none ignored timeout_s"
expect_in "$WORK/err" '\[2/3\] chaos\{after=2,mode=hang\} / default / plain: timeout: no result within the 2 s timeout'
expect_in "$WORK/err" 'isolation: none cannot end a hung cell'
expect_in "$WORK/err" '2 of 3 cells: 1 ok, 0 failed, 0 crashed, 1 timeout'
run_eb 0 report "$WORK/none.h5" --format csv
expect_in "$WORK/out" '^000002,[^,]*,[^,]*,chaos,.*,timeout,'
# a cell that reaches its next sample stops there: its samples are kept
scenario "$WORK/long.yaml" 2 0 "$SLOW"
run_eb 3 run "$WORK/long.yaml" -o "$WORK/long.h5" --set run.isolation=none \
    --set run.measure.iterations=1000000
expect_in "$WORK/err" 'timeout: no result within the 2 s timeout; the cell was stopped after [1-9][0-9]* samples'

# ---- 5. isolation: none and the second Ctrl-C -------------------------------
scenario "$WORK/ctl.yaml" 600 20000 "$SLOW" "$SLOW"
"$EDGEBENCH" run "$WORK/ctl.yaml" -o "$WORK/ctl.h5" --set run.isolation=none \
    >/dev/null 2>"$WORK/ctl.err" &
pid=$!
sleep 1.5
kill -INT "$pid"; sleep 0.3; kill -INT "$pid"
wait "$pid"
rc=$?
CHECKS=$((CHECKS + 1))
[ "$rc" = 3 ] || fail "isolation none, two Ctrl-C: exited $rc, expected 3"
expect_in "$WORK/ctl.err" 'second interrupt: aborting the current cell'
expect_in "$WORK/ctl.err" '1 of 2 cells: 0 ok, .* 1 interrupted'
finish
