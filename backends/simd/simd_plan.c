/* Building and running a simd plan (see simd_plan.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_arena.h"
#include "backends/ref/ref_plan.h"
#include "backends/simd/simd_gemm.h"
#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_plan.h"

#define WHERE_LEN 112

typedef enum step_kind {
    K_CONV_F32,  /* conv / gemm / matmul through the fp32 GEMM driver */
    K_DW_F32,
    K_ADD_F32,
    K_MAXPOOL_F32,
    K_GAP_F32,
    K_GEMM_Q8,   /* QDQ conv / gemm / matmul through the int8 GEMM driver */
    K_DW_Q8,
    K_ADD_Q8,
    K_MAXPOOL_Q8, /* QDQ max-pool group (same parameters in and out) */
    K_QUANT,     /* QuantizeLinear float32 -> int8 / uint8, per tensor */
    K_SIGMOID_F32 /* Sigmoid, or x * Sigmoid(x) with the Mul folded in (silu) */
} step_kind;

/* One swapped step: its simd state, and what it replaced. */
typedef struct simd_step {
    step_kind kind;
    eb_simd_plan *plan;
    const eb_simd_vec_kernels *vec;
    eb_simd_gemm_f32 gf;
    eb_simd_gemm_q8 gq;
    eb_simd_conv_geom geom;        /* depthwise / pool plane geometry */
    int64_t planes, channels;      /* depthwise / pools: images * channels, channels */
    int64_t in_plane, out_plane;
    float *w_f32, *bias_f32;       /* depthwise fp32, owned */
    float *col;                    /* conv fp32 unfolded once per run (im2col), owned */
    int64_t col_channels;
    uint8_t *colq;                 /* int8 conv unfolded once per run, owned */
    const eb_ref_conv_q8_params *q; /* depthwise int8: the ref group's parameters */
    eb_ref_conv_q8_params qown;    /* QLinearConv: parameters made here */
    int16_t *qw;                   /* ... its centred weights, owned */
    float *qmult;                  /* ... its multipliers, owned */
    eb_ref_add_q8_params addq;
    int64_t count;                 /* element-wise */
    float lo, hi;
    /* depthwise channels-last (nhwc set): channels padded to cpad, weights
     * taps x cpad, bias / multipliers of cpad, all owned */
    int nhwc;
    int64_t cpad, batch;
    int64_t pcol;                  /* padded rows: pixels per row */
    int64_t band;                  /* output rows per band (dw_nhwc_task) */
    float *nw_f32, *nb_f32;
    int32_t *nw_q8, *nb_q8;
    float *nm_q8;
    float qscale;                  /* QuantizeLinear */
    int32_t qzp, qmin, qmax;
    eb_dtype pool_dtype;           /* K_MAXPOOL_Q8 */
    int serial;                    /* too little work to share: run on the caller */
    const eb_simd_f32_sigmoid_variant *sig; /* K_SIGMOID_F32 */
    int silu;                      /* ... the Mul by its input folded in */
} simd_step;

typedef struct saved_step {
    const eb_ref_op *op;
    void *state;
    eb_value **out;  /* exec.out before an activation was folded into it */
    simd_step *mine;
    int dropped;     /* an activation folded into its producer */
} saved_step;

struct eb_simd_plan {
    eb_plan *ref;
    eb_graph *folded;         /* shallow copy of the graph with folded constants */
    void **folded_data;       /* values computed at prepare, owned */
    int n_folded;
    eb_simd_plan_options o;
    saved_step *saved;        /* per ref step */
    char (*where)[WHERE_LEN]; /* per node */
    eb_simd_scratch scratch;
    int accelerated;
};

/* ---- run -------------------------------------------------------------- */

typedef struct plane_job {
    const simd_step *s;
    const void *x;
    void *y;
    int64_t per_task;
    int64_t total;
} plane_job;

static void dw_f32_task(void *arg, int t, int thread)
{
    (void)thread;
    const plane_job *J = arg;
    const simd_step *s = J->s;
    int64_t p1 = (t + 1) * J->per_task < J->total ? (t + 1) * J->per_task : J->total;
    for (int64_t p = t * J->per_task; p < p1; p++) {
        int64_t c = p % s->channels;
        s->vec->dwconv_f32(&s->geom, (const float *)J->x + p * s->in_plane,
                           s->w_f32 + c * s->geom.kh * s->geom.kw,
                           s->bias_f32 ? s->bias_f32[c] : 0.0f, s->lo, s->hi,
                           (float *)J->y + p * s->out_plane);
    }
}

static void dw_q8_task(void *arg, int t, int thread)
{
    const plane_job *J = arg;
    const simd_step *s = J->s;
    const eb_ref_conv_q8_params *q = s->q;
    int32_t *acc = (int32_t *)(s->plan->scratch.base + (size_t)thread * s->plan->scratch.bytes);
    int64_t p1 = (t + 1) * J->per_task < J->total ? (t + 1) * J->per_task : J->total;
    for (int64_t p = t * J->per_task; p < p1; p++) {
        int64_t c = p % s->channels;
        s->vec->dwconv_q8(&s->geom, (const uint8_t *)J->x + p * s->in_plane, q->x_dtype, q->x_zp,
                          q->w + c * s->geom.kh * s->geom.kw, q->bias ? q->bias[c] : 0,
                          q->mult[c], q->y_zp, q->y_min, q->y_max, q->y_dtype,
                          (uint8_t *)J->y + p * s->out_plane, acc);
    }
}

/* Channels-last depthwise, tasks over ranges of output rows. A task
 * copies the input rows its windows read channels-last into its thread's
 * scratch, a band of `band` output rows at a time, and runs the kernel on
 * the band while the copy is still in cache; rows that consecutive bands
 * share are moved, not copied again. (Copying the whole image first, as
 * before, spilled out of L2 on MobileNet-v2@224's 112x112 planes: the
 * kernel then read the copy back from memory.) */
typedef struct nhwc_job {
    const simd_step *s;
    const void *x;
    void *y;
    int64_t per_task; /* output rows per task */
} nhwc_job;

/* Input rows [iy, iy + n) into dst (rows of pcol pixels of cpad four-byte
 * lanes): padding rows and columns zero, pixels copied by to_nhwc. */
static void nhwc_rows(const simd_step *s, const void *x, int64_t iy, int64_t n, char *dst)
{
    const eb_simd_conv_geom *g = &s->geom;
    const size_t px = (size_t)s->cpad * 4, row = (size_t)s->pcol * px;
    for (int64_t r = 0; r < n; r++) {
        char *d = dst + (size_t)r * row;
        if (iy + r < 0 || iy + r >= g->ih) {
            memset(d, 0, row);
            continue;
        }
        memset(d, 0, (size_t)g->pw * px);
        memset(d + (size_t)(g->pw + g->iw) * px, 0, (size_t)(s->pcol - g->pw - g->iw) * px);
    }
    const int64_t a = iy > 0 ? iy : 0, e = iy + n < g->ih ? iy + n : g->ih;
    if (e <= a)
        return;
    char *corner = dst + (size_t)(a - iy) * row + (size_t)g->pw * px;
    if (s->kind == K_DW_F32)
        s->vec->to_nhwc_f32((const float *)x + a * g->iw, s->in_plane, e - a, g->iw, s->pcol,
                            s->cpad, 0, s->channels, (float *)corner);
    else
        s->vec->to_nhwc_q8((const uint8_t *)x + a * g->iw, s->q->x_dtype, s->q->x_zp,
                           s->in_plane, e - a, g->iw, s->pcol, s->cpad, 0, s->channels,
                           (int32_t *)corner);
}

static void dw_nhwc_task(void *arg, int t, int thread)
{
    const nhwc_job *J = arg;
    const simd_step *s = J->s;
    const eb_simd_conv_geom *g = &s->geom;
    const int64_t r0 = t * J->per_task;
    const int64_t r1 = r0 + J->per_task < g->oh ? r0 + J->per_task : g->oh;
    const size_t row = (size_t)(s->pcol * s->cpad) * 4;
    const int64_t span = (g->kh - 1) * g->dh + 1;
    char *buf = (char *)s->plan->scratch.base + (size_t)thread * s->plan->scratch.bytes;
    int64_t ha = 0, hb = 0; /* input rows held at the buffer's start */
    for (int64_t b0 = r0; b0 < r1; b0 += s->band) {
        const int64_t b1 = b0 + s->band < r1 ? b0 + s->band : r1;
        const int64_t a = b0 * g->sh - g->ph, e = (b1 - 1) * g->sh - g->ph + span;
        int64_t from = a;
        if (hb > ha && a >= ha && a < hb) {
            memmove(buf, buf + (size_t)(a - ha) * row, (size_t)(hb - a) * row);
            from = hb;
        }
        if (e > from)
            nhwc_rows(s, J->x, from, e - from, buf + (size_t)(from - a) * row);
        ha = a;
        hb = e;
        /* the band's rows as rows [0, b1 - b0) of a plane starting at row b0 */
        if (s->kind == K_DW_F32) {
            s->vec->dwconv_nhwc_f32(g, s->channels, s->cpad, s->pcol, (const float *)buf,
                                    s->nw_f32, s->nb_f32, s->lo, s->hi, 0, b1 - b0,
                                    (float *)J->y + b0 * g->ow);
        } else {
            const eb_ref_conv_q8_params *q = s->q;
            s->vec->dwconv_nhwc_q8(g, s->channels, s->cpad, s->pcol, (const int32_t *)buf,
                                   s->nw_q8, s->nb_q8, s->nm_q8, q->y_zp, q->y_min, q->y_max, 0,
                                   b1 - b0, (uint8_t *)J->y + b0 * g->ow);
        }
    }
}

