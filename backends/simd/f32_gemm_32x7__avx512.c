/* fp32 GEMM micro-kernel, AVX-512F, for products with few columns (the 1x1
 * convolutions on 7x7 and 14x14 planes: 49 = 7 x 7 and 196 = 28 x 7
 * pixels, which the 6 x 32 tile covers with 15 of 32 and 4 of 32 lanes
 * idle in its last panel): 32 rows of the output (output channels) in two
 * registers, 7 columns (pixels) broadcast from B. 14 accumulators, two
 * weight loads and seven broadcasts per k. Listed as the few-column
 * variant of AVX-512 (simd_f32_gemm.inc); before it, AVX-512 hosts ran
 * AVX2's 16 x 6 tile on those layers. A is packed in 32-row panels
 * (k x 32), B is k rows of at least 7 readable columns, ldb apart; the
 * result tile is mr x nr of C.
 * The _acc form starts from the tile already in c instead of the bias: a
 * K block after the first (simd_gemm.c runs deep few-column products in
 * K blocks, each weight block over every column panel while it stays in
 * the L1). The _block form is either, asking for the next block's weights
 * a line at a time between its k steps (listed ACC 2). */
#include <immintrin.h>

#include "backends/simd/simd_kernels.h"

/* Sixteen rows of seven columns (v0..v6: column j's rows in lanes) stored
 * as rows of C, ldc apart: a transpose of 8 x 16 (an eighth column of
 * zeros) in three shuffle stages. After the second, u[q] holds columns
 * 0-3 of rows q, 4 + q, 8 + q, 12 + q (one per 128-bit lane) and u[4 + q]
 * their columns 4-7; the third puts rows q and 4 + q in one register's
 * halves, 8 + q and 12 + q in another's. A half's lanes are stored under
 * a mask, the first `rows` rows' first nr columns (cols, bits 0-6); the
 * upper half's from eight floats before its row, so its lanes 8-14 land
 * on the row (masked-off lanes are neither read nor written). */
static inline __mmask16 row_mask(int r, int rows, __mmask16 cols)
{
    return r < rows ? cols : 0;
}

static inline void store_rows(float *c, int64_t ldc, int rows, __mmask16 cols, __m512 v0,
                              __m512 v1, __m512 v2, __m512 v3, __m512 v4, __m512 v5, __m512 v6)
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
        _mm512_mask_storeu_ps(c + q * ldc, row_mask(q, rows, cols), a);
        _mm512_mask_storeu_ps(c + (4 + q) * ldc - 8,
                              (__mmask16)(row_mask(4 + q, rows, cols) << 8), a);
        _mm512_mask_storeu_ps(c + (8 + q) * ldc, row_mask(8 + q, rows, cols), b);
        _mm512_mask_storeu_ps(c + (12 + q) * ldc - 8,
                              (__mmask16)(row_mask(12 + q, rows, cols) << 8), b);
    }
}

/* The inverse of store_rows: the first `rows` of sixteen rows, their
 * columns in cols, as seven columns v[j] of sixteen rows (0 elsewhere).
 * Row i goes to the lower half of z[i], row 8 + i to its upper half
 * (lanes 7 and 15 zero, read from nowhere); the same three shuffle stages
 * as store_rows then transpose each half's 8 x 8, and the last stage
 * takes column j's four rows from each 128-bit lane of a pair. */
static inline void load_rows(const float *c, int64_t ldc, int rows, __mmask16 cols, __m512 v[7])
{
    __m512 z[8];
    for (int i = 0; i < 8; i++)
        z[i] = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(row_mask(i, rows, cols), c + i * ldc),
                                    (__mmask16)(row_mask(8 + i, rows, cols) << 8),
                                    c + (8 + i) * ldc - 8);
    const __m512 t0 = _mm512_unpacklo_ps(z[0], z[1]), t1 = _mm512_unpackhi_ps(z[0], z[1]);
    const __m512 t2 = _mm512_unpacklo_ps(z[2], z[3]), t3 = _mm512_unpackhi_ps(z[2], z[3]);
    const __m512 t4 = _mm512_unpacklo_ps(z[4], z[5]), t5 = _mm512_unpackhi_ps(z[4], z[5]);
    const __m512 t6 = _mm512_unpacklo_ps(z[6], z[7]), t7 = _mm512_unpackhi_ps(z[6], z[7]);
    /* u[q] (q < 4): lane L holds rows 0-3 (L 0, 1) or 8-11 (L 2, 3) of
     * column q (L even) or 4 + q (L odd); u[4 + q] the same of rows 4-7
     * and 12-15 */
    const __m512 u[8] = {
        _mm512_shuffle_ps(t0, t2, 0x44), _mm512_shuffle_ps(t0, t2, 0xEE),
        _mm512_shuffle_ps(t1, t3, 0x44), _mm512_shuffle_ps(t1, t3, 0xEE),
        _mm512_shuffle_ps(t4, t6, 0x44), _mm512_shuffle_ps(t4, t6, 0xEE),
        _mm512_shuffle_ps(t5, t7, 0x44), _mm512_shuffle_ps(t5, t7, 0xEE)};
    const __m512i even =
        _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
    const __m512i odd =
        _mm512_setr_epi32(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
    for (int q = 0; q < 4; q++) {
        v[q] = _mm512_permutex2var_ps(u[q], even, u[4 + q]);
        if (q < 3)
            v[4 + q] = _mm512_permutex2var_ps(u[q], odd, u[4 + q]);
    }
}

