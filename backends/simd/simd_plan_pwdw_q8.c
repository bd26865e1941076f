/* The int8 form of simd_plan_pwdw.c: a pointwise QDQ convolution group and
 * the depthwise QDQ group that alone reads its output, run as one step
 * band by band. The pointwise output rows a band of depthwise output rows
 * reads are computed into the thread's band buffer (requantised bytes,
 * exactly what the pointwise group writes) and the depthwise kernel runs
 * on them while they are in cache; the pointwise output tensor never
 * exists. Why, with int8 tensors a quarter of fp32's: on two threads the
 * unfused pointwise step splits its output by columns (pixels) and the
 * depthwise step after it by channels, so each thread read half of the
 * expanded tensor from the other core (MobileNet-v2@224 int8, features.2-4:
 * 105 us over half the one-thread time on two threads); band by band each
 * thread reads only what it computed. Ref's plan absorbs the depthwise
 * group into the pointwise one's step (ref_plan_hooks.h).
 *
 * On threads the step also takes the 1x1 projection group after the
 * depthwise one, and the residual Add of the block's input after that
 * (an inverted-residual block, as one step): each band's depthwise rows go
 * to a second buffer and the projection's columns for those pixels are
 * computed from it, then added to the input's same pixels. Unfused, the
 * projection (split by output channels) read half of the depthwise output
 * from the other core, the Add (split by channels) half of the
 * projection's, and the next block's expansion half of the Add's: the
 * blocks' steps then split three ways; fused, every step splits by the same
 * rows of pixels. */
#include <string.h>

#include "backends/simd/simd_cache.h"

#include "backends/simd/simd_plan_impl.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

/* The pointwise output from which the fusion runs: MobileNet-v2@224's
 * features.2-4 expansions (1.2 MB, 451 KB, 451 KB) are over it, its 28x28
 * ones (150 KB) and 0.5@96's (110 KB and less) under it; fusing those too
 * changed nothing measurable. */
#define FUSE_Q8_MIN_BYTES ((size_t)256 << 10)

/* Whether fusing a pointwise output of `bytes` pays: on more than one
 * thread (the cross-core reads above), or where the output would leave
 * the L2 between the two steps (the fp32 fusion's reason). On one thread
 * of this 2 MiB-L2 Xeon, where MobileNet-v2@224's int8 expansions stay in
 * the L2, the fused features.2 took 1.055x its unfused time (its two
 * bands of 48 and 8 rows; smaller bands cost more: a depthwise call per
 * channel and band), features.3 and 4 0.99x; on two threads 0.89x, 0.95x
 * and 0.80x, the model 0.97x. */
static int fusion_pays(const eb_simd_builder *b, size_t bytes)
{
    if (bytes < FUSE_Q8_MIN_BYTES)
        return 0;
    const size_t l2 = eb_simd_cache_bytes(2);
    return eb_simd_pool_threads(b->P->o.pool) > 1 || (l2 && bytes > l2);
}

/* The group that alone reads tensor t: its index, or -1.
 * A group records the tensor before its DequantizeLinear as its input, so
 * t's one consumer must be a DequantizeLinear that runs in no step of its
 * own (dead: only fused groups read it), and exactly one later group may
 * name t. */
static int sole_group(const eb_ref_plan_site *site, int t)
{
    const eb_graph *g = site->g;
    if (t < 0 || g->tensors[t].n_consumers != 1 || g->tensors[t].is_graph_output)
        return -1;
    int found = -1;
    for (int j = site->group->position + 1; j < g->n_nodes; j++) {
        const eb_node *n = &g->nodes[j];
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] == t &&
                (site->runs_alone[j] || strcmp(n->op_type, "DequantizeLinear") != 0))
                return -1;
        const int h = site->group_at[j];
        if (h < 0)
            continue;
        for (int k = 0; k < site->groups[h].n_in; k++)
            if (site->groups[h].in_tensor[k] == t) {
                if (found >= 0)
                    return -1;
                found = h;
            }
    }
    return found;
}

/* The same, where that group is a conv group of one input. */
static int sole_conv_group(const eb_ref_plan_site *site, int t)
{
    const int h = sole_group(site, t);
    return h >= 0 && strcmp(site->groups[h].kind, "conv") == 0 && site->groups[h].n_in == 1
               ? h
               : -1;
}

/* The residual Add after a projection group p of a step reading x: the
 * add group that alone reads p's output and whose other input is x, the
 * shapes equal (the depthwise at stride 1, as many channels out as the
 * block takes in). Its index and, in *side, which input is x (1: b,
 * 2: a), or -1. */
