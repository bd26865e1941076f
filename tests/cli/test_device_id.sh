#!/usr/bin/env bash
# Device ids come from the hardware, never the host name (a cloud CI runner
# gets a new name every job): a baseline and a candidate measured under two
# host names (two UTS namespaces, `unshare -u`) match by default; two
# explicit different --device-id values match nothing, and compare and gate
# then exit 2 saying which ids and cells each side has.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
S="$EB_SOURCE_DIR/tests/data/gate/chaos_ab.yaml"
SHORT=(--quiet --set run.measure.iterations=30 --set run.measure.min_time_ms=0
       --set backends.0.options.delay_us=100)

# the default id: readable words, cores, memory, 8 hex digits; no host name
run_eb 0 probe
expect_in "$WORK/out" '^id: "?[a-z0-9.-]+-[0-9]+c-[0-9]+g-[0-9a-f]{8}"?$'
host=$(hostname)
CHECKS=$((CHECKS + 1))
if grep -q "^id: .*$host" "$WORK/out" && [ ${#host} -gt 3 ]; then fail "the device id holds the host name"; fi

if unshare -u true 2>/dev/null; then
    for h in runner-a runner-b; do
        CHECKS=$((CHECKS + 1))
        unshare -u sh -c 'hostname "$1" && [ "$(hostname)" = "$1" ] && shift && exec "$@"' sh "$h" \
            "$EDGEBENCH" run "$S" -o "$WORK/$h.h5" "${SHORT[@]}" 2>"$WORK/err" \
            || { fail "run under host name $h"; cat "$WORK/err" >&2; }
    done
    run_eb 0 compare "$WORK/runner-a.h5" "$WORK/runner-b.h5"
    expect_in "$WORK/out" '^1 matched'
    printf 'budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 50}\n' >"$WORK/rel.yaml"
    run_eb 0 gate "$WORK/runner-b.h5" --budgets "$WORK/rel.yaml" --baseline "$WORK/runner-a.h5"
else
    echo "skipping the two-host-name check: unshare -u is not permitted here"
fi

# different explicit ids: nothing matches, exit 2 with the reason
run_eb 0 run "$S" -o "$WORK/x.h5" "${SHORT[@]}" --device-id board-x
run_eb 0 run "$S" -o "$WORK/y.h5" "${SHORT[@]}" --device-id board-y
run_eb 2 compare "$WORK/x.h5" "$WORK/y.h5"
expect_in "$WORK/err" "x\\.h5: device ids 'board-x'; 1 cell: board-x/chaos\\{delay_us=100,mode=ok\\}/default/plain threads=1"
expect_in "$WORK/err" "y\\.h5: device ids 'board-y'"
expect_in "$WORK/err" 'the device ids differ: .*--device-id'
printf 'budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n' >"$WORK/rel.yaml"
run_eb 2 gate "$WORK/y.h5" --budgets "$WORK/rel.yaml" --baseline "$WORK/x.h5" --json "$WORK/g.json"
expect_in "$WORK/err" "no cell of .*y\\.h5 matches a cell of .*x\\.h5"
expect_in "$WORK/err" 'the device ids differ'
finish
