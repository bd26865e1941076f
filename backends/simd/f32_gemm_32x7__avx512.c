/* fp32 GEMM micro-kernel, AVX-512F, for products with few columns (the 1x1
 * convolutions on 7x7 and 14x14 planes: 49 = 7 x 7 and 196 = 28 x 7
 * pixels, which the 6 x 32 tile covers with 15 of 32 and 4 of 32 lanes
 * idle in its last panel): 32 rows of the output (output channels) in two
 * registers, 7 columns (pixels) broadcast from B. 14 accumulators, two
 * weight loads and seven broadcasts per k. Listed as the few-column
 * variant of AVX-512 (simd_f32_gemm.inc); before it, AVX-512 hosts ran
 * AVX2's 16 x 6 tile on those layers. A is packed in 32-row panels
 * (k x 32), B is k rows of at least 7 readable columns, ldb apart; the
 * result tile is mr x nr of C. */
#include <immintrin.h>

#include "backends/simd/simd_kernels.h"

void eb_f32_gemm_32x7__avx512(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                              int64_t ldc, int mr, int nr, const float *bias, float lo, float hi)
{
    const __m512 z = _mm512_setzero_ps();
    const __m512 b0 = bias ? _mm512_loadu_ps(bias) : z, b1 = bias ? _mm512_loadu_ps(bias + 16) : z;
#define INIT(J) __m512 c##J##0 = b0, c##J##1 = b1;
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6)
#undef INIT
    for (int64_t p = 0; p < k; p++, a += 32, b += ldb) {
        const __m512 a0 = _mm512_loadu_ps(a), a1 = _mm512_loadu_ps(a + 16);
        __m512 bv;
#define STEP(J)                                    \
    bv = _mm512_set1_ps(b[J]);                     \
    c##J##0 = _mm512_fmadd_ps(a0, bv, c##J##0);    \
    c##J##1 = _mm512_fmadd_ps(a1, bv, c##J##1);
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6)
#undef STEP
    }
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    /* column j of the tile is 32 rows, ldc apart in C: spill the columns,
     * then write the valid rows' runs of nr pixels */
    float tile[7 * 32];
#define SPILL(J)                                                                           \
    _mm512_storeu_ps(tile + J * 32, _mm512_min_ps(_mm512_max_ps(c##J##0, vlo), vhi));      \
    _mm512_storeu_ps(tile + J * 32 + 16, _mm512_min_ps(_mm512_max_ps(c##J##1, vlo), vhi));
    SPILL(0) SPILL(1) SPILL(2) SPILL(3) SPILL(4) SPILL(5) SPILL(6)
#undef SPILL
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++)
            c[r * ldc + j] = tile[j * 32 + r];
}
