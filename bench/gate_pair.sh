# Sourced by the gate benches (bench_gate_ci.sh, bench_gate_models.sh):
# one trial of a baseline and a candidate as CI measures them, then the
# gate on the pair.
#   gate_pair BASE.yaml CAND.yaml CONFIRM_BUDGET_S
# Uses EB, W (work folder with budgets.yaml), MODE (ab | confirm) and
# AB_ROUNDS; leaves gate's exit code in GATE_RC and its JSON in $W/g.json,
# its stderr in $W/err. Exits 3 when a run fails or the gate exits 2 or 3
# (4, inconclusive, is a result: the benches count it apart from failures).
gate_pair() {
    rm -f "$W/base.h5" "$W/cand.h5"
    if [ "$MODE" = ab ]; then
        "$EB" ab "$1" "$2" -o "$W/base.h5" -c "$W/cand.h5" --rounds "$AB_ROUNDS" \
            --quiet --device-id bench || { echo "ab failed"; exit 3; }
    else
        "$EB" run "$1" -o "$W/base.h5" --quiet --device-id bench || { echo "baseline run failed"; exit 3; }
        "$EB" run "$2" -o "$W/cand.h5" --quiet --device-id bench || { echo "candidate run failed"; exit 3; }
    fi
    "$EB" gate "$W/cand.h5" --budgets "$W/budgets.yaml" --baseline "$W/base.h5" --confirm \
        --confirm-budget "$3" --json "$W/g.json" >"$W/out" 2>"$W/err"
    GATE_RC=$?
    [ $GATE_RC = 0 ] || [ $GATE_RC = 1 ] || [ $GATE_RC = 4 ] || { echo "gate exited $GATE_RC"; cat "$W/err"; exit 3; }
}
