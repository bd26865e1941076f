/* The requantisation rule (see requant_s32.h for the rule and why). */
#include <math.h>

#include "backends/ref/requant_s32.h"

float eb_ref_requant_multiplier(float sx, float sw, float sy)
{
    /* Two statements so no compiler may fuse or reorder: the product is
     * rounded to float32 before the division. */
    float prod = sx * sw;
    return prod / sy;
}

int32_t eb_ref_q_round(float v, int32_t zp, int32_t qmin, int32_t qmax)
{
    /* The bounds are small integers, exact in float32. */
    float lo = (float)(qmin - zp), hi = (float)(qmax - zp);
    if (!(v >= lo)) /* also catches NaN */
        v = lo;
    else if (v > hi)
        v = hi;
    return zp + (int32_t)rintf(v);
}

int32_t eb_ref_requant_s32(int32_t acc, float m, int32_t zp, int32_t qmin, int32_t qmax)
{
    float v = (float)acc * m;
    return eb_ref_q_round(v, zp, qmin, qmax);
}

int32_t eb_ref_quantize_f32(float x, float scale, int32_t zp, int32_t qmin, int32_t qmax)
{
    float v = x / scale;
    return eb_ref_q_round(v, zp, qmin, qmax);
}
