/* int8 GEMM micro-kernel, NEON, 8 x 8 tile on int16 operands (k not
 * interleaved): widening multiply-accumulate by lane, int32 lanes wrap. */
#include <arm_neon.h>

#include "backends/simd/simd_kernels.h"

#define ROW(R, L)                                                          \
    do {                                                                   \
        acc[R][0] = vmlal_laneq_s16(acc[R][0], vget_low_s16(bv), av, L);   \
        acc[R][1] = vmlal_high_laneq_s16(acc[R][1], bv, av, L);            \
    } while (0)

void eb_q8_gemm_8x8__neon(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const int16_t *pa = a, *pb = b;
    int32x4_t acc[8][2];
    for (int r = 0; r < 8; r++)
        acc[r][0] = acc[r][1] = vdupq_n_s32(0);
    for (int64_t q = 0; q < kq; q++, pa += 8, pb += 8) {
        const int16x8_t bv = vld1q_s16(pb), av = vld1q_s16(pa);
        ROW(0, 0);
        ROW(1, 1);
        ROW(2, 2);
        ROW(3, 3);
        ROW(4, 4);
        ROW(5, 5);
        ROW(6, 6);
        ROW(7, 7);
    }
    for (int r = 0; r < 8; r++) {
        vst1q_s32(tile + r * 8, acc[r][0]);
        vst1q_s32(tile + r * 8 + 4, acc[r][1]);
    }
}
