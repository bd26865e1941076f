# Shared helpers for CLI end-to-end tests. Each test script sources this,
# runs edgebench as a user would and checks exit codes and output.
# Environment (set by ctest): EDGEBENCH, EB_SOURCE_DIR, EB_BUILD_DIR.
set -u
: "${EDGEBENCH:?set EDGEBENCH to the edgebench binary}"
: "${EB_SOURCE_DIR:?}"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/eb-$TEST_NAME.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# run_eb EXPECTED_EXIT ARGS...: runs edgebench, keeps stdout in $WORK/out and
# stderr in $WORK/err, and checks the exit code.
run_eb() {
    local want=$1; shift
    CHECKS=$((CHECKS + 1))
    "$EDGEBENCH" "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "edgebench $* exited $got, expected $want"
        sed 's/^/  stderr: /' "$WORK/err" | head -20 >&2
    fi
}

# expect_in FILE REGEX: FILE ($WORK/out or $WORK/err) matches REGEX.
expect_in() {
    CHECKS=$((CHECKS + 1))
    if ! grep -Eq -- "$2" "$1"; then
        fail "$(basename "$1") does not match /$2/"
        sed 's/^/  | /' "$1" | head -20 >&2
    fi
}

expect_not_in() {
    CHECKS=$((CHECKS + 1))
    if grep -Eq -- "$2" "$1"; then
        fail "$(basename "$1") unexpectedly matches /$2/"
    fi
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$TEST_NAME: $FAILS of $CHECKS checks failed"
        exit 1
    fi
    echo "$TEST_NAME: $CHECKS checks passed"
    exit 0
}
