/* int8 GEMM micro-kernel, AVX-512 VNNI, 6 x 32 tile: vpdpbusd multiplies
 * unsigned activation bytes by signed weight bytes, four per int32 lane,
 * and accumulates without saturation (the non-"s" form), so it is exact.
 * Two entry points share the loop: the int32 tile, and `_rq`, which
 * requantises the twelve accumulators in registers and stores bytes
 * (simd_q8_store.h): without it the driver wrote the int32 tile and read
 * it back in a separate requantising pass. */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"
#include "backends/simd/simd_vnni.h"

#define INIT(R) __m512i c##R##0 = _mm512_setzero_si512(), c##R##1 = c##R##0;
#define STEP(R)                                               \
    memcpy(&quad, pa + R * 4, sizeof quad);                   \
    av = _mm512_set1_epi32(quad);                             \
    c##R##0 = eb_simd_dpbusd(c##R##0, b0, av);                \
    c##R##1 = eb_simd_dpbusd(c##R##1, b1, av);
#define LOOP                                                           \
    const int8_t *pa = a;                                              \
    const uint8_t *pb = b;                                             \
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5)                    \
    for (int64_t q = 0; q < kq; q++, pa += 6 * 4, pb += 32 * 4) {      \
        const __m512i b0 = _mm512_loadu_si512(pb);                     \
        const __m512i b1 = _mm512_loadu_si512(pb + 64);                \
        int32_t quad;                                                  \
        __m512i av;                                                    \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)                \
    }

void eb_q8_gemm_6x32c4__avx512vnni(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    LOOP
#define STORE(R)                                        \
    _mm512_storeu_si512(tile + R * 32, c##R##0);        \
    _mm512_storeu_si512(tile + R * 32 + 16, c##R##1);
    STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)
#undef STORE
}

void eb_q8_gemm_6x32c4__avx512vnni_rq(int64_t kq, const void *a, const void *b,
                                      const int32_t *add, const float *mult,
                                      const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy, int mr,
                                      int nr)
{
    LOOP
    const eb_simd_q8_rq_avx512 r = eb_simd_q8_rq_avx512_make(p);
    const __mmask32 cols = (__mmask32)((1ull << nr) - 1);
    eb_simd_q8_store_2rows_avx512(c00, c01, c10, c11, add, mult, 0, &r, y, ldy, mr, cols);
    eb_simd_q8_store_2rows_avx512(c20, c21, c30, c31, add, mult, 2, &r, y, ldy, mr, cols);
    eb_simd_q8_store_2rows_avx512(c40, c41, c50, c51, add, mult, 4, &r, y, ldy, mr, cols);
}