static int residual_add(const eb_ref_plan_site *site, int p, int x, int64_t count, int *side)
{
    const int t = site->groups[p].out_tensor, h = sole_group(site, t);
    if (h < 0 || strcmp(site->groups[h].kind, "add") != 0 || site->groups[h].n_in != 2)
        return -1;
    const eb_ref_fused *a = &site->groups[h];
    const eb_ref_add_q8_params *q = a->state;
    if (q->count != count || site->g->tensors[x].numel != count)
        return -1;
    if (a->in_tensor[0] == t && a->in_tensor[1] == x)
        *side = 1;
    else if (a->in_tensor[1] == t && a->in_tensor[0] == x)
        *side = 2;
    else
        return -1;
    return h;
}

/* The projection after a fused depthwise step dw (its output tensor t):
 * the 1x1 conv group that alone reads t, as a step whose input is one band
 * of `band` depthwise output rows (the band buffer's planes), or NULL. */
static eb_simd_step *proj_step(eb_simd_builder *b, const eb_ref_plan_site *site, int t,
                               const eb_simd_step *dw, int64_t band, int *p_out, char *where)
{
    const int p = sole_conv_group(site, t);
    if (p < 0)
        return NULL;
    eb_ref_conv_q8_params q = *(const eb_ref_conv_q8_params *)site->groups[p].state;
    const eb_simd_conv_geom *g = &dw->geom;
    if (q.win.n_spatial != 2 || q.batch != 1 || q.group != 1 || q.in_channels != dw->q->group ||
        q.win.in[0] != g->oh || q.win.in[1] != g->ow || q.win.out[0] != g->oh ||
        q.win.out[1] != g->ow)
        return NULL;
    q.win.in[0] = q.win.out[0] = band;
    eb_simd_step *s = eb_simd__step_new(b, K_GEMM_Q8);
    if (!s)
        return NULL;
    if (eb_simd__conv_q8(b, &q, s, where, "") != 0 || s->kind != K_GEMM_Q8 || s->direct ||
        s->colq || !s->gq.s.geom.pointwise || s->gq.s.y_col != 1) {
        eb_simd__step_free(s);
        return NULL;
    }
    s->out_plane = g->oh * g->ow;
    *p_out = p;
    return s;
}

static void label_fused(eb_simd_builder *b, const eb_ref_plan_site *site, const eb_ref_fused *g)
{
    for (int k = 0; k < g->n_nodes; k++)
        snprintf(b->P->where[g->nodes[k]], EB_SIMD_WHERE_LEN, "fused into '%.80s'",
                 site->node->name);
}

/* A fused step's per-thread scratch, in order: the pointwise band planes
 * (64 bytes of slack: the kernels load whole vectors), the depthwise
 * kernel's int32 rows, the depthwise output band (with a projection),
 * either GEMM's scratch (one at a time), the projection's output band
 * (with an Add). pwdw_q8_task lays it out. */
static size_t scratch_bytes(const eb_simd_step *s)
{
    const eb_simd_conv_geom *g = &s->dw->geom;
    const int64_t m = s->dw->q->group, px = s->band * g->ow;
    return ALIGN64((size_t)(s->cap * g->iw * m) + 64) +
           ALIGN64((size_t)px * sizeof(int32_t) + 64) +
           (s->proj ? ALIGN64((size_t)(m * px) + 64) : 0) + s->gemm_scratch +
           (s->res_side ? ALIGN64((size_t)(s->proj->gq.s.m * px) + 64) : 0);
}

/* Fused step s (its depthwise step and projection s->proj set) takes the
 * projection group p and, where it follows, the residual Add of tensor x
 * (the step's input) into out; its scratch. Returns the output tensor the
 * step writes. */
