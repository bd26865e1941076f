/* Depthwise convolutions in the simd plan (fp32 Conv, QLinearConv and QDQ
 * conv groups with group == channels): planar kernels per plane, or, with
 * at least eight channels, channels-last over bands of output rows
 * (simd_vec_layout.h copies, simd_vec_dwconv_nhwc.h computes). */
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_cache.h"
#include "backends/simd/simd_plan_impl.h"

static void dw_f32_task(void *arg, int t, int thread)
{
    (void)thread;
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s;
    const int64_t taps = s->geom.kh * s->geom.kw;
    int64_t p0, p1;
    eb_simd__task_range(t, J->per_task, J->total, &p0, &p1);
    /* runs of consecutive channels of one image per call */
    for (int64_t p = p0; p < p1;) {
        const int64_t c = p % s->channels;
        const int64_t n = p1 - p < s->channels - c ? p1 - p : s->channels - c;
        s->vec->dwconv_f32(&s->geom, n, (const float *)J->x + p * s->in_plane, s->in_plane,
                           s->w_f32 + c * taps, s->bias_f32 ? s->bias_f32 + c : NULL, s->lo,
                           s->hi, (float *)J->y + p * s->out_plane, s->out_plane);
        p += n;
    }
}

static void dw_q8_task(void *arg, int t, int thread)
{
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s;
    const eb_ref_conv_q8_params *q = s->q;
    int32_t *acc = eb_simd__thread_scratch(s, thread);
    int64_t p0, p1;
    eb_simd__task_range(t, J->per_task, J->total, &p0, &p1);
    if (s->tq_prm) {
        /* runs of consecutive channels of one image per call */
        for (int64_t p = p0; p < p1;) {
            const int64_t c = p % s->channels;
            const int64_t n = p1 - p < s->channels - c ? p1 - p : s->channels - c;
            s->vec->dwconv_q8_tiny(&s->geom, n, (const uint8_t *)J->x + p * s->in_plane,
                                   s->in_plane, q->x_dtype, q->x_zp, s->tq_prm + 4 * c,
                                   q->mult + c, q->y_zp, q->y_min, q->y_max,
                                   (uint8_t *)J->y + p * s->out_plane, s->out_plane);
            p += n;
        }
        return;
    }
    for (int64_t p = p0; p < p1; p++) {
        int64_t c = p % s->channels;
        s->vec->dwconv_q8(&s->geom, (const uint8_t *)J->x + p * s->in_plane, q->x_dtype, q->x_zp,
                          q->w + c * s->geom.kh * s->geom.kw, q->bias ? q->bias[c] : 0,
                          q->mult[c], q->y_zp, q->y_min, q->y_max, q->y_dtype,
                          (uint8_t *)J->y + p * s->out_plane, acc);
    }
}

/* Channels-last depthwise, tasks over ranges of output rows or, when a
 * plane has too few rows to share (MobileNet's 14x14 and 7x7 layers),
 * over blocks of channels (see nhwc_split). A task copies the input
 * rows its windows read channels-last into its thread's scratch, a band of
 * `band` output rows at a time, and runs the kernel on the band while the
 * copy is still in cache; rows that consecutive bands share are moved, not
 * copied again. (Copying the whole image first, as before, spilled out of
 * L2 on MobileNet-v2@224's 112x112 planes: the kernel then read the copy
 * back from memory.) A block of channels keeps the full layout (pixels of
 * cpad lanes) and touches only its own lanes, so the kernel runs on it
 * unchanged from offset pointers. */
typedef struct nhwc_job {
    const eb_simd_step *s;
    const void *x;
    void *y;
    int64_t per_task; /* output rows per task */
    int64_t row_tasks;
    int64_t per_block; /* channels per task, a multiple of 8 */
} nhwc_job;

/* Zero lanes [c0, c1) of n pixels from d (pixels of px bytes): all of
 * them at once when the range is the whole pixel. */
static void zero_lanes(char *d, int64_t n, size_t px, int64_t c0, int64_t c1)
{
    if (c0 == 0 && (size_t)c1 * 4 >= px) {
        memset(d, 0, (size_t)n * px);
        return;
    }
    for (int64_t q = 0; q < n; q++)
        memset(d + (size_t)q * px + (size_t)c0 * 4, 0, (size_t)(c1 - c0) * 4);
}

