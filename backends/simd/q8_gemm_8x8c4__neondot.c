/* int8 GEMM micro-kernel, Armv8.2 dot product, 8 x 8 tile: SDOT multiplies
 * four signed activation bytes by four signed weight bytes per int32 lane.
 * Activations are offset to int8 by the packing (simd_kernels.h), and the
 * offset is corrected in the epilogue, so the result is exact. */
#include <arm_neon.h>

#include "backends/simd/simd_kernels.h"

#define ROW(R, AV, L)                                             \
    do {                                                          \
        acc[R][0] = vdotq_laneq_s32(acc[R][0], b0, AV, L);        \
        acc[R][1] = vdotq_laneq_s32(acc[R][1], b1, AV, L);        \
    } while (0)

void eb_q8_gemm_8x8c4__neondot(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const int8_t *pa = a, *pb = b;
    int32x4_t acc[8][2];
    for (int r = 0; r < 8; r++)
        acc[r][0] = acc[r][1] = vdupq_n_s32(0);
    for (int64_t q = 0; q < kq; q++, pa += 8 * 4, pb += 8 * 4) {
        const int8x16_t b0 = vld1q_s8(pb), b1 = vld1q_s8(pb + 16);
        const int8x16_t a0 = vld1q_s8(pa), a1 = vld1q_s8(pa + 16);
        ROW(0, a0, 0);
        ROW(1, a0, 1);
        ROW(2, a0, 2);
        ROW(3, a0, 3);
        ROW(4, a1, 0);
        ROW(5, a1, 1);
        ROW(6, a1, 2);
        ROW(7, a1, 3);
    }
    for (int r = 0; r < 8; r++) {
        vst1q_s32(tile + r * 8, acc[r][0]);
        vst1q_s32(tile + r * 8 + 4, acc[r][1]);
    }
}
