/* fp32 GEMM micro-kernel, NEON, 8 x 8 tile: 16 accumulators, A and B as two
 * vectors each, FMA by lane (simd_kernels.h). */
#include <arm_neon.h>

#include "backends/simd/simd_gemm_store.h"
#include "backends/simd/simd_kernels.h"

#define ROW(R, AV, L)                                             \
    do {                                                          \
        acc[R][0] = vfmaq_laneq_f32(acc[R][0], b0, AV, L);        \
        acc[R][1] = vfmaq_laneq_f32(acc[R][1], b1, AV, L);        \
    } while (0)

void eb_f32_gemm_8x8__neon(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                            int64_t ldc,
                           int mr, int nr, const float *bias, float lo, float hi)
{
    float32x4_t acc[8][2];
    for (int r = 0; r < 8; r++)
        acc[r][0] = acc[r][1] = vdupq_n_f32(bias ? bias[r] : 0.0f);
    for (int64_t p = 0; p < k; p++, a += 8, b += ldb) {
        const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4);
        const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
        ROW(0, a0, 0);
        ROW(1, a0, 1);
        ROW(2, a0, 2);
        ROW(3, a0, 3);
        ROW(4, a1, 0);
        ROW(5, a1, 1);
        ROW(6, a1, 2);
        ROW(7, a1, 3);
    }
    float tile[8 * 8];
    for (int r = 0; r < 8; r++) {
        vst1q_f32(tile + r * 8, acc[r][0]);
        vst1q_f32(tile + r * 8 + 4, acc[r][1]);
    }
    eb_simd_store_tile_f32(tile, 8, c, ldc, mr, nr, lo, hi);
}
