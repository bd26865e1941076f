#!/usr/bin/env bash
# edgebench ab: baseline and candidate measured alternately in one job
# (ABBA rounds, --append to two files), with two scenario files (two model
# files) or another edgebench for the baseline (--baseline-program); the
# files are then judged by gate. Checks the mechanics, not a timing verdict
# (A/A with a generous budget).
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
S="$EB_SOURCE_DIR/tests/data/gate/chaos_ab.yaml"
sed "s#\.\./models/tiny_conv\.onnx#$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx#" "$S" >"$WORK/cand.yaml"
SHORT=(--set run.measure.iterations=30 --set run.measure.min_time_ms=0 --set backends.0.options.delay_us=100)
# a "baseline build": a wrapper that notes each call and runs this edgebench
cat >"$WORK/base-edgebench" <<SH
#!/bin/sh
echo called >>"$WORK/base-calls"
exec "$EDGEBENCH" "\$@"
SH
chmod +x "$WORK/base-edgebench"

run_eb 0 ab "$S" "$WORK/cand.yaml" -o "$WORK/base.h5" -c "$WORK/cand.h5" --rounds 3 \
    --baseline-program "$WORK/base-edgebench" "${SHORT[@]}"
CHECKS=$((CHECKS + 1))
order=$(grep -o 'round [0-9]/3: [a-z]*' "$WORK/err" | awk '{print $3}' | tr '\n' ' ')
[ "$order" = "baseline candidate candidate baseline baseline candidate " ] || fail "order: $order"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$WORK/base-calls")" = 3 ] || fail "--baseline-program ran $(wc -l <"$WORK/base-calls") times, not 3"
for f in base cand; do
    run_eb 0 report "$WORK/$f.h5" --format csv
    CHECKS=$((CHECKS + 1))
    [ "$(grep -c '^0000' "$WORK/out")" = 3 ] || fail "$f.h5 does not hold 3 runs"
done
printf 'budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 50}\n' >"$WORK/b.yaml"
run_eb 0 gate "$WORK/cand.h5" --budgets "$WORK/b.yaml" --baseline "$WORK/base.h5"
expect_in "$WORK/out" 'n=|vs baseline'

# usage
run_eb 2 ab "$S" -o "$WORK/x.h5" -c "$WORK/y.h5"
run_eb 2 ab "$S" "$S" -o "$WORK/x.h5" -c "$WORK/x.h5"
run_eb 2 ab "$S" "$S" -o "$WORK/x.h5" -c "$WORK/y.h5" --rounds 0
run_eb 2 ab "$S" "$S" -o "$WORK/x.h5" -c "$WORK/y.h5" --bogus
finish
