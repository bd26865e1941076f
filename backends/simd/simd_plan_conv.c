/* Convolutions as GEMM in the simd plan: fp32 Conv, QLinearConv and QDQ
 * conv groups, packed from the input or, for a small single-image
 * convolution, over its im2col matrix (simd_plan_im2col.c); depthwise ones
 * go to simd_plan_dwconv.c. Also how every GEMM-shaped step runs (the
 * fully connected ones of simd_plan_gemm.c too). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

/* A small single-image convolution (the stem of a CNN: 3 channels, a large
 * output) is unfolded once per run, then runs as a 1x1 product over the
 * column matrix: packing its panels from the input element by element
 * costs more than the product. `el` bytes per element; a deep one (k > 64)
 * only while its matrix stays under `deep_max` bytes. */
static int im2col_pays(const eb_simd_gemm_shape *sh, size_t el, size_t deep_max)
{
    const size_t bytes = (size_t)(sh->k * sh->n) * el;
    return !sh->geom.pointwise && sh->groups == 1 && sh->batch == 1 &&
           bytes <= ((size_t)8 << 20) && (sh->k <= 64 || bytes <= deep_max);
}

/* The step keeps the window (for im2col); the product reads the column
 * matrix of k rows and n columns as a 1x1 input. */
static void over_columns(eb_simd_step *s, int64_t channels, eb_simd_gemm_shape *sh)
{
    s->geom = sh->geom;
    s->col_channels = channels;
    sh->geom.channels = sh->k;
    sh->geom.kh = sh->geom.kw = sh->geom.sh = sh->geom.sw = sh->geom.dh = sh->geom.dw = 1;
    sh->geom.ph = sh->geom.pw = 0;
    sh->geom.ih = sh->geom.oh;
    sh->geom.iw = sh->geom.ow;
    sh->geom.c_stride = sh->n;
    sh->geom.pointwise = 1;
}

/* A convolution of an input with few channels (a stem: 3) over rows wide
 * enough for 16-column vectors runs direct where the build has the kernel
 * (simd_vec_conv_small.h), its weights packed in groups of 16 output
 * channels per tap. Against the GEMM path (im2col for K <= 64, else
 * panels packed from the input), seven alternations on this AVX-512 VM,
 * the stem's median over the builds': MobileNet-v2@224 (3 -> 32, 3x3/2)
 * 0.75x, SqueezeNet 1.1 (3 -> 64, 3x3/2) 0.74x, RegNet-X-400MF 0.67x,
 * EfficientNet-b0 0.68x, ResNet-18 (3 -> 64, 7x7/2) 0.90x. */
static int small_direct(eb_simd_builder *b, const eb_simd_gemm_shape *sh, const float *w,
                        const float *bias, eb_simd_step *s)
{
    const eb_simd_conv_geom *g = &sh->geom;
    if (!b->vec->conv_small_f32 || g->pointwise || (g->sw != 1 && g->sw != 2) ||
        g->kw > EB_SIMD_CONV_SMALL_KW || g->p_stride != 1)
        return 0;
    /* a stem; or a grouped convolution of 12-16 or 24-32 output channels
     * per group (RegNet's groups of 16), which as GEMMs of 16 rows paid a
     * panel's packing per 16 channels: RegNet-X-400MF's 3x3 group convs
     * took 0.63-0.87x the GEMM path's time on 14- to 56-wide planes, ~0.9x
     * on 7-wide ones with 7 of 16 lanes, against ~1.04x for its 1x1 convs
     * (seven alternations); two rows per vector then took those to
     * 0.73-0.77x of that */
    const int64_t mg = sh->m, per = (mg + 15) / 16;
    const int stem = sh->groups == 1 && g->channels <= 4 && g->ow >= 16;
    const int grouped = sh->groups > 1 && mg <= 32 && per * 16 * 3 <= mg * 4 && g->ow >= 7;
    if (!stem && !grouped)
        return 0;
    const int64_t taps = sh->k, panel = per * taps * 16;
    s->w_f32 = calloc((size_t)(sh->groups * panel), sizeof(float));
    s->bias_f32 = calloc((size_t)(sh->groups * per * 16), sizeof(float));
    if (!s->w_f32 || !s->bias_f32)
        return 0;
    for (int64_t gr = 0; gr < sh->groups; gr++)
        for (int64_t o = 0; o < mg; o++) {
            const int64_t oc = gr * mg + o;
            for (int64_t t = 0; t < taps; t++)
                s->w_f32[gr * panel + ((o / 16) * taps + t) * 16 + o % 16] = w[oc * taps + t];
            if (bias)
                s->bias_f32[gr * per * 16 + o] = bias[oc];
        }
    s->geom = *g;
    /* the product's shape, for step_work: without it a direct step counted
     * no work and ran serial, so two threads left MobileNet-v2@224's stem
     * (255 us) on one */
    s->gf.s = *sh;
    s->channels = mg;
    s->planes = sh->groups;
    s->batch = sh->batch;
    s->in_plane = sh->x_image;
    s->out_plane = sh->y_image;
    s->direct = 1;
    return 1;
}