/* Input rows [iy, iy + n), lanes [c0, c1), into dst (rows of pcol pixels
 * of cpad four-byte lanes): padding rows and columns zero, pixels copied
 * by to_nhwc. */
static void nhwc_rows(const eb_simd_step *s, const void *x, int64_t iy, int64_t n, int64_t c0,
                      int64_t c1, char *dst)
{
    const eb_simd_conv_geom *g = &s->geom;
    const size_t px = (size_t)s->cpad * 4, row = (size_t)s->pcol * px;
    /* whole lanes: a block's last one may pass `channels` (cpad, a
     * multiple of 8, holds it) */
    const int64_t z1 = (c1 + 7) & ~(int64_t)7;
    for (int64_t r = 0; r < n; r++) {
        char *d = dst + (size_t)r * row;
        if (iy + r < 0 || iy + r >= g->ih) {
            zero_lanes(d, s->pcol, px, c0, z1);
            continue;
        }
        zero_lanes(d, g->pw, px, c0, z1);
        zero_lanes(d + (size_t)(g->pw + g->iw) * px, s->pcol - g->pw - g->iw, px, c0, z1);
    }
    const int64_t a = iy > 0 ? iy : 0, e = iy + n < g->ih ? iy + n : g->ih;
    if (e <= a)
        return;
    char *corner = dst + (size_t)(a - iy) * row + (size_t)g->pw * px;
    if (s->kind == K_DW_F32)
        s->vec->to_nhwc_f32((const float *)x + a * g->iw, s->in_plane, e - a, g->iw, s->pcol,
                            s->cpad, c0, c1, (float *)corner);
    else
        s->vec->to_nhwc_q8((const uint8_t *)x + a * g->iw, s->q->x_dtype, s->q->x_zp,
                           s->in_plane, e - a, g->iw, s->pcol, s->cpad, c0, c1,
                           (int32_t *)corner);
}

static void dw_nhwc_task(void *arg, int t, int thread)
{
    const nhwc_job *J = arg;
    const eb_simd_step *s = J->s;
    const eb_simd_conv_geom *g = &s->geom;
    const int64_t r0 = (t % J->row_tasks) * J->per_task;
    const int64_t r1 = r0 + J->per_task < g->oh ? r0 + J->per_task : g->oh;
    const int64_t c0 = (t / J->row_tasks) * J->per_block;
    const int64_t c1 = c0 + J->per_block < s->channels ? c0 + J->per_block : s->channels;
    const size_t row = (size_t)(s->pcol * s->cpad) * 4, oplane = (size_t)s->out_plane;
    const int64_t span = (g->kh - 1) * g->dh + 1;
    char *buf = eb_simd__thread_scratch(s, thread);
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
            nhwc_rows(s, J->x, from, e - from, c0, c1, buf + (size_t)(from - a) * row);
        ha = a;
        hb = e;
        /* the band's rows as rows [0, b1 - b0) of a plane starting at row
         * b0; the block's channels from offset pointers */
        const size_t y_at = (size_t)c0 * oplane + (size_t)(b0 * g->ow);
        if (s->kind == K_DW_F32) {
            s->vec->dwconv_nhwc_f32(g, c1 - c0, s->cpad, s->pcol, (const float *)buf + c0,
                                    s->nw_f32 + c0, s->nb_f32 + c0, s->lo, s->hi, 0, b1 - b0,
                                    (float *)J->y + y_at);
        } else {
            const eb_ref_conv_q8_params *q = s->q;
            s->vec->dwconv_nhwc_q8(g, c1 - c0, s->cpad, s->pcol, (const int32_t *)buf + c0,
                                   s->nw_q8 + c0, s->nb_q8 + c0, s->nm_q8 + c0, q->y_zp,
                                   q->y_min, q->y_max, 0, b1 - b0, (uint8_t *)J->y + y_at);
        }
    }
}