static int take_proj(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *s, int p,
                     int x, eb_ref_step_claim *out, char *where)
{
    const eb_simd_conv_geom *g = &s->dw->geom;
    const eb_ref_fused *pg = &site->groups[p];
    const size_t gs = eb_simd_gemm_q8_scratch(&s->gq);
    const size_t ps = eb_simd_gemm_q8_scratch(&s->proj->gq);
    s->gemm_scratch = ALIGN64(gs > ps ? gs : ps);
    out->absorb[out->n_absorb++] = pg->position;
    label_fused(b, site, pg);
    size_t used = strlen(where);
    snprintf(where + used, EB_SIMD_WHERE_LEN - used, ", then QDQ 1x1 conv to %lld channels",
             (long long)s->proj->gq.s.m);
    /* the residual Add of the step's own input, in the same bands: the
     * depthwise at stride 1, as many channels out as the step takes in */
    const int64_t cin = s->gq.s.k;
    const int64_t count = cin * g->oh * g->ow;
    int side = 0;
    const int r = g->sh == 1 && g->sw == 1 && g->oh == g->ih && g->ow == g->iw &&
                          s->proj->gq.s.m == cin && out->n_absorb < EB_REF_ABSORB_MAX
                      ? residual_add(site, p, x, count, &side)
                      : -1;
    if (r >= 0) {
        const eb_ref_fused *ag = &site->groups[r];
        s->addq = *(const eb_ref_add_q8_params *)ag->state;
        s->res_side = side;
        out->absorb[out->n_absorb++] = ag->position;
        label_fused(b, site, ag);
        used = strlen(where);
        snprintf(where + used, EB_SIMD_WHERE_LEN - used, " + QDQ add of the input");
    }
    eb_simd__need_scratch(b, scratch_bytes(s));
    return r >= 0 ? site->groups[r].out_tensor : pg->out_tensor;
}

int eb_simd__fuse_dw_q8(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *pw,
                        eb_ref_step_claim *out, char *where)
{
    const eb_ref_fused *f = site->group;
    const eb_simd_gemm_shape *sh = &pw->gq.s;
    if (!f || pw->kind != K_GEMM_Q8 || pw->direct || pw->colq || !sh->geom.pointwise ||
        sh->batch != 1 || sh->groups != 1 || sh->y_col != 1 ||
        out->n_absorb + 1 > EB_REF_ABSORB_MAX)
        return -1;
    const int pays = fusion_pays(b, (size_t)(sh->m * sh->n));
    const int threads = eb_simd_pool_threads(b->P->o.pool);
    if (!pays && threads < 2)
        return -1;
    const int h = sole_conv_group(site, f->out_tensor);
    if (h < 0)
        return -1;
    const eb_ref_fused *dg = &site->groups[h];
    const eb_ref_conv_q8_params *q = dg->state;
    if (q->win.n_spatial != 2 || q->batch != 1 || q->group != q->in_channels ||
        q->group != q->out_channels || q->in_channels != sh->m ||
        q->win.in[0] * q->win.in[1] != sh->n)
        return -1;
    eb_simd_step *dw = eb_simd__step_new(b, K_DW_Q8);
    if (!dw)
        return -1;
    char dw_where[EB_SIMD_WHERE_LEN];
    if (eb_simd__dw_q8(b, q, dw, dw_where, "QDQ ") != 0 || dw->nhwc ||
        !eb_simd__band_rows_cover(&dw->geom)) {
        eb_simd__step_free(dw);
        return -1;
    }
    /* bands as the fp32 step's, the rows here bytes */
    const eb_simd_conv_geom *g = &dw->geom;
    const size_t row = (size_t)(g->iw * sh->m);
    char proj_where[EB_SIMD_WHERE_LEN];
    int p = -1;
    const int with_proj = threads > 1 && !pw->serial && g->oh >= EB_SIMD_PROJ_MIN_ROWS * threads &&
                          out->n_absorb + 2 <= EB_REF_ABSORB_MAX;
    /* with a projection a band is no larger than a thread's rows
     * (eb_simd__run_row_ranges): the projection's GEMM is built for one
     * band's columns, and its tile chosen for them (a 14x14 plane's 98
     * columns a thread: the 32 x 7 tile, where the 196-column product took
     * 32-wide panels, 4 for 98) */
    const int64_t per_thread = (g->oh + threads - 1) / threads;
    int64_t band = eb_simd__band_rows(g, row, with_proj ? per_thread : g->oh, &pw->cap);
    eb_simd_step *proj =
        with_proj ? proj_step(b, site, dg->out_tensor, dw, band, &p, proj_where) : NULL;
    if (with_proj && !proj) /* back to the pair's bands */
        band = eb_simd__band_rows(g, row, g->oh, &pw->cap);
    if (!pays && !proj) {
        eb_simd__step_free(dw);
        return -1;
    }
    pw->dw = dw;
    pw->proj = proj;
    pw->band = band;
    out->absorb[out->n_absorb++] = dg->position;
    label_fused(b, site, dg);
    const size_t used = strlen(where);
    snprintf(where + used, EB_SIMD_WHERE_LEN - used,
             ", then QDQ depthwise %lldx%lld/%lld in bands of %lld rows", (long long)g->kh,
             (long long)g->kw, (long long)g->sh, (long long)band);
    if (!proj) {
        pw->gemm_scratch = ALIGN64(eb_simd_gemm_q8_scratch(&pw->gq));
        eb_simd__need_scratch(b, scratch_bytes(pw));
        return dg->out_tensor;
    }
    return take_proj(b, site, pw, p, f->in_tensor[0], out, where);
}

