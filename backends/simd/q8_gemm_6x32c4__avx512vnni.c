/* int8 GEMM micro-kernel, AVX-512 VNNI, 6 x 32 tile: vpdpbusd multiplies
 * unsigned activation bytes by signed weight bytes, four per int32 lane,
 * and accumulates without saturation (the non-"s" form), so it is exact. */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"

void eb_q8_gemm_6x32c4__avx512vnni(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const int8_t *pa = a;
    const uint8_t *pb = b;
#define INIT(R) __m512i c##R##0 = _mm512_setzero_si512(), c##R##1 = c##R##0;
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5)
#undef INIT
    for (int64_t q = 0; q < kq; q++, pa += 6 * 4, pb += 32 * 4) {
        const __m512i b0 = _mm512_loadu_si512(pb);
        const __m512i b1 = _mm512_loadu_si512(pb + 64);
        int32_t quad;
        __m512i av;
#define STEP(R)                                               \
    memcpy(&quad, pa + R * 4, sizeof quad);                   \
    av = _mm512_set1_epi32(quad);                             \
    c##R##0 = _mm512_dpbusd_epi32(c##R##0, b0, av);           \
    c##R##1 = _mm512_dpbusd_epi32(c##R##1, b1, av);
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
#undef STEP
    }
#define STORE(R)                                        \
    _mm512_storeu_si512(tile + R * 32, c##R##0);        \
    _mm512_storeu_si512(tile + R * 32 + 16, c##R##1);
    STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)
#undef STORE
}
