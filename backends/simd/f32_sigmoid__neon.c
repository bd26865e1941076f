/* fp32 sigmoid / SiLU, NEON (aarch64), 4 floats per vector
 * (simd_f32_sigmoid.inc; the algorithm in simd_sigmoid_common.h). The
 * tail goes through a small buffer. */
#include <arm_neon.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_sigmoid_common.h"

static inline float32x4_t sigmoid4(float32x4_t x, int silu)
{
    float32x4_t z = vnegq_f32(vabsq_f32(x));
    /* vmaxnmq: a NaN lane gives ZMIN, fixed below */
    z = vmaxnmq_f32(z, vdupq_n_f32(EB_SIG_ZMIN));
    float32x4_t n = vrndnq_f32(vmulq_n_f32(z, EB_SIG_LOG2E));
    float32x4_t r = vfmsq_f32(z, n, vdupq_n_f32(EB_SIG_LN2_HI));
    r = vfmsq_f32(r, n, vdupq_n_f32(EB_SIG_LN2_LO));
    float32x4_t p = vfmaq_f32(vdupq_n_f32(EB_SIG_C6), vdupq_n_f32(EB_SIG_C7), r);
    p = vfmaq_f32(vdupq_n_f32(EB_SIG_C5), p, r);
    p = vfmaq_f32(vdupq_n_f32(EB_SIG_C4), p, r);
    p = vfmaq_f32(vdupq_n_f32(EB_SIG_C3), p, r);
    p = vfmaq_f32(vdupq_n_f32(EB_SIG_C2), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    int32x4_t ni = vcvtq_s32_f32(n);
    float32x4_t s = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(ni, vdupq_n_s32(127 + 64)), 23));
    float32x4_t e = vmulq_n_f32(vmulq_f32(p, s), EB_SIG_TWO_M64);
    float32x4_t one = vdupq_n_f32(1.0f);
    uint32x4_t pos = vcgeq_f32(x, vdupq_n_f32(0.0f));
    float32x4_t y = vdivq_f32(vbslq_f32(pos, one, e), vaddq_f32(one, e));
    uint32x4_t num = vceqq_f32(x, x); /* false on NaN */
    y = vbslq_f32(num, y, x);
    return silu ? vmulq_f32(x, y) : y;
}

void eb_f32_sigmoid__neon(int64_t n, const float *x, float *y, int silu)
{
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1q_f32(y + i, sigmoid4(vld1q_f32(x + i), silu));
    if (i < n) {
        float buf[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        memcpy(buf, x + i, (size_t)(n - i) * sizeof(float));
        vst1q_f32(buf, sigmoid4(vld1q_f32(buf), silu));
        memcpy(y + i, buf, (size_t)(n - i) * sizeof(float));
    }
}