static void maxpool_task(void *arg, int t, int thread)
{
    (void)thread;
    const plane_job *J = arg;
    const simd_step *s = J->s;
    int64_t p1 = (t + 1) * J->per_task < J->total ? (t + 1) * J->per_task : J->total;
    for (int64_t p = t * J->per_task; p < p1; p++)
        if (s->kind == K_MAXPOOL_Q8)
            s->vec->maxpool_q8(&s->geom, (const uint8_t *)J->x + p * s->in_plane, s->pool_dtype,
                               (uint8_t *)J->y + p * s->out_plane);
        else
            s->vec->maxpool_f32(&s->geom, (const float *)J->x + p * s->in_plane,
                                (float *)J->y + p * s->out_plane);
}

static void gap_task(void *arg, int t, int thread)
{
    (void)thread;
    const plane_job *J = arg;
    const simd_step *s = J->s;
    int64_t c0 = t * J->per_task, c1 = c0 + J->per_task < J->total ? c0 + J->per_task : J->total;
    s->vec->gavgpool_f32(J->x, s->in_plane, J->y, c0, c1);
}

typedef struct add_job {
    const simd_step *s;
    const void *a, *b;
    void *y;
    int64_t per_task;
} add_job;

static void add_task(void *arg, int t, int thread)
{
    (void)thread;
    const add_job *J = arg;
    const simd_step *s = J->s;
    int64_t i0 = t * J->per_task, i1 = i0 + J->per_task < s->count ? i0 + J->per_task : s->count;
    if (s->kind == K_ADD_F32)
        s->vec->add_f32(J->a, J->b, s->lo, s->hi, J->y, i0, i1);
    else if (s->kind == K_QUANT)
        s->vec->quantize_f32(J->a, s->qscale, s->qzp, s->qmin, s->qmax, J->y, i0, i1);
    else if (s->kind == K_SIGMOID_F32)
        s->sig->fn(i1 - i0, (const float *)J->a + i0, (float *)J->y + i0, s->silu);
    else
        s->vec->add_q8(&s->addq, J->a, J->b, J->y, i0, i1);
}

/* Split `total` items into about four tasks per thread. */
static int64_t per_task(const simd_step *s, int64_t total, int64_t min_items)
{
    int threads = eb_simd_pool_threads(s->plan->o.pool);
    int64_t want = threads > 1 ? (int64_t)threads * 4 : 1;
    int64_t per = (total + want - 1) / want;
    return per < min_items ? min_items : per;
}

/* Stride 1, dilation 1, rows as wide as the input's: a tap's row of the
 * column matrix is the input plane shifted by one offset, so it is one
 * contiguous copy, then the columns that fall in the padding (at most
 * |dx| per output row) and the rows that do are set to the padding value:
 * 0 for fp32, the byte of x_zp for int8. */
#define IM2COL_SHIFT(NAME, T)                                                                  \
    static void NAME(const eb_simd_conv_geom *g, int64_t channels, const T *x, T pad, T *col)  \
    {                                                                                          \
        const int64_t n = g->oh * g->ow, plane = g->ih * g->iw;                                \
        for (int64_t c = 0; c < channels; c++)                                                 \
            for (int64_t ky = 0; ky < g->kh; ky++)                                             \
                for (int64_t kx = 0; kx < g->kw; kx++, col += n) {                             \
                    const T *xc = x + c * plane;                                               \
                    const int64_t dy = ky - g->ph, dx = kx - g->pw, shift = dy * g->iw + dx;   \
                    int64_t y0 = dy < 0 ? -dy : 0;                                             \
                    int64_t y1 = g->ih - dy < g->oh ? g->ih - dy : g->oh;                      \
                    if (y1 < y0)                                                               \
                        y1 = y0;                                                               \
                    const int64_t q0 = y0 * g->ow, q1 = y1 * g->ow;                            \
                    for (int64_t q = 0; q < q0; q++)                                           \
                        col[q] = pad;                                                          \
                    for (int64_t q = q1; q < n; q++)                                           \
                        col[q] = pad;                                                          \
                    /* reads stay inside the plane: what is clipped lies in                    \
                     * the padding columns, set below */                                       \
                    const int64_t c0 = q0 + shift < 0 ? -shift : q0;                           \
                    const int64_t c1 = q1 + shift > plane ? plane - shift : q1;                \
                    for (int64_t q = q0; q < c0 && q < q1; q++)                                \
                        col[q] = pad;                                                          \
                    for (int64_t q = c0; q < c1; q++)                                          \
                        col[q] = xc[q + shift];                                                \
                    for (int64_t q = c1 > q0 ? c1 : q0; q < q1; q++)                           \
                        col[q] = pad;                                                          \
                    /* columns outer, rows inner: strided stores, which the                 \
                     * compiler does not turn into a memset call per row */                   \
                    if (dx != 0) {                                                             \
                        const int64_t lo = dx < 0 ? 0 : g->iw - dx, hi = dx < 0 ? -dx : g->iw; \
                        for (int64_t ox = lo; ox < hi && ox < g->ow; ox++)                     \
                            for (int64_t oy = y0; oy < y1; oy++)                               \
                                col[oy * g->ow + ox] = pad;                                    \
                    }                                                                          \
                }                                                                              \
    }

IM2COL_SHIFT(im2col_shift_f32, float)
IM2COL_SHIFT(im2col_shift_q8, uint8_t)

/* Whether im2col_shift_* applies. */
static int shift_im2col(const eb_simd_conv_geom *g)
{
    return g->sh == 1 && g->sw == 1 && g->dh == 1 && g->dw == 1 && g->ow == g->iw &&
           g->pw < g->iw && g->kw - 1 - g->pw < g->iw;
}

/* im2col of a 2-D int8 / uint8 convolution (one image, all channels):
 * row (c, ky, kx), column oy * ow + ox; taps in the padding get the byte
 * of x_zp, which the GEMM's packing then treats as any input value, so the
 * result is the same as packing from the input. */
static void im2col_q8(const eb_simd_conv_geom *g, int64_t channels, const uint8_t *x,
                      uint8_t pad, uint8_t *col)
{
    const int64_t n = g->oh * g->ow;
    if (shift_im2col(g)) {
        im2col_shift_q8(g, channels, x, pad, col);
        return;
    }
    for (int64_t c = 0; c < channels; c++)
        for (int64_t ky = 0; ky < g->kh; ky++)
            for (int64_t kx = 0; kx < g->kw; kx++, col += n) {
                const uint8_t *xc = x + c * g->ih * g->iw;
                for (int64_t oy = 0; oy < g->oh; oy++) {
                    uint8_t *d = col + oy * g->ow;
                    const int64_t iy = oy * g->sh - g->ph + ky * g->dh;
                    if (iy < 0 || iy >= g->ih) {
                        memset(d, pad, (size_t)g->ow);
                        continue;
                    }
                    const uint8_t *row = xc + iy * g->iw;
                    for (int64_t ox = 0; ox < g->ow; ox++) {
                        const int64_t ix = ox * g->sw - g->pw + kx * g->dw;
                        d[ox] = ix >= 0 && ix < g->iw ? row[ix] : pad;
                    }
                }
            }
}

/* im2col of a 2-D fp32 convolution (one image, all channels), the layout
 * of eb_ref_im2col_f32: row (c, ky, kx), column oy * ow + ox. The valid
 * columns of a tap are the same for every output row, so they are found
 * once per tap; rows are filled with plain loops, not memset / memcpy
 * calls, which cost more than they copy on 14-wide rows (the Fashion CNN's
 * second convolution: 2016 rows of 14). */
