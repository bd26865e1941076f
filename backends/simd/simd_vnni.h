/* vpdpbusd with its accumulator in place, for the VNNI kernels.
 *
 * acc + the sum of four u8 x s8 products per int32 lane, exactly
 * _mm512_dpbusd_epi32(acc, u8, s8). GCC 12 compiles that intrinsic inside
 * a k loop with two register copies around each instruction (the
 * accumulator copied to a new register, multiplied into, copied back):
 * the 6x32c4 kernel's loop ran 12 vpdpbusd with 24 vmovdqa beside them,
 * twice the uops, so the loop was bound by the front end rather than by
 * the multiplies. The asm ties the accumulator to one register. Operands
 * in AT&T order: vpdpbusd s8, u8, acc. */
#ifndef EB_SIMD_VNNI_H
#define EB_SIMD_VNNI_H

#if defined(__AVX512VNNI__)
#include <immintrin.h>
#include <stdint.h>

static inline __attribute__((always_inline)) __m512i eb_simd_dpbusd(__m512i acc, __m512i u8,
                                                                   __m512i s8)
{
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u8), "v"(s8));
    return acc;
}

/* The same with the four signed bytes at s8x4 in every lane, broadcast by
 * the instruction's memory operand ({1to16}): what GCC made of
 * _mm512_set1_epi32 inside the intrinsic, and what a separate broadcast
 * would cost a uop for (the direct int8 stem takes one per product). */
static inline __attribute__((always_inline)) __m512i eb_simd_dpbusd_bcast(__m512i acc,
                                                                         __m512i u8,
                                                                         const int32_t *s8x4)
{
    __asm__("vpdpbusd %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(u8), "m"(*s8x4));
    return acc;
}
#endif

#endif
