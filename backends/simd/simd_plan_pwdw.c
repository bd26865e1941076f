/* A pointwise fp32 convolution and the depthwise one that alone reads its
 * output (through a Relu / Clip or not), run as one step band by band:
 * the rows of the pointwise output a band of depthwise output rows reads
 * are computed into the thread's band buffer, and the depthwise kernel
 * runs on them while they are in cache. The pointwise output, the largest
 * tensor of an inverted-residual block (MobileNet-v2@224's features.2
 * expands 16 to 96 channels of 112 x 112: 4.8 MB), then never exists:
 * written whole, it leaves L2 and the depthwise step reads it back from
 * L3 or memory. Rows two consecutive bands share are moved to the front
 * of the buffer, not computed again. Measured on a 2 MiB-L2 Xeon VM
 * (MobileNet-v2@224, features.2-4 against features.13-14 as control,
 * alternating builds): 0.95x the unfused time on one thread, where L3
 * served the unfused tensors nearly as fast, and 0.85-0.9x on two, where
 * the cores share that bandwidth; once the AVX-512 depthwise kernels read
 * rows in place instead of copying them, 0.87x on one thread (the whole
 * model 0.96x). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

/* The fusion pays when the pointwise output would not stay in L2 between
 * the two steps: at least this many bytes (on threads, with the
 * projection after the depthwise one, at any size). */
#define FUSE_MIN_BYTES ((size_t)1 << 20)

static int is_op(const eb_node *n, const char *op)
{
    return n->domain[0] == '\0' && strcmp(n->op_type, op) == 0;
}

/* Node n as an fp32 Conv of one batch-1 image with constant weights (and
 * a bias of one value per output channel) over a 2-D window: its tensors
 * and window, or 0. The nodes read here are absorbed ones, which ref
 * checks only after the claim, so the bias's count is checked here. */
static int const_conv(const eb_graph *g, const eb_node *n, const eb_tensor **x,
                      const eb_tensor **w, const eb_tensor **bias, eb_window *win)
{
    *x = eb_node_input(g, n, 0);
    *w = eb_node_input(g, n, 1);
    *bias = eb_node_input(g, n, 2);
    return is_op(n, "Conv") && !eb_node_has_empty_tensor(g, n) && eb_simd__is_f32(*x) &&
           eb_simd__const_f32(*w) && (*w)->rank >= 1 &&
           (!*bias || (eb_simd__const_f32(*bias) && (*bias)->numel == (*w)->dims[0])) &&
           eb_simd__geom_2d(g, n, *x, *w, win) && (*x)->dims[0] == 1;
}

/* The depthwise step node u would be, fp32 planar on wide planes (or,
 * with `small`, on planes the build's kernel reads in place, several per
 * call): NULL otherwise (or out of memory). */
static eb_simd_step *dw_step(eb_simd_builder *b, const eb_node *u, const eb_simd_step *pw,
                             int small)
{
    const eb_graph *g = b->g;
    const eb_tensor *x, *w, *bias;
    eb_window win;
    if (!const_conv(g, u, &x, &w, &bias, &win))
        return NULL;
    const int64_t c = x->dims[1];
    const eb_simd_gemm_shape *sh = &pw->gf.s;
    if (eb_node_attr_int(u, "group", 1) != c || w->dims[0] != c || w->dims[1] != 1 ||
        c != sh->m || x->dims[2] * x->dims[3] != sh->n)
        return NULL;
    eb_simd_step *s = eb_simd__step_new(b, K_DW_F32);
    if (!s)
        return NULL;
    eb_simd__planes(s, &win, 1, c);
    char where[EB_SIMD_WHERE_LEN];
    s->lo = -INFINITY;
    s->hi = INFINITY;
    if ((!small && !eb_simd__dw_planar_wide(s)) || !eb_simd__band_rows_cover(&s->geom) ||
        eb_simd__dw_f32(b, s, x, w, bias, &win, where) != 0 || s->nhwc) {
        eb_simd__step_free(s);
        return NULL;
    }
    return s;
}

