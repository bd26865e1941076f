#!/usr/bin/env bash
# The gate's A/A and A/B proof on known samples: 10 trials, each judging
# candidates against a baseline with `edgebench gate --baseline` and a 5%
# regression budget. Every file is a real run of the chaos scenario whose
# latency samples tests/tools/eb_synth_results replaced by seeded draws from
# the same noisy distribution (10% spread, 5% of samples in a preemption
# tail), each file its own seed:
#   A/A   the same median (1000 µs): never "slower" (0/10);
#   A/B   10% slower (1100 µs): always caught (10/10);
#         2% slower (1020 µs): never flagged under the 5% tolerance (0/10).
# The verdicts depend only on the samples, not on how loaded this machine
# is. The same proof in real time (edgebench run sessions, 20 trials) is
# bench/bench_gate_aa_ab, `make gate-proof`.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
SYNTH="$EB_BUILD_DIR/tests/eb_synth_results"
[ -x "$SYNTH" ] || { echo "skipped: $SYNTH not built"; exit 77; }
S="$EB_SOURCE_DIR/tests/data/gate/chaos_ab.yaml"
TRIALS=10
run_eb 0 run "$S" -o "$WORK/real.h5" --quiet --set run.measure.iterations=20 \
    --set run.measure.min_time_ms=0
printf 'budgets:\n  - {select: {backend: chaos}, metric: latency_p50_ms, max_regression_pct: 5}\n' \
    >"$WORK/rel.yaml"
synth() { # OUT MEDIAN_US SEED
    "$SYNTH" "$WORK/real.h5" "$1" --latency-us "$2" --spread-pct 10 --tail-pct 5 --n 300 \
        --seed "$3" || fail "eb_synth_results $1"
}
aa=0 ab10=0 ab2=0 other=0
for t in $(seq 1 $TRIALS); do
    synth "$WORK/base.h5" 1000 $((t * 10))
    synth "$WORK/same.h5" 1000 $((t * 10 + 1))
    synth "$WORK/b10.h5" 1100 $((t * 10 + 2))
    synth "$WORK/b2.h5" 1020 $((t * 10 + 3))
    for c in same b10 b2; do
        "$EDGEBENCH" gate "$WORK/$c.h5" --budgets "$WORK/rel.yaml" --baseline "$WORK/base.h5" \
            >"$WORK/$c.out" 2>"$WORK/$c.err"
        rc=$?
        verdict=$(grep -Eo 'slower than baseline: median [^,]*|median [-+][0-9.]+% within [0-9.]+%' \
            "$WORK/$c.out" | head -1)
        echo "trial $t $c: exit $rc: ${verdict:-?}"
        case "$c:$rc" in
            same:1) aa=$((aa + 1)) ;;
            b10:1) ab10=$((ab10 + 1)) ;;
            b2:1) ab2=$((ab2 + 1)) ;;
            *:0) ;;
            *) other=$((other + 1)); sed 's/^/  /' "$WORK/$c.err" >&2 ;;
        esac
    done
done
echo "A/A      slower $aa/$TRIALS (target 0)"
echo "A/B +10% slower $ab10/$TRIALS (target $TRIALS)"
echo "A/B +2%  slower $ab2/$TRIALS (target 0)"
CHECKS=$((CHECKS + 4))
[ "$aa" = 0 ] || fail "A/A: $aa of $TRIALS trials called slower"
[ "$ab10" = "$TRIALS" ] || fail "A/B +10%: caught in $ab10 of $TRIALS trials"
[ "$ab2" = 0 ] || fail "A/B +2%: flagged in $ab2 of $TRIALS trials"
[ "$other" = 0 ] || fail "$other gate runs ended with neither pass nor fail"
finish
