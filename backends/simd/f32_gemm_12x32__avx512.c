/* fp32 GEMM micro-kernel, AVX-512F, 12 x 32 tile (simd_kernels.h): the
 * 6 x 32 kernel's loop with twelve rows, 24 accumulators, so each k loads
 * its two vectors of B once per twelve rows of output instead of six.
 * AVX-512's general tile; eb_simd_f32_gemm_for takes the 6 x 32 one where
 * twelve-row panels would pad the rows by more than a tenth beyond it.
 * The _acc form starts from the tile already in c instead of the bias: a
 * K block after the first (the driver's K blocking, simd_gemm.c). */
#include <immintrin.h>

#include "backends/simd/simd_gemm_store.h"
#include "backends/simd/simd_kernels.h"

/* The tile, from the bias (acc 0) or from c (acc 1). */
static inline __attribute__((always_inline)) void
tile_12x32(int64_t k, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc, int mr,
          int nr, const float *bias, float lo, float hi, int acc)
{
    float tile[12 * 32];
    const float *init = c;
    int64_t ld = ldc;
    if (acc && (mr < 12 || nr < 32)) {
        /* a ragged tile: the rows and columns present, through the buffer */
        for (int r = 0; r < 12; r++)
            for (int j = 0; j < 32; j++)
                tile[r * 32 + j] = r < mr && j < nr ? c[r * ldc + j] : 0.0f;
        init = tile;
        ld = 32;
    }
#define INIT(R)                                                                              \
    __m512 c##R##0 = acc ? _mm512_loadu_ps(init + R * ld)\
                         : _mm512_set1_ps(bias ? bias[R] : 0.0f),                            \
           c##R##1 = acc ? _mm512_loadu_ps(init + R * ld + 16) : c##R##0;
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6) INIT(7) INIT(8) INIT(9) INIT(10) INIT(11)
#undef INIT
    for (int64_t p = 0; p < k; p++, a += 12, b += ldb) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        __m512 av;
#define STEP(R)                                    \
    av = _mm512_set1_ps(a[R]);               \
    c##R##0 = _mm512_fmadd_ps(av, b0, c##R##0);    \
    c##R##1 = _mm512_fmadd_ps(av, b1, c##R##1);
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7) STEP(8) STEP(9) STEP(10) STEP(11)
#undef STEP
    }
    if (mr == 12 && nr == 32) {
        const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#define STORE(R)                                                                          \
    _mm512_storeu_ps(c + R * ldc, _mm512_min_ps(_mm512_max_ps(c##R##0, vlo), vhi));       \
    _mm512_storeu_ps(c + R * ldc + 16, _mm512_min_ps(_mm512_max_ps(c##R##1, vlo), vhi));
        STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5) STORE(6) STORE(7) STORE(8) STORE(9) STORE(10) STORE(11)
#undef STORE
        return;
    }
#define SPILL(R)                                  \
    _mm512_storeu_ps(tile + R * 32, c##R##0);     \
    _mm512_storeu_ps(tile + R * 32 + 16, c##R##1);
    SPILL(0) SPILL(1) SPILL(2) SPILL(3) SPILL(4) SPILL(5) SPILL(6) SPILL(7) SPILL(8) SPILL(9) SPILL(10) SPILL(11)
#undef SPILL
    eb_simd_store_tile_f32(tile, 32, c, ldc, mr, nr, lo, hi);
}

void eb_f32_gemm_12x32__avx512(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                            int64_t ldc, int mr, int nr, const float *bias, float lo, float hi)
{
    tile_12x32(k, a, b, ldb, c, ldc, mr, nr, bias, lo, hi, 0);
}

void eb_f32_gemm_12x32__avx512_acc(int64_t k, const float *a, const float *b, int64_t ldb,
                                float *c, int64_t ldc, int mr, int nr, const float *bias, float lo,
                                float hi)
{
    (void)bias;
    tile_12x32(k, a, b, ldb, c, ldc, mr, nr, NULL, lo, hi, 1);
}
