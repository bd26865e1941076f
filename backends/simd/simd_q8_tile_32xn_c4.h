/* The loop of the AVX-512 VNNI int8 few-column tiles (simd_kernels.h's
 * int8 GEMM contract, U8S8 format, four k per dword): 32 rows (output
 * channels) across the lanes of two vectors, Q8N_NR columns (pixels), each
 * column's quad of activation bytes broadcast, vpdpbusd (uint8 x int8,
 * exact). Two entry points share the loop: the int32 tile, column by
 * column (tile[j * 32 + r]), and `_rq`, whose sums start at the rows' bias
 * and which requantises and stores bytes (eb_simd_q8_store_32xn_avx512).
 * Included by one kernel file per width, which defines Q8N_NR,
 * Q8N_COLS(X) (X(0) X(1) ... one per column) and Q8N_NAME, the entry
 * point this header defines (and Q8N_NAME_rq):
 * q8_gemm_32x7c4__avx512vnni.c, q8_gemm_32x9c4__avx512vnni.c. */
#ifndef EB_SIMD_Q8_TILE_32XN_C4_H
#define EB_SIMD_Q8_TILE_32XN_C4_H

#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"
#include "backends/simd/simd_vnni.h"

/* the sums start at zero (the int32 tile) or at the rows' bias (`_rq`) */
#define Q8N_INIT(J) __m512i c##J##0 = ad0, c##J##1 = ad1;
#define Q8N_STEP(J)                                                                          \
    memcpy(&quad, pb + J * 4, sizeof quad);                                                  \
    bv = _mm512_set1_epi32(quad);                                                            \
    c##J##0 = eb_simd_dpbusd(c##J##0, bv, a0);                                               \
    c##J##1 = eb_simd_dpbusd(c##J##1, bv, a1);
/* the accumulators column by column (rows 0-15, then 16-31) */
#define Q8N_TILE(J) c##J##0, c##J##1,
#define Q8N_LOOP                                                                             \
    const int8_t *pa = a;                                                                    \
    const uint8_t *pb = b;                                                                   \
    Q8N_COLS(Q8N_INIT)                                                                       \
    for (int64_t q = 0; q < kq; q++, pa += 32 * 4, pb += Q8N_NR * 4) {                       \
        const __m512i a0 = _mm512_loadu_si512(pa);                                           \
        const __m512i a1 = _mm512_loadu_si512(pa + 64);                                      \
        int32_t quad;                                                                        \
        __m512i bv;                                                                          \
        Q8N_COLS(Q8N_STEP)                                                                   \
    }                                                                                        \
    const __m512i c[2 * Q8N_NR] = {Q8N_COLS(Q8N_TILE)};

#define Q8N_CAT2(a, b) a##b
#define Q8N_CAT(a, b) Q8N_CAT2(a, b)

void Q8N_NAME(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const __m512i ad0 = _mm512_setzero_si512(), ad1 = ad0;
    Q8N_LOOP
    for (int j = 0; j < Q8N_NR; j++) {
        _mm512_storeu_si512(tile + j * 32, c[2 * j]);
        _mm512_storeu_si512(tile + j * 32 + 16, c[2 * j + 1]);
    }
}

void Q8N_CAT(Q8N_NAME, _rq)(int64_t kq, const void *a, const void *b, const int32_t *add,
                            const float *mult, const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy,
                            int mr, int nr)
{
    const __m512i ad0 = _mm512_loadu_si512(add), ad1 = _mm512_loadu_si512(add + 16);
    Q8N_LOOP
    eb_simd_q8_store_32xn_avx512(c, Q8N_NR, mult, p, y, ldy, mr, nr);
}

#endif