/* Output rows [o0, o1) of every channel, band by band (as pwdw_task in
 * simd_plan_pwdw.c); with a projection, each band's depthwise rows go to
 * the thread's depthwise band buffer and the projection's columns for
 * those pixels to y. */
static void pwdw_q8_task(void *arg, int t, int thread)
{
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s, *dw = s->dw, *proj = s->proj;
    const eb_ref_conv_q8_params *q = dw->q;
    const eb_simd_conv_geom *g = &dw->geom;
    int64_t o_first, o_last;
    eb_simd__task_range(t, J->per_task, J->total, &o_first, &o_last);
    const int64_t w = g->iw, m = q->group, taps = g->kh * g->kw;
    const int64_t dw_plane = s->band * g->ow; /* the depthwise band buffer's */
    /* the layout of scratch_bytes */
    uint8_t *buf = eb_simd__thread_scratch(s, thread);
    int32_t *acc = (int32_t *)(buf + ALIGN64((size_t)(s->cap * w * m) + 64));
    uint8_t *dw_buf = (uint8_t *)acc + ALIGN64((size_t)dw_plane * sizeof(int32_t) + 64);
    void *gemm_scratch = dw_buf + (proj ? ALIGN64((size_t)(m * dw_plane) + 64) : 0);
    uint8_t *res_buf = (uint8_t *)gemm_scratch + s->gemm_scratch;
    const int64_t plane = s->cap * w;
    eb_simd_band_buf B = {.buf = buf, .el = 1, .planes = m, .plane = plane};
    for (int64_t o0 = o_first; o0 < o_last; o0 += s->band) {
        const int64_t o1 = o0 + s->band < o_last ? o0 + s->band : o_last;
        int64_t ra, re;
        eb_simd_conv_geom band;
        const int64_t from = eb_simd__band_next(&B, g, o0, o1, &ra, &re, &band);
        if (re > from)
            eb_simd_gemm_q8_cols(&s->gq, gemm_scratch, J->x, from * w, re * w,
                                 buf + (from - ra) * w, plane);
        uint8_t *dst = proj ? dw_buf : (uint8_t *)J->y + o0 * g->ow;
        const int64_t dst_plane = proj ? dw_plane : dw->out_plane;
        if (dw->tq_prm)
            s->vec->dwconv_q8_tiny(&band, m, buf, plane, q->x_dtype, q->x_zp, dw->tq_prm,
                                   q->mult, q->y_zp, q->y_min, q->y_max, dst, dst_plane);
        else
            for (int64_t c = 0; c < m; c++)
                s->vec->dwconv_q8(&band, buf + c * plane, q->x_dtype, q->x_zp, q->w + c * taps,
                              q->bias ? q->bias[c] : 0, q->mult[c], q->y_zp, q->y_min, q->y_max,
                              q->y_dtype, dst + c * dst_plane, acc);
        if (!proj)
            continue;
        const int64_t n = (o1 - o0) * g->ow, at = o0 * g->ow, mp = proj->gq.s.m;
        if (!s->res_side) {
            eb_simd_gemm_q8_cols(&proj->gq, gemm_scratch, dw_buf, 0, n, (uint8_t *)J->y + at,
                                 proj->out_plane);
            continue;
        }
        /* the projection's bytes into res_buf, then the Add of the input's
         * same pixels, channel by channel */
        eb_simd_gemm_q8_cols(&proj->gq, gemm_scratch, dw_buf, 0, n, res_buf, dw_plane);
        for (int64_t c = 0; c < mp; c++) {
            const uint8_t *pr = res_buf + c * dw_plane;
            const uint8_t *in = (const uint8_t *)J->x + c * proj->out_plane + at;
            s->vec->add_q8(&s->addq, s->res_side == 1 ? pr : in, s->res_side == 1 ? in : pr,
                           (uint8_t *)J->y + c * proj->out_plane + at, 0, n);
        }
    }
}

/* Its own op, not the GEMM step's: the fused step's builder uses the
 * conv family's (eb_simd__conv_q8), so the conv family must not call back
 * here. */
static eb_status pwdw_q8_run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_simd_step *s = x->state;
    eb_simd__run_row_ranges(s, s->dw->geom.oh, x->in[0]->data, x->out[0]->data, pwdw_q8_task);
    return EB_OK;
}

const eb_ref_op eb_simd__pwdw_q8_op = {.op_type = "simd pointwise + depthwise",
                                       .run = pwdw_q8_run, .release = eb_simd__step_free};
