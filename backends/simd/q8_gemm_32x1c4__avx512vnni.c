/* int8 GEMM micro-kernel, AVX-512 VNNI, for products of one column: the
 * matrix-vector product of a batch-1 fully connected layer. 32 rows
 * (output features) across two vectors, the column's four k values
 * broadcast as one int32, vpdpbusd (uint8 activations x int8 weights,
 * exact as in q8_gemm_6x32c4__avx512vnni); four groups of k in flight
 * (eight accumulators). Before it, VNNI hosts ran AVX2's int16 32 x 1 tile
 * (q8_gemm_32x1c2__avx2): twice the weight bytes, and a matrix-vector
 * product reads its weights once per inference, from L3 when they are as
 * large as MobileNet-v2's 1280 x 1000 classifier (91 us there). Listed as
 * VNNI's one-column few-column variant (simd_q8_gemm.inc, NR 1):
 * eb_simd_q8_gemm_for picks it for n = 1 only.
 * A: 32-row panels, k in groups of 4 (kq x 32 x 4 int8);
 * B: kq x 1 x 4 uint8; tile: 32 x 1 int32. The `_rq` entry point
 * requantises the 32 rows in registers and stores their bytes. */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"
#include "backends/simd/simd_vnni.h"

#define STEP(X, I)                                                                   \
    memcpy(&quad, pb + 4 * (I), sizeof quad);                                        \
    bv = _mm512_set1_epi32(quad);                                                    \
    X##0 = eb_simd_dpbusd(X##0, bv, _mm512_loadu_si512(pa + 128 * (I)));             \
    X##1 = eb_simd_dpbusd(X##1, bv, _mm512_loadu_si512(pa + 128 * (I) + 64));
#define LOOP                                                                         \
    const int8_t *pa = a;                                                            \
    const uint8_t *pb = b;                                                           \
    __m512i c0 = _mm512_setzero_si512(), c1 = c0, d0 = c0, d1 = c0, e0 = c0, e1 = c0; \
    __m512i f0 = c0, f1 = c0, bv;                                                    \
    int32_t quad;                                                                    \
    int64_t q = 0;                                                                   \
    for (; q + 3 < kq; q += 4, pa += 4 * 128, pb += 4 * 4) {                         \
        STEP(c, 0) STEP(d, 1) STEP(e, 2) STEP(f, 3)                                  \
    }                                                                                \
    for (; q < kq; q++, pa += 128, pb += 4) {                                        \
        STEP(c, 0)                                                                   \
    }                                                                                \
    /* int32 sums wrap (two's complement) like the reference's */                   \
    c0 = _mm512_add_epi32(_mm512_add_epi32(c0, d0), _mm512_add_epi32(e0, f0));       \
    c1 = _mm512_add_epi32(_mm512_add_epi32(c1, d1), _mm512_add_epi32(e1, f1));

void eb_q8_gemm_32x1c4__avx512vnni(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    LOOP
    _mm512_storeu_si512(tile, c0);
    _mm512_storeu_si512(tile + 16, c1);
}

void eb_q8_gemm_32x1c4__avx512vnni_rq(int64_t kq, const void *a, const void *b,
                                      const int32_t *add, const float *mult,
                                      const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy, int mr,
                                      int nr)
{
    (void)nr; /* one column */
    LOOP
    const eb_simd_q8_rq_avx512 r = eb_simd_q8_rq_avx512_make(p);
    /* add and mult hold MR values past the last row (eb_simd_gemm_q8_init) */
    const __m512i v0 = eb_simd_q8_rq16_avx512(c0, _mm512_loadu_si512(add), _mm512_loadu_ps(mult),
                                              &r);
    const __m512i v1 = eb_simd_q8_rq16_avx512(c1, _mm512_loadu_si512(add + 16),
                                              _mm512_loadu_ps(mult + 16), &r);
    const __m512i z = _mm512_setzero_si512();
    const __m256i bytes =
        _mm512_castsi512_si256(eb_simd_q8_pack64_avx512(v0, v1, z, z, &r));
    if (ldy == 1) {
        _mm256_mask_storeu_epi8(y, (__mmask32)(mr >= 32 ? 0xFFFFFFFFu : (1u << mr) - 1u), bytes);
        return;
    }
    uint8_t buf[32];
    _mm256_storeu_si256((__m256i *)buf, bytes);
    for (int i = 0; i < mr; i++)
        y[i * ldy] = buf[i];
}