/* The split of a channels-last step: by rows (a few tasks per thread,
 * none under a band, one task on one thread so every band after the first
 * reuses the rows it shares with the one before); when that leaves fewer
 * than four tasks per thread, by blocks of channels instead, each over all
 * rows, of at least 16 lanes (a 64-byte line of fp32 lanes per pixel).
 * Blocks rather than rows and blocks: a row range copies its window's
 * extra rows again (a 7-row plane in three ranges copied 13 input rows for
 * 9), and measured on MobileNet-v2@224's 14x14 and 7x7 layers with two
 * threads the mixed split took 1.2-1.7x the one-thread time in all. Four,
 * not two: a few row tasks each read every channel, half of them written
 * by the other core (the pointwise conv before is split by channels);
 * blocks read their own. Two threads, MobileNet-v2@224 fp32: the 576-
 * channel 14x14 layers (five row tasks) 113 -> 89 us, the stride-2 one
 * (four) 66 -> 40 us. */
#define NHWC_MIN_BLOCK 16

/* Sets J's split; returns its number of tasks. */
static int nhwc_split(const eb_simd_step *s, eb_simd_pool *pool, nhwc_job *J)
{
    const int threads = eb_simd_pool_threads(pool);
    J->per_task = pool ? eb_simd__per_task(s, s->geom.oh, s->band) : s->geom.oh;
    J->row_tasks = (s->geom.oh + J->per_task - 1) / J->per_task;
    J->per_block = s->cpad;
    if (pool && threads > 1 && J->row_tasks < 4 * threads) {
        J->per_task = s->geom.oh;
        J->row_tasks = 1;
        const int64_t want = (int64_t)threads * 4;
        int64_t per = (s->channels + want - 1) / want;
        per = (per + 7) & ~(int64_t)7;
        J->per_block = per < NHWC_MIN_BLOCK ? NHWC_MIN_BLOCK : per;
    }
    return (int)(J->row_tasks * ((s->channels + J->per_block - 1) / J->per_block));
}

/* Per-thread bytes of a channels-last band (see dw_nhwc_task): bands of
 * as many output rows as fit in a quarter of the core's L2 (simd_cache.h; 192
 * KiB where the C library does not say), so a band and the kernel's reads
 * of it stay in L2 while the other bands' rows are fewer and the rows two
 * bands share are moved less often. On this 2 MiB-L2 Xeon a fixed 192 KiB
 * against 512 KiB: MobileNet-v2@224's channels-last layers took 0.93x the
 * time with the larger band (int8, one thread, five alternations against
 * the pointwise layers as control), 0.94x fp32, 0.83x int8 on two threads;
 * 64 KiB took 1.22x. */
size_t eb_simd__band_bytes(void)
{
    const size_t l2 = eb_simd_cache_bytes(2);
    if (l2 > 0) {
        const size_t b = l2 / 4, lo = (size_t)64 << 10, hi = (size_t)1 << 20;
        return b < lo ? lo : b > hi ? hi : b;
    }
    return (size_t)192 << 10;
}

/* Planes that run planar although they have channels enough for the
 * channels-last path:
 * - small planes (at most 16 output columns, 3x3 or 5x5 windows, stride 1
 *   or 2) where the build reads them in place (dw_small_plane: AVX-512
 *   for fp32 and int8, AVX2 for fp32; dw_small_plane_q8). MobileNet-v2@224's
 *   14x14 and 7x7 layers, one thread, alternating builds: fp32 0.25-0.45x
 *   the channels-last time; int8 0.5x at 14x14, the same at 7x7. On AVX2
 *   the in-place fp32 kernel made 7x7 planes 0.2x and 14x14 0.5x.
 * - 3x3 windows on wide planes: the 3x3 kernels (simd_vec_dwconv.h) read
 *   each plane once in order, where the channels-last copy gathers a row
 *   from every plane at once. fp32 planar took 0.6-0.7x the time on the
 *   112, 56 and 28 wide planes (edgebench profile, one thread, alternating
 *   builds) and, with a padded copy per plane, 1.2-2x on 14 and 7, so from
 *   16 output columns; int8 (int16 tap pairs) well under the channels-last
 *   time on inputs 112 and 56 wide, and still over it on 28 (134 against
 *   130 us on MobileNet-v2@224's) until its requantisation took sixteen
 *   lanes at once on AVX-512 (then 187-195 against 213-236 us on
 *   features.5 and .6), and on AVX2 once the plane was read in place and
 *   requantised in registers (simd_vec_dwconv_avx2.h: 101 against 133-156
 *   us). */
