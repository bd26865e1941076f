/* One segment of a graph as an XNNPACK subgraph + runtime (see
 * xnn_internal.h for the layout rules, xnn_builder.h for the builder). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/xnnpack/xnn_builder.h"

static eb_status ext_init(builder *b, ext_io *e, int t)
{
    const eb_tensor *x = &b->g->tensors[t];
    e->tensor = t;
    e->esize = eb_dtype_size(x->dtype);
    /* one channel or one pixel: NCHW and NHWC are the same bytes, no copy */
    e->nhwc = x->rank == 4 && x->dims[1] > 1 && x->dims[2] * x->dims[3] > 1;
    if (e->nhwc) {
        memcpy(e->dims, x->dims, sizeof e->dims);
        e->staging = calloc(1, x->nbytes + 64);
        if (!e->staging) {
            snprintf(b->msg, b->len, "xnnpack: out of memory");
            return EB_ERR_NOMEM;
        }
    }
    return EB_OK;
}

void eb_xnn_segment_release(void *vctx, void *state)
{
    (void)vctx;
    xnn_seg *s = state;
    if (!s)
        return;
    if (s->rt)
        xnn_delete_runtime(s->rt);
    for (int i = 0; s->in && i < s->n_in; i++)
        free(s->in[i].staging);
    for (int i = 0; s->out && i < s->n_out; i++)
        free(s->out[i].staging);
    for (int i = 0; i < s->n_owned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->in);
    free(s->out);
    free(s->ext);
    free(s);
}

eb_status eb_xnn_segment_prepare(void *vctx, const eb_graph *full, const eb_graph *g,
                                 void **state, char *msg, size_t msg_len)
{
    eb_backend_ctx *c = vctx;
    *state = NULL;
    eb_status st = EB_ERR_NOMEM;
    xnn_seg *s = calloc(1, sizeof *s);
    builder b = {.full = full, .g = g, .int8 = c->int8, .s = s, .msg = msg, .len = msg_len};
    b.skip = calloc((size_t)g->n_nodes + 1, 1);
    if (!s || !b.skip)
        goto fail;
    s->n_in = g->n_inputs;
    s->n_out = g->n_outputs;
    s->in = calloc((size_t)s->n_in + 1, sizeof *s->in);
    s->out = calloc((size_t)s->n_out + 1, sizeof *s->out);
    s->ext = calloc((size_t)(s->n_in + s->n_out) + 1, sizeof *s->ext);
    b.ids = malloc(((size_t)g->n_tensors + 1) * sizeof *b.ids);
    if (!s->in || !s->out || !s->ext || !b.ids)
        goto fail;
    for (int t = 0; t < g->n_tensors; t++)
        b.ids[t] = XNN_INVALID_VALUE_ID;
    enum xnn_status xs = xnn_create_subgraph((uint32_t)g->n_tensors, 0, &b.sg);
    if (xs != xnn_status_success) {
        st = eb_xnn__xfail(&b, xs, "creating a subgraph", NULL);
        goto fail;
    }
    for (int i = 0; i < s->n_in; i++) {
        int t = g->inputs[i];
        if ((st = ext_init(&b, &s->in[i], t)) ||
            (st = eb_xnn__define_value(&b, t, (uint32_t)t, XNN_VALUE_FLAG_EXTERNAL_INPUT)))
            goto fail;
    }
    for (int i = 0; i < s->n_out; i++) {
        int t = g->outputs[i];
        if ((st = ext_init(&b, &s->out[i], t)) ||
            (st = eb_xnn__define_value(&b, t, (uint32_t)t, XNN_VALUE_FLAG_EXTERNAL_OUTPUT)))
            goto fail;
    }
    eb_xnn__skip_group_dqs(&b);
    for (int i = 0; i < g->n_nodes; i++)
        if ((st = eb_xnn__emit_node(&b, i)) != EB_OK)
            goto fail;
    const char *verbose = getenv("EDGEBENCH_DELEGATE_VERBOSE");
    if (verbose && (verbose[0] == '1' || verbose[0] == '2') && b.n_q8)
        fprintf(stderr, "xnnpack: %s: %d QDQ groups as XNNPACK quantised operators\n", g->path, b.n_q8);
    xs = xnn_create_runtime_v2(b.sg, c->pool, 0, &s->rt);
    if (xs != xnn_status_success) {
        s->rt = NULL;
        st = eb_xnn__xfail(&b, xs, "creating the runtime", NULL);
        goto fail;
    }
    xnn_delete_subgraph(b.sg);
    free(b.ids);
    free(b.skip);
    for (int i = 0; i < s->n_in; i++)
        s->ext[i].id = (uint32_t)s->in[i].tensor;
    for (int i = 0; i < s->n_out; i++)
        s->ext[s->n_in + i].id = (uint32_t)s->out[i].tensor;
    *state = s;
    return EB_OK;
fail:
    if (st == EB_ERR_NOMEM && !msg[0])
        snprintf(msg, msg_len, "xnnpack: out of memory");
    if (b.sg)
        xnn_delete_subgraph(b.sg);
    free(b.ids);
    free(b.skip);
    eb_xnn_segment_release(vctx, s);
    return st;
}

