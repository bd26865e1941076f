/* Memories, reorders and steps of the onednn builder (dnnl_builder.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/onednn/dnnl_builder.h"

eb_status eb_dnnl__dfail(builder *b, dnnl_status_t ds, const char *what, const eb_node *n)
{
    snprintf(b->msg, b->len, "onednn: %s%s%s%s: oneDNN status %d", what, n ? " for node '" : "",
             n ? n->name : "", n ? "'" : "", (int)ds);
    return ds == dnnl_unimplemented ? EB_ERR_UNSUPPORTED : EB_ERR_BACKEND;
}

static eb_status track(builder *b, dnnl_memory_t m)
{
    dnnl_seg *s = b->s;
    EB_DNNL_GROW(s->mems, s->n_mems, s->cap_mems);
    s->mems[s->n_mems++] = m;
    return EB_OK;
}

eb_status eb_dnnl__add_step(builder *b, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args)
{
    dnnl_seg *s = b->s;
    if (s->n_steps == s->cap_steps) {
        int nc = s->cap_steps ? s->cap_steps * 2 : 16;
        step *g = realloc(s->steps, (size_t)nc * sizeof *g);
        if (!g) {
            dnnl_primitive_destroy(p);
            return EB_ERR_NOMEM;
        }
        s->steps = g;
        s->cap_steps = nc;
    }
    step *st = &s->steps[s->n_steps++];
    st->prim = p;
    st->nargs = nargs;
    st->node = b->cur_node;
    memcpy(st->args, args, (size_t)nargs * sizeof *args);
    return EB_OK;
}

dnnl_format_tag_t eb_dnnl__plain_tag(int rank)
{
    static const dnnl_format_tag_t t[] = {dnnl_a, dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde};
    return rank >= 0 && rank <= 5 ? t[rank] : dnnl_format_tag_undef;
}

void eb_dnnl__dims_of(const eb_tensor *t, dnnl_dims_t d, int *rank)
{
    *rank = t->rank ? t->rank : 1;
    d[0] = 1;
    for (int i = 0; i < t->rank; i++)
        d[i] = t->dims[i];
}

dnnl_data_type_t eb_dnnl__dnnl_type(eb_dtype dt)
{
    return dt == EB_DT_U8 ? dnnl_u8 : dt == EB_DT_I8 ? dnnl_s8 : dt == EB_DT_I32 ? dnnl_s32 : dnnl_f32;
}

eb_status eb_dnnl__plain_md(builder *b, const eb_tensor *t, dnnl_memory_desc_t *md)
{
    dnnl_dims_t d;
    int r;
    eb_dnnl__dims_of(t, d, &r);
    dnnl_status_t ds = dnnl_memory_desc_init_by_tag(md, r, d, eb_dnnl__dnnl_type(t->dtype), eb_dnnl__plain_tag(r));
    return ds == dnnl_success ? EB_OK : eb_dnnl__dfail(b, ds, "memory descriptor", NULL);
}

eb_status eb_dnnl__new_mem(builder *b, const dnnl_memory_desc_t *md, void *handle, dnnl_memory_t *m)
{
    dnnl_status_t ds = dnnl_memory_create(m, md, b->c->engine, handle);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "memory", NULL);
    return track(b, *m);
}

eb_status eb_dnnl__bind(builder *b, dnnl_memory_t m, int output, int idx)
{
    dnnl_seg *s = b->s;
    EB_DNNL_GROW(s->binds, s->n_binds, s->cap_binds);
    s->binds[s->n_binds++] = (binding){.mem = m, .output = output, .idx = idx};
    return EB_OK;
}

const dnnl_memory_desc_t *eb_dnnl__md_of(dnnl_memory_t m)
{
    const dnnl_memory_desc_t *md = NULL;
    dnnl_memory_get_memory_desc(m, &md);
    return md;
}

eb_status eb_dnnl__reorder(builder *b, dnnl_memory_t from, dnnl_memory_t to)
{
    dnnl_primitive_desc_t pd;
    dnnl_status_t ds = dnnl_reorder_primitive_desc_create(&pd, eb_dnnl__md_of(from), b->c->engine, eb_dnnl__md_of(to),
                                                          b->c->engine, NULL);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "reorder", NULL);
    dnnl_primitive_t p;
    ds = dnnl_primitive_create(&p, pd);
    dnnl_primitive_desc_destroy(pd);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "reorder", NULL);
    dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    return eb_dnnl__add_step(b, p, 2, a);
}

/* t's value in layout `want`: its memory, or a reorder of it. */
eb_status eb_dnnl__src_as(builder *b, int t, const dnnl_memory_desc_t *want, dnnl_memory_t *m)
{
    if (dnnl_memory_desc_equal(eb_dnnl__md_of(b->mem[t]), want)) {
        *m = b->mem[t];
        return EB_OK;
    }
    eb_status st = eb_dnnl__new_mem(b, want, DNNL_MEMORY_ALLOCATE, m);
    return st ? st : eb_dnnl__reorder(b, b->mem[t], *m);
}

