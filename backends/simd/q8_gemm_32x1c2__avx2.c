/* int8 GEMM micro-kernel, AVX2, for products of one column: the
 * matrix-vector product of a batch-1 fully connected layer (M = 1 in ONNX
 * terms), on int16 pairs with vpmaddwd like q8_gemm_6x16c2__avx2 (exact;
 * see there). 32 rows (output features) across four vectors, the column's
 * pair of k values broadcast; two pairs in flight (eight accumulators). The
 * 16 x 6 tile would use one of its six columns. Listed as a few-column
 * variant of AVX2 (simd_q8_gemm.inc) with NR 1: eb_simd_q8_gemm_for picks
 * it for n = 1 only. A: 32-row panels, k in pairs (kq x 32 x 2 int16);
 * B: kq x 1 x 2 int16; tile: 32 x 1 int32 (a column: the few-column tile
 * order, requantised by requant_cols). The `_rq` entry point requantises
 * the 32 rows in registers and stores their bytes (simd_q8_store.h). */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_gemm.h"
#include "backends/simd/simd_q8_store.h"

#define LOOP \
    const int16_t *pa = a, *pb = b; \
    __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0; \
    __m256i d0 = c0, d1 = c0, d2 = c0, d3 = c0; \
    int64_t q = 0; \
    int32_t pair; \
    for (; q + 1 < kq; q += 2, pa += 2 * 32 * 2, pb += 2 * 2) { \
        memcpy(&pair, pb, sizeof pair); \
        const __m256i x0 = _mm256_set1_epi32(pair); \
        memcpy(&pair, pb + 2, sizeof pair); \
        const __m256i x1 = _mm256_set1_epi32(pair); \
        c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)pa), x0)); \
        c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 16)), x0)); \
        c2 = _mm256_add_epi32(c2, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 32)), x0)); \
        c3 = _mm256_add_epi32(c3, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 48)), x0)); \
        d0 = _mm256_add_epi32(d0, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 64)), x1)); \
        d1 = _mm256_add_epi32(d1, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 80)), x1)); \
        d2 = _mm256_add_epi32(d2, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 96)), x1)); \
        d3 = _mm256_add_epi32(d3, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 112)), x1)); \
    } \
    if (q < kq) { \
        memcpy(&pair, pb, sizeof pair); \
        const __m256i x0 = _mm256_set1_epi32(pair); \
        c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)pa), x0)); \
        c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 16)), x0)); \
        c2 = _mm256_add_epi32(c2, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 32)), x0)); \
        c3 = _mm256_add_epi32(c3, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(pa + 48)), x0)); \
    }

void eb_q8_gemm_32x1c2__avx2(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    LOOP
    /* int32 sums wrap (two's complement) like the reference's */
    _mm256_storeu_si256((__m256i *)tile, _mm256_add_epi32(c0, d0));
    _mm256_storeu_si256((__m256i *)(tile + 8), _mm256_add_epi32(c1, d1));
    _mm256_storeu_si256((__m256i *)(tile + 16), _mm256_add_epi32(c2, d2));
    _mm256_storeu_si256((__m256i *)(tile + 24), _mm256_add_epi32(c3, d3));
}

void eb_q8_gemm_32x1c2__avx2_rq(int64_t kq, const void *a, const void *b, const int32_t *add,
                                const float *mult, const eb_simd_q8_rq *p, uint8_t *y,
                                int64_t ldy, int mr, int nr)
{
    (void)nr; /* one column */
    LOOP
    const eb_simd_q8_rq_avx2 r = eb_simd_q8_rq_avx2_make(p);
    /* int32 sums wrap (two's complement) like the reference's */
    __m256i v[4] = {_mm256_add_epi32(c0, d0), _mm256_add_epi32(c1, d1),
                    _mm256_add_epi32(c2, d2), _mm256_add_epi32(c3, d3)};
    for (int i = 0; i < 4; i++)
        v[i] = eb_simd_q8_rq8_avx2(v[i], _mm256_loadu_si256((const __m256i *)(add + 8 * i)),
                                   _mm256_loadu_ps(mult + 8 * i), &r);
    const __m256i bytes = eb_simd_q8_pack32_avx2(v[0], v[1], v[2], v[3], &r);
    if (ldy == 1 && mr == 32) {
        _mm256_storeu_si256((__m256i *)y, bytes);
        return;
    }
    uint8_t buf[32];
    _mm256_storeu_si256((__m256i *)buf, bytes);
    if (ldy == 1) {
        memcpy(y, buf, (size_t)mr);
        return;
    }
    for (int i = 0; i < mr; i++)
        y[i * ldy] = buf[i];
}