/* The projection after the depthwise step dw on threads: node j, a 1x1
 * conv (stride 1, no padding, one group, constant weights) of dw's output,
 * as a step whose input is one band of `band` depthwise output rows (the
 * band buffer's planes), or NULL. */
static eb_simd_step *proj_step(eb_simd_builder *b, const eb_node *j, const eb_simd_step *dw,
                               int64_t band)
{
    const eb_graph *g = b->g;
    const eb_tensor *x, *w, *bias;
    eb_window win;
    if (!const_conv(g, j, &x, &w, &bias, &win) || eb_node_attr_int(j, "group", 1) != 1)
        return NULL;
    const eb_simd_conv_geom *dg = &dw->geom;
    /* the weights' count too (see const_conv): the GEMM packs m x c
     * values from them */
    if (x->dims[1] != dw->channels || win.in[0] != dg->oh || win.in[1] != dg->ow ||
        win.out[0] != dg->oh || win.out[1] != dg->ow || win.kernel[0] != 1 ||
        win.kernel[1] != 1 || w->rank != 4 || w->numel != w->dims[0] * x->dims[1])
        return NULL;
    win.in[0] = win.out[0] = band;
    eb_simd_step *s = eb_simd__step_new(b, K_CONV_F32);
    if (!s)
        return NULL;
    eb_simd_gemm_shape sh;
    eb_simd__conv_shape(&win, 1, x->dims[1], w->dims[0], 1, &sh);
    if (!sh.geom.pointwise ||
        eb_simd_gemm_f32_init(&s->gf, b->f32k, b->vec, &sh, w->data, sh.k, 1,
                              bias ? bias->data : NULL, -INFINITY, INFINITY) != 0) {
        eb_simd__step_free(s);
        return NULL;
    }
    s->out_plane = dg->oh * dg->ow;
    return s;
}

/* The residual Add after projection node j of a step reading tensor x:
 * the Add that alone reads j's output, its other input x, the shapes
 * equal; its index, or -1. */
static int residual_add(const eb_graph *g, const unsigned char *runs_alone, int j, int x)
{
    const int a = eb_simd__sole_reader(g, runs_alone, j);
    if (a < 0 || !is_op(&g->nodes[a], "Add") || g->nodes[a].n_inputs != 2 ||
        g->nodes[a].outputs[0] < 0)
        return -1;
    const eb_node *n = &g->nodes[a];
    const int t = g->nodes[j].outputs[0];
    if (!((n->inputs[0] == t && n->inputs[1] == x) || (n->inputs[1] == t && n->inputs[0] == x)))
        return -1;
    const eb_tensor *tx = &g->tensors[x], *tt = &g->tensors[t], *ty = &g->tensors[n->outputs[0]];
    if (!eb_simd__is_f32(tx) || !eb_simd__is_f32(ty) || tx->rank != tt->rank ||
        ty->rank != tt->rank)
        return -1;
    for (int d = 0; d < tt->rank; d++)
        if (tx->dims[d] != tt->dims[d] || ty->dims[d] != tt->dims[d])
            return -1;
    return a;
}

int64_t eb_simd__band_rows(const eb_simd_conv_geom *g, size_t row, int64_t max, int64_t *cap)
{
    const int64_t span = (g->kh - 1) * g->dh + 1;
    int64_t band = 1;
    while (band < g->oh && band < max &&
           (size_t)(band * g->sh + span) * row <= eb_simd__band_bytes() * 2)
        band++;
    *cap = (band - 1) * g->sh + span;
    return band;
}