/* Where a primitive producing t in layout `md` writes: straight into the
 * caller's output buffer when t leaves the segment in that (plain) layout. */
eb_status eb_dnnl__dst_for(builder *b, int t, const dnnl_memory_desc_t *md, dnnl_memory_t *m)
{
    eb_status st;
    if (b->out_idx[t] >= 0) {
        dnnl_memory_desc_t pl;
        if ((st = eb_dnnl__plain_md(b, &b->g->tensors[t], &pl)))
            return st;
        if (dnnl_memory_desc_equal(&pl, md)) {
            if ((st = eb_dnnl__new_mem(b, md, DNNL_MEMORY_NONE, m)) || (st = eb_dnnl__bind(b, *m, 1, b->out_idx[t])))
                return st;
            b->mem[t] = *m;
            return EB_OK;
        }
    }
    if ((st = eb_dnnl__new_mem(b, md, DNNL_MEMORY_ALLOCATE, m)))
        return st;
    b->mem[t] = *m;
    return EB_OK;
}

/* After the producer step: copy a blocked segment output to the caller. */
eb_status eb_dnnl__finish_output(builder *b, int t)
{
    if (b->out_idx[t] < 0)
        return EB_OK;
    dnnl_memory_desc_t pl;
    eb_status st = eb_dnnl__plain_md(b, &b->g->tensors[t], &pl);
    if (st || dnnl_memory_desc_equal(&pl, eb_dnnl__md_of(b->mem[t])))
        return st;
    dnnl_memory_t o;
    if ((st = eb_dnnl__new_mem(b, &pl, DNNL_MEMORY_NONE, &o)) || (st = eb_dnnl__bind(b, o, 1, b->out_idx[t])))
        return st;
    return eb_dnnl__reorder(b, b->mem[t], o);
}

/* A constant in layout `want`, reordered once now from plain data laid out
 * as `user`. */
eb_status eb_dnnl__const_mem(builder *b, const void *data, const dnnl_memory_desc_t *user,
                           const dnnl_memory_desc_t *want, dnnl_memory_t *m)
{
    dnnl_memory_t u;
    eb_status st;
    if ((st = eb_dnnl__new_mem(b, user, (void *)data, &u)) || (st = eb_dnnl__new_mem(b, want, DNNL_MEMORY_ALLOCATE, m)))
        return st;
    dnnl_primitive_desc_t pd;
    dnnl_status_t ds = dnnl_reorder_primitive_desc_create(&pd, user, b->c->engine, want,
                                                          b->c->engine, NULL);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "weights reorder", NULL);
    dnnl_primitive_t p;
    ds = dnnl_primitive_create(&p, pd);
    dnnl_primitive_desc_destroy(pd);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "weights reorder", NULL);
    dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, u}, {DNNL_ARG_TO, *m}};
    ds = dnnl_primitive_execute(p, b->c->stream, 2, a);
    if (ds == dnnl_success)
        ds = dnnl_stream_wait(b->c->stream);
    dnnl_primitive_destroy(p);
    return ds == dnnl_success ? EB_OK : eb_dnnl__dfail(b, ds, "weights reorder", NULL);
}

