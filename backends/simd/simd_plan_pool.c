/* Pooling in the simd plan: 2-D MaxPool (fp32, and QDQ max-pool groups,
 * which pool the bytes) and GlobalAveragePool (fp32), plane by plane
 * (simd_vec_pool.h). */
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

static void maxpool_task(void *arg, int t, int thread)
{
    (void)thread;
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s;
    int64_t p0, p1;
    eb_simd__task_range(t, J->per_task, J->total, &p0, &p1);
    const eb_simd_conv_geom *g = &s->geom;
    if (p1 > p0 && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->dh == 1 &&
        g->dw == 1 && g->ph == 0 && g->pw == 0 && g->ih == 2 * g->oh) {
        /* 2x2 / 2 with every input row in a pair: the task's planes, one
         * after another in memory, are one plane p1 - p0 times as tall (a
         * call per plane was half the Fashion CNN's int8 pool time) */
        eb_simd_conv_geom tall = *g;
        tall.ih = g->ih * (p1 - p0);
        tall.oh = g->oh * (p1 - p0);
        if (s->kind == K_MAXPOOL_Q8)
            s->vec->maxpool_q8(&tall, (const uint8_t *)J->x + p0 * s->in_plane, s->pool_dtype,
                               (uint8_t *)J->y + p0 * s->out_plane);
        else
            s->vec->maxpool_f32(&tall, (const float *)J->x + p0 * s->in_plane,
                                (float *)J->y + p0 * s->out_plane);
        return;
    }
    for (int64_t p = p0; p < p1; p++)
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
    const eb_simd_plane_job *J = arg;
    const eb_simd_step *s = J->s;
    int64_t c0, c1;
    eb_simd__task_range(t, J->per_task, J->total, &c0, &c1);
    s->vec->gavgpool_f32(J->x, s->in_plane, J->y, c0, c1);
}

eb_simd_step *eb_simd__pool_f32(eb_simd_builder *b, const eb_node *n, int global, char *where)
{
    const eb_tensor *x = eb_node_input(b->g, n, 0);
    if (!eb_simd__is_f32(x) || x->rank != 4)
        return NULL;
    eb_window win;
    if (!global) {
        if (eb_node_output(b->g, n, 1) || !eb_simd__geom_2d(b->g, n, x, NULL, &win))
            return NULL;
    }
    eb_simd_step *s = eb_simd__step_new(b, global ? K_GAP_F32 : K_MAXPOOL_F32);
    if (!s)
        return NULL;
    if (global) {
        s->planes = x->dims[0] * x->dims[1];
        s->channels = x->dims[1];
        s->in_plane = x->dims[2] * x->dims[3];
        snprintf(where, EB_SIMD_WHERE_LEN, "simd f32_gavgpool__%s", b->vec->name);
    } else {
        eb_simd__planes(s, &win, x->dims[0], x->dims[1]);
        snprintf(where, EB_SIMD_WHERE_LEN, "simd f32_maxpool2d__%s", b->vec->name);
    }
    return s;
}

/* The group's MaxPool node gives the window; its input and output
 * parameters agree (the group's rule), so it pools the bytes. */
eb_simd_step *eb_simd__maxpool_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where)
{
    const eb_tensor *x = &b->g->tensors[f->in_tensor[0]];
    const eb_node *n = &b->g->nodes[f->anchor];
    eb_window win;
    if (strcmp(n->op_type, "MaxPool") != 0 || eb_node_output(b->g, n, 1) || x->rank != 4 ||
        (x->dtype != EB_DT_U8 && x->dtype != EB_DT_I8) ||
        !eb_simd__geom_2d(b->g, n, x, NULL, &win))
        return NULL;
    eb_simd_step *s = eb_simd__step_new(b, K_MAXPOOL_Q8);
    if (!s)
        return NULL;
    s->pool_dtype = x->dtype;
    eb_simd__planes(s, &win, x->dims[0], x->dims[1]);
    snprintf(where, EB_SIMD_WHERE_LEN, "simd q8_maxpool2d__%s: QDQ maxpool", b->vec->name);
    return s;
}

static eb_status pool_run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_simd_step *s = x->state;
    eb_simd_plane_job J = {.s = s, .x = x->in[0]->data, .y = x->out[0]->data,
                           .total = s->planes};
    if (s->kind == K_GAP_F32)
        eb_simd__run_planes(eb_simd__step_pool(s), &J, 16, gap_task);
    else
        eb_simd__run_planes(eb_simd__step_pool(s), &J, 1, maxpool_task);
    return EB_OK;
}

const eb_ref_op eb_simd__pool_op = {.op_type = "simd pool", .run = pool_run,
                                    .release = eb_simd__step_free};
