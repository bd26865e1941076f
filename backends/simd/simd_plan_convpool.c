/* A direct fp32 convolution (a stem, simd_vec_conv_small.h) and the
 * MaxPool that alone reads its output (through a Relu / Clip or not), run
 * as one step band by band: the convolution rows a band of pooled rows
 * reads are computed into the thread's band buffer, and the pool runs on
 * them while they are in cache. The stem's output is the largest tensor of
 * a ResNet- or SqueezeNet-style network (3 MB for 64 channels of 112 x 112):
 * written whole it left the L2, and the MaxPool read it back from memory
 * (SqueezeNet 1.1, one thread: the stem 574 us at 74 GFLOP/s, against 122
 * for ResNet-18's deeper 7x7 stem, and the pool 170 us). Rows two
 * consecutive bands share are moved to the front of the buffer, not
 * computed again, as in simd_plan_pwdw.c. */
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

/* The fusion pays when the convolution's output would not stay in L2
 * between the two steps: at least this many bytes (simd_plan_pwdw.c's
 * rule). */
#define FUSE_MIN_BYTES ((size_t)1 << 20)

/* The max-pool step node u would be over the direct step's output: NULL
 * when it is not one (or out of memory). */
static eb_simd_step *pool_step(eb_simd_builder *b, const eb_node *u, const eb_simd_step *conv)
{
    const eb_graph *g = b->g;
    if (u->domain[0] != '\0' || strcmp(u->op_type, "MaxPool") != 0 || u->n_outputs < 1 ||
        u->outputs[0] < 0 || eb_node_output(g, u, 1))
        return NULL;
    const eb_tensor *x = eb_node_input(g, u, 0);
    char where[EB_SIMD_WHERE_LEN];
    eb_simd_step *s = eb_simd__pool_f32(b, u, 0, where);
    if (!s)
        return NULL;
    if (x->dims[0] != 1 || x->dims[1] != conv->channels || s->geom.ih != conv->geom.oh ||
        s->geom.iw != conv->geom.ow || !eb_simd__band_rows_cover(&s->geom)) {
        eb_simd__step_free(s);
        return NULL;
    }
    return s;
}

int eb_simd__fuse_pool(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *conv,
                       int from, eb_ref_step_claim *out, char *where)
{
    const eb_graph *g = b->g;
    const eb_simd_conv_geom *cg = &conv->geom;
    /* one image, one group, rows of more than 8 columns (the kernel's
     * two-rows-per-vector form writes row pairs, which a band could split) */
    if (!conv->direct || conv->kind != K_CONV_F32 || conv->batch != 1 || conv->planes != 1 ||
        cg->ow <= 8 ||
        (size_t)(conv->channels * cg->oh * cg->ow) * sizeof(float) < FUSE_MIN_BYTES ||
        out->n_absorb + 1 > EB_REF_ABSORB_MAX)
        return 0;
    const int u = eb_simd__sole_reader(g, site->runs_alone, from);
    if (u < 0 || g->nodes[u].inputs[0] != g->nodes[from].outputs[0])
        return 0;
    eb_simd_step *mp = pool_step(b, &g->nodes[u], conv);
    if (!mp)
        return 0;
    /* bands of pooled rows whose convolution rows fill about the band
     * bytes (a quarter of the L2 here) */
    const eb_simd_conv_geom *pg = &mp->geom;
    const int64_t span = (pg->kh - 1) * pg->dh + 1;
    const size_t row = (size_t)(cg->ow * conv->channels) * sizeof(float);
    int64_t band = 1;
    while (band < pg->oh && (size_t)(band * pg->sh + span) * row <= eb_simd__band_bytes())
        band++;
    conv->mp = mp;
    conv->band = band;
    conv->cap = (band - 1) * pg->sh + span;
    eb_simd__need_scratch(b, ALIGN64((size_t)conv->cap * row));
    out->absorb[out->n_absorb++] = u;
    snprintf(b->P->where[u], EB_SIMD_WHERE_LEN, "fused into '%.80s'", site->node->name);
    const size_t used = strlen(where);
    snprintf(where + used, EB_SIMD_WHERE_LEN - used,
             ", then max pool %lldx%lld/%lld in bands of %lld rows", (long long)pg->kh,
             (long long)pg->kw, (long long)pg->sh, (long long)band);
    return 1;
}

/* Pooled rows [p_first, p_last) of every channel, band by band. The
 * buffer holds channel planes of cap rows (eb_simd__band_next). */
static void convpool_task(void *arg, int t, int thread)
{
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s, *mp = s->mp;
    const eb_simd_conv_geom *cg = &s->geom, *pg = &mp->geom;
    int64_t p_first, p_last;
    eb_simd__task_range(t, J->per_task, J->total, &p_first, &p_last);
    const int64_t plane = s->cap * cg->ow, m = s->channels;
    float *buf = eb_simd__thread_scratch(s, thread);
    eb_simd_band_buf B = {.buf = buf, .el = sizeof(float), .planes = m, .plane = plane};
    for (int64_t p0 = p_first; p0 < p_last; p0 += s->band) {
        const int64_t p1 = p0 + s->band < p_last ? p0 + s->band : p_last;
        int64_t ra, re;
        eb_simd_conv_geom pb;
        const int64_t from = eb_simd__band_next(&B, pg, p0, p1, &ra, &re, &pb);
        if (re > from) {
            /* the convolution as one whose row 0 is row ra, cap rows a
             * plane: its rows [from - ra, re - ra) into the buffer */
            eb_simd_conv_geom band = *cg;
            band.ph = cg->ph - ra * cg->sh;
            band.oh = s->cap;
            s->vec->conv_small_f32(&band, m, s->w_f32, s->bias_f32, (const float *)J->x, buf,
                                   from - ra,
                                   re - ra, s->lo, s->hi);
        }
        for (int64_t c = 0; c < m; c++)
            s->vec->maxpool_f32(&pb, buf + c * plane,
                                (float *)J->y + c * mp->out_plane + p0 * pg->ow);
    }
}

void eb_simd__run_conv_pool(const eb_simd_step *s, const float *x, float *y)
{
    /* one range of pooled rows per thread */
    eb_simd__run_row_ranges(s, s->mp->geom.oh, x, y, convpool_task);
}