int eb_simd__fuse_dw(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *pw,
                     int from, eb_ref_step_claim *out, char *where)
{
    const eb_graph *g = b->g;
    const eb_simd_gemm_shape *sh = &pw->gf.s;
    const int threads = eb_simd_pool_threads(b->P->o.pool);
    const int pays = (size_t)(sh->m * sh->n) * sizeof(float) >= FUSE_MIN_BYTES;
    if (pw->col || !sh->geom.pointwise || sh->batch != 1 || sh->groups != 1 || sh->y_col != 1 ||
        (!pays && threads < 2) || out->n_absorb + 2 > EB_REF_ABSORB_MAX)
        return 0;
    const int u = eb_simd__sole_reader(g, site->runs_alone, from);
    if (u < 0 || g->nodes[u].inputs[0] != g->nodes[from].outputs[0] ||
        g->nodes[u].outputs[0] < 0)
        return 0;
    /* small planes (MobileNet-v2's 14x14 and 7x7) only where the
     * projection may join: alone the pair pays from 1 MiB */
    eb_simd_step *dw = dw_step(b, &g->nodes[u], pw, threads > 1);
    if (!dw)
        return 0;
    const int act = eb_simd__next_activation(g, site->runs_alone, u, &dw->lo, &dw->hi);
    /* bands of output rows whose input rows fill about twice the band
     * bytes (half the L2 here): every band costs each channel's depthwise
     * call and the GEMM's ragged last panel. MobileNet-v2@224, one thread,
     * features.2-4 against features.13-14 as control: bands of a sixteenth
     * of the L2 took 1.6x the unfused time, a quarter about the same, half
     * 0.95x */
    const eb_simd_conv_geom *dg = &dw->geom;
    const size_t row = (size_t)(dg->iw * sh->m) * sizeof(float);
    /* on threads the projection after it, and the residual Add of the
     * step's input (as simd_plan_pwdw_q8.c, whose figures apply), in
     * bands of at most a thread's rows */
    const int last = act >= 0 ? act : u;
    const int n_after = out->n_absorb + (act >= 0 ? 2 : 1);
    const int j = threads > 1 && !pw->serial && dg->oh >= EB_SIMD_PROJ_MIN_ROWS * threads &&
                          n_after < EB_REF_ABSORB_MAX
                      ? eb_simd__sole_reader(g, site->runs_alone, last)
                      : -1;
    const int with_proj =
        j >= 0 && g->nodes[j].inputs[0] == g->nodes[last].outputs[0] && g->nodes[j].n_outputs > 0;
    const int64_t per_thread = (dg->oh + threads - 1) / threads;
    int64_t band = eb_simd__band_rows(dg, row, with_proj ? per_thread : dg->oh, &pw->cap);
    eb_simd_step *proj = with_proj ? proj_step(b, &g->nodes[j], dw, band) : NULL;
    if (!proj && (!pays || !eb_simd__dw_planar_wide(dw))) {
        eb_simd__step_free(dw);
        return 0;
    }
    if (with_proj && !proj) /* the pair's bands */
        band = eb_simd__band_rows(dg, row, dg->oh, &pw->cap);
    const int add = proj && n_after + 1 < EB_REF_ABSORB_MAX
                        ? residual_add(g, site->runs_alone, j, site->node->inputs[0])
                        : -1;
    pw->dw = dw;
    pw->proj = proj;
    pw->res_side = add >= 0;
    pw->band = band;
    /* the band planes, the depthwise output band and the projection's
     * output band (with a projection, an Add), either GEMM's scratch */
    const size_t gs = eb_simd_gemm_f32_scratch(&pw->gf);
    const size_t ps = proj ? eb_simd_gemm_f32_scratch(&proj->gf) : 0;
    pw->gemm_scratch = ALIGN64(gs > ps ? gs : ps);
    const size_t dw_band =
        proj ? ALIGN64((size_t)(sh->m * band * dg->ow) * sizeof(float) + 64) : 0;
    const size_t res_band =
        add >= 0 ? ALIGN64((size_t)(proj->gf.s.m * band * dg->ow) * sizeof(float) + 64) : 0;
    eb_simd__need_scratch(b, ALIGN64((size_t)pw->cap * row) + dw_band + pw->gemm_scratch +
                                 res_band);
    out->absorb[out->n_absorb++] = u;
    snprintf(b->P->where[u], EB_SIMD_WHERE_LEN, "fused into '%.80s'", site->node->name);
    size_t used = strlen(where);
    snprintf(where + used, EB_SIMD_WHERE_LEN - used,
             ", then depthwise %lldx%lld/%lld in bands of %lld rows", (long long)dg->kh,
             (long long)dg->kw, (long long)dg->sh, (long long)pw->band);
    if (act >= 0) {
        out->absorb[out->n_absorb++] = act;
        snprintf(b->P->where[act], EB_SIMD_WHERE_LEN, "fused into '%.80s'", site->node->name);
        used = strlen(where);
        snprintf(where + used, EB_SIMD_WHERE_LEN - used, " + %s", g->nodes[act].op_type);
    }
    if (!proj)
        return 1;
    out->absorb[out->n_absorb++] = j;
    snprintf(b->P->where[j], EB_SIMD_WHERE_LEN, "fused into '%.80s'", site->node->name);
    used = strlen(where);
    snprintf(where + used, EB_SIMD_WHERE_LEN - used, ", then 1x1 conv to %lld channels",
             (long long)proj->gf.s.m);
    if (add >= 0) {
        out->absorb[out->n_absorb++] = add;
        snprintf(b->P->where[add], EB_SIMD_WHERE_LEN, "fused into '%.80s'", site->node->name);
        used = strlen(where);
        snprintf(where + used, EB_SIMD_WHERE_LEN - used, " + Add of the input");
    }
    return 1;
}

