#!/bin/bash
# Cross-compile the simd kernels, the ref backend and the kernel checks for
# aarch64 (Debian's gcc-aarch64-linux-gnu, static so qemu-user needs no
# sysroot) and run the checks under qemu-aarch64 on one CPU model:
#
#   run_aarch64.sh CPU EXPECT
#
# CPU: a qemu -cpu name (cortex-a53: NEON without dot product; max: with it).
# EXPECT: "dot" or "nodot", which dispatch path the CPU must take: the run
# fails when the dot-product variant is checked on a CPU without it or
# skipped on one with it. Exit 77 (skipped) when the cross compiler or
# qemu-user is missing. Timings under emulation mean nothing: this checks
# correctness only.
set -u
cpu=${1:?usage: run_aarch64.sh CPU dot|nodot}
expect=${2:?usage: run_aarch64.sh CPU dot|nodot}
src=${EB_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${EB_BUILD_DIR:-/tmp}/aarch64-simd
cc=${EB_AARCH64_CC:-aarch64-linux-gnu-gcc}
qemu=${EB_QEMU_AARCH64:-qemu-aarch64}

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "skipped: $cc not found (apt-get install gcc-aarch64-linux-gnu)"
    exit 77
fi
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "skipped: $qemu not found (apt-get install qemu-user)"
    exit 77
fi

# One build shared by both CPU runs; a lock keeps parallel ctest runs from
# building over each other.
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
bin="$out/simd_kernel_checks"
sources=("$src"/backends/simd/*.c "$src"/backends/ref/*.c "$src"/sdk/*.c
         "$src"/tests/simd/*.c "$src"/devices/host_detect.c)
newest=$(ls -t "${sources[@]}" "$src"/backends/simd/*.h "$src"/backends/simd/*.inc \
         "$src"/backends/ref/*.h "$src"/tests/simd/*.h 2>/dev/null | head -1)
if [ ! -x "$bin" ] || [ "$newest" -nt "$bin" ]; then
    objs=()
    for f in "${sources[@]}"; do
        name=$(basename "$f" .c)
        case "$name" in
            *__avx2|*__avx512|*__avx512vnni) continue ;;
        esac
        flags=()
        case "$name" in
            *__neondot) flags=(-march=armv8.2-a+dotprod) ;;
        esac
        o="$out/$(basename "$(dirname "$f")")_$name.o"
        if ! "$cc" -std=c11 -D_GNU_SOURCE -O2 -ffp-contract=off -Wall -Wextra -Wno-psabi \
            -I"$src/include" -I"$src" \
            "${flags[@]}" -c "$f" -o "$o"; then
            echo "FAIL: cross-compiling $f"
            exit 1
        fi
        objs+=("$o")
    done
    if ! "$cc" -static -o "$bin" "${objs[@]}" -lm -lpthread; then
        echo "FAIL: linking $bin"
        exit 1
    fi
fi
flock -u 9

log="$out/run-$cpu.log"
"$qemu" -cpu "$cpu" "$bin" >"$log" 2>&1
rc=$?
cat "$log"
if [ $rc -ne 0 ]; then
    echo "FAIL: kernel checks under qemu-aarch64 -cpu $cpu exited $rc"
    exit 1
fi
if [ "$expect" = dot ] && ! grep -q '^ok   q8_gemm_8x8c4__neondot' "$log"; then
    echo "FAIL: -cpu $cpu has the dot product but its variant was not checked"
    exit 1
fi
if [ "$expect" = nodot ] && ! grep -q '^skip q8_gemm_8x8c4__neondot' "$log"; then
    echo "FAIL: -cpu $cpu lacks the dot product but its variant was not skipped"
    exit 1
fi
if ! grep -q '^ok   f32_gemm_8x8__neon' "$log" || ! grep -q '^ok   vec__neon' "$log" ||
   ! grep -q '^ok   f32_sigmoid__neon' "$log"; then
    echo "FAIL: the NEON variants were not checked"
    exit 1
fi
echo "ok: aarch64 kernels under qemu -cpu $cpu ($expect)"