/* Rows [i0, i1) of (group, unit of output channels, output row), in that
 * order. Shared by threads, a unit is a block of 16 channels, so with the
 * pool's owned ranges a thread computes whole blocks where there are
 * enough of them: the depthwise step after a stem splits by planes, and
 * with the stem split by rows half of what each of its threads read had
 * been written by the other core (MobileNet-v2@224's 112x112 depthwise
 * 1.39x faster on two threads than on one; 1.68x with the blocks split).
 * On one thread a unit is all of a group's channels, each row's input
 * read once for all blocks (by blocks, the stem took 1.06x the time). */
static void small_task(void *arg, int t, int thread)
{
    (void)thread;
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s;
    const eb_simd_conv_geom *g = &s->geom;
    const int64_t per = (s->channels + 15) / 16, oh = g->oh;
    const int64_t units = J->total / oh / s->planes, blocks = per / units; /* per unit */
    const int64_t taps = g->channels * g->kh * g->kw;
    int64_t i0, i1;
    eb_simd__task_range(t, J->per_task, J->total, &i0, &i1);
    while (i0 < i1) {
        /* the weight and bias panels of a group are its blocks' panels
         * one after another */
        const int64_t u = i0 / oh, gr = u / units, blk = (u % units) * blocks, r0 = i0 % oh;
        const int64_t r1 = oh - r0 < i1 - i0 ? oh : r0 + (i1 - i0);
        const int64_t left = s->channels - blk * 16;
        const int64_t m = left < blocks * 16 ? left : blocks * 16;
        if (s->kind == K_GEMM_Q8) {
            const eb_ref_conv_q8_params *q = s->q;
            s->vec->conv_small_q8(g, m, s->cq_w + blk * g->channels * 3 * 16,
                                  s->cq_add + blk * 16, s->cq_mult + blk * 16, J->x,
                                  q->x_dtype, q->x_zp, q->y_zp, q->y_min, q->y_max,
                                  (uint8_t *)J->y + blk * 16 * oh * g->ow, r0, r1);
            i0 += r1 - r0;
            continue;
        }
        s->vec->conv_small_f32(g, m, s->w_f32 + (gr * per + blk) * taps * 16,
                               s->bias_f32 + (gr * per + blk) * 16,
                               (const float *)J->x + gr * g->channels * g->ih * g->iw,
                               (float *)J->y + (gr * s->channels + blk * 16) * oh * g->ow, r0,
                               r1, s->lo, s->hi);
        i0 += r1 - r0;
    }
}

