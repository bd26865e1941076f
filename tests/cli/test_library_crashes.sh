#!/usr/bin/env bash
# Results files that crash libhdf5 1.10.8 itself (tests/fuzz/library-crashes,
# found by fuzzing) end report, compare, gate and merge with exit 2 and a
# message naming the file, never a signal: the file is read in a child
# process first (results/results_sandbox.c). The one that makes HDF5
# allocate 4 GiB is left out: it ends with exit 2 too, but takes minutes.
. "$(dirname "$0")/lib.sh"
DIR="$EB_SOURCE_DIR/tests/fuzz/library-crashes"
n=0
for f in "$DIR"/*.h5; do
    case $f in *4GiB*) continue ;; esac
    n=$((n + 1))
    for cmd in report compare gate merge; do
        case $cmd in
            compare) args=("$f" "$f") ;;
            merge) args=("$f" -o "$WORK/merged.h5") ;;
            *) args=("$f") ;;
        esac
        rm -f "$WORK/merged.h5"
        CHECKS=$((CHECKS + 1))
        timeout 120 "$EDGEBENCH" "$cmd" "${args[@]}" >"$WORK/out" 2>"$WORK/err"
        rc=$?
        if [ "$rc" != 2 ]; then
            fail "edgebench $cmd $(basename "$f") exited $rc, expected 2"
            head -3 "$WORK/err" | sed 's/^/  | /' >&2
        fi
        expect_in "$WORK/err" "$(basename "$f")"
        [ "$cmd" = merge ] && [ -e "$WORK/merged.h5" ] && fail "merge wrote an output from $(basename "$f")"
    done
done
[ "$n" -gt 0 ] || fail "no library-crash reproducers in $DIR"
# the crash itself is named as such where the library crashed (under
# AddressSanitizer the child reports the bad access and exits 1 instead)
timeout 120 "$EDGEBENCH" report "$DIR/hdf5-1.10.8-H5HG_read-vlen-attr-results.h5" >/dev/null 2>"$WORK/err"
if [ -n "${EB_SANITIZED:-}" ]; then
    expect_in "$WORK/err" "the HDF5 library (crashed|stopped while) reading it"
else
    expect_in "$WORK/err" "the HDF5 library crashed reading it \\(SIGSEGV\\)"
fi
# and without the child the same file does crash the process: the test above
# proves the sandbox, not a file that stopped crashing
CHECKS=$((CHECKS + 1))
EDGEBENCH_RESULTS_SANDBOX=0 timeout 120 "$EDGEBENCH" report "$DIR/hdf5-1.10.8-H5HG_read-vlen-attr-results.h5" >/dev/null 2>&1
rc=$?
if [ -n "${EB_SANITIZED:-}" ]; then
    [ "$rc" -gt 128 ] || [ "$rc" = 1 ] ||
        fail "without the sandbox the reproducer exited $rc, neither a signal nor a sanitizer's report"
else
    [ "$rc" -gt 128 ] || fail "without the sandbox the reproducer exited $rc, not by a signal: update the test"
fi
finish