static void im2col_f32(const eb_simd_conv_geom *g, int64_t channels, const float *x, float *col)
{
    const int64_t n = g->oh * g->ow;
    if (shift_im2col(g)) {
        im2col_shift_f32(g, channels, x, 0.0f, col);
        return;
    }
    for (int64_t c = 0; c < channels; c++)
        for (int64_t ky = 0; ky < g->kh; ky++)
            for (int64_t kx = 0; kx < g->kw; kx++, col += n) {
                const float *xc = x + c * g->ih * g->iw;
                const int64_t off = kx * g->dw - g->pw;
                int64_t lo, hi;
                eb_window_valid_range(off, g->sw, g->iw, g->ow, &lo, &hi);
                for (int64_t oy = 0; oy < g->oh; oy++) {
                    float *d = col + oy * g->ow;
                    const int64_t iy = oy * g->sh - g->ph + ky * g->dh;
                    if (iy < 0 || iy >= g->ih || hi <= lo) {
                        for (int64_t ox = 0; ox < g->ow; ox++)
                            d[ox] = 0.0f;
                        continue;
                    }
                    const float *row = xc + iy * g->iw + off;
                    for (int64_t ox = 0; ox < lo; ox++)
                        d[ox] = 0.0f;
                    if (g->sw == 1)
                        for (int64_t ox = lo; ox < hi; ox++)
                            d[ox] = row[ox];
                    else
                        for (int64_t ox = lo; ox < hi; ox++)
                            d[ox] = row[ox * g->sw];
                    for (int64_t ox = hi; ox < g->ow; ox++)
                        d[ox] = 0.0f;
                }
            }
}

static eb_status step_run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const simd_step *s = x->state;
    eb_simd_pool *pool = s->serial ? NULL : s->plan->o.pool;
    const void *in = x->in[0]->data;
    void *out = x->out[0]->data;
    switch (s->kind) {
    case K_CONV_F32:
        if (s->col) {
            im2col_f32(&s->geom, s->col_channels, in, s->col);
            in = s->col;
        }
        eb_simd_gemm_f32_run(&s->gf, pool, &s->plan->scratch, in, out);
        break;
    case K_GEMM_Q8:
        if (s->colq) {
            im2col_q8(&s->geom, s->col_channels, in, (uint8_t)(s->gq.pad + s->gq.sub),
                      s->colq);
            in = s->colq;
        }
        eb_simd_gemm_q8_run(&s->gq, pool, &s->plan->scratch, in, out);
        break;
    case K_DW_F32:
    case K_DW_Q8:
        if (s->nhwc) {
            const size_t el = s->kind == K_DW_F32 ? sizeof(float) : 1;
            for (int64_t i = 0; i < s->batch; i++) {
                nhwc_job J = {.s = s,
                              .x = (const char *)in + (size_t)(i * s->channels * s->in_plane) * el,
                              .y = (char *)out + (size_t)(i * s->channels * s->out_plane) * el};
                /* one thread: one task, so every band after the first
                 * reuses the rows it shares with the one before */
                J.per_task = pool ? per_task(s, s->geom.oh, s->band) : s->geom.oh;
                eb_simd_pool_run(pool, (int)((s->geom.oh + J.per_task - 1) / J.per_task),
                                 dw_nhwc_task, &J);
            }
            break;
        }
        /* fall through */
    case K_MAXPOOL_F32:
    case K_MAXPOOL_Q8: {
        plane_job J = {.s = s, .x = in, .y = out, .total = s->planes};
        J.per_task = per_task(s, s->planes, 1);
        eb_simd_pool_run(pool, (int)((s->planes + J.per_task - 1) / J.per_task),
                         s->kind == K_DW_F32 ? dw_f32_task
                         : s->kind == K_DW_Q8 ? dw_q8_task
                                              : maxpool_task,
                         &J);
        break;
    }
    case K_GAP_F32: {
        plane_job J = {.s = s, .x = in, .y = out, .total = s->planes};
        J.per_task = per_task(s, s->planes, 16);
        eb_simd_pool_run(pool, (int)((s->planes + J.per_task - 1) / J.per_task), gap_task, &J);
        break;
    }
    case K_ADD_F32:
    case K_ADD_Q8:
    case K_QUANT:
    case K_SIGMOID_F32: {
        add_job J = {.s = s,
                     .a = in,
                     .b = s->kind == K_QUANT || s->kind == K_SIGMOID_F32 ? NULL : x->in[1]->data,
                     .y = out};
        J.per_task = (per_task(s, s->count, 4096) + 63) & ~(int64_t)63;
        eb_simd_pool_run(pool, (int)((s->count + J.per_task - 1) / J.per_task), add_task, &J);
        break;
    }
    }
    return EB_OK;
}

static eb_status nothing_run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)x;
    (void)msg;
    (void)len;
    return EB_OK; /* an activation folded into the step that produces its input */
}

static const eb_ref_op simd_op = {.op_type = "simd", .run = step_run};
static const eb_ref_op folded_op = {.op_type = "folded", .run = nothing_run};

/* ---- matching ----------------------------------------------------------- */

static void step_free(simd_step *s)
{
    if (!s)
        return;
    eb_simd_gemm_f32_free(&s->gf);
    eb_simd_gemm_q8_free(&s->gq);
    free(s->w_f32);
    free(s->bias_f32);
    free(s->col);
    free(s->colq);
    free(s->qw);
    free(s->qmult);
    free(s->nw_f32);
    free(s->nb_f32);
    free(s->nw_q8);
    free(s->nb_q8);
    free(s->nm_q8);
    free(s);
}

static int is_f32(const eb_tensor *t) { return t && t->dtype == EB_DT_F32 && t->rank >= 0; }

static int const_f32(const eb_tensor *t) { return is_f32(t) && t->data; }

/* 2-D window geometry of node n over x (weight w or NULL for pools). */
static int geom_2d(const eb_graph *g, const eb_node *n, const eb_tensor *x, const eb_tensor *w,
                   eb_window *win)
{
    char why[256];
    if (!x || x->rank != 4 || eb_window_resolve(g, n, x, w, win, why, sizeof why) != EB_OK)
        return 0;
    return win->n_spatial == 2;
}

static void geom_from_window(const eb_window *w, int64_t channels, eb_simd_conv_geom *gm)
{
    memset(gm, 0, sizeof *gm);
    gm->channels = channels;
    gm->ih = w->in[0];
    gm->iw = w->in[1];
    gm->oh = w->out[0];
    gm->ow = w->out[1];
    gm->kh = w->kernel[0];
    gm->kw = w->kernel[1];
    gm->sh = w->stride[0];
    gm->sw = w->stride[1];
    gm->dh = w->dilation[0];
    gm->dw = w->dilation[1];
    gm->ph = w->pad_begin[0];
    gm->pw = w->pad_begin[1];
    gm->c_stride = gm->ih * gm->iw;
    gm->p_stride = 1;
    gm->pointwise = gm->kh == 1 && gm->kw == 1 && gm->sh == 1 && gm->sw == 1 && gm->ph == 0 &&
                    gm->pw == 0 && gm->oh == gm->ih && gm->ow == gm->iw;
}

/* A GEMM operand X[rows][k] (row-major) as a 1x1 "convolution" input. */
static void geom_matrix(int64_t rows, int64_t k, eb_simd_conv_geom *gm)
{
    memset(gm, 0, sizeof *gm);
    gm->channels = k;
    gm->ih = gm->oh = 1;
    gm->iw = gm->ow = rows;
    gm->kh = gm->kw = gm->sh = gm->sw = gm->dh = gm->dw = 1;
    gm->c_stride = 1;
    gm->p_stride = k;
}

static int conv_shape(const eb_window *w, int64_t batch, int64_t c, int64_t m, int64_t group,
                      eb_simd_gemm_shape *s)
{
    memset(s, 0, sizeof *s);
    const int64_t cg = c / group, mg = m / group;
    geom_from_window(w, cg, &s->geom);
    s->batch = batch;
    s->groups = group;
    s->m = mg;
    s->k = cg * s->geom.kh * s->geom.kw;
    s->n = s->geom.oh * s->geom.ow;
    s->x_image = c * s->geom.ih * s->geom.iw;
    s->x_group = cg * s->geom.ih * s->geom.iw;
    s->y_image = m * s->n;
    s->y_group = mg * s->n;
    s->y_row = s->n;
    s->y_col = 1;
    return 1;
}

typedef struct builder {
    const eb_graph *g;
    eb_simd_plan *P;
    unsigned isa;
    const eb_simd_vec_kernels *vec;
    const eb_simd_f32_gemm_variant *f32k;
    size_t scratch; /* per thread, max over steps */
} builder;

static void need_scratch(builder *b, size_t bytes)
{
    if (bytes > b->scratch)
        b->scratch = bytes;
}

/* Per-thread bytes of a channels-last band (see dw_nhwc_task): bands of
 * as many output rows as fit, so a band and the kernel's reads of it stay
 * in L2. */
#define NHWC_BAND_BYTES ((size_t)192 << 10)

