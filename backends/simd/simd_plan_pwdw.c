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
 * the two steps: at least this many bytes. */
#define FUSE_MIN_BYTES ((size_t)1 << 20)

static int is_op(const eb_node *n, const char *op)
{
    return n->domain[0] == '\0' && strcmp(n->op_type, op) == 0;
}

/* The depthwise step node u would be, fp32 planar on wide planes: NULL
 * otherwise (or out of memory). */
static eb_simd_step *dw_step(eb_simd_builder *b, const eb_node *u, const eb_simd_step *pw)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = eb_node_input(g, u, 0), *w = eb_node_input(g, u, 1);
    const eb_tensor *bias = eb_node_input(g, u, 2);
    eb_window win;
    if (!is_op(u, "Conv") || eb_node_has_empty_tensor(g, u) || !eb_simd__is_f32(x) ||
        !eb_simd__const_f32(w) || (bias && !eb_simd__const_f32(bias)) ||
        !eb_simd__geom_2d(g, u, x, w, &win) || x->dims[0] != 1)
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
    if (!eb_simd__dw_planar_wide(s) || !eb_simd__band_rows_cover(&s->geom) ||
        eb_simd__dw_f32(b, s, x, w, bias, &win, where) != 0 || s->nhwc) {
        eb_simd__step_free(s);
        return NULL;
    }
    return s;
}

int64_t eb_simd__band_rows(const eb_simd_conv_geom *g, size_t row, int64_t *cap)
{
    const int64_t span = (g->kh - 1) * g->dh + 1;
    int64_t band = 1;
    while (band < g->oh && (size_t)(band * g->sh + span) * row <= eb_simd__band_bytes() * 2)
        band++;
    *cap = (band - 1) * g->sh + span;
    return band;
}

int eb_simd__fuse_dw(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *pw,
                     int from, eb_ref_step_claim *out, char *where)
{
    const eb_graph *g = b->g;
    const eb_simd_gemm_shape *sh = &pw->gf.s;
    if (pw->col || !sh->geom.pointwise || sh->batch != 1 || sh->groups != 1 || sh->y_col != 1 ||
        (size_t)(sh->m * sh->n) * sizeof(float) < FUSE_MIN_BYTES ||
        out->n_absorb + 2 > EB_REF_ABSORB_MAX)
        return 0;
    const int u = eb_simd__sole_reader(g, site->runs_alone, from);
    if (u < 0 || g->nodes[u].inputs[0] != g->nodes[from].outputs[0] ||
        g->nodes[u].outputs[0] < 0)
        return 0;
    eb_simd_step *dw = dw_step(b, &g->nodes[u], pw);
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
    pw->dw = dw;
    pw->band = eb_simd__band_rows(dg, row, &pw->cap);
    eb_simd__need_scratch(b, ALIGN64((size_t)pw->cap * row) +
                                 eb_simd_gemm_f32_scratch(&pw->gf));
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
    return 1;
}

/* Output rows [o0, o1) of every channel, band by band. The buffer holds
 * channel planes of cap rows (eb_simd__band_next). */
static void pwdw_task(void *arg, int t, int thread)
{
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s, *dw = s->dw;
    const eb_simd_conv_geom *g = &dw->geom;
    int64_t o_first, o_last;
    eb_simd__task_range(t, J->per_task, J->total, &o_first, &o_last);
    const int64_t w = g->iw, plane = s->cap * w, m = s->gf.s.m;
    float *buf = eb_simd__thread_scratch(s, thread);
    void *gemm_scratch = (unsigned char *)buf + ALIGN64((size_t)plane * (size_t)m * sizeof(float));
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
                           (float *)J->y + o0 * g->ow, dw->out_plane);
    }
}

void eb_simd__run_pw_dw(const eb_simd_step *s, const float *x, float *y)
{
    eb_simd__run_row_ranges(s, s->dw->geom.oh, x, y, pwdw_task);
}