eb_simd_step *eb_simd__conv_f32(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 1);
    const eb_tensor *bias = eb_node_input(g, n, 2);
    eb_window win;
    if (!eb_simd__is_f32(x) || !eb_simd__const_f32(w) || (bias && !eb_simd__const_f32(bias)) ||
        !eb_simd__geom_2d(g, n, x, w, &win))
        return NULL;
    int64_t group = eb_node_attr_int(n, "group", 1), c = x->dims[1], m = w->dims[0];
    eb_simd_step *s = eb_simd__step_new(b, K_CONV_F32);
    if (!s)
        return NULL;
    s->lo = -INFINITY;
    s->hi = INFINITY;
    if (group == c && group == m && w->dims[1] == 1) {
        if (eb_simd__dw_f32(b, s, x, w, bias, &win, where) == 0)
            return s;
        eb_simd__step_free(s);
        return NULL;
    }
    eb_simd_gemm_shape sh;
    eb_simd__conv_shape(&win, x->dims[0], c, m, group, &sh);
    if (small_direct(b, &sh, w->data, bias ? bias->data : NULL, s)) {
        snprintf(where, EB_SIMD_WHERE_LEN, "simd f32_conv_small__%s: %sdirect, rows read in place",
                 b->vec->name, group > 1 ? "grouped conv " : "");
        return s;
    }
    const char *how = group > 1 ? "grouped conv as GEMM" : "conv as GEMM, packed from the input";
    if (im2col_pays(&sh, sizeof(float), (size_t)256 << 10)) {
        s->col = malloc((size_t)(sh.k * sh.n) * sizeof(float) + 64);
        if (!s->col) {
            eb_simd__step_free(s);
            return NULL;
        }
        over_columns(s, c, &sh);
        how = "conv as GEMM over its im2col matrix";
    }
    if (eb_simd_gemm_f32_init(&s->gf, b->f32k, b->vec, &sh, w->data, sh.k, 1,
                              bias ? bias->data : NULL, -INFINITY, INFINITY) != 0) {
        eb_simd__step_free(s);
        return NULL;
    }
    eb_simd__need_scratch(b, eb_simd_gemm_f32_scratch(&s->gf));
    snprintf(where, EB_SIMD_WHERE_LEN, "simd %s: %s", s->gf.name,
             s->col ? how : sh.geom.pointwise ? "1x1 conv as GEMM" : how);
    return s;
}

/* An int8 stem (1-4 input channels, 3x3, one group) on the build's
 * direct kernel (simd_vec_conv_small_q8.h) when it takes the geometry and
 * weights: the packed weights into s, the step marked direct. Alternating
 * builds, one thread, against the GEMM over a byte im2col matrix:
 * MobileNet-v2 0.5@96's stem 22.0 -> 12.0 us, @224's 142 -> 101 us. */
static int small_direct_q8(eb_simd_builder *b, const eb_ref_conv_q8_params *q,
                           const eb_simd_gemm_shape *sh, eb_simd_step *s)
{
    const eb_simd_conv_geom *g = &sh->geom;
    if (!b->vec->conv_small_q8_pack || sh->groups != 1 || g->channels > 4)
        return 0;
    const int64_t m = sh->m, blocks = (m + 15) / 16;
    s->cq_w = malloc((size_t)(blocks * g->channels * 3 * 16) * sizeof(int32_t));
    s->cq_add = malloc((size_t)(blocks * 16) * sizeof(int32_t));
    s->cq_mult = calloc((size_t)(blocks * 16), sizeof(float));
    if (!s->cq_w || !s->cq_add || !s->cq_mult ||
        !b->vec->conv_small_q8_pack(g, m, q->w, q->bias, q->x_zp, q->x_dtype, s->cq_w,
                                    s->cq_add)) {
        free(s->cq_w);
        free(s->cq_add);
        free(s->cq_mult);
        s->cq_w = s->cq_add = NULL;
        s->cq_mult = NULL;
        return 0;
    }
    memcpy(s->cq_mult, q->mult, (size_t)m * sizeof(float));
    s->q = q;
    s->geom = *g;
    s->gq.s = *sh; /* the product's shape, for step_work (see small_direct) */
    s->channels = m;
    s->planes = 1;
    s->batch = sh->batch;
    s->in_plane = sh->x_image;
    s->out_plane = sh->y_image;
    s->direct = 1;
    return 1;
}

/* An int8 convolution with a window, on a GEMM whose operand holds KU
 * channels of one position in 4 bytes (VNNI's and SDOT's four bytes,
 * AVX2's two int16): the input is regrouped once per run into planes of
 * such elements, x - sub taken (block_task), and the GEMM then packs each
 * panel from them a whole element per move, with pack_b_32 (its K runs
 * over channel group, ky, kx, channel within the group; the weights are
 * reordered to match, zero past the last channel). Packed from the input
 * byte by byte, every panel took a division and a bounds check per byte;
 * over an im2col matrix, the matrix was written, then read and
 * interleaved again. Returns 0, 1 when the step was made, -1 when out of
 * memory. */
