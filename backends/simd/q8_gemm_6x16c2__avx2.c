/* int8 GEMM micro-kernel, AVX2, 6 x 16 tile on int16 pairs: vpmaddwd
 * multiplies 16 int16 pairs and sums each pair into int32, exactly (centred
 * operands are at most 255 in magnitude, so no pair sum can saturate).
 * vpmaddubsw would be twice as fast but saturates int16, which would break
 * the bit-exact rule. Named accumulators stay in registers. Two entry
 * points share the loop: the int32 tile, and `_rq`, which requantises the
 * tile (from L1, see EB_SIMD_Q8_TILE_BARRIER) and stores the bytes
 * (simd_q8_store.h), two rows per pack. */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"

#define INIT(R) __m256i c##R##0 = _mm256_setzero_si256(), c##R##1 = c##R##0;
#define STEP(R)                                                        \
    memcpy(&pair, pa + R * 2, sizeof pair);                            \
    av = _mm256_set1_epi32(pair);                                      \
    c##R##0 = _mm256_add_epi32(c##R##0, _mm256_madd_epi16(b0, av));   \
    c##R##1 = _mm256_add_epi32(c##R##1, _mm256_madd_epi16(b1, av));
#define LOOP                                                           \
    const int16_t *pa = a, *pb = b;                                    \
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5)                    \
    for (int64_t q = 0; q < kq; q++, pa += 6 * 2, pb += 16 * 2) {      \
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)pb);    \
        const __m256i b1 = _mm256_loadu_si256((const __m256i *)(pb + 16)); \
        int32_t pair;                                                  \
        __m256i av;                                                    \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)                \
    }

#define STORE(R)                                                       \
    _mm256_storeu_si256((__m256i *)(tile + R * 16), c##R##0);          \
    _mm256_storeu_si256((__m256i *)(tile + R * 16 + 8), c##R##1);

void eb_q8_gemm_6x16c2__avx2(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    LOOP
    STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)
}

void eb_q8_gemm_6x16c2__avx2_rq(int64_t kq, const void *a, const void *b, const int32_t *add,
                                const float *mult, const eb_simd_q8_rq *p, uint8_t *y,
                                int64_t ldy, int mr, int nr)
{
    int32_t tile[6 * 16] __attribute__((aligned(32)));
    {
        LOOP
        STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)
    }
    EB_SIMD_Q8_TILE_BARRIER(tile);
    const eb_simd_q8_rq_avx2 r = eb_simd_q8_rq_avx2_make(p);
    const int full = mr == 6 && nr == 16;
    uint8_t buf[6 * 16];
    for (int i = 0; i < 6; i += 2) {
        /* rows i and i + 1: 16 bytes each */
        const __m256i ad0 = _mm256_set1_epi32(add[i]), ad1 = _mm256_set1_epi32(add[i + 1]);
        const __m256 m0 = _mm256_set1_ps(mult[i]), m1 = _mm256_set1_ps(mult[i + 1]);
        const int32_t *t = tile + i * 16;
        const __m256i v = eb_simd_q8_pack32_avx2(
            eb_simd_q8_rq8_avx2(_mm256_load_si256((const __m256i *)t), ad0, m0, &r),
            eb_simd_q8_rq8_avx2(_mm256_load_si256((const __m256i *)(t + 8)), ad0, m0, &r),
            eb_simd_q8_rq8_avx2(_mm256_load_si256((const __m256i *)(t + 16)), ad1, m1, &r),
            eb_simd_q8_rq8_avx2(_mm256_load_si256((const __m256i *)(t + 24)), ad1, m1, &r),
            &r);
        if (full) {
            _mm_storeu_si128((__m128i *)(y + i * ldy), _mm256_castsi256_si128(v));
            _mm_storeu_si128((__m128i *)(y + (i + 1) * ldy), _mm256_extracti128_si256(v, 1));
        } else {
            _mm256_storeu_si256((__m256i *)(buf + i * 16), v);
        }
    }
    if (full)
        return;
    for (int i = 0; i < mr; i++)
        memcpy(y + i * ldy, buf + i * 16, (size_t)nr);
}