/* Depthwise steps with at least eight channels run channels-last (see
 * simd_vec_impl.h); with fewer, the lanes of a channel vector would mostly
 * idle and the planar kernel runs. The band buffers are the threads'
 * scratch. */
static int dw_nhwc_begin(builder *b, simd_step *s, int64_t batch)
{
    if (s->channels < 8)
        return 0;
    s->nhwc = 1;
    s->batch = batch;
    s->cpad = (s->channels + 7) & ~(int64_t)7;
    /* every tap of every output inside the buffer: padding on all sides */
    const eb_simd_conv_geom *g = &s->geom;
    int64_t cols = (g->ow - 1) * g->sw + (g->kw - 1) * g->dw + 1;
    s->pcol = cols > g->pw + g->iw ? cols : g->pw + g->iw;
    const size_t row = (size_t)(s->pcol * s->cpad) * 4;
    const int64_t span = (g->kh - 1) * g->dh + 1;
    s->band = 1;
    while (s->band < g->oh && (size_t)(s->band * g->sh + span) * row <= NHWC_BAND_BYTES)
        s->band++;
    need_scratch(b, (size_t)((s->band - 1) * g->sh + span) * row + 64);
    return 1;
}

static simd_step *conv_f32(builder *b, const eb_node *n, char *where)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 1);
    const eb_tensor *bias = eb_node_input(g, n, 2);
    eb_window win;
    if (!is_f32(x) || !const_f32(w) || (bias && !const_f32(bias)) || !geom_2d(g, n, x, w, &win))
        return NULL;
    int64_t group = eb_node_attr_int(n, "group", 1), c = x->dims[1], m = w->dims[0];
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->vec = b->vec;
    s->lo = -INFINITY;
    s->hi = INFINITY;
    if (group == c && group == m && w->dims[1] == 1) {
        s->kind = K_DW_F32;
        geom_from_window(&win, 1, &s->geom);
        s->channels = c;
        s->planes = x->dims[0] * c;
        s->in_plane = s->geom.ih * s->geom.iw;
        s->out_plane = s->geom.oh * s->geom.ow;
        size_t taps = (size_t)(s->geom.kh * s->geom.kw);
        s->w_f32 = malloc((size_t)c * taps * sizeof(float) + 1);
        s->bias_f32 = bias ? malloc((size_t)c * sizeof(float) + 1) : NULL;
        if (!s->w_f32 || (bias && !s->bias_f32)) {
            step_free(s);
            return NULL;
        }
        memcpy(s->w_f32, w->data, (size_t)c * taps * sizeof(float));
        if (bias)
            memcpy(s->bias_f32, bias->data, (size_t)c * sizeof(float));
        const char *layout = "";
        if (dw_nhwc_begin(b, s, x->dims[0])) {
            s->nw_f32 = calloc((size_t)(taps * s->cpad) + 8, sizeof(float));
            s->nb_f32 = calloc((size_t)s->cpad + 8, sizeof(float));
            if (!s->nw_f32 || !s->nb_f32) {
                step_free(s);
                return NULL;
            }
            for (int64_t ch = 0; ch < c; ch++) {
                for (size_t t = 0; t < taps; t++)
                    s->nw_f32[t * s->cpad + ch] = s->w_f32[ch * taps + t];
                s->nb_f32[ch] = s->bias_f32 ? s->bias_f32[ch] : 0.0f;
            }
            layout = ", channels-last";
        }
        snprintf(where, WHERE_LEN, "simd f32_dwconv2d__%s: depthwise %lldx%lld/%lld%s",
                 b->vec->name, (long long)s->geom.kh, (long long)s->geom.kw,
                 (long long)s->geom.sh, layout);
        return s;
    }
    eb_simd_gemm_shape sh;
    conv_shape(&win, x->dims[0], c, m, group, &sh);
    s->kind = K_CONV_F32;
    /* A small single-image convolution (the stem of a CNN: 3 channels, a
     * large output) is unfolded once per run with ref's im2col, then runs
     * as a 1x1 product over the column matrix: packing its panels from the
     * input element by element costs more than the product. */
    const char *how = group > 1 ? "grouped conv as GEMM" : "conv as GEMM, packed from the input";
    if (!sh.geom.pointwise && group == 1 && sh.batch == 1 &&
        (size_t)(sh.k * sh.n) * sizeof(float) <= ((size_t)8 << 20) && (sh.k <= 64 || (size_t)(sh.k * sh.n) * sizeof(float) <= ((size_t)256 << 10))) {
        s->col = malloc((size_t)(sh.k * sh.n) * sizeof(float) + 64);
        if (!s->col) {
            step_free(s);
            return NULL;
        }
        s->geom = sh.geom; /* the window, for im2col_f32 */
        s->col_channels = c;
        sh.geom.channels = sh.k;
        sh.geom.kh = sh.geom.kw = sh.geom.sh = sh.geom.sw = sh.geom.dh = sh.geom.dw = 1;
        sh.geom.ph = sh.geom.pw = 0;
        sh.geom.ih = sh.geom.oh;
        sh.geom.iw = sh.geom.ow;
        sh.geom.c_stride = sh.n;
        sh.geom.pointwise = 1;
        how = "conv as GEMM over its im2col matrix";
    }
    if (eb_simd_gemm_f32_init(&s->gf, b->f32k, b->vec, &sh, w->data, sh.k, 1,
                              bias ? bias->data : NULL, -INFINITY, INFINITY) != 0) {
        step_free(s);
        return NULL;
    }
    need_scratch(b, eb_simd_gemm_f32_scratch(&s->gf));
    snprintf(where, WHERE_LEN, "simd %s: %s", s->gf.name,
             s->col ? how : sh.geom.pointwise ? "1x1 conv as GEMM" : how);
    return s;
}

/* Gemm (transA 0, alpha 1, beta 1 or no C, C of N values) or MatMul with a
 * constant 2-D B, fp32. */
static simd_step *fc_f32(builder *b, const eb_node *n, char *where)
{
    const eb_graph *g = b->g;
    const eb_tensor *a = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 1);
    const eb_tensor *c = eb_node_input(g, n, 2);
    int gemm = strcmp(n->op_type, "Gemm") == 0;
    if (!is_f32(a) || !const_f32(w) || w->rank != 2 || a->rank < 1)
        return NULL;
    int tb = gemm && eb_node_attr_int(n, "transB", 0) != 0;
    if (gemm && (eb_node_attr_int(n, "transA", 0) != 0 || eb_node_attr_float(n, "alpha", 1.0f) != 1.0f ||
                 (c && eb_node_attr_float(n, "beta", 1.0f) != 1.0f) || a->rank != 2))
        return NULL;
    int64_t k = tb ? w->dims[1] : w->dims[0], nn = tb ? w->dims[0] : w->dims[1];
    if (a->dims[a->rank - 1] != k)
        return NULL;
    /* C broadcast along the rows only: [N] or [1, N] */
    if (c && (!const_f32(c) || c->numel != nn || c->rank < 1 || c->rank > 2 ||
              c->dims[c->rank - 1] != nn))
        return NULL;
    int64_t rows = a->numel / k;
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    /* one row of A (batch 1): the product has one column, whose nn
     * values are contiguous in Y, so it is stored as a column (y_col 1)
     * and runs on the matrix-vector variant (eb_simd_f32_gemm_for) */
    eb_simd_gemm_shape sh = {.batch = 1, .groups = 1, .m = nn, .k = k, .n = rows, .y_row = 1,
                             .y_col = rows == 1 ? 1 : nn};
    geom_matrix(rows, k, &sh.geom);
    s->kind = K_CONV_F32;
    s->vec = b->vec;
    if (eb_simd_gemm_f32_init(&s->gf, b->f32k, b->vec, &sh, w->data, tb ? k : 1, tb ? 1 : nn,
                              c ? c->data : NULL, -INFINITY, INFINITY) != 0) {
        step_free(s);
        return NULL;
    }
    need_scratch(b, eb_simd_gemm_f32_scratch(&s->gf));
    snprintf(where, WHERE_LEN, "simd %s: fully connected", s->gf.name);
    return s;
}

static int same_shape(const eb_tensor *a, const eb_tensor *b)
{
    if (a->rank != b->rank)
        return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d])
            return 0;
    return 1;
}

static simd_step *add_f32(builder *b, const eb_node *n, char *where)
{
    const eb_tensor *a = eb_node_input(b->g, n, 0), *c = eb_node_input(b->g, n, 1);
    const eb_tensor *y = eb_node_output(b->g, n, 0);
    if (!is_f32(a) || !is_f32(c) || !is_f32(y) || !same_shape(a, c) || !same_shape(a, y))
        return NULL;
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = K_ADD_F32;
    s->vec = b->vec;
    s->count = a->numel;
    s->lo = -INFINITY;
    s->hi = INFINITY;
    snprintf(where, WHERE_LEN, "simd f32_add__%s", b->vec->name);
    return s;
}