/* NCHW <-> NHWC copies of one rank-4 tensor. The element size is a
 * compile-time constant in each instance, so the inner copy is one load and
 * one store (a memcpy call per element cost ~10x more: the glue budget). */
#define EB_XNN_TRANSPOSE(name, type, to_nhwc)                                         \
    static void name(void *dst, const void *src, const int64_t *d)                    \
    {                                                                                 \
        const type *s = src;                                                          \
        type *o = dst;                                                                \
        int64_t C = d[1], HW = d[2] * d[3];                                           \
        for (int64_t n = 0; n < d[0]; n++, s += C * HW, o += C * HW)                  \
            for (int64_t c = 0; c < C; c++)                                           \
                for (int64_t p = 0; p < HW; p++) {                                    \
                    if (to_nhwc)                                                      \
                        o[p * C + c] = s[c * HW + p];                                 \
                    else                                                              \
                        o[c * HW + p] = s[p * C + c];                                 \
                }                                                                     \
    }
EB_XNN_TRANSPOSE(nhwc_from_nchw_4, uint32_t, 1)
EB_XNN_TRANSPOSE(nchw_from_nhwc_4, uint32_t, 0)
EB_XNN_TRANSPOSE(nhwc_from_nchw_1, uint8_t, 1)
EB_XNN_TRANSPOSE(nchw_from_nhwc_1, uint8_t, 0)

static void to_nhwc(void *dst, const void *src, const int64_t *d, size_t es)
{
    if (d[1] == 1 || d[2] * d[3] == 1) /* one channel or one pixel: same bytes */
        memcpy(dst, src, (size_t)(d[0] * d[1] * d[2] * d[3]) * es);
    else if (es == 4)
        nhwc_from_nchw_4(dst, src, d);
    else
        nhwc_from_nchw_1(dst, src, d);
}

static void to_nchw(void *dst, const void *src, const int64_t *d, size_t es)
{
    if (d[1] == 1 || d[2] * d[3] == 1)
        memcpy(dst, src, (size_t)(d[0] * d[1] * d[2] * d[3]) * es);
    else if (es == 4)
        nchw_from_nhwc_4(dst, src, d);
    else
        nchw_from_nhwc_1(dst, src, d);
}

eb_status eb_xnn_segment_run(void *vctx, void *state, const eb_value *in, int n_in,
                             eb_value *out, int n_out, char *msg, size_t msg_len)
{
    eb_backend_ctx *c = vctx;
    xnn_seg *s = state;
    int changed = !s->set_up;
    for (int i = 0; i < n_in; i++) {
        void *p = in[i].data;
        if (s->in[i].nhwc) {
            to_nhwc(s->in[i].staging, in[i].data, s->in[i].dims, s->in[i].esize);
            p = s->in[i].staging;
        }
        changed |= s->ext[i].data != p;
        s->ext[i].data = p;
    }
    for (int i = 0; i < n_out; i++) {
        void *p = s->out[i].nhwc ? s->out[i].staging : out[i].data;
        changed |= s->ext[n_in + i].data != p;
        s->ext[n_in + i].data = p;
    }
    /* setup only when a buffer moved: the timing loop reuses its buffers */
    if (changed) {
        enum xnn_status xs = xnn_setup_runtime(s->rt, (size_t)(n_in + n_out), s->ext);
        if (xs != xnn_status_success) {
            snprintf(msg, msg_len, "xnnpack: xnn_setup_runtime failed (status %d)", (int)xs);
            return EB_ERR_BACKEND;
        }
        s->set_up = 1;
    }
    uint64_t t1 = eb_glue_now(&c->glue);
    enum xnn_status xs = xnn_invoke_runtime(s->rt);
    uint64_t t2 = eb_glue_now(&c->glue);
    if (xs != xnn_status_success) {
        snprintf(msg, msg_len, "xnnpack: xnn_invoke_runtime failed (status %d)", (int)xs);
        return EB_ERR_BACKEND;
    }
    for (int i = 0; i < n_out; i++)
        if (s->out[i].nhwc)
            to_nchw(out[i].data, s->out[i].staging, s->out[i].dims, s->out[i].esize);
    c->glue.vendor_ns += t2 - t1; /* the total is taken by the backend's run() */
    return EB_OK;
}
