#!/usr/bin/env bash
# Per-command help and unknown options, through the CLI: `edgebench CMD
# --help` (and -h) prints every option of that command and exits 0; a
# mistyped option is named, with the nearest known one, exit 2, before the
# command does anything; every option the help lists is accepted by the
# option check (the command may still refuse its value). `edgebench --help`
# lists every command.
. "$(dirname "$0")/lib.sh"
run_eb 0 --help
for c in run report compare gate ab inspect backends conformance merge farm probe validate; do
    expect_in "$WORK/out" "^  edgebench $c "
done
for c in run report compare gate ab inspect backends conformance merge farm probe validate; do
    run_eb 0 "$c" --help
    expect_in "$WORK/out" "^usage: edgebench $c "
    expect_in "$WORK/out" '^options:'
    expect_in "$WORK/out" '^  -h, --help'
    cp "$WORK/out" "$WORK/help-$c"
    run_eb 0 "$c" -h
    # every listed option passes the check: with a value where it takes one,
    # followed by --ouput, which must then be the one named
    while read -r opt value; do
        [ -n "$opt" ] || continue
        if [ -n "$value" ]; then
            run_eb 2 "$c" "$opt" x --ouput
        else
            run_eb 2 "$c" "$opt" --ouput
        fi
        expect_in "$WORK/err" "^edgebench $c: unknown option '--ouput'"
    done < <(sed -n '/^options:/,/^$/p' "$WORK/help-$c" | grep -E '^  (-[a-z], )?--' |
             grep -v -- '--help' | sed -E 's/^  (-[a-z], )?(--[a-z-]+)( ([^ ]+))?.*/\2 \4/')
done
# every listed option is one its command's own parser takes: with the right
# number of (missing) files as positionals, the command may fail on the
# files or the value, but never answers with its usage line
declare -A POSITIONALS=([run]=1 [report]=1 [compare]=2 [gate]=1 [ab]=2 [inspect]=1 [backends]=0
                        [conformance]=0 [merge]=1 [farm]=2 [probe]=0 [validate]=1)
for c in "${!POSITIONALS[@]}"; do
    pos=()
    for k in $(seq 1 "${POSITIONALS[$c]}"); do pos+=("$WORK/missing$k"); done
    [ "$c" = merge ] && pos+=(-o "$WORK/merged.h5")
    [ "$c" = ab ] && pos+=(-o "$WORK/base.h5" -c "$WORK/cand.h5")
    [ "$c" = conformance ] && pos+=(--dir "$WORK/missing") # fail fast, not run the suite
    while read -r opt value; do
        [ -n "$opt" ] || continue
        v=()
        case "$value" in
            "") ;;
            *text*|FORMAT) v=(text) ;;
            *yaml*) v=(yaml) ;;
            *) v=(1) ;;
        esac
        CHECKS=$((CHECKS + 1))
        timeout 60 "$EDGEBENCH" "$c" "${pos[@]}" "$opt" "${v[@]}" </dev/null >"$WORK/out" 2>"$WORK/err"
        if head -1 "$WORK/err" | grep -q '^usage:' || grep -q "unknown or incomplete argument '$opt'" "$WORK/err"; then
            fail "edgebench $c does not take $opt ${v[*]} although its --help lists it"
            head -3 "$WORK/err" | sed 's/^/  | /' >&2
        fi
    done < <(sed -n '/^options:/,/^$/p' "$WORK/help-$c" | grep -E '^  (-[a-z], )?--' |
             grep -v -- '--help' | sed -E 's/^  (-[a-z], )?(--[a-z-]+)( ([^ ]+))?.*/\2 \4/')
done

# the run's own scenario options are still shown: --allow-commands
expect_in "$WORK/help-run" '--allow-commands'
expect_in "$WORK/help-farm" '--trust-inventory'

# a mistyped option: named with a suggestion, exit 2, nothing written
run_eb 2 run "$EB_SOURCE_DIR/scenarios/quickstart.yaml" --ouput "$WORK/x.h5"
expect_in "$WORK/err" "unknown option '--ouput'; did you mean '--output'\\?"
[ ! -e "$WORK/x.h5" ] || fail "a results file was written despite the bad option"
run_eb 2 compare a.h5 b.h5 --tolerence 5
expect_in "$WORK/err" "did you mean '--tolerance'"
run_eb 2 gate r.h5 --zzzzzzzz
expect_in "$WORK/err" "^edgebench gate: unknown option '--zzzzzzzz' \\(edgebench gate --help lists them\\)"
# an option missing its value is named
run_eb 2 report r.h5 --format
expect_in "$WORK/err" "option '--format' needs a value"
# a value that looks like an option is a value, and -- ends the options
run_eb 2 validate "$WORK/none.yaml" --set -x=1
expect_not_in "$WORK/err" "unknown option"
finish