/* Sigmoid of a float32 tensor, element-wise (simd_f32_sigmoid.inc). */
static simd_step *sigmoid_f32(builder *b, const eb_node *n, char *where)
{
    const eb_tensor *x = eb_node_input(b->g, n, 0), *y = eb_node_output(b->g, n, 0);
    if (!is_f32(x) || !is_f32(y) || !same_shape(x, y))
        return NULL;
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = K_SIGMOID_F32;
    s->vec = b->vec;
    s->sig = eb_simd_pick_f32_sigmoid(b->isa);
    s->count = x->numel;
    snprintf(where, WHERE_LEN, "simd %s", s->sig->name);
    return s;
}

/* SiLU: the Mul that alone reads Sigmoid step s's output and multiplies
 * it by the Sigmoid's own input (either order, same shape) is folded into
 * it: the step writes x * sigmoid(x) to the Mul's output, the product ref
 * computes. */
static void fold_silu(builder *b, eb_plan *rp, int s, simd_step *st, char *where)
{
    const eb_graph *g = b->g;
    const eb_node *sn = rp->steps[s].exec.node;
    int t = sn->outputs[0], xin = sn->inputs[0];
    if (t < 0 || g->tensors[t].n_consumers != 1 || g->tensors[t].is_graph_output)
        return;
    for (int u = s + 1; u < rp->n_steps; u++) {
        eb_ref_step *rs = &rp->steps[u];
        const eb_node *mn = rs->exec.node;
        if (rs->is_fused || b->P->saved[u].mine || b->P->saved[u].dropped)
            continue;
        if (mn->n_inputs < 2 || (mn->inputs[0] != t && mn->inputs[1] != t))
            continue;
        if (strcmp(mn->op_type, "Mul") != 0 || mn->domain[0] != '\0' || mn->n_inputs != 2 ||
            !((mn->inputs[0] == t && mn->inputs[1] == xin) ||
              (mn->inputs[1] == t && mn->inputs[0] == xin)))
            return;
        const eb_tensor *y = eb_node_output(g, mn, 0);
        if (mn->outputs[0] < 0 || !is_f32(y) || !same_shape(y, &g->tensors[t]))
            return;
        st->silu = 1;
        b->P->saved[u].dropped = 1;
        b->P->saved[u].op = rs->op;
        b->P->saved[s].out = rp->steps[s].exec.out;
        rp->steps[s].exec.out = rs->exec.out;
        rs->op = &folded_op;
        snprintf(b->P->where[rs->exec.node_index], WHERE_LEN, "fused into '%.80s'",
                 sn->name);
        size_t used = strlen(where);
        snprintf(where + used, WHERE_LEN - used, " + Mul (SiLU)");
        return;
    }
}

/* QuantizeLinear of a float32 tensor with constant per-tensor scale and
 * zero point (a model's input, in QDQ models), element-wise. */
static simd_step *quantize(builder *b, const eb_node *n, char *where)
{
    const eb_tensor *x = eb_node_input(b->g, n, 0), *y = eb_node_output(b->g, n, 0);
    const eb_tensor *sc = eb_node_input(b->g, n, 1), *zp = eb_node_input(b->g, n, 2);
    eb_ref_qparams q;
    if (!is_f32(x) || !y || (y->dtype != EB_DT_U8 && y->dtype != EB_DT_I8) || !sc ||
        !sc->data || (zp && (!zp->data || zp->dtype != y->dtype)) ||
        eb_node_attr_int(n, "block_size", 0) != 0 ||
        !eb_ref_qparams_const(b->g, n, 1, 2, x->rank, &q) || q.count != 1 ||
        !eb_ref_qparams_valid(&q))
        return NULL;
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = K_QUANT;
    s->vec = b->vec;
    s->count = x->numel;
    s->qscale = eb_ref_qp_scale(&q, 0);
    s->qzp = eb_ref_qp_zp(&q, 0);
    eb_ref_q8_range(y->dtype, &s->qmin, &s->qmax);
    snprintf(where, WHERE_LEN, "simd quantize_f32__%s", b->vec->name);
    return s;
}

static simd_step *pool_f32(builder *b, const eb_node *n, int global, char *where)
{
    const eb_tensor *x = eb_node_input(b->g, n, 0);
    if (!is_f32(x) || x->rank != 4)
        return NULL;
    eb_window win;
    if (!global) {
        if (eb_node_output(b->g, n, 1) || !geom_2d(b->g, n, x, NULL, &win))
            return NULL;
    }
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->vec = b->vec;
    s->planes = x->dims[0] * x->dims[1];
    s->channels = x->dims[1];
    if (global) {
        s->kind = K_GAP_F32;
        s->in_plane = x->dims[2] * x->dims[3];
        snprintf(where, WHERE_LEN, "simd f32_gavgpool__%s", b->vec->name);
    } else {
        s->kind = K_MAXPOOL_F32;
        geom_from_window(&win, 1, &s->geom);
        s->in_plane = s->geom.ih * s->geom.iw;
        s->out_plane = s->geom.oh * s->geom.ow;
        snprintf(where, WHERE_LEN, "simd f32_maxpool2d__%s", b->vec->name);
    }
    return s;
}

/* An int8 convolution from its kernel parameters (a QDQ group's, or made
 * from a QLinearConv's constants): depthwise, or GEMM. 0 when taken. */
static int conv_q8(builder *b, const eb_ref_conv_q8_params *q, simd_step *s, char *where,
                   const char *label)
{
    if (q->win.n_spatial != 2)
        return -1;
    int64_t c = q->in_channels, m = q->out_channels, group = q->group;
    if (group == c && group == m) {
        s->kind = K_DW_Q8;
        s->q = q;
        geom_from_window(&q->win, 1, &s->geom);
        s->channels = c;
        s->planes = q->batch * c;
        s->in_plane = s->geom.ih * s->geom.iw;
        s->out_plane = s->geom.oh * s->geom.ow;
        need_scratch(b, (size_t)(s->geom.oh * s->geom.ow) * sizeof(int32_t) + 64);
        const char *layout = "";
        if (dw_nhwc_begin(b, s, q->batch)) {
            const int64_t taps = s->geom.kh * s->geom.kw;
            s->nw_q8 = calloc((size_t)(taps * s->cpad) + 8, sizeof(int32_t));
            s->nb_q8 = calloc((size_t)s->cpad + 8, sizeof(int32_t));
            s->nm_q8 = calloc((size_t)s->cpad + 8, sizeof(float));
            if (!s->nw_q8 || !s->nb_q8 || !s->nm_q8)
                return -1;
            for (int64_t ch = 0; ch < c; ch++) {
                for (int64_t t = 0; t < taps; t++)
                    s->nw_q8[t * s->cpad + ch] = q->w[ch * taps + t];
                s->nb_q8[ch] = q->bias ? q->bias[ch] : 0;
                s->nm_q8[ch] = q->mult[ch];
            }
            layout = ", channels-last";
        }
        snprintf(where, WHERE_LEN, "simd q8_dwconv2d__%s: %sdepthwise %lldx%lld/%lld%s",
                 b->vec->name, label, (long long)s->geom.kh, (long long)s->geom.kw,
                 (long long)s->geom.sh, layout);
        return 0;
    }
    eb_simd_gemm_shape sh;
    conv_shape(&q->win, q->batch, c, m, group, &sh);
    int64_t wcount = m * sh.k;
    const eb_simd_q8_gemm_variant *k =
        eb_simd_pick_q8_gemm(b->isa, eb_simd_q8_weights_narrow(q->w, wcount));
    s->kind = K_GEMM_Q8;
    /* the stem of a CNN (few channels, a large output): unfolded once per
     * run, then a 1x1 product over the column matrix, as for fp32 */
    int col = 0;
    if (!sh.geom.pointwise && group == 1 && sh.batch == 1 &&
        (size_t)(sh.k * sh.n) <= ((size_t)8 << 20) &&
        (sh.k <= 64 || (size_t)(sh.k * sh.n) <= ((size_t)64 << 10))) {
        s->colq = malloc((size_t)(sh.k * sh.n) + 64);
        if (!s->colq)
            return -1;
        s->geom = sh.geom;
        s->col_channels = c;
        sh.geom.channels = sh.k;
        sh.geom.kh = sh.geom.kw = sh.geom.sh = sh.geom.sw = sh.geom.dh = sh.geom.dw = 1;
        sh.geom.ph = sh.geom.pw = 0;
        sh.geom.ih = sh.geom.oh;
        sh.geom.iw = sh.geom.ow;
        sh.geom.c_stride = sh.n;
        sh.geom.pointwise = 1;
        col = 1;
    }
    if (eb_simd_gemm_q8_init(&s->gq, k, b->vec, &sh, q->w, sh.k, 1, q->bias, q->mult, q->x_dtype,
                             q->x_zp, q->y_dtype, q->y_zp, q->y_min, q->y_max) != 0)
        return -1;
    need_scratch(b, eb_simd_gemm_q8_scratch(&s->gq));
    snprintf(where, WHERE_LEN, "simd %s: %s%s", s->gq.name, label,
             col ? "conv as GEMM over its im2col matrix"
             : sh.geom.pointwise ? "1x1 conv as GEMM" : "conv as GEMM");
    return 0;
}

