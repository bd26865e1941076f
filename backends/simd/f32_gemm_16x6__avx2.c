/* fp32 GEMM micro-kernel, AVX2 + FMA, for products with few columns (the
 * 1x1 convolutions on MobileNet's 6x6 and 3x3 planes): 16 rows of the
 * output (output channels) across the lanes, 6 columns (pixels) broadcast
 * from B, so a 9-column product fills 9 of 12 column slots where the 6 x 16
 * kernel fills 9 of 16. Listed as the few-column variant of AVX2
 * (simd_f32_gemm.inc): the GEMM driver runs it instead of
 * f32_gemm_6x16__avx2 for narrow products (eb_simd_f32_gemm_for). A is packed in 16-row panels (k x 16), B is k rows of at
 * least 6 readable columns, ldb apart; the result tile is mr x nr of C. */
#include <immintrin.h>

#include "backends/simd/simd_gemm.h"

void eb_f32_gemm_16x6__avx2(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                             int64_t ldc, int mr, int nr, const float *bias, float lo, float hi)
{
    const __m256 z = _mm256_setzero_ps();
    const __m256 b0 = bias ? _mm256_loadu_ps(bias) : z, b1 = bias ? _mm256_loadu_ps(bias + 8) : z;
#define INIT(J) __m256 c##J##0 = b0, c##J##1 = b1;
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5)
#undef INIT
    for (int64_t p = 0; p < k; p++, a += 16, b += ldb) {
        const __m256 a0 = _mm256_loadu_ps(a), a1 = _mm256_loadu_ps(a + 8);
        __m256 bv;
#define STEP(J)                                    \
    bv = _mm256_broadcast_ss(b + J);               \
    c##J##0 = _mm256_fmadd_ps(a0, bv, c##J##0);    \
    c##J##1 = _mm256_fmadd_ps(a1, bv, c##J##1);
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
#undef STEP
    }
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    float tile[6 * 16];
#define SPILL(J)                                                                           \
    _mm256_storeu_ps(tile + J * 16, _mm256_min_ps(_mm256_max_ps(c##J##0, vlo), vhi));      \
    _mm256_storeu_ps(tile + J * 16 + 8, _mm256_min_ps(_mm256_max_ps(c##J##1, vlo), vhi));
    SPILL(0) SPILL(1) SPILL(2) SPILL(3) SPILL(4) SPILL(5)
#undef SPILL
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++)
            c[r * ldc + j] = tile[j * 16 + r];
}
