/* fp32 sigmoid / SiLU, portable C (simd_f32_sigmoid.inc): the algorithm of
 * simd_sigmoid_common.h written so the compiler can vectorise it for the
 * baseline ISA (rounding by the 1.5 * 2^23 trick, 2^n built from bits). */
#include <stdint.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_sigmoid_common.h"

static inline float sigmoid1(float x)
{
    float z = x < 0.0f ? x : -x; /* -|x|, NaN stays NaN */
    z = z > EB_SIG_ZMIN ? z : EB_SIG_ZMIN; /* NaN -> ZMIN, fixed below */
    const float magic = 12582912.0f; /* 1.5 * 2^23 */
    float t = z * EB_SIG_LOG2E + magic;
    float n = t - magic;
    float r = z - n * EB_SIG_LN2_HI;
    r = r - n * EB_SIG_LN2_LO;
    float p = EB_SIG_C7;
    p = p * r + EB_SIG_C6;
    p = p * r + EB_SIG_C5;
    p = p * r + EB_SIG_C4;
    p = p * r + EB_SIG_C3;
    p = p * r + EB_SIG_C2;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    uint32_t tb;
    memcpy(&tb, &t, 4);
    /* t's low bits hold n (two's complement around the magic's 0x4B400000) */
    uint32_t sb = (tb - 0x4B400000u + 127u + 64u) << 23;
    float s;
    memcpy(&s, &sb, 4);
    float e = p * s * EB_SIG_TWO_M64;
    float y = (x >= 0.0f ? 1.0f : e) / (1.0f + e);
    return x != x ? x : y;
}

void eb_f32_sigmoid__c(int64_t n, const float *x, float *y, int silu)
{
    if (silu)
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] * sigmoid1(x[i]);
    else
        for (int64_t i = 0; i < n; i++)
            y[i] = sigmoid1(x[i]);
}
