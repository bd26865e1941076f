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

/* Sixteen rows of seven columns (v0..v6: column j's rows in lanes) stored
 * as rows of C, ldc apart: a transpose of 8 x 16 (an eighth column of
 * zeros) in three shuffle stages. After the second, u[q] holds columns
 * 0-3 of rows q, 4 + q, 8 + q, 12 + q (one per 128-bit lane) and u[4 + q]
 * their columns 4-7; the third puts rows q and 4 + q in one register's
 * halves, 8 + q and 12 + q in another's. A half's seven lanes are stored
 * under a mask; the upper half's from eight floats before its row, so its
 * lanes 8-14 land on the row (masked-off lanes are neither read nor
 * written). */
static inline void store_rows(float *c, int64_t ldc, __m512 v0, __m512 v1, __m512 v2, __m512 v3,
                              __m512 v4, __m512 v5, __m512 v6)
{
    const __m512 v7 = _mm512_setzero_ps();
    const __m512 t0 = _mm512_unpacklo_ps(v0, v1), t1 = _mm512_unpackhi_ps(v0, v1);
    const __m512 t2 = _mm512_unpacklo_ps(v2, v3), t3 = _mm512_unpackhi_ps(v2, v3);
    const __m512 t4 = _mm512_unpacklo_ps(v4, v5), t5 = _mm512_unpackhi_ps(v4, v5);
    const __m512 t6 = _mm512_unpacklo_ps(v6, v7), t7 = _mm512_unpackhi_ps(v6, v7);
    const __m512 u[8] = {
        _mm512_shuffle_ps(t0, t2, 0x44), _mm512_shuffle_ps(t0, t2, 0xEE),
        _mm512_shuffle_ps(t1, t3, 0x44), _mm512_shuffle_ps(t1, t3, 0xEE),
        _mm512_shuffle_ps(t4, t6, 0x44), _mm512_shuffle_ps(t4, t6, 0xEE),
        _mm512_shuffle_ps(t5, t7, 0x44), _mm512_shuffle_ps(t5, t7, 0xEE)};
    /* lanes 0-3 of a (row q), of b (its columns 4-7), then 4-7 of each
     * (row 4 + q); and the same from lanes 8-15 (rows 8 + q, 12 + q) */
    const __m512i lo = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    const __m512i hi =
        _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
    for (int q = 0; q < 4; q++) {
        const __m512 a = _mm512_permutex2var_ps(u[q], lo, u[4 + q]);
        const __m512 b = _mm512_permutex2var_ps(u[q], hi, u[4 + q]);
        _mm512_mask_storeu_ps(c + q * ldc, 0x007F, a);
        _mm512_mask_storeu_ps(c + (4 + q) * ldc - 8, 0x7F00, a);
        _mm512_mask_storeu_ps(c + (8 + q) * ldc, 0x007F, b);
        _mm512_mask_storeu_ps(c + (12 + q) * ldc - 8, 0x7F00, b);
    }
}

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
#define CLAMP(J)                                              \
    c##J##0 = _mm512_min_ps(_mm512_max_ps(c##J##0, vlo), vhi); \
    c##J##1 = _mm512_min_ps(_mm512_max_ps(c##J##1, vlo), vhi);
    CLAMP(0) CLAMP(1) CLAMP(2) CLAMP(3) CLAMP(4) CLAMP(5) CLAMP(6)
#undef CLAMP
    if (mr == 32 && nr == 7) {
        /* a full tile: each half's seven columns transposed in registers
         * to rows of seven, stored with masks. The spill below stores and
         * reloads all 224 elements one by one, as long as a 96-deep
         * product's multiply-adds (the 14x14 expansions, 96 -> 576) */
        store_rows(c, ldc, c00, c10, c20, c30, c40, c50, c60);
        store_rows(c + 16 * ldc, ldc, c01, c11, c21, c31, c41, c51, c61);
        return;
    }
    /* column j of the tile is 32 rows, ldc apart in C: spill the columns,
     * then write the valid rows' runs of nr pixels */
    float tile[7 * 32];
#define SPILL(J)                                \
    _mm512_storeu_ps(tile + J * 32, c##J##0);   \
    _mm512_storeu_ps(tile + J * 32 + 16, c##J##1);
    SPILL(0) SPILL(1) SPILL(2) SPILL(3) SPILL(4) SPILL(5) SPILL(6)
#undef SPILL
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++)
            c[r * ldc + j] = tile[j * 32 + r];
}
