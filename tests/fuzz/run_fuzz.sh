#!/usr/bin/env bash
# Run the libFuzzer targets of tests/fuzz (built with -DEB_FUZZ=ON in
# BUILD) one after the other, each for SECONDS, starting from the committed
# corpus (tests/fuzz/corpus/<target>, read only) and BUILD/fuzz/corpus/<target>
# (where new inputs go). A crash, leak or timeout stops that target and leaves
# its reproducer in BUILD/fuzz/artifacts/<target>/; the exit status is then 1.
#
#   tests/fuzz/run_fuzz.sh BUILD SECONDS [TARGET...]     (make fuzz FUZZ_TIME=...)
#
# Each target's last libFuzzer status line (executions, cov:, ft:, corpus)
# is printed at the end, and its whole log kept in BUILD/fuzz/<target>.log.
set -u
build=${1:?usage: run_fuzz.sh BUILD SECONDS [TARGET...]}
secs=${2:?usage: run_fuzz.sh BUILD SECONDS [TARGET...]}
shift 2
src=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then # every fuzz_<target>.c but the shared parts
    for f in "$src"/fuzz_*.c; do
        t=$(basename "$f" .c)
        t=${t#fuzz_}
        [ "$t" = common ] || [ "$t" = replay ] || targets+=("$t")
    done
fi
# Bounds of what a hostile input may make the readers decode (far below the
# fuzzer's RSS limit); HDF5 keeps free lists that LeakSanitizer would report.
export EDGEBENCH_MAX_ARRAY_MB=${EDGEBENCH_MAX_ARRAY_MB:-64} EDGEBENCH_MAX_MODEL_MB=${EDGEBENCH_MAX_MODEL_MB:-64}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
summary=()
for t in "${targets[@]}"; do
    bin="$build/tests/fuzz/fuzz_$t"
    if [ ! -x "$bin" ]; then
        echo "run_fuzz: $bin is not built (configure with -DEB_FUZZ=ON)" >&2
        rc=1
        continue
    fi
    mkdir -p "$build/fuzz/corpus/$t" "$build/fuzz/artifacts/$t"
    log="$build/fuzz/$t.log"
    echo "run_fuzz: $t for ${secs}s (log: $log)"
    extra=()
    case $t in
    h5_dataset | results | golden)
        # libhdf5 (not instrumented, Debian's) crashes and leaks on some
        # corrupt files (tests/fuzz/library-crashes/; golden reads HDF5
        # golden files with it too): keep fuzzing past
        # those, in child processes; every finding is still saved as an
        # artifact to look at.
        extra=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
        ;;
    esac
    ASAN_OPTIONS="$ASAN_OPTIONS${extra[*]:+:detect_leaks=0}" \
    "$bin" "${extra[@]}" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz/artifacts/$t/" \
        "$build/fuzz/corpus/$t" "$src/corpus/$t" >"$log" 2>&1
    st=$?
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    if [ $st -ne 0 ]; then
        rc=1
        summary+=("$t: FAILED (exit $st) after ${execs:-?} runs; $(ls "$build/fuzz/artifacts/$t" | head -3 | tr '\n' ' ')")
        grep -E 'ERROR: |SUMMARY: ' "$log" | head -3 >&2
    else
        summary+=("$t: ${execs:-?} runs in ${secs}s; ${last}")
    fi
done
printf '%s\n' "run_fuzz: summary" "${summary[@]}"
exit $rc
