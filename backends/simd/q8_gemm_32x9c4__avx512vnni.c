/* int8 GEMM micro-kernel, AVX-512 VNNI, for products of 8, 9 or 18 columns:
 * the 1x1 convolutions on 3x3 planes (MobileNet-v2 0.5@96's last stage and
 * its final 1x1 to 1280 channels). There the 32 x 7 tile
 * (q8_gemm_32x7c4__avx512vnni) ran two column panels for 9 pixels, 14
 * columns of work for 9; this one runs one. 32 rows (output channels)
 * across the lanes of two vectors, 9 columns (pixels) broadcast as 4-byte
 * groups of the packed B panel, vpdpbusd (uint8 activations x int8
 * weights, exact); 18 accumulators, two weight vectors and one broadcast
 * in the 32 vector registers. The dispatch takes it where its tiles pad
 * the columns less than the 32 x 7 tile's (eb_simd_q8_gemm_for): 9
 * columns, not 49 or 196.
 * A: 32-row panels, k in groups of 4 (kq x 32 x 4 int8);
 * B: kq x 9 x 4 uint8; tile: 32 x 9 int32 column by column
 * (tile[j * 32 + r]). The `_rq` entry point requantises in registers and
 * stores bytes (eb_simd_q8_store_32x9_avx512). */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"
#include "backends/simd/simd_vnni.h"

/* the sums start at zero (the int32 tile) or at the rows' bias (`_rq`) */
#define INIT(J) __m512i c##J##0 = ad0, c##J##1 = ad1;
#define STEP(J)                                               \
    memcpy(&quad, pb + J * 4, sizeof quad);                   \
    bv = _mm512_set1_epi32(quad);                             \
    c##J##0 = eb_simd_dpbusd(c##J##0, bv, a0);                \
    c##J##1 = eb_simd_dpbusd(c##J##1, bv, a1);
#define LOOP                                                                   \
    const int8_t *pa = a;                                                      \
    const uint8_t *pb = b;                                                     \
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6) INIT(7) INIT(8)    \
    for (int64_t q = 0; q < kq; q++, pa += 32 * 4, pb += 9 * 4) {              \
        const __m512i a0 = _mm512_loadu_si512(pa);                             \
        const __m512i a1 = _mm512_loadu_si512(pa + 64);                        \
        int32_t quad;                                                          \
        __m512i bv;                                                            \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7) STEP(8) \
    }

/* the accumulators, column by column (rows 0-15, then 16-31) */
#define TILE c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81

void eb_q8_gemm_32x9c4__avx512vnni(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const __m512i ad0 = _mm512_setzero_si512(), ad1 = ad0;
    LOOP
    const __m512i c[18] = {TILE};
    for (int j = 0; j < 9; j++) {
        _mm512_storeu_si512(tile + j * 32, c[2 * j]);
        _mm512_storeu_si512(tile + j * 32 + 16, c[2 * j + 1]);
    }
}

void eb_q8_gemm_32x9c4__avx512vnni_rq(int64_t kq, const void *a, const void *b,
                                      const int32_t *add, const float *mult,
                                      const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy, int mr,
                                      int nr)
{
    const __m512i ad0 = _mm512_loadu_si512(add), ad1 = _mm512_loadu_si512(add + 16);
    LOOP
    const __m512i c[18] = {TILE};
    eb_simd_q8_store_32x9_avx512(c, mult, p, y, ldy, mr, nr);
}
