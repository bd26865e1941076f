/* int8 GEMM micro-kernel, AVX2, for products with few columns (the 1x1
 * convolutions on MobileNet's 6x6 and 3x3 planes): 16 rows (output
 * channels) across the lanes, 6 columns (pixels) broadcast, on int16 pairs
 * with vpmaddwd like q8_gemm_6x16c2__avx2 (exact; see there). Listed as
 * the few-column variant of AVX2 (simd_q8_gemm.inc): the int8 GEMM driver
 * runs it instead of q8_gemm_6x16c2__avx2 for narrow products
 * (eb_simd_q8_gemm_for). A: 16-row panels,
 * k in pairs (kq x 16 x 2 int16); B: kq x 6 x 2 int16; tile: 16 x 6 int32
 * stored column by column (tile[j * 16 + r]). The `_rq` entry point
 * requantises the tile (from L1, see EB_SIMD_Q8_TILE_BARRIER; 16 output
 * channels of a pixel as two vectors, each with its channels' add and mult), packs each column to 16 bytes and
 * transposes the 16 x 6 bytes in SSE registers, so each output row gets its
 * six bytes in one go. */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_gemm.h"
#include "backends/simd/simd_q8_store.h"

#define INIT(J) __m256i c##J##0 = _mm256_setzero_si256(), c##J##1 = c##J##0;
#define STEP(J)                                                        \
    memcpy(&pair, pb + J * 2, sizeof pair);                            \
    bv = _mm256_set1_epi32(pair);                                      \
    c##J##0 = _mm256_add_epi32(c##J##0, _mm256_madd_epi16(a0, bv));   \
    c##J##1 = _mm256_add_epi32(c##J##1, _mm256_madd_epi16(a1, bv));
#define LOOP                                                           \
    const int16_t *pa = a, *pb = b;                                    \
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5)                    \
    for (int64_t q = 0; q < kq; q++, pa += 16 * 2, pb += 6 * 2) {      \
        const __m256i a0 = _mm256_loadu_si256((const __m256i *)pa);    \
        const __m256i a1 = _mm256_loadu_si256((const __m256i *)(pa + 16)); \
        int32_t pair;                                                  \
        __m256i bv;                                                    \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)                \
    }

