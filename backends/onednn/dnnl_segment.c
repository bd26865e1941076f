/* One segment of a graph as a list of oneDNN primitives (see
 * dnnl_internal.h for the layout rules, dnnl_builder.h for the builder). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/onednn/dnnl_op_table.h"
#include "common/clock.h"

static eb_status emit_node(builder *b, int i)
{
    const eb_node *n = &b->g->nodes[i];
    b->cur_node = i;
    if (b->skip[i] || eb_dnnl_const_input(b->g, n->outputs[0]))
        return EB_OK; /* folded, or Identity of a constant read by its consumers */
    q8_group m;
    if (eb_dnnl__match_q8(b, i, &m)) {
        eb_status st = eb_dnnl__is_op(n, "Conv") ? eb_dnnl__emit_conv_q8(b, n, &m) : eb_dnnl__emit_mm_q8(b, n, &m);
        b->n_q8 += st == EB_OK;
        if (st != EB_ERR_UNSUPPORTED)
            return st;
        b->n_q8_refused++;
        /* no int8 kernel: the group runs as written, its DQ made now */
        int pa = b->g->tensors[n->inputs[0]].producer;
        if (!b->mem[n->inputs[0]] && (st = eb_dnnl__emit_qdq(b, &b->g->nodes[pa], 0)) != EB_OK)
            return st;
    }
    const eb_dnnl_op *op = eb_dnnl_op_find(n->op_type);
    if (!op) {
        snprintf(b->msg, b->len, "onednn: node '%s': op %s not mapped", n->name, n->op_type);
        return EB_ERR_UNSUPPORTED;
    }
    return op->emit(b, n, op->arg);
}

void eb_dnnl_segment_release(void *vctx, void *state)
{
    (void)vctx;
    dnnl_seg *s = state;
    if (!s)
        return;
    for (int i = 0; i < s->n_steps; i++)
        dnnl_primitive_destroy(s->steps[i].prim);
    for (int i = 0; i < s->n_mems; i++)
        dnnl_memory_destroy(s->mems[i]);
    free(s->steps);
    free(s->step_ns);
    free(s->mems);
    free(s->binds);
    free(s);
}

eb_status eb_dnnl_segment_prepare(void *vctx, const eb_graph *full, const eb_graph *g,
                                  void **state, char *msg, size_t msg_len)
{
    *state = NULL;
    dnnl_seg *s = calloc(1, sizeof *s);
    builder b = {.full = full, .g = g, .c = vctx, .s = s, .msg = msg, .len = msg_len,
                 .cur_node = -1};
    b.mem = calloc((size_t)g->n_tensors + 1, sizeof *b.mem);
    b.out_idx = malloc(((size_t)g->n_tensors + 1) * sizeof *b.out_idx);
    b.skip = calloc((size_t)g->n_nodes + 1, 1);
    eb_status st = EB_ERR_NOMEM;
    if (!s || !b.mem || !b.out_idx || !b.skip)
        goto fail;
    for (int t = 0; t < g->n_tensors; t++)
        b.out_idx[t] = -1;
    for (int i = 0; i < g->n_outputs; i++)
        b.out_idx[g->outputs[i]] = i;
    for (int i = 0; i < g->n_inputs; i++) {
        dnnl_memory_desc_t md;
        if ((st = eb_dnnl__plain_md(&b, &g->tensors[g->inputs[i]], &md)) ||
            (st = eb_dnnl__new_mem(&b, &md, DNNL_MEMORY_NONE, &b.mem[g->inputs[i]])) ||
            (st = eb_dnnl__bind(&b, b.mem[g->inputs[i]], 0, i)))
            goto fail;
    }
    eb_dnnl__skip_group_dqs(&b);
    for (int i = 0; i < g->n_nodes; i++)
        if ((st = emit_node(&b, i)) != EB_OK)
            goto fail;
    if (!(s->step_ns = calloc((size_t)s->n_steps + 1, sizeof *s->step_ns))) {
        st = EB_ERR_NOMEM;
        goto fail;
    }
    const char *verbose = getenv("EDGEBENCH_DELEGATE_VERBOSE");
    if (verbose && (verbose[0] == '1' || verbose[0] == '2') && (b.n_q8 || b.n_q8_refused))
        fprintf(stderr, "onednn: %s: %d QDQ groups as int8 kernels, %d as written (no int8 kernel)\n",
                g->path, b.n_q8, b.n_q8_refused);
    free(b.mem);
    free(b.out_idx);
    free(b.skip);
    *state = s;
    return EB_OK;
fail:
    if (st == EB_ERR_NOMEM && !msg[0])
        snprintf(msg, msg_len, "onednn: out of memory");
    free(b.mem);
    free(b.out_idx);
    free(b.skip);
    eb_dnnl_segment_release(vctx, s);
    return st;
}

eb_status eb_dnnl_segment_run(void *vctx, void *state, const eb_value *in, int n_in,
                              eb_value *out, int n_out, char *msg, size_t msg_len)
{
    eb_backend_ctx *c = vctx;
    dnnl_seg *s = state;
    (void)n_in;
    (void)n_out;
    for (int i = 0; i < s->n_binds; i++) {
        binding *bd = &s->binds[i];
        void *h = bd->output ? out[bd->idx].data : in[bd->idx].data;
        if (h != bd->last) {
            dnnl_memory_set_data_handle(bd->mem, h);
            bd->last = h;
        }
    }
    uint64_t t1 = eb_glue_now(&c->glue);
    for (int i = 0; i < s->n_steps; i++) {
        /* each primitive timed once someone asked for a profile (the hook's
         * first call): a measured run reads no clock per primitive. On a
         * CPU stream oneDNN has run a primitive when execute returns. */
        uint64_t t0 = s->timed ? eb_now_ns() : 0;
        dnnl_status_t ds = dnnl_primitive_execute(s->steps[i].prim, c->stream, s->steps[i].nargs,
                                                  s->steps[i].args);
        if (s->timed)
            s->step_ns[i] = eb_now_ns() - t0;
        if (ds != dnnl_success) {
            snprintf(msg, msg_len, "onednn: primitive %d of %d failed (status %d)", i, s->n_steps, (int)ds);
            return EB_ERR_BACKEND;
        }
    }
    dnnl_status_t ds = dnnl_stream_wait(c->stream);
    c->glue.vendor_ns += eb_glue_now(&c->glue) - t1;
    if (ds != dnnl_success) {
        snprintf(msg, msg_len, "onednn: stream wait failed (status %d)", (int)ds);
        return EB_ERR_BACKEND;
    }
    return EB_OK;
}

void eb_dnnl_segment_profile(void *vctx, void *state, uint64_t *node_ns, int n_nodes)
{
    (void)vctx;
    dnnl_seg *s = state;
    for (int i = 0; i < n_nodes; i++)
        node_ns[i] = EB_SEGMENT_UNTIMED;
    if (s && !s->timed) { /* the first call turns the timing on: nothing timed yet */
        s->timed = 1;
        return;
    }
    /* a node's time: the primitives made for it (its reorders included);
     * a node fused into another's primitive (a post-op, a QDQ group) has none */
    for (int i = 0; s && i < s->n_steps; i++) {
        int k = s->steps[i].node;
        if (k < 0 || k >= n_nodes)
            continue;
        node_ns[k] = (node_ns[k] == EB_SEGMENT_UNTIMED ? 0 : node_ns[k]) + s->step_ns[i];
    }
}
