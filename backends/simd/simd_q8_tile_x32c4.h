/* The loop of the AVX-512 VNNI int8 tiles of 32 columns (simd_kernels.h's
 * int8 GEMM contract, U8S8 format, four k per dword): Q8X32_MR rows of
 * output in two vectors each, every k quad's two vectors of B loaded once
 * for all the rows, each row's quad of weights broadcast. vpdpbusd
 * multiplies unsigned activation bytes by signed weight bytes and
 * accumulates without saturation (the non-"s" form), so it is exact. Two
 * entry points share the loop: the int32 tile, and `_rq`, which
 * requantises the accumulators in registers and stores bytes
 * (simd_q8_store.h): without it the driver wrote the int32 tile and read
 * it back in a separate requantising pass. Included by one kernel file per
 * height, which defines Q8X32_MR, Q8X32_ROWS(X) (X(0) X(1) ... one per
 * row), Q8X32_PAIRS(X) (X(0, 1) X(2, 3) ...) and Q8X32_NAME, the entry
 * point this header defines (and Q8X32_NAME_rq):
 * q8_gemm_6x32c4__avx512vnni.c, q8_gemm_8x32c4__avx512vnni.c. */
#ifndef EB_SIMD_Q8_TILE_X32C4_H
#define EB_SIMD_Q8_TILE_X32C4_H

#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"
#include "backends/simd/simd_vnni.h"

/* the sums start at zero (the int32 tile) or at the row's bias (`_rq`:
 * its stores then add nothing) */
#define Q8X32_INIT(R) __m512i c##R##0 = add ? _mm512_set1_epi32(add[R]) : _mm512_setzero_si512(), \
                              c##R##1 = c##R##0;
#define Q8X32_STEP(R)                                                                        \
    memcpy(&quad, pa + R * 4, sizeof quad);                                                  \
    av = _mm512_set1_epi32(quad);                                                            \
    c##R##0 = eb_simd_dpbusd(c##R##0, b0, av);                                               \
    c##R##1 = eb_simd_dpbusd(c##R##1, b1, av);
#define Q8X32_LOOP                                                                           \
    const int8_t *pa = a;                                                                    \
    const uint8_t *pb = b;                                                                   \
    Q8X32_ROWS(Q8X32_INIT)                                                                   \
    for (int64_t q = 0; q < kq; q++, pa += Q8X32_MR * 4, pb += 32 * 4) {                     \
        const __m512i b0 = _mm512_loadu_si512(pb);                                           \
        const __m512i b1 = _mm512_loadu_si512(pb + 64);                                      \
        int32_t quad;                                                                        \
        __m512i av;                                                                          \
        Q8X32_ROWS(Q8X32_STEP)                                                               \
    }

#define Q8X32_CAT2(a, b) a##b
#define Q8X32_CAT(a, b) Q8X32_CAT2(a, b)

void Q8X32_NAME(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const int32_t *const add = NULL;
    Q8X32_LOOP
#define Q8X32_SPILL(R)                                                                       \
    _mm512_storeu_si512(tile + R * 32, c##R##0);                                             \
    _mm512_storeu_si512(tile + R * 32 + 16, c##R##1);
    Q8X32_ROWS(Q8X32_SPILL)
#undef Q8X32_SPILL
}

void Q8X32_CAT(Q8X32_NAME, _rq)(int64_t kq, const void *a, const void *b, const int32_t *add,
                                const float *mult, const eb_simd_q8_rq *p, uint8_t *y,
                                int64_t ldy, int mr, int nr)
{
    Q8X32_LOOP
    const eb_simd_q8_rq_avx512 r = eb_simd_q8_rq_avx512_make(p);
    const __mmask32 cols = (__mmask32)((1ull << nr) - 1);
#define Q8X32_STORE2(R, S)                                                                   \
    eb_simd_q8_store_2rows_avx512(c##R##0, c##R##1, c##S##0, c##S##1, NULL, mult, R, &r, y,  \
                                  ldy, mr, cols);
    Q8X32_PAIRS(Q8X32_STORE2)
#undef Q8X32_STORE2
}

#endif
