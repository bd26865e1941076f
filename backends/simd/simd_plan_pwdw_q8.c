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
 * group into the pointwise one's step (ref_plan_hooks.h). */
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

/* The depthwise conv group that alone reads tensor t: its index, or -1.
 * A group records the tensor before its DequantizeLinear as its input, so
 * t's one consumer must be a DequantizeLinear that runs in no step of its
 * own (dead: only fused groups read it), and exactly one later group,
 * a conv group of that one input, may name t. */
static int sole_dw_group(const eb_ref_plan_site *site, int t)
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
    return found >= 0 && strcmp(site->groups[found].kind, "conv") == 0 &&
                   site->groups[found].n_in == 1
               ? found
               : -1;
}

int eb_simd__fuse_dw_q8(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *pw,
                        eb_ref_step_claim *out, char *where)
{
    const eb_ref_fused *f = site->group;
    const eb_simd_gemm_shape *sh = &pw->gq.s;
    if (!f || pw->kind != K_GEMM_Q8 || pw->direct || pw->colq || !sh->geom.pointwise ||
        sh->batch != 1 || sh->groups != 1 || sh->y_col != 1 ||
        !fusion_pays(b, (size_t)(sh->m * sh->n)) || out->n_absorb + 1 > EB_REF_ABSORB_MAX)
        return -1;
    const int h = sole_dw_group(site, f->out_tensor);
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
    if (eb_simd__dw_q8(b, q, dw, dw_where, "QDQ ") != 0 || dw->nhwc || dw->tq_prm ||
        !eb_simd__band_rows_cover(&dw->geom)) {
        eb_simd__step_free(dw);
        return -1;
    }
    /* bands as the fp32 step's, the rows here bytes */
    const eb_simd_conv_geom *g = &dw->geom;
    const size_t row = (size_t)(g->iw * sh->m);
    const int64_t band = eb_simd__band_rows(g, row, &pw->cap);
    pw->dw = dw;
    pw->band = band;
    /* the band planes (64 bytes of slack: the kernels load whole vectors),
     * the depthwise kernel's int32 rows, the GEMM's own scratch */
    eb_simd__need_scratch(b, ALIGN64((size_t)pw->cap * row + 64) +
                                 ALIGN64((size_t)(band * g->ow) * sizeof(int32_t) + 64) +
                                 eb_simd_gemm_q8_scratch(&pw->gq));
    out->absorb[out->n_absorb++] = dg->position;
    for (int k = 0; k < dg->n_nodes; k++)
        snprintf(b->P->where[dg->nodes[k]], EB_SIMD_WHERE_LEN, "fused into '%.80s'",
                 site->node->name);
    const size_t used = strlen(where);
    snprintf(where + used, EB_SIMD_WHERE_LEN - used,
             ", then QDQ depthwise %lldx%lld/%lld in bands of %lld rows", (long long)g->kh,
             (long long)g->kw, (long long)g->sh, (long long)band);
    return dg->out_tensor;
}

/* Output rows [o0, o1) of every channel, band by band (as pwdw_task in
 * simd_plan_pwdw.c). */
static void pwdw_q8_task(void *arg, int t, int thread)
{
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s, *dw = s->dw;
    const eb_ref_conv_q8_params *q = dw->q;
    const eb_simd_conv_geom *g = &dw->geom;
    int64_t o_first, o_last;
    eb_simd__task_range(t, J->per_task, J->total, &o_first, &o_last);
    const int64_t w = g->iw, plane = s->cap * w, m = s->gq.s.m, taps = g->kh * g->kw;
    uint8_t *buf = eb_simd__thread_scratch(s, thread);
    int32_t *acc = (int32_t *)(buf + ALIGN64((size_t)(plane * m) + 64));
    void *gemm_scratch =
        (unsigned char *)acc + ALIGN64((size_t)(s->band * g->ow) * sizeof(int32_t) + 64);
    eb_simd_band_buf B = {.buf = buf, .el = 1, .planes = m, .plane = plane};
    for (int64_t o0 = o_first; o0 < o_last; o0 += s->band) {
        const int64_t o1 = o0 + s->band < o_last ? o0 + s->band : o_last;
        int64_t ra, re;
        eb_simd_conv_geom band;
        const int64_t from = eb_simd__band_next(&B, g, o0, o1, &ra, &re, &band);
        if (re > from)
            eb_simd_gemm_q8_cols(&s->gq, gemm_scratch, J->x, from * w, re * w,
                                 buf + (from - ra) * w, plane);
        for (int64_t c = 0; c < m; c++)
            s->vec->dwconv_q8(&band, buf + c * plane, q->x_dtype, q->x_zp, q->w + c * taps,
                              q->bias ? q->bias[c] : 0, q->mult[c], q->y_zp, q->y_min, q->y_max,
                              q->y_dtype, (uint8_t *)J->y + c * dw->out_plane + o0 * g->ow, acc);
    }
}

void eb_simd__run_pw_dw_q8(const eb_simd_step *s, const void *x, void *y)
{
    eb_simd__run_row_ranges(s, s->dw->geom.oh, x, y, pwdw_q8_task);
}