static int small_plane(const eb_simd_step *s)
{
    int (*small)(const eb_simd_conv_geom *) =
        s->kind == K_DW_F32 ? s->vec->dw_small_plane : s->vec->dw_small_plane_q8;
    return small && small(&s->geom);
}

/* Every channel's plane read in place by the build's int8 kernel. */
static int q8_in_place(const eb_simd_step *s)
{
    const int64_t taps = s->geom.kh * s->geom.kw;
    if (s->kind == K_DW_F32 || !s->vec->dw_q8_in_place)
        return 0;
    for (int64_t c = 0; c < s->channels; c++)
        if (!s->vec->dw_q8_in_place(&s->geom, s->q->w + c * taps))
            return 0;
    return 1;
}

static int planar_pays(const eb_simd_step *s)
{
    const eb_simd_conv_geom *g = &s->geom;
    if (small_plane(s))
        return 1;
    /* VNNI's in-place kernel against channels-last on MobileNet-v2 0.5@96's
     * 24x24 layer (features.3, 72 channels), one thread, alternating
     * builds: 17 against 46 us */
    if (q8_in_place(s))
        return 1;
    if (g->kh != 3 || g->kw != 3 || g->dh != 1 || g->dw != 1 || g->sh != g->sw ||
        (g->sw != 1 && g->sw != 2))
        return 0;
    /* int8 from 16 wide on AVX2, where it reads the plane in place (0.63x
     * the channels-last time on MobileNet-v2 0.5@96's 24-wide layer), and
     * on AVX-512 (without VNNI, whose in-place kernel takes these planes
     * first: 0.68x on the same layer; the bound was 28, set before VNNI's
     * kernel took the VNNI build's planes), from 56 elsewhere:
     * dw_q8_planar_iw, measured per build */
    return s->kind == K_DW_F32 ? g->ow >= 16 : g->iw >= s->vec->dw_q8_planar_iw;
}

int eb_simd__dw_planar_wide(const eb_simd_step *s)
{
    return planar_pays(s) && !small_plane(s);
}

/* Depthwise steps with at least eight channels run channels-last (see
 * simd_vec_dwconv_nhwc.h); with fewer, the lanes of a channel vector would mostly
 * idle and the planar kernel runs. The band buffers are the threads'
 * scratch. */
static int dw_nhwc_begin(eb_simd_builder *b, eb_simd_step *s, int64_t batch)
{
    if (s->channels < 8 || planar_pays(s))
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
    const size_t band_bytes = eb_simd__band_bytes();
    while (s->band < g->oh && (size_t)(s->band * g->sh + span) * row <= band_bytes)
        s->band++;
    eb_simd__need_scratch(b, (size_t)((s->band - 1) * g->sh + span) * row + 64);
    return 1;
}

/* fp32 depthwise into s (x: N x C x H x W, w: C x 1 x kh x kw constant). */
int eb_simd__dw_f32(eb_simd_builder *b, eb_simd_step *s, const eb_tensor *x,
                    const eb_tensor *w, const eb_tensor *bias, const eb_window *win,
                    char *where)
{
    const int64_t c = x->dims[1];
    s->kind = K_DW_F32;
    eb_simd__planes(s, win, x->dims[0], c);
    size_t taps = (size_t)(s->geom.kh * s->geom.kw);
    s->w_f32 = malloc((size_t)c * taps * sizeof(float) + 1);
    s->bias_f32 = bias ? malloc((size_t)c * sizeof(float) + 1) : NULL;
    if (!s->w_f32 || (bias && !s->bias_f32))
        return -1;
    memcpy(s->w_f32, w->data, (size_t)c * taps * sizeof(float));
    if (bias)
        memcpy(s->bias_f32, bias->data, (size_t)c * sizeof(float));
    const char *layout = small_plane(s) ? ", planes read in place" : "";
    if (dw_nhwc_begin(b, s, x->dims[0])) {
        s->nw_f32 = calloc((size_t)(taps * s->cpad) + 8, sizeof(float));
        s->nb_f32 = calloc((size_t)s->cpad + 8, sizeof(float));
        if (!s->nw_f32 || !s->nb_f32)
            return -1;
        for (int64_t ch = 0; ch < c; ch++) {
            for (size_t t = 0; t < taps; t++)
                s->nw_f32[t * s->cpad + ch] = s->w_f32[ch * taps + t];
            s->nb_f32[ch] = s->bias_f32 ? s->bias_f32[ch] : 0.0f;
        }
        layout = ", channels-last";
    }
    snprintf(where, EB_SIMD_WHERE_LEN, "simd f32_dwconv2d__%s: depthwise %lldx%lld/%lld%s",
             b->vec->name, (long long)s->geom.kh, (long long)s->geom.kw, (long long)s->geom.sh,
             layout);
    return 0;
}

