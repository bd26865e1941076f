/* int8 GEMM micro-kernel, AVX2, for products with few columns (the 1x1
 * convolutions on MobileNet's 6x6 and 3x3 planes): 16 rows (output
 * channels) across the lanes, 6 columns (pixels) broadcast, on int16 pairs
 * with vpmaddwd like q8_gemm_6x16c2__avx2 (exact; see there). Listed as
 * the few-column variant of AVX2 (simd_q8_gemm.inc): the int8 GEMM driver
 * runs it instead of q8_gemm_6x16c2__avx2 for narrow products
 * (eb_simd_q8_gemm_for). A: 16-row panels,
 * k in pairs (kq x 16 x 2 int16); B: kq x 6 x 2 int16; tile: 16 x 6 int32
 * stored column by column (tile[j * 16 + r]), so the epilogue requantises
 * 16 output channels of a pixel as two vectors (requant_cols). */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_gemm.h"

void eb_q8_gemm_16x6c2__avx2(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const int16_t *pa = a, *pb = b;
#define INIT(J) __m256i c##J##0 = _mm256_setzero_si256(), c##J##1 = c##J##0;
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5)
#undef INIT
    for (int64_t q = 0; q < kq; q++, pa += 16 * 2, pb += 6 * 2) {
        const __m256i a0 = _mm256_loadu_si256((const __m256i *)pa);
        const __m256i a1 = _mm256_loadu_si256((const __m256i *)(pa + 16));
        int32_t pair;
        __m256i bv;
#define STEP(J)                                                        \
    memcpy(&pair, pb + J * 2, sizeof pair);                            \
    bv = _mm256_set1_epi32(pair);                                      \
    c##J##0 = _mm256_add_epi32(c##J##0, _mm256_madd_epi16(a0, bv));   \
    c##J##1 = _mm256_add_epi32(c##J##1, _mm256_madd_epi16(a1, bv));
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
#undef STEP
    }
#define SPILL(J)                                                       \
    _mm256_storeu_si256((__m256i *)(tile + J * 16), c##J##0);          \
    _mm256_storeu_si256((__m256i *)(tile + J * 16 + 8), c##J##1);
    SPILL(0) SPILL(1) SPILL(2) SPILL(3) SPILL(4) SPILL(5)
#undef SPILL
}
