/* int8 GEMM micro-kernel, AVX-512 VNNI, for products with few columns (the
 * 1x1 convolutions on MobileNet-v2's 14x14 and 7x7 planes: 196 = 28 x 7
 * and 49 = 7 x 7 pixels, so 7-column tiles waste no lane there, where the
 * general 6 x 32 tile fills 224 and 64 slots). 32 rows (output channels)
 * across the lanes of two vectors, 7 columns (pixels) broadcast as 4-byte
 * groups of the packed B panel, vpdpbusd (uint8 activations x int8
 * weights, exact as in q8_gemm_6x32c4__avx512vnni); 14 accumulators, so
 * the 32 vector registers hold them, the two weight vectors and the
 * requantisation constants together. Listed as VNNI's few-column variant:
 * the int8 GEMM driver runs it instead of the general kernel for narrow
 * products (eb_simd_q8_gemm_for); before it, VNNI hosts borrowed AVX2's
 * int16 16 x 6 tile there, at under a third of the throughput.
 * A: 32-row panels, k in groups of 4 (kq x 32 x 4 int8);
 * B: kq x 7 x 4 uint8; tile: 32 x 7 int32 column by column
 * (tile[j * 32 + r]). The `_rq` entry point requantises in registers,
 * packs and transposes the 32 x 7 bytes and writes each output row's 7
 * bytes with one masked store (eb_simd_q8_store_32x7_avx512). */
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
#define LOOP                                                           \
    const int8_t *pa = a;                                              \
    const uint8_t *pb = b;                                             \
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6)            \
    for (int64_t q = 0; q < kq; q++, pa += 32 * 4, pb += 7 * 4) {      \
        const __m512i a0 = _mm512_loadu_si512(pa);                     \
        const __m512i a1 = _mm512_loadu_si512(pa + 64);                \
        int32_t quad;                                                  \
        __m512i bv;                                                    \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6)        \
    }

/* the accumulators in the order simd_q8_store.h's 32 x 7 helpers take */
#define TILE c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61

void eb_q8_gemm_32x7c4__avx512vnni(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const __m512i ad0 = _mm512_setzero_si512(), ad1 = ad0;
    LOOP
    const __m512i c[14] = {TILE};
    eb_simd_q8_spill_32x7_avx512(c, tile);
}

void eb_q8_gemm_32x7c4__avx512vnni_rq(int64_t kq, const void *a, const void *b,
                                      const int32_t *add, const float *mult,
                                      const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy, int mr,
                                      int nr)
{
    const __m512i ad0 = _mm512_loadu_si512(add), ad1 = _mm512_loadu_si512(add + 16);
    LOOP
    const __m512i c[14] = {TILE};
    eb_simd_q8_store_32x7_avx512(c, mult, p, y, ldy, mr, nr);
}
