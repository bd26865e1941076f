#!/usr/bin/env bash
# The aarch64 feature path of the probe (devices/probe_cpu_arm.c):
# cross-compiled with aarch64-linux-gnu-gcc -static and run under
# qemu-aarch64 with emulated CPUs that differ in NEON dot product, i8mm and
# SVE. Skips (77) when the cross compiler or qemu-user is missing
# (tools/install-deps.sh installs both).
. "$(dirname "$0")/lib.sh"
CC=aarch64-linux-gnu-gcc
QEMU=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
if ! command -v "$CC" >/dev/null; then echo "skipped: $CC not found (gcc-aarch64-linux-gnu)"; exit 77; fi
if [ -z "$QEMU" ]; then echo "skipped: qemu-aarch64 not found (qemu-user)"; exit 77; fi

bin=$WORK/probe_arm
CHECKS=$((CHECKS + 1))
if ! "$CC" -std=c11 -D_DEFAULT_SOURCE -DEB_PROBE_ARM_STANDALONE -Wall -Wextra -O1 -static \
    -I"$EB_SOURCE_DIR" -I"$EB_SOURCE_DIR/include" \
    "$EB_SOURCE_DIR/tests/test_probe_arm.c" "$EB_SOURCE_DIR/devices/probe_cpu_arm.c" \
    -o "$bin" 2>"$WORK/cc.err"; then
    fail "cross-compiling the aarch64 probe failed"; cat "$WORK/cc.err" >&2; finish
fi

probe() { # probe CPU: runs the binary under qemu with that CPU into $WORK/out
    CHECKS=$((CHECKS + 1))
    if ! "$QEMU" -cpu "$1" "$bin" >"$WORK/out" 2>"$WORK/err"; then
        fail "probe under qemu -cpu $1 failed"; cat "$WORK/out" "$WORK/err" >&2
    fi
    sed "s/^/  $1: /" "$WORK/out"
}

# Cortex-A53 (Raspberry Pi 3): NEON, no dot product, no half precision
probe cortex-a53
expect_in "$WORK/out" '^features: neon$'
expect_in "$WORK/out" '^hwcaps: fp asimd'
expect_in "$WORK/out" '^source: hwcaps'
expect_not_in "$WORK/out" 'asimddp'

# Cortex-A76 (Raspberry Pi 5): dot product and fp16, no SVE
probe cortex-a76
expect_in "$WORK/out" '^features: neon asimddp fp16$'
expect_in "$WORK/out" '^hwcaps: .*\basimddp\b'

# qemu's max: everything it emulates, i8mm and SVE included
probe max
expect_in "$WORK/out" '^features: neon asimddp fp16 i8mm sve$'
expect_in "$WORK/out" '^hwcaps: .*\bsve2\b'
finish