/* QLinearConv whose weights, scales, zero points and bias are constants:
 * the ref kernel's parameters made here with ref's own helpers (centred
 * weights, the requant_s32.h multiplier), then conv_q8. */
static simd_step *qlinearconv(builder *b, const eb_node *n, char *where)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 3);
    const eb_tensor *bias = eb_node_input(g, n, 8), *y = eb_node_output(g, n, 0);
    eb_window win;
    if (!x || !w || !w->data || !y || !geom_2d(g, n, x, w, &win) ||
        (bias && (!bias->data || bias->dtype != EB_DT_I32)))
        return NULL;
    for (int k = 1; k < n->n_inputs; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (k != 3 && k != 8 && t && !t->data)
            return NULL; /* run-time scales or zero points: ref's path */
    }
    eb_ref_qparams xq, wq, yq;
    if (!eb_ref_qparams_const(g, n, 1, 2, x->rank, &xq) ||
        !eb_ref_qparams_const(g, n, 4, 5, w->rank, &wq) ||
        !eb_ref_qparams_const(g, n, 6, 7, x->rank, &yq) || xq.count != 1 || yq.count != 1 ||
        !eb_ref_qparams_valid(&xq) || !eb_ref_qparams_valid(&wq) || !eb_ref_qparams_valid(&yq) ||
        (wq.count != 1 && (wq.axis != 0 || wq.count != w->dims[0])))
        return NULL;
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->vec = b->vec;
    eb_ref_conv_q8_params *q = &s->qown;
    q->win = win;
    q->batch = x->dims[0];
    q->in_channels = x->dims[1];
    q->out_channels = w->dims[0];
    q->group = eb_node_attr_int(n, "group", 1);
    if (q->group < 1 || q->in_channels % q->group || q->out_channels % q->group ||
        w->dims[1] * q->group != q->in_channels || (bias && bias->numel != q->out_channels))
        goto no;
    s->qw = malloc((size_t)w->numel * sizeof *s->qw + 1);
    s->qmult = malloc((size_t)q->out_channels * sizeof *s->qmult + 1);
    if (!s->qw || !s->qmult)
        goto no;
    eb_ref_q8_center(w->data, w->dtype, 1, q->out_channels, w->numel / q->out_channels, &wq,
                     s->qw);
    for (int64_t m = 0; m < q->out_channels; m++)
        s->qmult[m] = eb_ref_requant_multiplier(xq.scale[0], eb_ref_qp_scale(&wq, m),
                                                yq.scale[0]);
    q->x_dtype = x->dtype;
    q->y_dtype = y->dtype;
    q->x_zp = eb_ref_qp_zp(&xq, 0);
    q->y_zp = eb_ref_qp_zp(&yq, 0);
    if (!eb_ref_q8_range(y->dtype, &q->y_min, &q->y_max))
        goto no;
    q->w = s->qw;
    q->mult = s->qmult;
    q->bias = bias ? bias->data : NULL;
    if (conv_q8(b, q, s, where, "QLinearConv ") != 0)
        goto no;
    return s;
no:
    step_free(s);
    return NULL;
}

/* The ref QDQ group states begin with their kernel's parameter struct
 * (fused_conv_q8.c, fused_matmul_q8.c, fused_eltwise_q8.c); the group's
 * kind says which. */
static simd_step *group_q8(builder *b, const eb_ref_fused *f, char *where)
{
    simd_step *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->vec = b->vec;
    const eb_tensor *x = &b->g->tensors[f->in_tensor[0]];
    if (strcmp(f->kind, "conv") == 0) {
        if (conv_q8(b, f->state, s, where, "QDQ ") != 0)
            goto no;
        return s;
    }
    if (strcmp(f->kind, "gemm") == 0 || strcmp(f->kind, "matmul") == 0) {
        const eb_ref_matmul_q8_params *q = f->state;
        /* one row of A: stored as a column, as fc_f32 does */
        eb_simd_gemm_shape sh = {.batch = 1, .groups = 1, .m = q->n, .k = q->k, .n = q->m,
                                 .y_row = 1, .y_col = q->m == 1 ? 1 : q->n};
        geom_matrix(q->m, q->k, &sh.geom);
        const eb_simd_q8_gemm_variant *k =
            eb_simd_pick_q8_gemm(b->isa, eb_simd_q8_weights_narrow(q->b, q->k * q->n));
        s->kind = K_GEMM_Q8;
        if (eb_simd_gemm_q8_init(&s->gq, k, b->vec, &sh, q->b, 1, q->n, q->bias, q->mult,
                                 q->a_dtype, q->a_zp, q->y_dtype, q->y_zp, q->y_min,
                                 q->y_max) != 0)
            goto no;
        need_scratch(b, eb_simd_gemm_q8_scratch(&s->gq));
        snprintf(where, WHERE_LEN, "simd %s: QDQ %s", s->gq.name, f->kind);
        return s;
    }
    if (strcmp(f->kind, "maxpool") == 0) {
        /* the group's MaxPool node gives the window; its input and output
         * parameters agree (the group's rule), so it pools the bytes */
        const eb_node *n = &b->g->nodes[f->anchor];
        eb_window win;
        if (strcmp(n->op_type, "MaxPool") != 0 || eb_node_output(b->g, n, 1) || x->rank != 4 ||
            (x->dtype != EB_DT_U8 && x->dtype != EB_DT_I8) || !geom_2d(b->g, n, x, NULL, &win))
            goto no;
        s->kind = K_MAXPOOL_Q8;
        s->pool_dtype = x->dtype;
        geom_from_window(&win, 1, &s->geom);
        s->planes = x->dims[0] * x->dims[1];
        s->channels = x->dims[1];
        s->in_plane = s->geom.ih * s->geom.iw;
        s->out_plane = s->geom.oh * s->geom.ow;
        snprintf(where, WHERE_LEN, "simd q8_maxpool2d__%s: QDQ maxpool", b->vec->name);
        return s;
    }
    if (strcmp(f->kind, "add") == 0) {
        s->kind = K_ADD_Q8;
        s->addq = *(const eb_ref_add_q8_params *)f->state;
        s->count = s->addq.count;
        if (s->count != x->numel)
            goto no;
        snprintf(where, WHERE_LEN, "simd q8_add__%s: QDQ add", b->vec->name);
        return s;
    }
no:
    step_free(s);
    return NULL;
}

/* Clamp bounds of a Relu / Clip node with constant bounds; 0 otherwise. */
static int activation_bounds(const eb_graph *g, const eb_node *n, float *lo, float *hi)
{
    if (strcmp(n->op_type, "Relu") == 0) {
        *lo = 0.0f;
        *hi = INFINITY;
        return 1;
    }
    if (strcmp(n->op_type, "Clip") != 0)
        return 0;
    *lo = -INFINITY;
    *hi = INFINITY;
    if (n->opset < 11) {
        *lo = eb_node_attr_float(n, "min", -FLT_MAX);
        *hi = eb_node_attr_float(n, "max", FLT_MAX);
        return 1;
    }
    for (int i = 1; i <= 2; i++) {
        const eb_tensor *t = eb_node_input(g, n, i);
        if (!t)
            continue;
        if (!const_f32(t) || t->numel != 1)
            return 0;
        *(i == 1 ? lo : hi) = ((const float *)t->data)[0];
    }
    return 1;
}

/* Fold the Relu / Clip step that alone reads step s's output into it. */
static void fold_activation(builder *b, eb_plan *rp, int s, simd_step *st, char *where)
{
    const eb_graph *g = b->g;
    int t = rp->steps[s].exec.node->outputs[0];
    if (t < 0 || g->tensors[t].n_consumers != 1 || g->tensors[t].is_graph_output)
        return;
    for (int u = s + 1; u < rp->n_steps; u++) {
        eb_ref_step *rs = &rp->steps[u];
        if (rs->is_fused || b->P->saved[u].mine || rs->exec.node->inputs[0] != t)
            continue;
        float lo, hi;
        if (rs->n_in < 1 || !activation_bounds(g, rs->exec.node, &lo, &hi))
            return;
        if (rs->exec.node->outputs[0] < 0)
            return;
        /* both bounds apply: a Relu after a Clip is not folded (one step
         * folds one activation) */
        st->lo = st->gf.lo = lo;
        st->hi = st->gf.hi = hi;
        b->P->saved[u].dropped = 1;
        b->P->saved[u].op = rs->op;
        b->P->saved[s].out = rp->steps[s].exec.out;
        rp->steps[s].exec.out = rs->exec.out;
        rs->op = &folded_op;
        snprintf(b->P->where[rs->exec.node_index], WHERE_LEN, "fused into '%.80s'",
                 rp->steps[s].exec.node->name);
        size_t used = strlen(where);
        snprintf(where + used, WHERE_LEN - used, " + %s", rs->exec.node->op_type);
        return;
    }
}

