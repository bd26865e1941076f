/* What the simd plan's families share (simd_plan_impl.h): a step's
 * allocation and release, geometry from ONNX windows, scratch sizes, and how
 * a step's work is split into tasks for the pool, which node alone reads
 * another (the activations and depthwise steps the plan folds), and the
 * band loop of the two fused steps (pointwise + depthwise, stem + pool). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

eb_simd_step *eb_simd__step_new(const eb_simd_builder *b, eb_simd_step_kind kind)
{
    eb_simd_step *s = calloc(1, sizeof *s);
    if (s) {
        s->kind = kind;
        s->vec = b->vec;
    }
    return s;
}

void eb_simd__step_free(void *state)
{
    eb_simd_step *s = state;
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
    free(s->tq_prm);
    free(s->cq_w);
    free(s->cq_add);
    free(s->cq_mult);
    eb_simd__step_free(s->dw);
    eb_simd__step_free(s->proj);
    eb_simd__step_free(s->mp);
    free(s);
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
        if (!eb_simd__const_f32(t) || t->numel != 1)
            return 0;
        *(i == 1 ? lo : hi) = ((const float *)t->data)[0];
    }
    return 1;
}

/* The node that alone reads node `from`'s first output, a step of its own
 * so far: its index, or -1. */
int eb_simd__sole_reader(const eb_graph *g, const unsigned char *runs_alone, int from)
{
    const int t = g->nodes[from].n_outputs > 0 ? g->nodes[from].outputs[0] : -1;
    if (t < 0 || g->tensors[t].n_consumers != 1 || g->tensors[t].is_graph_output)
        return -1;
    for (int u = from + 1; u < g->n_nodes; u++) {
        const eb_node *a = &g->nodes[u];
        for (int k = 0; k < a->n_inputs; k++)
            if (a->inputs[k] == t)
                return runs_alone[u] ? u : -1;
    }
    return -1;
}

/* The Relu / Clip node that alone reads node `from`'s output, as its first
 * input: its index with its bounds in *lo, *hi, or -1. */
int eb_simd__next_activation(const eb_graph *g, const unsigned char *runs_alone, int from,
                             float *lo, float *hi)
{
    const int u = eb_simd__sole_reader(g, runs_alone, from);
    if (u < 0 || g->nodes[u].inputs[0] != g->nodes[from].outputs[0] ||
        g->nodes[u].outputs[0] < 0 || !activation_bounds(g, &g->nodes[u], lo, hi))
        return -1;
    return u;
}

void eb_simd__need_scratch(eb_simd_builder *b, size_t bytes)
{
    if (bytes > b->scratch)
        b->scratch = bytes;
}

int eb_simd__band_rows_cover(const eb_simd_conv_geom *g)
{
    const int64_t span = (g->kh - 1) * g->dh + 1;
    return g->ph < span && (g->oh - 1) * g->sh - g->ph < g->ih;
}

/* g's output rows [o0, o1) as a plane of their own: *band, the input rows
 * they read from the returned one on (its rows above padding only where
 * the window starts above the tensor's first row). */
static int64_t band_of(const eb_simd_conv_geom *g, int64_t o0, int64_t o1,
                       eb_simd_conv_geom *band)
{
    const int64_t span = (g->kh - 1) * g->dh + 1;
    const int64_t a = o0 * g->sh - g->ph, e = (o1 - 1) * g->sh - g->ph + span;
    const int64_t ra = a > 0 ? a : 0, re = e < g->ih ? e : g->ih;
    *band = *g;
    band->ih = re - ra;
    band->oh = o1 - o0;
    band->ph = ra - a;
    return ra;
}

