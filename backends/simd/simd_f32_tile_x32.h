/* The loop of AVX-512's fp32 tiles of 32 columns (simd_kernels.h's GEMM
 * contract): F32X32_MR rows of output in two vectors each, named
 * accumulators as in the AVX2 kernel, every k's two vectors of B loaded
 * once for all the rows. Included by one kernel file per height, which
 * defines F32X32_MR, F32X32_ROWS(X) (X(0) X(1) ... one per row) and
 * F32X32_NAME (the entry point; its _acc form is F32X32_NAME_acc), which
 * this header defines: f32_gemm_6x32__avx512.c, f32_gemm_8x32__avx512.c,
 * f32_gemm_12x32__avx512.c. */
#ifndef EB_SIMD_F32_TILE_X32_H
#define EB_SIMD_F32_TILE_X32_H

#include <immintrin.h>

#include "backends/simd/simd_gemm_store.h"
#include "backends/simd/simd_kernels.h"

/* The tile, from the bias (acc 0) or from c (acc 1). */
static inline __attribute__((always_inline)) void
f32x32_tile(int64_t k, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc, int mr,
          int nr, const float *bias, float lo, float hi, int acc)
{
    float tile[F32X32_MR * 32];
    const float *init = c;
    int64_t ld = ldc;
    if (acc && (mr < F32X32_MR || nr < 32)) {
        /* a ragged tile: the rows and columns present, through the buffer */
        for (int r = 0; r < F32X32_MR; r++)
            for (int j = 0; j < 32; j++)
                tile[r * 32 + j] = r < mr && j < nr ? c[r * ldc + j] : 0.0f;
        init = tile;
        ld = 32;
    }
#define INIT(R)                                                                              \
    __m512 c##R##0 = acc ? _mm512_loadu_ps(init + R * ld)\
                         : _mm512_set1_ps(bias ? bias[R] : 0.0f),                            \
           c##R##1 = acc ? _mm512_loadu_ps(init + R * ld + 16) : c##R##0;
    F32X32_ROWS(INIT)
#undef INIT
    for (int64_t p = 0; p < k; p++, a += F32X32_MR, b += ldb) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        __m512 av;
#define STEP(R)                                    \
    av = _mm512_set1_ps(a[R]);               \
    c##R##0 = _mm512_fmadd_ps(av, b0, c##R##0);    \
    c##R##1 = _mm512_fmadd_ps(av, b1, c##R##1);
        F32X32_ROWS(STEP)
#undef STEP
    }
    if (mr == F32X32_MR && nr == 32) {
        const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#define STORE(R)                                                                          \
    _mm512_storeu_ps(c + R * ldc, _mm512_min_ps(_mm512_max_ps(c##R##0, vlo), vhi));       \
    _mm512_storeu_ps(c + R * ldc + 16, _mm512_min_ps(_mm512_max_ps(c##R##1, vlo), vhi));
        F32X32_ROWS(STORE)
#undef STORE
        return;
    }
#define SPILL(R)                                  \
    _mm512_storeu_ps(tile + R * 32, c##R##0);     \
    _mm512_storeu_ps(tile + R * 32 + 16, c##R##1);
    F32X32_ROWS(SPILL)
#undef SPILL
    eb_simd_store_tile_f32(tile, 32, c, ldc, mr, nr, lo, hi);
}

#define F32X32_CAT_(A, B) A##B
#define F32X32_CAT(A, B) F32X32_CAT_(A, B)

void F32X32_NAME(int64_t k, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                 int mr, int nr, const float *bias, float lo, float hi)
{
    f32x32_tile(k, a, b, ldb, c, ldc, mr, nr, bias, lo, hi, 0);
}

void F32X32_CAT(F32X32_NAME, _acc)(int64_t k, const float *a, const float *b, int64_t ldb,
                                   float *c, int64_t ldc, int mr, int nr, const float *bias,
                                   float lo, float hi)
{
    (void)bias;
    f32x32_tile(k, a, b, ldb, c, ldc, mr, nr, NULL, lo, hi, 1);
}

#endif
