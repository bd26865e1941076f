#!/usr/bin/env bash
# edgebench compare end to end: runs of the test plugin "chaos" compared as
# a user would: the same scenario twice (same), a candidate exactly 10%
# slower (slower), 2% slower under the 5% tolerance (same), every output
# format, unmatched cells and bad input. The files are a real run whose
# latency samples tests/tools/eb_synth_results replaced by seeded ones of a
# known median (1000 / 1100 / 1020 µs, 2% spread), so the verdicts and
# figures do not depend on how loaded the machine is.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
S="$EB_SOURCE_DIR/tests/data/gate/chaos_ab.yaml"
SYNTH="$EB_BUILD_DIR/tests/eb_synth_results"
[ -x "$SYNTH" ] || { echo "skipped: $SYNTH not built"; exit 77; }
SHORT=(--quiet --set run.measure.iterations=20 --set run.measure.min_time_ms=0)
synth() { # OUT MEDIAN_US SEED
    CHECKS=$((CHECKS + 1))
    "$SYNTH" "$WORK/real.h5" "$1" --latency-us "$2" --spread-pct 2 --n 200 --seed "$3" \
        || fail "eb_synth_results $1"
}

run_eb 0 run "$S" -o "$WORK/real.h5" "${SHORT[@]}"
synth "$WORK/a.h5" 1000 1
synth "$WORK/a2.h5" 1000 2
synth "$WORK/b10.h5" 1100 3
synth "$WORK/b2.h5" 1020 4

# A/A: not slower (same, or unstable when this machine is very busy)
run_eb 0 compare "$WORK/a.h5" "$WORK/a2.h5"
expect_in "$WORK/out" '^(same|unstable) +[^ ]+/chaos\{delay_us=1000,mode=ok\}/default/plain threads=1'
expect_in "$WORK/out" '^1 matched: 0 slower'
# A/B 10%: slower, with the change, the interval and p
run_eb 0 compare "$WORK/a.h5" "$WORK/b10.h5"
expect_in "$WORK/out" '^slower +[^ ]+/chaos\{delay_us=1000,mode=ok\}/default/plain threads=1 +(999|100[01])\.[0-9] +(109[89]|110[01])\.[0-9] +\+(9\.9|10\.[0-9])%'
expect_in "$WORK/out" 'ratio interval above 1\.0500 \(tolerance 5\.0%\): 95% CI of ratio \[1\.(0[89]|1[01])[0-9]*, 1\.(0[89]|1[01])[0-9]*\], p=[0-9.e-]+'
expect_in "$WORK/out" '^1 matched: 1 slower'
# A/B 2% under a 5% tolerance: not flagged; under a 1% tolerance: slower
run_eb 0 compare "$WORK/a.h5" "$WORK/b2.h5"
expect_in "$WORK/out" '^same '
expect_in "$WORK/out" 'median \+2\.[0-9]% within 5\.0%'
run_eb 0 compare "$WORK/a.h5" "$WORK/b2.h5" --tolerance 1
expect_in "$WORK/out" '^slower '
# the candidate as baseline: faster
run_eb 0 compare "$WORK/b10.h5" "$WORK/a.h5"
expect_in "$WORK/out" '^faster '

# formats
run_eb 0 compare "$WORK/a.h5" "$WORK/b10.h5" --format md -o "$WORK/c.md"
CHECKS=$((CHECKS + 1))
grep -Eq '^\| \*\*slower\*\* \| [^|]*/chaos\{delay\\_us=1000,mode=ok\}/default/plain threads=1 \| (999|100[01])\.[0-9] \| (109[89]|110[01])\.[0-9] \| \+(9\.9|10\.[0-9])% \|' "$WORK/c.md" \
    || { fail "markdown row"; cat "$WORK/c.md" >&2; }
run_eb 0 compare "$WORK/a.h5" "$WORK/b10.h5" --format json -o "$WORK/c.json"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/c.json" <<'PY' || fail "compare json is not the expected document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "edgebench-compare" and d["version"] == 1
assert d["counts"]["slower"] == 1, d["counts"]
c = d["cells"][0]
assert c["verdict"] == "slower" and c["backend"] == "chaos", c
assert 0.09 < c["change"] < 0.11, c["change"]
lo, hi = c["ratio_ci"]
assert 1.05 < lo <= c["ratio"] <= hi < 1.15, c
assert c["mann_whitney"]["p_greater"] < 1e-6
assert c["metrics"]["top1"]["change"] is None or isinstance(c["metrics"]["top1"]["change"], float)
assert c["n_base"] == 200 and c["n_candidate"] == 200
PY

# unmatched cells: a candidate with another variant name
run_eb 0 run "$EB_SOURCE_DIR/tests/data/gate/rich.yaml" -o "$WORK/rich.h5" --quiet
run_eb 2 compare "$WORK/a.h5" "$WORK/rich.h5"
expect_in "$WORK/out" 'only in baseline: +[^ ]+/chaos\{delay_us=1000,mode=ok\}/default/plain threads=1'
expect_in "$WORK/out" 'only in candidate: [^ ]+/chaos\{mode=ok\}/int8/plain options.delay_us=400 threads=1'
expect_in "$WORK/out" '0 matched: .* 1 only in baseline, 6 only in candidate'
# nothing matched is not a pass: exit 2, both sides' ids and cells named
expect_in "$WORK/err" 'no cell of .*rich\.h5 matches a cell of .*a\.h5'
expect_in "$WORK/err" "a\\.h5: device ids '[^']+'; 1 cell: "

# bad input: exit 2, the file named
run_eb 2 compare "$WORK/a.h5" "$WORK/missing.h5"
expect_in "$WORK/err" 'missing.h5'
printf 'not hdf5\n' >"$WORK/junk.h5"
run_eb 2 compare "$WORK/junk.h5" "$WORK/a.h5"
expect_in "$WORK/err" 'junk.h5'
run_eb 2 compare "$WORK/a.h5" "$WORK/a2.h5" --format pdf
run_eb 2 compare "$WORK/a.h5" "$WORK/a2.h5" --tolerance -3
run_eb 2 compare "$WORK/a.h5"
finish