/* ---- memory ---------------------------------------------------------------- */

/* Place every activation a live step touches in one arena (ref_arena.h),
 * replacing the ref plan's one-buffer-per-tensor allocation. */
static eb_status place(eb_simd_plan *P, char *msg, size_t msg_len)
{
    eb_plan *rp = P->ref;
    const eb_graph *g = rp->g;
    int *slot = malloc(((size_t)g->n_tensors + 1) * sizeof *slot);
    eb_ref_live *live = calloc((size_t)g->n_tensors + 1, sizeof *live);
    eb_status st = EB_ERR_NOMEM;
    int n = 0;
    if (!slot || !live)
        goto out;
    for (int i = 0; i < g->n_tensors; i++)
        slot[i] = -1;
    for (int s = 0; s < rp->n_steps; s++) {
        if (P->saved[s].dropped)
            continue;
        const eb_ref_exec *x = &rp->steps[s].exec;
        for (int k = 0; k < rp->steps[s].n_in + rp->steps[s].n_out; k++) {
            const eb_value *v = k < rp->steps[s].n_in ? x->in[k] : x->out[k - rp->steps[s].n_in];
            if (!v)
                continue;
            int t = (int)(v - rp->values);
            if (!rp->owned[t])
                continue;
            if (slot[t] < 0) {
                slot[t] = n;
                live[n] = (eb_ref_live){.bytes = g->tensors[t].nbytes, .first = s, .last = s};
                if (g->tensors[t].is_graph_output)
                    live[n].last = rp->n_steps;
                n++;
            }
            if (live[slot[t]].last < s)
                live[slot[t]].last = s;
        }
    }
    size_t bytes = 0;
    if (eb_ref_arena_place(live, n, &bytes) != 0)
        goto out;
    void *arena = NULL;
    if (posix_memalign(&arena, EB_REF_ARENA_ALIGN, bytes + EB_REF_ARENA_ALIGN) != 0)
        goto out;
    memset(arena, 0, bytes + EB_REF_ARENA_ALIGN);
    for (int i = 0; i < g->n_tensors; i++) {
        if (!rp->owned[i])
            continue;
        free(rp->values[i].data);
        rp->owned[i] = 0;
        rp->values[i].data = slot[i] >= 0 ? (char *)arena + live[slot[i]].offset : NULL;
    }
    rp->arena = arena;
    rp->arena_bytes = bytes;
    st = EB_OK;
out:
    if (st != EB_OK)
        snprintf(msg, msg_len, "%s: out of memory placing the simd plan's activations", g->path);
    free(slot);
    free(live);
    return st;
}

/* ---- constant folding ------------------------------------------------------- */

/* Ops folded when every input is a load-time constant. Exporters put
 * Identity nodes between initializers and their readers, and a QDQ
 * quantiser then quantises weights at run time (Identity -> Q -> DQ ->
 * Conv): folded, the weights are constants again, so conv, gemm and QDQ
 * groups find constant weights. DequantizeLinear stays: the QDQ fusion
 * matches DQ of a constant. The value is computed by the ref kernel itself,
 * so folding never changes a number. */
static int foldable(const eb_node *n)
{
    return n->domain[0] == '\0' &&
           (strcmp(n->op_type, "Identity") == 0 || strcmp(n->op_type, "QuantizeLinear") == 0);
}

static eb_status fold_node(eb_simd_plan *P, eb_graph *g, const eb_node *n, char *msg,
                           size_t msg_len)
{
    const eb_ref_op *op = eb_ref_find_op(n->op_type);
    char why[256];
    if (!op || n->n_outputs != 1 || n->outputs[0] < 0 || !op->check(g, n, why, sizeof why))
        return EB_OK; /* left to run as a node, where ref reports any problem */
    eb_value in[4], outv, *inp[4], *outp[1] = {&outv};
    if (n->n_inputs > 4)
        return EB_OK;
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (!t) {
            inp[k] = NULL;
            continue;
        }
        memset(&in[k], 0, sizeof in[k]);
        in[k].dtype = t->dtype;
        in[k].rank = t->rank;
        memcpy(in[k].dims, t->dims, sizeof t->dims);
        in[k].data = t->data;
        in[k].nbytes = t->nbytes;
        inp[k] = &in[k];
    }
    eb_tensor *y = &g->tensors[n->outputs[0]];
    memset(&outv, 0, sizeof outv);
    outv.dtype = y->dtype;
    outv.rank = y->rank;
    memcpy(outv.dims, y->dims, sizeof y->dims);
    outv.nbytes = y->nbytes;
    void **grown = realloc(P->folded_data, ((size_t)P->n_folded + 1) * sizeof *grown);
    if (!grown)
        return EB_ERR_NOMEM;
    P->folded_data = grown;
    void *state = NULL, *scratch = NULL;
    size_t scratch_bytes = 0;
    eb_status st = EB_OK;
    outv.data = calloc(1, y->nbytes + 1);
    if (!outv.data)
        return EB_ERR_NOMEM;
    if (op->prepare)
        st = op->prepare(g, n, &state, &scratch_bytes, msg, msg_len);
    if (st == EB_OK && scratch_bytes && !(scratch = malloc(scratch_bytes)))
        st = EB_ERR_NOMEM;
    if (st == EB_OK) {
        eb_ref_exec x = {.g = g, .node = n, .node_index = (int)(n - g->nodes), .in = inp,
                         .out = outp, .state = state, .scratch = scratch};
        st = op->run(&x, msg, msg_len);
    }
    if (op->release && state)
        op->release(state);
    free(scratch);
    if (st != EB_OK) {
        free(outv.data);
        return st;
    }
    P->folded_data[P->n_folded++] = outv.data;
    y->data = outv.data;
    y->kind = EB_TENSOR_CONSTANT;
    return EB_OK;
}

/* The graph the plan runs: g itself, or a copy whose tensors array shows the
 * folded values (everything else shared with g). */
static eb_status fold_constants(eb_simd_plan *P, const eb_graph *g, const eb_graph **run_g,
                                char *msg, size_t msg_len)
{
    *run_g = g;
    int any = 0;
    for (int i = 0; i < g->n_nodes && !any; i++)
        any = foldable(&g->nodes[i]);
    if (!any)
        return EB_OK;
    P->folded = malloc(sizeof *P->folded);
    eb_tensor *tensors = P->folded ? malloc(((size_t)g->n_tensors + 1) * sizeof *tensors) : NULL;
    if (!tensors) {
        free(P->folded);
        P->folded = NULL;
        return EB_ERR_NOMEM;
    }
    *P->folded = *g;
    memcpy(tensors, g->tensors, (size_t)g->n_tensors * sizeof *tensors);
    P->folded->tensors = tensors;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        if (!foldable(n) || n->n_outputs != 1 || n->outputs[0] < 0 ||
            tensors[n->outputs[0]].data)
            continue;
        int all = n->n_inputs > 0;
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] >= 0 && !tensors[n->inputs[k]].data)
                all = 0;
        if (!all)
            continue;
        eb_status st = fold_node(P, P->folded, n, msg, msg_len);
        if (st != EB_OK)
            return st;
    }
    *run_g = P->folded;
    return EB_OK;
}

/* ---- create / run / destroy ------------------------------------------------ */

/* Multiply-adds (or elements) of a step, to keep small steps off the pool:
 * handing a section to another thread and waiting for it costs tens of
 * microseconds on a busy machine, more than such a step takes. */
#define SERIAL_WORK ((int64_t)1 << 20)

static int64_t step_work(const simd_step *s)
{
    const eb_simd_gemm_shape *g = s->kind == K_CONV_F32 ? &s->gf.s
                                  : s->kind == K_GEMM_Q8 ? &s->gq.s
                                                         : NULL;
    if (g)
        return g->batch * g->groups * g->m * g->k * g->n;
    if (s->kind == K_DW_F32 || s->kind == K_DW_Q8)
        return s->planes * s->geom.oh * s->geom.ow * s->geom.kh * s->geom.kw;
    if (s->kind == K_MAXPOOL_F32 || s->kind == K_MAXPOOL_Q8)
        return s->planes * s->geom.oh * s->geom.ow * s->geom.kh * s->geom.kw;
    if (s->kind == K_GAP_F32)
        return s->planes * s->in_plane;
    return s->count * 4;
}

