/* fp32 GEMM micro-kernel, AVX2 + FMA, for products of one column: a
 * matrix-vector product (the fully connected layers of a batch-1 model,
 * M = 1 in ONNX terms). 32 rows of the output (output features) across four
 * vectors, the column's value broadcast; two k steps in flight (eight
 * accumulators) so the FMA latency is hidden. The 6 x 16 kernel would fill
 * one of 16 columns and the 16 x 6 one one of 6; this one reads each packed
 * weight once and multiplies it once. Listed as a few-column variant of
 * AVX2 (simd_f32_gemm.inc) with NR 1: eb_simd_f32_gemm_for picks it for
 * n = 1 only. A is packed in 32-row panels (k x 32), B is k rows of at
 * least one readable column, ldb apart; the result is mr x 1 of C. */
#include <immintrin.h>

#include "backends/simd/simd_gemm.h"

void eb_f32_gemm_32x1__avx2(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                             int64_t ldc, int mr, int nr, const float *bias, float lo, float hi)
{
    (void)nr;
    const __m256 z = _mm256_setzero_ps();
    __m256 c0 = bias ? _mm256_loadu_ps(bias) : z, c1 = bias ? _mm256_loadu_ps(bias + 8) : z;
    __m256 c2 = bias ? _mm256_loadu_ps(bias + 16) : z, c3 = bias ? _mm256_loadu_ps(bias + 24) : z;
    __m256 d0 = z, d1 = z, d2 = z, d3 = z;
    int64_t p = 0;
    for (; p + 1 < k; p += 2, a += 64, b += 2 * ldb) {
        const __m256 x0 = _mm256_broadcast_ss(b), x1 = _mm256_broadcast_ss(b + ldb);
        c0 = _mm256_fmadd_ps(_mm256_loadu_ps(a), x0, c0);
        c1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 8), x0, c1);
        c2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 16), x0, c2);
        c3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 24), x0, c3);
        d0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 32), x1, d0);
        d1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 40), x1, d1);
        d2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 48), x1, d2);
        d3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 56), x1, d3);
    }
    if (p < k) {
        const __m256 x0 = _mm256_broadcast_ss(b);
        c0 = _mm256_fmadd_ps(_mm256_loadu_ps(a), x0, c0);
        c1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 8), x0, c1);
        c2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 16), x0, c2);
        c3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + 24), x0, c3);
    }
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    c0 = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(c0, d0), vlo), vhi);
    c1 = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(c1, d1), vlo), vhi);
    c2 = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(c2, d2), vlo), vhi);
    c3 = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(c3, d3), vlo), vhi);
    if (ldc == 1 && mr == 32) {
        _mm256_storeu_ps(c, c0);
        _mm256_storeu_ps(c + 8, c1);
        _mm256_storeu_ps(c + 16, c2);
        _mm256_storeu_ps(c + 24, c3);
        return;
    }
    float tile[32];
    _mm256_storeu_ps(tile, c0);
    _mm256_storeu_ps(tile + 8, c1);
    _mm256_storeu_ps(tile + 16, c2);
    _mm256_storeu_ps(tile + 24, c3);
    for (int r = 0; r < mr; r++)
        c[r * ldc] = tile[r];
}