int64_t eb_simd__band_next(eb_simd_band_buf *B, const eb_simd_conv_geom *g, int64_t o0,
                           int64_t o1, int64_t *ra, int64_t *re, eb_simd_conv_geom *band)
{
    const int64_t w = g->iw;
    *ra = band_of(g, o0, o1, band);
    *re = *ra + band->ih;
    int64_t from = *ra;
    if (B->hb > *ra && *ra >= B->ha) {
        if (*ra > B->ha)
            for (int64_t c = 0; c < B->planes; c++) {
                unsigned char *p = (unsigned char *)B->buf + (size_t)(c * B->plane) * B->el;
                memmove(p, p + (size_t)((*ra - B->ha) * w) * B->el,
                        (size_t)((B->hb - *ra) * w) * B->el);
            }
        from = B->hb;
    }
    B->ha = *ra;
    B->hb = *re;
    return from;
}

int eb_simd__is_f32(const eb_tensor *t) { return t && t->dtype == EB_DT_F32 && t->rank >= 0; }

int eb_simd__const_f32(const eb_tensor *t) { return eb_simd__is_f32(t) && t->data; }

int eb_simd__geom_2d(const eb_graph *g, const eb_node *n, const eb_tensor *x,
                     const eb_tensor *w, eb_window *win)
{
    char why[256];
    if (!x || x->rank != 4 || eb_window_resolve(g, n, x, w, win, why, sizeof why) != EB_OK)
        return 0;
    return win->n_spatial == 2;
}

void eb_simd__conv_shape(const eb_window *w, int64_t batch, int64_t c, int64_t m, int64_t group,
                         eb_simd_gemm_shape *s)
{
    memset(s, 0, sizeof *s);
    const int64_t cg = c / group, mg = m / group;
    eb_simd__geom_from_window(w, cg, &s->geom);
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
}

void eb_simd__geom_from_window(const eb_window *w, int64_t channels, eb_simd_conv_geom *gm)
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

void eb_simd__planes(eb_simd_step *s, const eb_window *win, int64_t batch, int64_t channels)
{
    eb_simd__geom_from_window(win, 1, &s->geom);
    s->channels = channels;
    s->planes = batch * channels;
    s->in_plane = s->geom.ih * s->geom.iw;
    s->out_plane = s->geom.oh * s->geom.ow;
}

void eb_simd__geom_matrix(int64_t rows, int64_t k, eb_simd_conv_geom *gm)
{
    memset(gm, 0, sizeof *gm);
    gm->channels = k;
    gm->ih = gm->oh = 1;
    gm->iw = gm->ow = rows;
    gm->kh = gm->kw = gm->sh = gm->sw = gm->dh = gm->dw = 1;
    gm->c_stride = 1;
    gm->p_stride = k;
}

eb_simd_pool *eb_simd__step_pool(const eb_simd_step *s)
{
    return s->serial ? NULL : s->plan->o.pool;
}

int64_t eb_simd__per_task(const eb_simd_step *s, int64_t total, int64_t min_items)
{
    int threads = eb_simd_pool_threads(s->plan->o.pool);
    int64_t want = threads > 1 ? (int64_t)threads * 4 : 1;
    int64_t per = (total + want - 1) / want;
    return per < min_items ? min_items : per;
}

void eb_simd__run_row_ranges(const eb_simd_step *s, int64_t rows, const void *x, void *y,
                             void (*fn)(void *, int, int))
{
    eb_simd_pool *pool = eb_simd__step_pool(s);
    const int threads = eb_simd_pool_threads(pool);
    eb_simd_plane_job J = {.s = s, .x = x, .y = y, .per_task = (rows + threads - 1) / threads,
                           .total = rows};
    eb_simd_pool_run(pool, (int)((rows + J.per_task - 1) / J.per_task), fn, &J);
}

void eb_simd__run_planes(eb_simd_pool *pool, eb_simd_plane_job *J, int64_t min_items,
                         void (*fn)(void *, int, int))
{
    J->per_task = eb_simd__per_task(J->s, J->total, min_items);
    eb_simd_pool_run(pool, (int)((J->total + J->per_task - 1) / J->per_task), fn, J);
}
