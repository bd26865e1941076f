#!/usr/bin/env bash
# The CI recipes of docs/ci-gating.md work as written on a shallow checkout:
# a local bare repository stands in for GitHub/GitLab, `git clone --depth 1`
# of the pull request's branch for actions/checkout (and GitLab's GIT_DEPTH
# clone), then the recipes' own fetch and worktree commands (read from the
# document, so they cannot drift apart) and their edgebench commands
# (measure both sides, gate with --confirm, the Markdown job summary).
# Building is replaced by the edgebench under test; the scenario is the
# test plugin "chaos" (no verdict here depends on machine load: the budget
# is generous and both sides are the same).
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
DOC="$EB_SOURCE_DIR/docs/ci-gating.md"
command -v git >/dev/null || { echo "skipped: no git"; exit 77; }
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

# the recipe lines, as the document has them
gh_fetch=$(grep -E '^ +git fetch .*BASE_REF' "$DOC" | sed 's/^ *//')
gh_worktree=$(grep -E '^ +git worktree add .*BASE_REF' "$DOC" | sed 's/^ *//')
gl_fetch=$(grep -E '^ +- git fetch .*CI_MERGE_REQUEST_TARGET_BRANCH_NAME' "$DOC" | sed 's/^ *- //')
gl_worktree=$(grep -E '^ +- git worktree add .*CI_MERGE_REQUEST_TARGET_BRANCH_NAME' "$DOC" | sed 's/^ *- //')
for v in gh_fetch gh_worktree gl_fetch gl_worktree; do
    CHECKS=$((CHECKS + 1))
    [ -n "${!v}" ] || fail "docs/ci-gating.md has no $v line"
done
CHECKS=$((CHECKS + 1))
grep -q 'cat gate.md >> "$GITHUB_STEP_SUMMARY"' "$DOC" || fail "no job summary step in the GitHub recipe"
# the GitHub gate step's script, as the document has it (between its
# `run: |` and the next step), with the recipe's builds replaced by the
# edgebench under test (GH_GATE_BIN); GitLab's exit-code allowance
gh_gate=$(awk '/^      - name: gate$/ {on = 1; next} on && /^      - / {exit} on && !/run: \|/' "$DOC" |
    sed 's/^          //; s#\.\./base/build/harness/edgebench#"$GH_GATE_BIN"#g; s#build/harness/edgebench#"$GH_GATE_BIN"#g')
CHECKS=$((CHECKS + 1))
[ -n "$gh_gate" ] && grep -q 'GH_GATE_BIN.* gate candidate.h5' <<<"$gh_gate" || fail "no gate step in the GitHub recipe"
CHECKS=$((CHECKS + 1))
grep -qE '^    exit_codes: \[4\]' "$DOC" || fail "the GitLab recipe does not allow exit 4 (inconclusive)"
# the step turns exit 4 (inconclusive) into a warning and keeps every other code
printf '#!/bin/sh\necho gate says 4; exit 4\n' >"$WORK/gate4" && printf '#!/bin/sh\nexit 1\n' >"$WORK/gate1" &&
    chmod +x "$WORK/gate4" "$WORK/gate1"
CHECKS=$((CHECKS + 1))
out=$(GH_GATE_BIN="$WORK/gate4" bash -c "$gh_gate") || fail "GitHub gate step: exit 4 is not a warning"
grep -q '^::warning title=edgebench gate::' <<<"$out" || fail "GitHub gate step: no warning annotation for exit 4"
CHECKS=$((CHECKS + 1))
GH_GATE_BIN="$WORK/gate1" bash -c "$gh_gate" >/dev/null && fail "GitHub gate step: exit 1 did not fail the step"

# a project repository: main, and a pull request branch one commit ahead
R="$WORK/project"
mkdir -p "$R"
cp "$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx" "$R/model.onnx"
cat >"$R/perf.yaml" <<'YAML'
edgebench: 1
name: perf
model:
  path: model.onnx
backends:
  - name: chaos
    options: {mode: ok, delay_us: 200}
run:
  warmup: {iterations: 5}
  measure: {iterations: 100, min_time_ms: 0}
YAML
printf 'budgets:\n  - {name: median, metric: latency_p50_ms, max_regression_pct: 50}\n' >"$R/budgets.yaml"
git -C "$R" init -q -b main && git -C "$R" add . && git -C "$R" commit -qm base || fail "git init"
git -C "$R" checkout -qb feature && echo change >"$R/CHANGE" && git -C "$R" add CHANGE &&
    git -C "$R" commit -qm change || fail "git branch"
git clone -q --bare "$R" "$WORK/origin.git" || fail "bare clone"

ci_run() { # NAME FETCH WORKTREE: a shallow checkout, the recipe's commands
    local ws="$WORK/$1/ws"
    mkdir -p "$WORK/$1"
    git clone -q --depth 1 --branch feature "file://$WORK/origin.git" "$ws" || { fail "$1: shallow clone"; return; }
    CHECKS=$((CHECKS + 1))
    if git -C "$ws" rev-parse -q --verify origin/main >/dev/null; then
        fail "$1: the shallow clone already has origin/main (the test would prove nothing)"
    fi
    CHECKS=$((CHECKS + 1))
    (cd "$ws" && eval "$2" && eval "$3") >"$WORK/$1.git.log" 2>&1 ||
        { fail "$1: the recipe's fetch/worktree failed"; cat "$WORK/$1.git.log" >&2; return; }
    CHECKS=$((CHECKS + 1))
    [ -f "$WORK/$1/base/perf.yaml" ] && [ ! -e "$WORK/$1/base/CHANGE" ] || fail "$1: ../base is not the base branch"
    # the recipes' edgebench steps (build/harness/edgebench = the one under test)
    (cd "$WORK/$1/base" && "$EDGEBENCH" run perf.yaml -o "$ws/base.h5" --quiet) || fail "$1: baseline run"
    (cd "$ws" && "$EDGEBENCH" run perf.yaml -o candidate.h5 --quiet) || fail "$1: candidate run"
    CHECKS=$((CHECKS + 1))
    (cd "$ws" && GH_GATE_BIN="$EDGEBENCH" bash -c "$gh_gate") >"$WORK/$1.gate.log" 2>&1 ||
        { fail "$1: gate"; cat "$WORK/$1.gate.log" >&2; }
    export GITHUB_STEP_SUMMARY="$WORK/$1/summary.md"
    (cd "$ws" && cat gate.md >> "$GITHUB_STEP_SUMMARY")
    CHECKS=$((CHECKS + 1))
    grep -q '^## edgebench gate: passed' "$GITHUB_STEP_SUMMARY" || fail "$1: job summary"
    for f in gate.xml gate.json; do
        CHECKS=$((CHECKS + 1))
        [ -s "$ws/$f" ] || fail "$1: no $f"
    done
}
BASE_REF=main ci_run github "$gh_fetch" "$gh_worktree"
CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main ci_run gitlab "$gl_fetch" "$gl_worktree"
# the old recipe's command fails on such a checkout: what the issue saw
git clone -q --depth 1 --branch feature "file://$WORK/origin.git" "$WORK/old" || fail "shallow clone"
CHECKS=$((CHECKS + 1))
(cd "$WORK/old" && git worktree add ../old-base origin/main) >/dev/null 2>&1 &&
    fail "git worktree add origin/main worked on a shallow clone without fetching"
finish