/* int8 planes of at most 16 output columns on the tiny-plane kernel
 * (two or four per vector up to 8 columns, one per vector but with the
 * set-up made once per call above), where the build has it and it takes
 * every channel's plane: the channels' packed parameters into s->tq_prm.
 * Against one dw_vq call per plane, one thread, alternating builds:
 * MobileNet-v2 0.5@96's 3x3 layers 0.20-0.25x, 6x6 0.54x;
 * MobileNet-v2@224's 7x7 0.56-0.64x, 14x14 0.80-0.83x. */
static int tiny_begin(eb_simd_step *s)
{
    const eb_ref_conv_q8_params *q = s->q;
    const int64_t taps = s->geom.kh * s->geom.kw;
    if (!s->vec->dw_q8_tiny_pack)
        return 0;
    int32_t *prm = malloc((size_t)s->channels * 4 * sizeof(int32_t) + 1);
    if (!prm)
        return 0;
    for (int64_t c = 0; c < s->channels; c++)
        if (!s->vec->dw_q8_tiny_pack(&s->geom, q->w + c * taps, q->bias ? q->bias[c] : 0,
                                     q->x_zp, q->x_dtype, prm + 4 * c)) {
            free(prm);
            return 0;
        }
    s->tq_prm = prm;
    return 1;
}

/* int8 depthwise into s from its kernel parameters (kept by pointer: a QDQ
 * group's live as long as the plan, a QLinearConv's are s->qown). */
int eb_simd__dw_q8(eb_simd_builder *b, const eb_ref_conv_q8_params *q, eb_simd_step *s,
                   char *where, const char *label)
{
    const int64_t c = q->in_channels;
    s->kind = K_DW_Q8;
    s->q = q;
    eb_simd__planes(s, &q->win, q->batch, c);
    eb_simd__need_scratch(b, (size_t)(s->geom.oh * s->geom.ow) * sizeof(int32_t) + 64);
    const char *layout = small_plane(s) ? ", planes read in place" : "";
    if (planar_pays(s) && tiny_begin(s) && s->geom.ow <= 8)
        layout = ", planes several per vector";
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
    snprintf(where, EB_SIMD_WHERE_LEN, "simd q8_dwconv2d__%s: %sdepthwise %lldx%lld/%lld%s",
             b->vec->name, label, (long long)s->geom.kh, (long long)s->geom.kw,
             (long long)s->geom.sh, layout);
    return 0;
}

static eb_status dw_run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_simd_step *s = x->state;
    eb_simd_pool *pool = eb_simd__step_pool(s);
    const void *in = x->in[0]->data;
    void *out = x->out[0]->data;
    if (s->nhwc) {
        const size_t el = s->kind == K_DW_F32 ? sizeof(float) : 1;
        for (int64_t i = 0; i < s->batch; i++) {
            nhwc_job J = {.s = s,
                          .x = (const char *)in + (size_t)(i * s->channels * s->in_plane) * el,
                          .y = (char *)out + (size_t)(i * s->channels * s->out_plane) * el};
            eb_simd_pool_run(pool, nhwc_split(s, pool, &J), dw_nhwc_task, &J);
        }
        return EB_OK;
    }
    eb_simd_plane_job J = {.s = s, .x = in, .y = out, .total = s->planes};
    eb_simd__run_planes(pool, &J, 1, s->kind == K_DW_F32 ? dw_f32_task : dw_q8_task);
    return EB_OK;
}

const eb_ref_op eb_simd__dw_op = {.op_type = "simd depthwise", .run = dw_run,
                                  .release = eb_simd__step_free};
