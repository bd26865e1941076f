/* Checks of the fp32 sigmoid / SiLU variants (simd_f32_sigmoid.inc) against
 * ref's Sigmoid (backends/ref/op_sigmoid.c: expf(-|x|), then 1 / (1 + e) or
 * e / (1 + e); its formula is repeated here, that file's kernel being
 * static) and SiLU as ref runs it (Sigmoid, then Mul by x). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simd/simd_kernel_checks.h"

static float ref_sigmoid(float x)
{
    float e = expf(-fabsf(x));
    return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

/* got agrees with want: both NaN, or equal (infinities, zeros), or within
 * EB_SIMD_SIGMOID_RTOL of |want| (and 2 units of the last subnormal place,
 * for the subnormal results of x < -87.3, times |x| for SiLU's product). */
static int agree(float got, float want, float x)
{
    if (isnan(want) || isnan(got))
        return isnan(want) && isnan(got);
    if (got == want)
        return 1;
    double d = fabs((double)got - (double)want);
    return d <= EB_SIMD_SIGMOID_RTOL * fabs((double)want) + 2.0 * 1.401298464e-45 * fmax(1.0, fabs((double)x));
}

static uint32_t sig_rng;

static float sig_rnd(float lo, float hi)
{
    sig_rng = sig_rng * 1664525u + 1013904223u;
    return lo + (hi - lo) * (float)((sig_rng >> 8) * (1.0 / 16777216.0));
}

int eb_simd_check_f32_sigmoid(const eb_simd_f32_sigmoid_variant *v, double *max_rel,
                              double *max_abs, char *msg, size_t len)
{
    static const float edges[] = {0.0f,     -0.0f,    1e-40f,   -1e-40f,  FLT_MIN, -FLT_MIN,
                                  1e-8f,    -1e-8f,   0.5f,     -0.5f,    1.0f,    -1.0f,
                                  15.9f,    -15.9f,   16.7f,    -16.7f,   87.3f,   -87.3f,
                                  88.8f,    -88.8f,   95.0f,    -95.0f,   103.2f,  -103.2f,
                                  103.97f,  -103.97f, 104.0f,   -104.0f,  105.0f,  -105.0f,
                                  200.0f,   -200.0f,  1e30f,    -1e30f,   FLT_MAX, -FLT_MAX,
                                  INFINITY, -INFINITY, NAN,     -NAN};
    enum { N = 4099 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        snprintf(msg, len, "out of memory");
        return 1;
    }
    const int ne = (int)(sizeof edges / sizeof edges[0]);
    sig_rng = 12345u;
    for (int i = 0; i < N; i++) {
        if (i < ne)
            x[i] = edges[i];
        else if (i < 2200) /* a sweep over the whole interesting range */
            x[i] = -110.0f + 220.0f * (float)(i - ne) / (float)(2200 - ne);
        else
            x[i] = sig_rnd(-20.0f, 20.0f);
    }
    *max_rel = *max_abs = 0.0;
    int bad = 0;
    /* lengths that are not multiples of any vector width, offsets that are
     * not aligned; in place once */
    static const int lens[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, N - 5, N};
    for (int silu = 0; silu <= 1 && !bad; silu++)
        for (int li = 0; li < (int)(sizeof lens / sizeof lens[0]) && !bad; li++) {
            int n = lens[li], off = n == N ? 0 : li % 5;
            int inplace = li == 8;
            float *out = inplace ? x + off : y + off;
            float keep[N];
            memcpy(keep, x, sizeof keep);
            for (int i = 0; i < N; i++)
                y[i] = 7.0f;
            v->fn(n, x + off, out, silu);
            for (int i = 0; i < n && !bad; i++) {
                float xi = keep[off + i];
                float want = silu ? xi * ref_sigmoid(xi) : ref_sigmoid(xi);
                float got = out[i];
                if (!agree(got, want, silu ? xi : 1.0f)) {
                    snprintf(msg, len, "%s%s: x = %.9g: got %.9g, ref %.9g (n %d, offset %d)",
                             v->name, silu ? " (silu)" : "", (double)xi, (double)got,
                             (double)want, n, off);
                    bad = 1;
                }
                if (!isnan(want) && !isinf(want)) {
                    double d = fabs((double)got - (double)want);
                    if (d > *max_abs)
                        *max_abs = d;
                    if (fabs((double)want) >= 1e-30 && d / fabs((double)want) > *max_rel)
                        *max_rel = d / fabs((double)want);
                }
            }
            if (!bad && !inplace && n < N && y[off + n] != 7.0f) {
                snprintf(msg, len, "%s: wrote past the end (n %d)", v->name, n);
                bad = 1;
            }
            if (inplace)
                memcpy(x, keep, sizeof keep);
        }
    free(x);
    free(y);
    return bad;
}