static int conv_q8_blocked(const eb_ref_conv_q8_params *q, const eb_simd_q8_gemm_variant *k,
                           const eb_simd_vec_kernels *vec, const eb_simd_gemm_shape *sh,
                           eb_simd_step *s)
{
    const eb_simd_q8_gemm_variant *run = eb_simd_q8_gemm_for(k, sh->m, sh->n, sh->y_col);
    const int ku = run->ku, elem = eb_simd_q8_elem_bytes(run);
    const eb_simd_conv_geom *g = &sh->geom;
    const int64_t cg = g->channels, taps = g->kh * g->kw, plane = g->ih * g->iw;
    const int64_t cgrp = (cg + ku - 1) / ku, kb = cgrp * taps * ku, rows = sh->groups * sh->m;
    const int64_t bytes = sh->batch * sh->groups * cgrp * plane * 4;
    if (ku * elem != 4 || g->pointwise || plane > INT32_MAX / 4 || bytes > ((int64_t)1 << 28))
        return 0;
    int16_t *w = calloc((size_t)(rows * kb), sizeof *w);
    s->colq = malloc((size_t)bytes + 64);
    if (!w || !s->colq) {
        free(w);
        return -1;
    }
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cg; c++)
            for (int64_t t = 0; t < taps; t++)
                w[r * kb + ((c / ku) * taps + t) * ku + c % ku] = q->w[(r * cg + c) * taps + t];
    eb_simd_gemm_shape bs = *sh;
    bs.k = kb;
    bs.geom.channels = cgrp;
    bs.geom.c_stride = plane;
    bs.geom.p_stride = 1;
    bs.geom.pointwise = 0;
    bs.geom.blocked = 1;
    bs.x_group = cgrp * plane * 4;
    bs.x_image = sh->groups * bs.x_group;
    s->col_channels = cg;
    const int rc = eb_simd_gemm_q8_init(&s->gq, k, vec, &bs, w, kb, 1, q->bias, q->mult,
                                        q->x_dtype, q->x_zp, q->y_dtype, q->y_zp, q->y_min,
                                        q->y_max);
    free(w);
    return rc == 0 ? 1 : -1;
}

int eb_simd__conv_q8(eb_simd_builder *b, const eb_ref_conv_q8_params *q, eb_simd_step *s,
                     char *where, const char *label)
{
    if (q->win.n_spatial != 2)
        return -1;
    int64_t c = q->in_channels, m = q->out_channels, group = q->group;
    if (group == c && group == m)
        return eb_simd__dw_q8(b, q, s, where, label);
    eb_simd_gemm_shape sh;
    eb_simd__conv_shape(&q->win, q->batch, c, m, group, &sh);
    s->kind = K_GEMM_Q8;
    if (small_direct_q8(b, q, &sh, s)) {
        snprintf(where, EB_SIMD_WHERE_LEN, "simd q8_conv_small__%s: %sdirect, rows read in place",
                 b->vec->name, label);
        return 0;
    }
    int64_t wcount = m * sh.k;
    const eb_simd_q8_gemm_variant *k =
        eb_simd_pick_q8_gemm(b->isa, eb_simd_q8_weights_narrow(q->w, wcount));
    /* a shallow product (k <= 64: a stem) over its im2col matrix: MobileNet-v2
     * 0.5@96's stem (3 channels) took 1.38x its time over channel groups on
     * AVX-512 without VNNI, 2.3x on AVX2, the Fashion CNN's (one) 2.7x and
     * 3.4x: a 16- or 32-column panel of one to three channels is mostly
     * table building (pack_b_32_rows) and lanes of zero weights; with no
     * allowance for deep ones, im2col_pays takes exactly those */
    const int shallow = im2col_pays(&sh, 1, 0);
    const int blocked = shallow ? 0 : conv_q8_blocked(q, k, b->vec, &sh, s);
    if (blocked < 0)
        return -1;
    if (blocked) {
        eb_simd__need_scratch(b, eb_simd_gemm_q8_scratch(&s->gq));
        snprintf(where, EB_SIMD_WHERE_LEN, "simd %s: %sconv as GEMM over channel groups",
                 s->gq.name, label);
        return 0;
    }
    int col = 0;
    if (im2col_pays(&sh, 1, (size_t)64 << 10)) {
        s->colq = malloc((size_t)(sh.k * sh.n) + 64);
        if (!s->colq)
            return -1;
        over_columns(s, c, &sh);
        col = 1;
    }
    if (eb_simd_gemm_q8_init(&s->gq, k, b->vec, &sh, q->w, sh.k, 1, q->bias, q->mult, q->x_dtype,
                             q->x_zp, q->y_dtype, q->y_zp, q->y_min, q->y_max) != 0)
        return -1;
    eb_simd__need_scratch(b, eb_simd_gemm_q8_scratch(&s->gq));
    snprintf(where, EB_SIMD_WHERE_LEN, "simd %s: %s%s", s->gq.name, label,
             col ? "conv as GEMM over its im2col matrix"
             : sh.geom.pointwise ? "1x1 conv as GEMM" : "conv as GEMM");
    return 0;
}

