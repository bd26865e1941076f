/* int8 GEMM micro-kernel, AVX-512BW, for products with few columns, on
 * int16 pairs (vpmaddwd, exact as in q8_gemm_6x16c2__avx2): the few-column
 * variant of AVX-512 hosts without VNNI, and of VNNI ones whose weights
 * lie outside int8 (the byte format of q8_gemm_32x7c4__avx512vnni cannot
 * hold them). Without it those hosts ran MobileNet-v2's 1x1 convolutions
 * on 14x14 and 7x7 planes on the general 6 x 32 tile, which fills 224 and
 * 64 column slots with 196 and 49 pixels (AVX2's 16 x 6 tile uses half an
 * AVX-512 register's lanes, see few_cols_pay in simd_dispatch.c). 32 rows
 * (output channels) across the lanes of two vectors, 7 columns (pixels)
 * broadcast as int16 pairs of the packed B panel; 14 accumulators.
 * A: 32-row panels, k in pairs (kq x 32 x 2 int16);
 * B: kq x 7 x 2 int16; tile: 32 x 7 int32 column by column
 * (tile[j * 32 + r]). The `_rq` entry point starts the sums at the rows'
 * add and stores bytes as the VNNI kernel does
 * (eb_simd_q8_store_32xn_avx512). */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"

#define INIT(J) __m512i c##J##0 = ad0, c##J##1 = ad1;
#define STEP(J)                                                        \
    memcpy(&pair, pb + J * 2, sizeof pair);                            \
    bv = _mm512_set1_epi32(pair);                                      \
    c##J##0 = _mm512_add_epi32(c##J##0, _mm512_madd_epi16(a0, bv));   \
    c##J##1 = _mm512_add_epi32(c##J##1, _mm512_madd_epi16(a1, bv));
#define LOOP                                                           \
    const int16_t *pa = a, *pb = b;                                    \
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6)            \
    for (int64_t q = 0; q < kq; q++, pa += 32 * 2, pb += 7 * 2) {      \
        const __m512i a0 = _mm512_loadu_si512(pa);                     \
        const __m512i a1 = _mm512_loadu_si512(pa + 32);                \
        int32_t pair;                                                  \
        __m512i bv;                                                    \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6)        \
    }

/* the accumulators in the order simd_q8_store.h's 32 x 7 helpers take */
#define TILE c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61

void eb_q8_gemm_32x7c2__avx512(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const __m512i ad0 = _mm512_setzero_si512(), ad1 = ad0;
    LOOP
    const __m512i c[14] = {TILE};
    for (int j = 0; j < 7; j++) {
        _mm512_storeu_si512(tile + j * 32, c[2 * j]);
        _mm512_storeu_si512(tile + j * 32 + 16, c[2 * j + 1]);
    }
}

void eb_q8_gemm_32x7c2__avx512_rq(int64_t kq, const void *a, const void *b, const int32_t *add,
                                  const float *mult, const eb_simd_q8_rq *p, uint8_t *y,
                                  int64_t ldy, int mr, int nr)
{
    const __m512i ad0 = _mm512_loadu_si512(add), ad1 = _mm512_loadu_si512(add + 16);
    LOOP
    const __m512i c[14] = {TILE};
    eb_simd_q8_store_32xn_avx512(c, 7, mult, p, y, ldy, mr, nr);
}
