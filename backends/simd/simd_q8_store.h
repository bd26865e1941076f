/* Requantisation in the int8 GEMM micro-kernels' store (the `_rq` entry
 * points, simd_kernels.h): the int32 accumulators of a tile become int8 /
 * uint8 bytes in registers, byte-identical with ref's rule
 * (backends/ref/requant_s32.h) and with the vector helpers' requant8
 * (simd_vec_impl.h): (acc + add) wrapping, int32 -> float32, one float32
 * product (the simd sources are built with -ffp-contract=off), clamp to
 * [lo - zp, hi - zp] on the float, round half to even, + zp. Every value
 * then lies in [lo, hi], so narrowing with saturating packs is exact. */
#ifndef EB_SIMD_Q8_STORE_H
#define EB_SIMD_Q8_STORE_H

#include <stdint.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"

/* One accumulator, portable: the rule inline (as simd_vec_impl.h's
 * q_round: clamp on the float, then round half to even by adding and
 * subtracting 1.5 * 2^23, exact for the clamped range). */
static inline uint8_t eb_simd_q8_rq1(int32_t acc, int32_t add, float mult,
                                     const eb_simd_q8_rq *p)
{
    const int32_t a = (int32_t)((uint32_t)acc + (uint32_t)add); /* wraps */
    const float lo = (float)(p->lo - p->zp), hi = (float)(p->hi - p->zp);
    float v = (float)a * mult;
    v = !(v >= lo) ? lo : v;
    v = v > hi ? hi : v;
    return (uint8_t)(p->zp + (int32_t)((v + 12582912.0f) - 12582912.0f));
}

/* After the k loop a kernel with twelve accumulators stores them to a local
 * tile and requantises from there: requantising them in registers keeps all
 * twelve live beside the clamp constants, more than the sixteen vector
 * registers, and GCC then spills accumulators inside the k loop (measured:
 * 92 against 148 GOP/s). The empty asm takes the tile's address, so the
 * stores cannot be folded back into register copies. */
#define EB_SIMD_Q8_TILE_BARRIER(tile) __asm__ volatile("" : : "r"(tile) : "memory")

#if defined(__AVX2__)
#include <immintrin.h>

typedef struct eb_simd_q8_rq_avx2 {
    __m256 lo, hi; /* lo - zp, hi - zp */
    __m256i zp;
    int unsigned_out; /* lo >= 0: pack with unsigned saturation */
} eb_simd_q8_rq_avx2;

static inline eb_simd_q8_rq_avx2 eb_simd_q8_rq_avx2_make(const eb_simd_q8_rq *p)
{
    eb_simd_q8_rq_avx2 r;
    r.lo = _mm256_set1_ps((float)(p->lo - p->zp));
    r.hi = _mm256_set1_ps((float)(p->hi - p->zp));
    r.zp = _mm256_set1_epi32(p->zp);
    r.unsigned_out = p->lo >= 0;
    return r;
}

/* Eight accumulators with their add and mult (one per lane or broadcast). */
static inline __attribute__((always_inline)) __m256i
eb_simd_q8_rq8_avx2(__m256i acc, __m256i add, __m256 mult, const eb_simd_q8_rq_avx2 *r)
{
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(acc, add)), mult);
    /* never NaN; vcvtps2dq rounds half to even in the default mode */
    v = _mm256_min_ps(_mm256_max_ps(v, r->lo), r->hi);
    return _mm256_add_epi32(_mm256_cvtps_epi32(v), r->zp);
}

/* Four vectors of eight int32 (each already in [lo, hi]) -> 32 bytes, in
 * order: a's eight, then b's, c's, d's. */
static inline __attribute__((always_inline)) __m256i
eb_simd_q8_pack32_avx2(__m256i a, __m256i b, __m256i c, __m256i d, int unsigned_out)
{
    const __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
    const __m256i w = unsigned_out ? _mm256_packus_epi16(ab, cd) : _mm256_packs_epi16(ab, cd);
    return _mm256_permutevar8x32_epi32(w, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}
#endif

#endif
