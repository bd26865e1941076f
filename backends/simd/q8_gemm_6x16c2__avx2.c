/* int8 GEMM micro-kernel, AVX2, 6 x 16 tile on int16 pairs: vpmaddwd
 * multiplies 16 int16 pairs and sums each pair into int32, exactly (centred
 * operands are at most 255 in magnitude, so no pair sum can saturate).
 * vpmaddubsw would be twice as fast but saturates int16, which would break
 * the bit-exact rule. Named accumulators stay in registers. */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"

void eb_q8_gemm_6x16c2__avx2(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const int16_t *pa = a, *pb = b;
#define INIT(R) __m256i c##R##0 = _mm256_setzero_si256(), c##R##1 = c##R##0;
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5)
#undef INIT
    for (int64_t q = 0; q < kq; q++, pa += 6 * 2, pb += 16 * 2) {
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)pb);
        const __m256i b1 = _mm256_loadu_si256((const __m256i *)(pb + 16));
        int32_t pair;
        __m256i av;
#define STEP(R)                                                        \
    memcpy(&pair, pa + R * 2, sizeof pair);                            \
    av = _mm256_set1_epi32(pair);                                      \
    c##R##0 = _mm256_add_epi32(c##R##0, _mm256_madd_epi16(b0, av));   \
    c##R##1 = _mm256_add_epi32(c##R##1, _mm256_madd_epi16(b1, av));
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
#undef STEP
    }
#define STORE(R)                                                       \
    _mm256_storeu_si256((__m256i *)(tile + R * 16), c##R##0);          \
    _mm256_storeu_si256((__m256i *)(tile + R * 16 + 8), c##R##1);
    STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)
#undef STORE
}