/* Output rows [o0, o1) of every channel, band by band. The buffer holds
 * channel planes of cap rows (eb_simd__band_next); with a projection, the
 * band's depthwise rows go to a second buffer, the projection's columns
 * for those pixels to y (or, with an Add, to a third buffer, then y = it +
 * the input's same pixels). */
static void pwdw_task(void *arg, int t, int thread)
{
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s, *dw = s->dw, *proj = s->proj;
    const eb_simd_conv_geom *g = &dw->geom;
    int64_t o_first, o_last;
    eb_simd__task_range(t, J->per_task, J->total, &o_first, &o_last);
    const int64_t w = g->iw, plane = s->cap * w, m = s->gf.s.m;
    const int64_t dw_plane = s->band * g->ow;
    float *buf = eb_simd__thread_scratch(s, thread);
    float *dw_buf = (float *)((unsigned char *)buf + ALIGN64((size_t)plane * (size_t)m * sizeof(float)));
    void *gemm_scratch =
        (unsigned char *)dw_buf + (proj ? ALIGN64((size_t)(m * dw_plane) * sizeof(float) + 64) : 0);
    float *res_buf = (float *)((unsigned char *)gemm_scratch + s->gemm_scratch);
    eb_simd_band_buf B = {.buf = buf, .el = sizeof(float), .planes = m, .plane = plane};
    for (int64_t o0 = o_first; o0 < o_last; o0 += s->band) {
        const int64_t o1 = o0 + s->band < o_last ? o0 + s->band : o_last;
        int64_t ra, re;
        eb_simd_conv_geom band;
        const int64_t from = eb_simd__band_next(&B, g, o0, o1, &ra, &re, &band);
        if (re > from)
            eb_simd_gemm_f32_cols(&s->gf, gemm_scratch, (const float *)J->x, from * w, re * w,
                                  buf + (from - ra) * w, plane);
        s->vec->dwconv_f32(&band, m, buf, plane, dw->w_f32, dw->bias_f32, dw->lo, dw->hi,
                           proj ? dw_buf : (float *)J->y + o0 * g->ow,
                           proj ? dw_plane : dw->out_plane);
        if (!proj)
            continue;
        const int64_t n = (o1 - o0) * g->ow, at = o0 * g->ow, mp = proj->gf.s.m;
        if (!s->res_side) {
            eb_simd_gemm_f32_cols(&proj->gf, gemm_scratch, dw_buf, 0, n, (float *)J->y + at,
                                  proj->out_plane);
            continue;
        }
        eb_simd_gemm_f32_cols(&proj->gf, gemm_scratch, dw_buf, 0, n, res_buf, dw_plane);
        for (int64_t c = 0; c < mp; c++)
            s->vec->add_f32(res_buf + c * dw_plane, (const float *)J->x + c * proj->out_plane + at,
                            -INFINITY, INFINITY, (float *)J->y + c * proj->out_plane + at, 0, n);
    }
}

void eb_simd__run_pw_dw(const eb_simd_step *s, const float *x, float *y)
{
    eb_simd__run_row_ranges(s, s->dw->geom.oh, x, y, pwdw_task);
}
