#!/usr/bin/env bash
# The layer rules (docs/architecture.md, "Layers") as a developer meets
# them: the build's check (cmake/check_layers.cmake) passes on the tree and
# fails, naming FILE:LINE, on a copy with an include that reaches up a
# layer, across to another folder of the same layer, from a plugin into
# the harness, past a narrow interface (simd into ref's internals), or
# spelled other than from the top of the tree; and the
# cycle check (tests/tools/check_unit_cycles.py) finds source files of one
# library that call each other, and finds none in this build.
. "$(dirname "$0")/lib.sh"
CHECK="$EB_SOURCE_DIR/cmake/check_layers.cmake"
TREE="$WORK/tree"

copy_tree() {
    rm -rf "$TREE" && mkdir -p "$TREE"
    for d in include common sdk harness devices results reports backends; do
        cp -r "$EB_SOURCE_DIR/$d" "$TREE/$d"
    done
}

# layers WANT_RC ROOT: runs the check, output in $WORK/err.
layers() {
    CHECKS=$((CHECKS + 1))
    cmake -DROOT="$2" -P "$CHECK" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" != "$1" ]; then
        fail "check_layers on $2 exited $got, expected $1"
        sed 's/^/  | /' "$WORK/err" | head -10 >&2
    fi
}

# inject FILE LINE: a copy of the tree with LINE added after FILE's first
# #include, then the check expected to fail.
inject() {
    copy_tree
    sed -i "0,/^#include/s||$2\n#include|" "$TREE/$1"
    grep -qF "$2" "$TREE/$1" || fail "could not add $2 to $1"
    layers 1 "$TREE"
}

# 1. the tree as it is keeps the rules
layers 0 "$EB_SOURCE_DIR"

# 2. up a layer: the bottom layer including the run layer
inject common/clock.h '#include "harness/run/cell.h"'
expect_in "$WORK/err" '^common/clock.h:[0-9]+: includes "harness/run/cell.h": common \(layer 1\)'
expect_in "$WORK/err" 'harness/run is layer 6'
expect_in "$WORK/err" '1 include\(s\) break the layer rules'

# 3. the results store reaching up into the renderers
inject results/store.c '#include "reports/render.h"'
expect_in "$WORK/err" '^results/store.c:[0-9]+: includes "reports/render.h"'

# 4. across: another folder of the same layer
inject harness/model/graph.c '#include "harness/stats/stats.h"'
expect_in "$WORK/err" 'harness/model \(layer 3\) may include only its own folder and lower layers, and harness/stats is layer 3'

# 5. a plugin into the harness
inject backends/ref/ref_backend.c '#include "harness/model/graph_internal.h"'
expect_in "$WORK/err" '^backends/ref/ref_backend.c:[0-9]+: includes "harness/model/graph_internal.h"'

# 6. a second spelling: the same folder's header by its short name
inject harness/run/runner.c '#include "cell.h"'
expect_in "$WORK/err" '^harness/run/runner.c:[0-9]+: "cell.h" is not spelled from the top of the tree'

# 6b. a narrow interface: simd may include ref's planning hook, not ref's
# plan internals (EB_NARROW)
inject backends/simd/simd_plan.c '#include "backends/ref/ref_arena.h"'
expect_in "$WORK/err" '^backends/simd/simd_plan.c:[0-9]+: includes "backends/ref/ref_arena.h": backends/simd may include only the interface headers of backends/ref'

# 7. down is fine: the CLI may include the bottom layer
copy_tree
sed -i '0,/^#include/s||#include "common/clock.h"\n#include|' "$TREE/harness/cli/cli_run.c"
layers 0 "$TREE"

# 8. the cycle check: two files of one library calling each other fail it,
# a chain passes, and this build has none
PY=/usr/bin/python3
CYC="$EB_SOURCE_DIR/tests/tools/check_unit_cycles.py"
if ! command -v cc >/dev/null; then
    fail "no C compiler for the cycle check's objects"
else
    D="$WORK/b/lib/CMakeFiles/demo.dir"
    mkdir -p "$D"
    printf 'int b(int);\nint a(int x) { return x ? b(x - 1) : 0; }\n' >"$WORK/a.c"
    printf 'int a(int);\nint b(int x) { return x ? a(x - 1) : 1; }\n' >"$WORK/b.c"
    printf 'int a(int);\nint c(int x) { return a(x); }\n' >"$WORK/c.c"
    for f in a c; do cc -c "$WORK/$f.c" -o "$D/$f.c.o"; done
    CHECKS=$((CHECKS + 1))
    "$PY" "$CYC" "$WORK/b" >"$WORK/out" 2>&1 || fail "a chain (c -> a) counted as a cycle"
    cc -c "$WORK/b.c" -o "$D/b.c.o"
    CHECKS=$((CHECKS + 1))
    "$PY" "$CYC" "$WORK/b" >"$WORK/out" 2>&1
    [ $? = 1 ] || fail "a.c <-> b.c not found"
    expect_in "$WORK/out" 'files that call each other: a.c, b.c'
    expect_in "$WORK/out" 'a.c -> b.c: b$'
    if [ -n "${EB_BUILD_DIR:-}" ] && [ -d "$EB_BUILD_DIR/harness" ]; then
        CHECKS=$((CHECKS + 1))
        "$PY" "$CYC" "$EB_BUILD_DIR" >"$WORK/out" 2>&1 || {
            fail "source files of this build call each other"
            sed 's/^/  | /' "$WORK/out" | head -20 >&2
        }
        expect_in "$WORK/out" ' 0 cycle\(s\)$'
    fi
fi
finish