eb_simd_step *eb_simd__conv_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where)
{
    eb_simd_step *s = eb_simd__step_new(b, K_GEMM_Q8);
    if (s && eb_simd__conv_q8(b, f->state, s, where, "QDQ ") != 0) {
        eb_simd__step_free(s);
        return NULL;
    }
    return s;
}

/* QLinearConv whose weights, scales, zero points and bias are constants:
 * the ref kernel's parameters made here with ref's own helpers (centred
 * weights, the requant_s32.h multiplier), then eb_simd__conv_q8. */
eb_simd_step *eb_simd__qlinearconv(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 3);
    const eb_tensor *bias = eb_node_input(g, n, 8), *y = eb_node_output(g, n, 0);
    eb_window win;
    if (!x || !w || !w->data || !y || !eb_simd__geom_2d(g, n, x, w, &win) ||
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
        (wq.count != 1 && wq.count != w->dims[0]))
        return NULL;
    /* QLinearConv has no axis attribute: a w_scale of M elements is per
     * output channel (the ONNX definition). eb_ref_qparams_const reads the
     * absent attribute as axis 1, which sent every per-channel QLinearConv
     * to ref before this line. */
    wq.axis = 0;
    eb_simd_step *s = eb_simd__step_new(b, K_CONV_F32);
    if (!s)
        return NULL;
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
    if (eb_simd__conv_q8(b, q, s, where, "QLinearConv ") != 0)
        goto no;
    return s;
no:
    eb_simd__step_free(s);
    return NULL;
}

/* The column matrix over the pool (made on the calling thread alone, the
 * stem's im2col kept MobileNet-v2's first layer at 1.23x on two threads
 * while the GEMM after it scaled): task ranges of output rows [r0, r1),
 * every tap row, i.e. the columns of the GEMM, which splits its columns
 * the same way, so a thread mostly packs columns it unfolded itself. By
 * tap rows, each thread of MobileNet-v2@224's int8 stem read half its
 * columns from the other core. */
static void im2col_task(void *arg, int t, int thread)
{
    (void)thread;
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s;
    const int64_t rows = s->col_channels * s->geom.kh * s->geom.kw;
    int64_t r0, r1;
    eb_simd__task_range(t, J->per_task, J->total, &r0, &r1);
    if (s->kind == K_CONV_F32)
        eb_simd__im2col_f32(&s->geom, rows, r0, r1, J->x, J->y);
    else
        eb_simd__im2col_q8(&s->geom, rows, r0, r1, J->x, (uint8_t)(s->gq.pad + s->gq.sub), J->y);
}

/* conv_q8_blocked's regrouping: input rows [r0, r1) of every image,
 * group and group of KU channels, each a pointwise packing of those rows
 * as one panel (so threads split the rows, as im2col_task its columns). */