#define SPILL(J)                                                       \
    _mm256_storeu_si256((__m256i *)(tile + J * 16), c##J##0);          \
    _mm256_storeu_si256((__m256i *)(tile + J * 16 + 8), c##J##1);

void eb_q8_gemm_16x6c2__avx2(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    LOOP
    SPILL(0) SPILL(1) SPILL(2) SPILL(3) SPILL(4) SPILL(5)
}

void eb_q8_gemm_16x6c2__avx2_rq(int64_t kq, const void *a, const void *b, const int32_t *add,
                                const float *mult, const eb_simd_q8_rq *p, uint8_t *y,
                                int64_t ldy, int mr, int nr)
{
    int32_t tile[6 * 16] __attribute__((aligned(32)));
    {
        LOOP
        SPILL(0) SPILL(1) SPILL(2) SPILL(3) SPILL(4) SPILL(5)
    }
    EB_SIMD_Q8_TILE_BARRIER(tile);
    const eb_simd_q8_rq_avx2 r = eb_simd_q8_rq_avx2_make(p);
    const __m256i ad0 = _mm256_loadu_si256((const __m256i *)add);
    const __m256i ad1 = _mm256_loadu_si256((const __m256i *)(add + 8));
    const __m256 m0 = _mm256_loadu_ps(mult), m1 = _mm256_loadu_ps(mult + 8);
#define RQ(J) eb_simd_q8_rq8_avx2(_mm256_load_si256((const __m256i *)(tile + (J) * 16)), ad0, m0, &r), \
              eb_simd_q8_rq8_avx2(_mm256_load_si256((const __m256i *)(tile + (J) * 16 + 8)), ad1, m1, &r)
    /* columns J, J + 1: the 16 rows' bytes each */
    const __m256i k01 = eb_simd_q8_pack32_avx2(RQ(0), RQ(1), &r);
    const __m256i k23 = eb_simd_q8_pack32_avx2(RQ(2), RQ(3), &r);
    const __m256i k45 = eb_simd_q8_pack32_avx2(RQ(4), RQ(5), &r);
#undef RQ
    /* 16 x 6 bytes transposed: t(j, j+1) interleaves the columns' bytes
     * (row by row), u puts four columns' bytes of a row together */
    const __m128i t01lo = _mm_unpacklo_epi8(_mm256_castsi256_si128(k01),
                                            _mm256_extracti128_si256(k01, 1));
    const __m128i t01hi = _mm_unpackhi_epi8(_mm256_castsi256_si128(k01),
                                            _mm256_extracti128_si256(k01, 1));
    const __m128i t23lo = _mm_unpacklo_epi8(_mm256_castsi256_si128(k23),
                                            _mm256_extracti128_si256(k23, 1));
    const __m128i t23hi = _mm_unpackhi_epi8(_mm256_castsi256_si128(k23),
                                            _mm256_extracti128_si256(k23, 1));
    const __m128i t45lo = _mm_unpacklo_epi8(_mm256_castsi256_si128(k45),
                                            _mm256_extracti128_si256(k45, 1));
    const __m128i t45hi = _mm_unpackhi_epi8(_mm256_castsi256_si128(k45),
                                            _mm256_extracti128_si256(k45, 1));
    /* rows 4i .. 4i + 3: columns 0..3 as one dword per row */
    const __m128i u0 = _mm_unpacklo_epi16(t01lo, t23lo), u1 = _mm_unpackhi_epi16(t01lo, t23lo);
    const __m128i u2 = _mm_unpacklo_epi16(t01hi, t23hi), u3 = _mm_unpackhi_epi16(t01hi, t23hi);
    /* columns 4, 5 of rows 0..7 (t45lo) and 8..15 (t45hi): one word per row */
    if (nr == 6 && mr == 16) {
        const __m128i rows[4] = {u0, u1, u2, u3};
        for (int i = 0; i < 4; i++) {
            const __m128i t45 = i < 2 ? t45lo : t45hi;
            const int h = (i & 1) * 4; /* word index of the row's columns 4, 5 */
            uint8_t *yr = y + (int64_t)(4 * i) * ldy;
            uint32_t w4[4];
            uint16_t w2[8];
            _mm_storeu_si128((__m128i *)w4, rows[i]);
            _mm_storeu_si128((__m128i *)w2, t45);
            for (int k = 0; k < 4; k++) {
                memcpy(yr + k * ldy, &w4[k], 4);
                memcpy(yr + k * ldy + 4, &w2[h + k], 2);
            }
        }
        return;
    }
    uint8_t buf[16 * 8];
    /* row r: columns 0..3 at buf[r * 8], 4..5 at buf[r * 8 + 4] */
    const __m128i v0 = _mm_unpacklo_epi16(t45lo, _mm_setzero_si128());
    const __m128i v1 = _mm_unpackhi_epi16(t45lo, _mm_setzero_si128());
    const __m128i v2 = _mm_unpacklo_epi16(t45hi, _mm_setzero_si128());
    const __m128i v3 = _mm_unpackhi_epi16(t45hi, _mm_setzero_si128());
    _mm_storeu_si128((__m128i *)buf, _mm_unpacklo_epi32(u0, v0));
    _mm_storeu_si128((__m128i *)(buf + 16), _mm_unpackhi_epi32(u0, v0));
    _mm_storeu_si128((__m128i *)(buf + 32), _mm_unpacklo_epi32(u1, v1));
    _mm_storeu_si128((__m128i *)(buf + 48), _mm_unpackhi_epi32(u1, v1));
    _mm_storeu_si128((__m128i *)(buf + 64), _mm_unpacklo_epi32(u2, v2));
    _mm_storeu_si128((__m128i *)(buf + 80), _mm_unpackhi_epi32(u2, v2));
    _mm_storeu_si128((__m128i *)(buf + 96), _mm_unpacklo_epi32(u3, v3));
    _mm_storeu_si128((__m128i *)(buf + 112), _mm_unpackhi_epi32(u3, v3));
    for (int i = 0; i < mr; i++)
        memcpy(y + i * ldy, buf + i * 8, (size_t)nr);
}