/* The tile, from the bias (acc 0) or from c (acc 1), asking for pf_lines
 * lines from pf on the way (none: pf_lines 0). */
static inline __attribute__((always_inline)) void
tile_32x7(int64_t k, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc, int mr,
          int nr, const float *bias, float lo, float hi, int acc, const char *pf,
          int64_t pf_lines)
{
    /* rows of each half present, their columns: a ragged tile (the last
     * rows or columns of C) moves through the same masks as a full one */
    const int rows0 = mr < 16 ? mr : 16, rows1 = mr - rows0;
    const __mmask16 cols = (__mmask16)((1u << nr) - 1u);
    __m512 i0[7], i1[7];
    if (!acc) {
        const __m512 z = _mm512_setzero_ps();
        const __m512 b0 = bias ? _mm512_loadu_ps(bias) : z;
        const __m512 b1 = bias ? _mm512_loadu_ps(bias + 16) : z;
        for (int j = 0; j < 7; j++)
            i0[j] = b0, i1[j] = b1;
    } else {
        load_rows(c, ldc, rows0, cols, i0);
        load_rows(c + 16 * ldc, ldc, rows1, cols, i1);
    }
#define INIT(J) __m512 c##J##0 = i0[J], c##J##1 = i1[J];
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6)
#undef INIT
#define STEP(J)                                    \
    bv = _mm512_set1_ps(b[J]);                     \
    c##J##0 = _mm512_fmadd_ps(a0, bv, c##J##0);    \
    c##J##1 = _mm512_fmadd_ps(a1, bv, c##J##1);
#define K_STEPS(N)                                                                 \
    for (int64_t n_ = (N); n_ > 0; n_--, a += 32, b += ldb) {                      \
        const __m512 a0 = _mm512_loadu_ps(a), a1 = _mm512_loadu_ps(a + 16);        \
        __m512 bv;                                                                 \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6)                    \
    }
    /* one line asked for after every `every` k steps. The driver asked for
     * a block's worth at once before each column panel: those ~37 misses
     * to the L3 queued behind the fill buffers, and the wait showed as 7 %
     * of ResNet-18's samples on its prefetch loop; spread out, its 7x7
     * layers took 0.84-0.86x their time. */
    const int64_t every = pf_lines > 0 ? k / pf_lines : 0;
    for (int64_t i = 0; i < pf_lines; i++, pf += 64) {
        K_STEPS(every)
        _mm_prefetch(pf, _MM_HINT_T1);
    }
    K_STEPS(k - every * pf_lines)
#undef K_STEPS
#undef STEP
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#define CLAMP(J)                                              \
    c##J##0 = _mm512_min_ps(_mm512_max_ps(c##J##0, vlo), vhi); \
    c##J##1 = _mm512_min_ps(_mm512_max_ps(c##J##1, vlo), vhi);
    CLAMP(0) CLAMP(1) CLAMP(2) CLAMP(3) CLAMP(4) CLAMP(5) CLAMP(6)
#undef CLAMP
    /* each half's seven columns transposed in registers to rows of
     * seven, stored with masks. Spilling the columns and storing element
     * by element took as long as a 96-deep product's multiply-adds (the
     * 14x14 expansions, 96 -> 576) */
    store_rows(c, ldc, rows0, cols, c00, c10, c20, c30, c40, c50, c60);
    store_rows(c + 16 * ldc, ldc, rows1, cols, c01, c11, c21, c31, c41, c51, c61);
}

void eb_f32_gemm_32x7__avx512(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                              int64_t ldc, int mr, int nr, const float *bias, float lo, float hi)
{
    tile_32x7(k, a, b, ldb, c, ldc, mr, nr, bias, lo, hi, 0, NULL, 0);
}

void eb_f32_gemm_32x7__avx512_acc(int64_t k, const float *a, const float *b, int64_t ldb,
                                  float *c, int64_t ldc, int mr, int nr, const float *bias,
                                  float lo, float hi)
{
    (void)bias;
    tile_32x7(k, a, b, ldb, c, ldc, mr, nr, NULL, lo, hi, 1, NULL, 0);
}

void eb_f32_gemm_32x7__avx512_block(int64_t k, const float *a, const float *b, int64_t ldb,
                                    float *c, int64_t ldc, int mr, int nr, const float *bias,
                                    float lo, float hi, int acc, const void *pf,
                                    int64_t pf_lines)
{
    if (acc)
        tile_32x7(k, a, b, ldb, c, ldc, mr, nr, NULL, lo, hi, 1, pf, pf_lines);
    else
        tile_32x7(k, a, b, ldb, c, ldc, mr, nr, bias, lo, hi, 0, pf, pf_lines);
}