static void block_task(void *arg, int t, int thread)
{
    (void)thread;
    const eb_simd_plane_job *J = arg;
    const eb_simd_gemm_q8 *G = &J->s->gq;
    const int ku = G->kern->ku, elem = eb_simd_q8_elem_bytes(G->kern);
    const int64_t cg = J->s->col_channels, cgrp = G->s.geom.channels;
    const int64_t iw = G->s.geom.iw, plane = G->s.geom.ih * iw;
    int64_t r0, r1;
    eb_simd__task_range(t, J->per_task, J->total, &r0, &r1);
    const int cols = (int)((r1 - r0) * iw);
    eb_simd_conv_geom pw = {.ih = 1, .iw = plane, .oh = 1, .ow = plane, .kh = 1, .kw = 1,
                            .sh = 1, .sw = 1, .dh = 1, .dw = 1, .c_stride = plane,
                            .p_stride = 1, .pointwise = 1};
    const uint8_t *x = J->x;
    uint8_t *y = J->y;
    for (int64_t ig = 0; ig < G->s.batch * G->s.groups; ig++)
        for (int64_t gc = 0; gc < cgrp; gc++) {
            pw.channels = cg - gc * ku < ku ? cg - gc * ku : ku;
            G->vec->pack_b_q8(&pw, x + (ig * cg + gc * ku) * plane, G->x_dtype, G->sub, G->pad,
                              elem, ku, ku, r0 * iw, cols, cols,
                              y + ((ig * cgrp + gc) * plane + r0 * iw) * 4);
        }
}

static void im2col(const eb_simd_step *s, const void *x, void *col)
{
    eb_simd_plane_job J = {.s = s, .x = x, .y = col, .total = s->geom.oh};
    eb_simd_pool *pool = eb_simd__step_pool(s);
    /* a serial step in one task: each task walks every tap row (the
     * Fashion CNN's second convolution took 1.4-1.8x its time in seven) */
    eb_simd__run_planes(pool, &J, pool ? 1 : J.total, im2col_task);
}

/* A direct step (fp32 or int8, elements of el bytes) image by image. The
 * int8 stem splits by rows only, each thread running every block of 16
 * channels over its rows (the row's byte triples made once for all of
 * them): by blocks, as fp32 (see small_task), MobileNet-v2@224's int8 stem
 * gained 1.28x from a second thread, by rows 1.87x (66 -> 47 us on two). */
static void run_small(const eb_simd_step *s, const void *in, void *out, size_t el)
{
    eb_simd_pool *pool = eb_simd__step_pool(s);
    const int64_t units =
        eb_simd_pool_threads(pool) > 1 && s->kind != K_GEMM_Q8 ? (s->channels + 15) / 16 : 1;
    for (int64_t i = 0; i < s->batch; i++) {
        eb_simd_plane_job J = {.s = s,
                               .x = (const char *)in + (size_t)(i * s->in_plane) * el,
                               .y = (char *)out + (size_t)(i * s->out_plane) * el,
                               .total = s->planes * units * s->geom.oh};
        eb_simd__run_planes(pool, &J, 1, small_task);
    }
}

static eb_status gemm_run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_simd_step *s = x->state;
    const void *in = x->in[0]->data;
    if (s->kind == K_CONV_F32) {
        if (s->mp) {
            eb_simd__run_conv_pool(s, in, x->out[0]->data);
            return EB_OK;
        }
        if (s->direct) {
            run_small(s, in, x->out[0]->data, sizeof(float));
            return EB_OK;
        }
        if (s->dw) {
            eb_simd__run_pw_dw(s, in, x->out[0]->data);
            return EB_OK;
        }
        if (s->col) {
            im2col(s, in, s->col);
            in = s->col;
        }
        eb_simd_gemm_f32_run(&s->gf, eb_simd__step_pool(s), &s->plan->scratch, in,
                             x->out[0]->data);
    } else {
        if (s->direct) {
            run_small(s, in, x->out[0]->data, 1);
            return EB_OK;
        }
        if (s->colq && s->gq.s.geom.blocked) {
            eb_simd_plane_job J = {.s = s, .x = in, .y = s->colq, .total = s->gq.s.geom.ih};
            eb_simd_pool *pool = eb_simd__step_pool(s);
            eb_simd__run_planes(pool, &J, pool ? 1 : J.total, block_task);
            in = s->colq;
        } else if (s->colq) {
            im2col(s, in, s->colq);
            in = s->colq;
        }
        eb_simd_gemm_q8_run(&s->gq, eb_simd__step_pool(s), &s->plan->scratch, in,
                            x->out[0]->data);
    }
    return EB_OK;
}

const eb_ref_op eb_simd__gemm_op = {.op_type = "simd gemm", .run = gemm_run,
                                    .release = eb_simd__step_free};