static void label_nodes(eb_simd_plan *P)
{
    eb_plan *rp = P->ref;
    const eb_graph *g = rp->g;
    for (int i = 0; i < g->n_nodes; i++) {
        int out = g->nodes[i].n_outputs > 0 ? g->nodes[i].outputs[0] : -1;
        int folded = P->folded && out >= 0 && P->folded_data &&
                     g->tensors[out].data != NULL && foldable(&g->nodes[i]);
        snprintf(P->where[i], WHERE_LEN, "%s",
                 folded ? "not executed: folded into a constant at prepare"
                        : "not executed: constant, or only feeds a fused group");
    }
    for (int f = 0; f < rp->n_fused; f++)
        for (int k = 0; k < rp->fused[f].n_nodes; k++)
            if (rp->fused[f].nodes[k] != rp->fused[f].anchor)
                snprintf(P->where[rp->fused[f].nodes[k]], WHERE_LEN, "fused into '%.80s'",
                         g->nodes[rp->fused[f].anchor].name);
    for (int s = 0; s < rp->n_steps; s++) {
        const eb_ref_step *rs = &rp->steps[s];
        if (rs->is_fused)
            snprintf(P->where[rs->exec.node_index], WHERE_LEN, "ref: %s group",
                     rs->op->op_type);
        else
            snprintf(P->where[rs->exec.node_index], WHERE_LEN, "ref");
    }
}

static const eb_ref_fused *group_of(const eb_plan *rp, const eb_ref_step *rs)
{
    for (int f = 0; f < rp->n_fused; f++)
        if (rp->fused[f].state == rs->exec.state)
            return &rp->fused[f];
    return NULL;
}

eb_status eb_simd_plan_create(const eb_graph *g, const eb_simd_plan_options *o,
                              eb_simd_plan **out, char *msg, size_t msg_len)
{
    *out = NULL;
    eb_simd_plan *P = calloc(1, sizeof *P);
    if (!P) {
        snprintf(msg, msg_len, "%s: out of memory preparing the simd plan", g->path);
        return EB_ERR_NOMEM;
    }
    P->o = *o;
    eb_status st = EB_OK;
    if (o->const_fold && (st = fold_constants(P, g, &g, msg, msg_len)) != EB_OK) {
        if (st == EB_ERR_NOMEM)
            snprintf(msg, msg_len, "%s: out of memory folding constants", g->path);
        eb_simd_plan_destroy(P);
        return st;
    }
    eb_ref_plan_options ro = {.qdq_fusion = o->qdq_fusion, .memory_reuse = 0};
    st = eb_ref_plan_create(g, &ro, &P->ref, msg, msg_len);
    if (st != EB_OK) {
        eb_simd_plan_destroy(P);
        return st;
    }
    eb_plan *rp = P->ref;
    P->saved = calloc((size_t)rp->n_steps + 1, sizeof *P->saved);
    P->where = calloc((size_t)g->n_nodes + 1, sizeof *P->where);
    if (!P->saved || !P->where) {
        eb_simd_plan_destroy(P);
        snprintf(msg, msg_len, "%s: out of memory preparing the simd plan", g->path);
        return EB_ERR_NOMEM;
    }
    label_nodes(P);
    builder b = {.g = g, .P = P, .isa = o->isa, .vec = eb_simd_pick_vec(o->isa),
                 .f32k = eb_simd_pick_f32_gemm(o->isa)};
    for (int s = 0; s < rp->n_steps; s++) {
        eb_ref_step *rs = &rp->steps[s];
        if (P->saved[s].dropped)
            continue;
        const eb_node *n = rs->exec.node;
        char *where = P->where[rs->exec.node_index];
        char w[WHERE_LEN] = "";
        simd_step *mine = NULL;
        if (rs->is_fused) {
            const eb_ref_fused *f = group_of(rp, rs);
            if (f)
                mine = group_q8(&b, f, w);
        } else if (strcmp(n->op_type, "Conv") == 0) {
            mine = conv_f32(&b, n, w);
        } else if (strcmp(n->op_type, "QLinearConv") == 0) {
            mine = qlinearconv(&b, n, w);
        } else if (strcmp(n->op_type, "Gemm") == 0 || strcmp(n->op_type, "MatMul") == 0) {
            mine = fc_f32(&b, n, w);
        } else if (strcmp(n->op_type, "Add") == 0) {
            mine = add_f32(&b, n, w);
        } else if (strcmp(n->op_type, "MaxPool") == 0) {
            mine = pool_f32(&b, n, 0, w);
        } else if (strcmp(n->op_type, "GlobalAveragePool") == 0) {
            mine = pool_f32(&b, n, 1, w);
        } else if (strcmp(n->op_type, "QuantizeLinear") == 0 && n->domain[0] == '\0') {
            mine = quantize(&b, n, w);
        } else if (strcmp(n->op_type, "Sigmoid") == 0 && n->domain[0] == '\0') {
            mine = sigmoid_f32(&b, n, w);
        }
        if (!mine)
            continue; /* the ref kernel runs it */
        mine->plan = P;
        P->saved[s].op = rs->op;
        P->saved[s].state = rs->exec.state;
        P->saved[s].mine = mine;
        rs->op = &simd_op;
        rs->exec.state = mine;
        P->accelerated++;
        mine->serial = step_work(mine) < SERIAL_WORK;
        if (mine->kind == K_CONV_F32 || mine->kind == K_DW_F32 || mine->kind == K_ADD_F32)
            fold_activation(&b, rp, s, mine, w);
        if (mine->kind == K_SIGMOID_F32)
            fold_silu(&b, rp, s, mine, w);
        snprintf(where, WHERE_LEN, "%s", w);
    }
    if ((st = place(P, msg, msg_len)) != EB_OK) {
        eb_simd_plan_destroy(P);
        return st;
    }
    P->scratch.threads = eb_simd_pool_threads(o->pool);
    P->scratch.bytes = (b.scratch + 63) & ~(size_t)63;
    if (P->scratch.bytes) {
        void *base = NULL;
        if (posix_memalign(&base, 64, P->scratch.bytes * (size_t)P->scratch.threads) != 0) {
            eb_simd_plan_destroy(P);
            snprintf(msg, msg_len, "%s: out of memory for the simd scratch", g->path);
            return EB_ERR_NOMEM;
        }
        /* defined from the start: lanes past a depthwise step's real
         * channels in its band (never stored) read what is there */
        memset(base, 0, P->scratch.bytes * (size_t)P->scratch.threads);
        P->scratch.base = base;
    }
    *out = P;
    return EB_OK;
}

eb_status eb_simd_plan_run(eb_simd_plan *p, const eb_value *inputs, int n_inputs,
                           eb_value *outputs, int n_outputs, char *msg, size_t msg_len)
{
    return eb_ref_plan_run(p->ref, inputs, n_inputs, outputs, n_outputs, msg, msg_len);
}

void eb_simd_plan_destroy(eb_simd_plan *p)
{
    if (!p)
        return;
    if (p && p->ref && p->saved) {
        /* hand the ref plan back its own kernels so it releases their state */
        for (int s = 0; s < p->ref->n_steps; s++) {
            eb_ref_step *rs = &p->ref->steps[s];
            if (p->saved[s].mine) {
                step_free(p->saved[s].mine);
                rs->op = p->saved[s].op;
                rs->exec.state = p->saved[s].state;
            }
            if (p->saved[s].out)
                rs->exec.out = p->saved[s].out;
        }
        for (int s = 0; s < p->ref->n_steps; s++)
            if (p->saved[s].dropped)
                p->ref->steps[s].op = p->saved[s].op;
    }
    eb_ref_plan_destroy(p->ref);
    for (int i = 0; i < p->n_folded; i++)
        free(p->folded_data[i]);
    free(p->folded_data);
    if (p->folded)
        free(p->folded->tensors);
    free(p->folded);
    free(p->saved);
    free(p->where);
    free(p->scratch.base);
    free(p);
}

const char *eb_simd_plan_where(const eb_simd_plan *p, int node)
{
    return p && p->ref && node >= 0 && node < p->ref->g->n_nodes ? p->where[node] : "";
}

int eb_simd_plan_accelerated(const eb_simd_plan *p) { return p ? p->accelerated : 0; }

void eb_simd_plan_profile(const eb_simd_plan *p, uint64_t *node_ns, int n_nodes)
{
    for (int i = 0; i < n_nodes; i++)
        node_ns[i] = i < p->ref->g->n_nodes ? p->ref->node_ns[i] : UINT64_MAX;
    for (int s = 0; s < p->ref->n_steps; s++)
        if (p->saved[s].dropped && p->ref->steps[s].exec.node_index < n_nodes)
            node_ns[p->ref->steps[s].exec.node_index] = UINT64_MAX;
}
