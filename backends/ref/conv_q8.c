/* eb_ref_conv_q8: quantised convolution as im2col + integer row updates.
 *
 * Per image and group, the centred input (x - x_zp, with the padding as 0)
 * is laid out as a [C/group * kernel][output positions] int16 matrix; each
 * output channel then accumulates weight * row into an int32 row of
 * accumulators. Every product and sum is exact integer arithmetic, so the
 * order is free: the result is the definition's (tests/test_ref_quant.c
 * checks it against a direct loop nest). 1-D and 2-D convolutions run as
 * 3-D ones with leading spatial dims of size 1. */
#include <assert.h>

#include "backends/ref/ref_q8.h"

/* Window geometry padded to three spatial dims (the real ones at the end). */
typedef struct geom3 {
    int64_t in[3], out[3], k[3], stride[3], dil[3], pad[3];
    int64_t in_plane, out_plane, ksize;
} geom3;

static void to_geom3(const eb_window *w, geom3 *g)
{
    int lead = 3 - w->n_spatial;
    for (int d = 0; d < 3; d++) {
        int s = d - lead;
        g->in[d] = s < 0 ? 1 : w->in[s];
        g->out[d] = s < 0 ? 1 : w->out[s];
        g->k[d] = s < 0 ? 1 : w->kernel[s];
        g->stride[d] = s < 0 ? 1 : w->stride[s];
        g->dil[d] = s < 0 ? 1 : w->dilation[s];
        g->pad[d] = s < 0 ? 0 : w->pad_begin[s];
    }
    g->in_plane = g->in[0] * g->in[1] * g->in[2];
    g->out_plane = g->out[0] * g->out[1] * g->out[2];
    g->ksize = g->k[0] * g->k[1] * g->k[2];
}

static size_t col_bytes(const eb_ref_conv_q8_params *p, const geom3 *g)
{
    size_t b = (size_t)(p->in_channels / p->group * g->ksize * g->out_plane) * sizeof(int16_t);
    return (b + 15) & ~(size_t)15;
}

size_t eb_ref_conv_q8_scratch_bytes(const eb_ref_conv_q8_params *p)
{
    geom3 g;
    to_geom3(&p->win, &g);
    return col_bytes(p, &g) + (size_t)g.out_plane * sizeof(uint32_t);
}

/* Rows (c, k0, k1, k2) x columns (o0, o1, o2) of centred input for channels
 * [c0, c0 + cg) of one image. */
static void im2col(const eb_ref_conv_q8_params *p, const geom3 *g, const void *x, int64_t c0,
                   int64_t cg, int16_t *col)
{
    int16_t *dst = col;
    for (int64_t c = 0; c < cg; c++) {
        const int64_t xc = (c0 + c) * g->in_plane;
        for (int64_t k0 = 0; k0 < g->k[0]; k0++)
            for (int64_t k1 = 0; k1 < g->k[1]; k1++)
                for (int64_t k2 = 0; k2 < g->k[2]; k2++)
                    for (int64_t o0 = 0; o0 < g->out[0]; o0++) {
                        int64_t i0 = o0 * g->stride[0] - g->pad[0] + k0 * g->dil[0];
                        for (int64_t o1 = 0; o1 < g->out[1]; o1++) {
                            int64_t i1 = o1 * g->stride[1] - g->pad[1] + k1 * g->dil[1];
                            int row_in = i0 >= 0 && i0 < g->in[0] && i1 >= 0 && i1 < g->in[1];
                            for (int64_t o2 = 0; o2 < g->out[2]; o2++) {
                                int64_t i2 = o2 * g->stride[2] - g->pad[2] + k2 * g->dil[2];
                                int16_t v = 0; /* padding holds x_zp, i.e. real 0 */
                                if (row_in && i2 >= 0 && i2 < g->in[2]) {
                                    int64_t xi = xc + (i0 * g->in[1] + i1) * g->in[2] + i2;
                                    v = (int16_t)(eb_ref_q8_get(x, p->x_dtype, xi) - p->x_zp);
                                }
                                *dst++ = v;
                            }
                        }
                    }
    }
}

/* acc[o] += w * cr[o] for o < n, wrapping. In runs of 16 of a constant
 * count, which the compiler vectorises at -O2 (its cheapest cost model
 * takes no loop that needs a remainder): as one loop of n it stayed
 * scalar, an imul and an add to memory per element, 79 % of ref's time on
 * MobileNet-v2 int8, and that model took 1.7x its float path's time once
 * ref ran its weights' convolutions as integer groups (ref_fold.h). */
static void row_update(uint32_t *acc, int32_t w, const int16_t *cr, int64_t n)
{
    int64_t o = 0;
    for (; o + 16 <= n; o += 16)
        for (int j = 0; j < 16; j++)
            acc[o + j] += (uint32_t)(w * cr[o + j]);
    for (; o < n; o++)
        acc[o] += (uint32_t)(w * cr[o]);
}

void eb_ref_conv_q8(const eb_ref_conv_q8_params *p, const void *x, void *y, void *scratch)
{
    assert(p->win.n_spatial >= 1 && p->win.n_spatial <= 3);
    assert(p->group >= 1 && p->in_channels % p->group == 0 && p->out_channels % p->group == 0);
    geom3 g;
    to_geom3(&p->win, &g);
    const int64_t cg = p->in_channels / p->group, mg = p->out_channels / p->group;
    const int64_t rows = cg * g.ksize, plane = g.out_plane;
    int16_t *col = scratch;
    /* uint32: int32 accumulation that wraps instead of being undefined, like
     * a SIMD add (requant_s32.h) */
    uint32_t *acc = (uint32_t *)((char *)scratch + col_bytes(p, &g));
    for (int64_t n = 0; n < p->batch; n++)
        for (int64_t grp = 0; grp < p->group; grp++) {
            im2col(p, &g, x, n * p->in_channels + grp * cg, cg, col);
            for (int64_t m = grp * mg; m < (grp + 1) * mg; m++) {
                const int16_t *wm = p->w + m * rows;
                const uint32_t bias = p->bias ? (uint32_t)p->bias[m] : 0u;
                for (int64_t o = 0; o < plane; o++)
                    acc[o] = bias;
                for (int64_t r = 0; r < rows; r++)
                    row_update(acc, wm[r], col + r * plane, plane);
                const int64_t y0 = (n * p->out_channels + m) * plane;
                for (int64_t o = 0; o < plane; o++)
                    eb_ref_q8_put(y, p->y_dtype, y0 + o,
                                  eb_ref_requant_s32((int32_t)acc[o], p->mult[m], p->y_zp,
                                                     p->y_min, p->y_max));
            }
        }
}
