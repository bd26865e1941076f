#!/usr/bin/env bash
# bench_backends runs each backend in a child process: a backend that
# crashes is printed as crashed, one that hangs as timed out, and the other
# backends' figures are still printed (exit 0). Uses the test-only chaos
# plugin, which crashes or hangs on request (--option chaos:mode=...).
# The verdict is about rows present, not about the figures in them.
. "$(dirname "$0")/lib.sh"
: "${EB_BUILD_DIR:?}"
BENCH="$EB_BUILD_DIR/bench/bench_backends"
if [ ! -x "$BENCH" ] || [ ! -r "$EB_TEST_PLUGIN_DIR/libedgebench_backend_chaos.so" ]; then
    echo "skipped: bench_backends or the chaos test plugin is not built"
    exit 77
fi
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
MODEL="$EB_SOURCE_DIR/models/quickstart_cnn.onnx"
bench() { # EXPECTED_EXIT ARGS...
    local want=$1; shift
    CHECKS=$((CHECKS + 1))
    timeout 300 "$BENCH" --threads 1 --min-time 0.02 --no-kernels "$@" "$MODEL" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    [ "$got" = "$want" ] || { fail "bench_backends $* exited $got, expected $want"; sed 's/^/  | /' "$WORK/err" | tail -5 >&2; }
}
row_with_figures() { # BACKEND: a row with a median and a CPU time
    expect_in "$WORK/out" "^  1 +$1 +[0-9]+\\.[0-9]+ +[0-9]+\\.[0-9]+ +[0-9]+ "
}

bench 0 --backend ref --backend chaos --backend simd --option chaos:mode=crash
expect_in "$WORK/out" '^  1 +chaos +crashed: killed by signal 11 \(SIGSEGV\)'
row_with_figures ref
row_with_figures simd

bench 0 --backend chaos --backend ref --option chaos:mode=abort
expect_in "$WORK/out" '^  1 +chaos +crashed: killed by signal 6 \(SIGABRT\)'
row_with_figures ref

bench 0 --backend chaos --backend ref --option chaos:mode=hang --timeout 2
expect_in "$WORK/out" '^  1 +chaos +timed out after 2 s'
row_with_figures ref

# a backend that fails cleanly is skipped with its message, as before
bench 0 --backend chaos --backend ref --option chaos:mode=fail
expect_in "$WORK/out" '^  1 +chaos +skipped: '
row_with_figures ref

bench 2 --option nonsense
expect_in "$WORK/err" "--option takes BACKEND:KEY=VALUE"
finish
