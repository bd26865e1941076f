/* Conv: N-d convolution, float32, with groups, strides, dilations, pads and
 * auto_pad (geometry from eb_window_resolve) and an optional bias.
 *
 * Three paths, chosen at prepare:
 *  - 1x1, stride 1, no padding: the input planes already are the column
 *    matrix, so each group is one GEMM  Y[Mg x HW] = W[Mg x Cg] * X[Cg x HW];
 *  - 2-D depthwise (one input channel per group): a direct loop, because as a
 *    GEMM it would be C products of a single row, all packing overhead;
 *  - everything else: im2col into scratch, then one GEMM per group.
 * The bias is written into Y first and the GEMM accumulates onto it. */
#include <stdlib.h>

#include "backends/ref/gemm_f32.h"
#include "backends/ref/im2col_f32.h"
#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"
#include "edgebench/window.h"

enum { PATH_IM2COL, PATH_POINTWISE, PATH_DEPTHWISE };

typedef struct conv_plan {
    eb_window w;
    int path;
    int64_t batch, c_in, c_out, group;
    int64_t cg, mg;                /* input / output channels per group */
    int64_t in_plane, out_plane;   /* elements of one spatial plane */
    int64_t kernel_n;              /* taps per channel: prod(kernel) */
    size_t col_floats;             /* im2col matrix in scratch (PATH_IM2COL) */
} conv_plan;

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!eb_ref_input_f32(g, n, 0, why, len) || !eb_ref_input_f32(g, n, 1, why, len))
        return 0;
    const eb_tensor *x = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 1);
    const eb_tensor *b = eb_node_input(g, n, 2);
    if (b && !eb_ref_input_f32(g, n, 2, why, len))
        return 0;
    eb_window win;
    char msg[256];
    if (eb_window_resolve(g, n, x, w, &win, msg, sizeof msg) != EB_OK) {
        snprintf(why, len, "%s", msg);
        return 0;
    }
    int64_t group = eb_node_attr_int(n, "group", 1);
    if (group < 1 || x->dims[1] % group || w->dims[0] % group ||
        w->dims[1] * group != x->dims[1]) {
        snprintf(why, len, "group %lld does not fit %lld input / %lld output channels",
                 (long long)group, (long long)x->dims[1], (long long)w->dims[0]);
        return 0;
    }
    if (b && b->numel != w->dims[0]) {
        snprintf(why, len, "bias must have %lld values", (long long)w->dims[0]);
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static size_t align_floats(size_t n) { return (n + 15) & ~(size_t)15; }

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 1);
    conv_plan *p = calloc(1, sizeof *p);
    if (!p) {
        EB_REF_FAIL(msg, len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    eb_status st = eb_window_resolve(g, n, x, w, &p->w, msg, len);
    if (st != EB_OK) {
        free(p);
        return st;
    }
    p->batch = x->dims[0];
    p->c_in = x->dims[1];
    p->c_out = w->dims[0];
    p->group = eb_node_attr_int(n, "group", 1);
    p->cg = p->c_in / p->group;
    p->mg = p->c_out / p->group;
    p->in_plane = p->out_plane = p->kernel_n = 1;
    int unit = 1;
    for (int i = 0; i < p->w.n_spatial; i++) {
        p->in_plane *= p->w.in[i];
        p->out_plane *= p->w.out[i];
        p->kernel_n *= p->w.kernel[i];
        unit &= p->w.kernel[i] == 1 && p->w.stride[i] == 1 && p->w.pad_begin[i] == 0 &&
                p->w.pad_end[i] == 0;
    }
    int64_t k = p->cg * p->kernel_n;
    if (p->cg == 1 && p->group > 1 && p->w.n_spatial == 2)
        p->path = PATH_DEPTHWISE;
    else if (unit)
        p->path = PATH_POINTWISE;
    else
        p->path = PATH_IM2COL;
    p->col_floats = p->path == PATH_IM2COL ? align_floats((size_t)(k * p->out_plane)) : 0;
    *scratch = p->path == PATH_DEPTHWISE
                   ? 0
                   : p->col_floats * sizeof(float) +
                         eb_ref_gemm_f32_scratch_bytes(p->mg, p->out_plane, k);
    *state = p;
    return EB_OK;
}

/* One output plane of a 2-D depthwise convolution, a row at a time so the
 * row being accumulated stays in L1 across the kernel taps. */
static void depthwise_plane(const eb_window *w, const float *x, const float *k, float bias,
                            float *y)
{
    const int64_t ih_n = w->in[0], iw_n = w->in[1], oh_n = w->out[0], ow_n = w->out[1];
    const int64_t kh_n = w->kernel[0], kw_n = w->kernel[1];
    const int64_t sh = w->stride[0], sw = w->stride[1];
    for (int64_t oh = 0; oh < oh_n; oh++) {
        float *row = y + oh * ow_n;
        for (int64_t ow = 0; ow < ow_n; ow++)
            row[ow] = bias;
        for (int64_t kh = 0; kh < kh_n; kh++) {
            int64_t ih = oh * sh - w->pad_begin[0] + kh * w->dilation[0];
            if (ih < 0 || ih >= ih_n)
                continue;
            const float *src = x + ih * iw_n;
            for (int64_t kw = 0; kw < kw_n; kw++) {
                const float wv = k[kh * kw_n + kw];
                const int64_t off = kw * w->dilation[1] - w->pad_begin[1];
                int64_t lo, hi;
                eb_window_valid_range(off, sw, iw_n, ow_n, &lo, &hi);
                if (sw == 1) {
                    const float *s = src + off;
                    for (int64_t ow = lo; ow < hi; ow++)
                        row[ow] += wv * s[ow];
                } else {
                    for (int64_t ow = lo; ow < hi; ow++)
                        row[ow] += wv * src[ow * sw + off];
                }
            }
        }
    }
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const conv_plan *p = x->state;
    const float *in = x->in[0]->data, *wt = x->in[1]->data;
    const float *bias = x->node->n_inputs > 2 && x->in[2] ? x->in[2]->data : NULL;
    float *out = x->out[0]->data;
    if (p->path == PATH_DEPTHWISE) {
        const int64_t mult = p->mg;
        for (int64_t b = 0; b < p->batch; b++)
            for (int64_t m = 0; m < p->c_out; m++)
                depthwise_plane(&p->w, in + (b * p->c_in + m / mult) * p->in_plane,
                                wt + m * p->kernel_n, bias ? bias[m] : 0.0f,
                                out + (b * p->c_out + m) * p->out_plane);
        return EB_OK;
    }
    float *col = x->scratch;
    /* no scratch for an empty conv (a zero dimension): NULL + 0 is UB */
    float *pack = col ? col + p->col_floats : NULL;
    const int64_t k = p->cg * p->kernel_n;
    for (int64_t b = 0; b < p->batch; b++) {
        for (int64_t g = 0; g < p->group; g++) {
            const float *xg = in + (b * p->c_in + g * p->cg) * p->in_plane;
            float *yg = out + (b * p->c_out + g * p->mg) * p->out_plane;
            const float *src = xg;
            if (p->path == PATH_IM2COL) {
                eb_ref_im2col_f32(&p->w, p->cg, xg, col);
                src = col;
            }
            float beta = 0.0f;
            if (bias) {
                for (int64_t m = 0; m < p->mg; m++)
                    for (int64_t j = 0; j < p->out_plane; j++)
                        yg[m * p->out_plane + j] = bias[g * p->mg + m];
                beta = 1.0f;
            }
            eb_ref_gemm_f32(0, 0, p->mg, p->out_plane, k, 1.0f, wt + g * p->mg * k, k, src,
                            p->out_plane, beta, yg, p->out_plane, pack);
        }
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_conv = {
    .op_type = "Conv", .check = check, .prepare = prepare, .run = run, .release = free};