/* The Relu / Clip that reads only `t` and can become t's producer's post-op;
 * -1 when none. */
int eb_dnnl__fusable_eltwise(builder *b, int t)
{
    const eb_graph *g = b->g;
    if (!b->c->fuse_eltwise || b->out_idx[t] >= 0 || g->tensors[t].n_consumers != 1)
        return -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        if (n->n_inputs >= 1 && n->inputs[0] == t && (eb_dnnl__is_op(n, "Relu") || eb_dnnl__is_op(n, "Clip")))
            return i;
    }
    return -1;
}

float eb_dnnl__const_scalar(const eb_graph *g, const eb_node *n, int k, float dflt)
{
    const eb_tensor *t = eb_node_input(g, n, k);
    return t && t->data && t->numel >= 1 ? ((const float *)t->data)[0] : dflt;
}

void eb_dnnl__clip_bounds(const eb_graph *g, const eb_node *n, float *lo, float *hi)
{
    *lo = n->opset < 11 ? eb_node_attr_float(n, "min", -INFINITY) : eb_dnnl__const_scalar(g, n, 1, -INFINITY);
    *hi = n->opset < 11 ? eb_node_attr_float(n, "max", INFINITY) : eb_dnnl__const_scalar(g, n, 2, INFINITY);
}

/* Attributes carrying the fused Relu / Clip (node f) as a post-op. */
eb_status eb_dnnl__post_op_attr(builder *b, int f, dnnl_primitive_attr_t *attr)
{
    *attr = NULL;
    if (f < 0)
        return EB_OK;
    const eb_node *n = &b->g->nodes[f];
    dnnl_post_ops_t po;
    if (dnnl_post_ops_create(&po) != dnnl_success || dnnl_primitive_attr_create(attr) != dnnl_success)
        return eb_dnnl__dfail(b, dnnl_out_of_memory, "attributes", n);
    float lo = 0.f, hi = INFINITY;
    if (eb_dnnl__is_op(n, "Clip"))
        eb_dnnl__clip_bounds(b->g, n, &lo, &hi);
    if (eb_dnnl__is_op(n, "Relu"))
        dnnl_post_ops_append_eltwise(po, 1.f, dnnl_eltwise_relu, 0.f, 0.f);
    else
        dnnl_post_ops_append_eltwise(po, 1.f, dnnl_eltwise_clip_v2, lo, hi);
    dnnl_primitive_attr_set_post_ops(*attr, po);
    dnnl_post_ops_destroy(po);
    b->skip[f] = 1;
    return EB_OK;
}

/* Create the primitive of op_desc; query its mds through the caller. */
eb_status eb_dnnl__make_pd(builder *b, const void *op_desc, dnnl_primitive_attr_t attr,
                         const eb_node *n, dnnl_primitive_desc_t *pd)
{
    dnnl_status_t ds = dnnl_primitive_desc_create(pd, op_desc, attr, b->c->engine, NULL);
    if (attr)
        dnnl_primitive_attr_destroy(attr);
    return ds == dnnl_success ? EB_OK : eb_dnnl__dfail(b, ds, "primitive descriptor", n);
}

eb_status eb_dnnl__finish_prim(builder *b, dnnl_primitive_desc_t pd, int nargs, dnnl_exec_arg_t *a,
                             const eb_node *n, int out_t)
{
    dnnl_primitive_t p;
    dnnl_status_t ds = dnnl_primitive_create(&p, pd);
    dnnl_primitive_desc_destroy(pd);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "primitive", n);
    eb_status st = eb_dnnl__add_step(b, p, nargs, a);
    return st ? st : eb_dnnl__finish_output(b, out_t);
}

