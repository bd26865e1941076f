/* Building and executing a ref-backend plan.
 *
 * Every activation gets its own buffer, allocated once at prepare, so a run
 * performs no allocation. Graph inputs point at the caller's buffers; graph
 * outputs are computed into plan buffers and copied out (a graph output may
 * also feed later nodes, and the caller's buffer may be smaller than the
 * plan assumes only through a bug we want to catch, not to write through). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ref_plan.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void value_from_tensor(eb_value *v, const eb_tensor *t)
{
    memset(v, 0, sizeof *v);
    v->dtype = t->dtype;
    v->rank = t->rank;
    for (int d = 0; d < t->rank && d < EB_MAX_RANK; d++)
        v->dims[d] = t->dims[d];
    v->nbytes = t->nbytes;
    v->data = t->data;
}

eb_status eb_ref_plan_create(const eb_graph *g, eb_plan **out, char *msg, size_t msg_len)
{
    eb_status st = EB_ERR_NOMEM;
    *out = NULL;
    eb_plan *p = calloc(1, sizeof *p);
    if (!p)
        goto fail;
    p->g = g;
    p->values = calloc((size_t)g->n_tensors + 1, sizeof *p->values);
    p->owned = calloc((size_t)g->n_tensors + 1, 1);
    p->steps = calloc((size_t)g->n_nodes + 1, sizeof *p->steps);
    p->node_ns = calloc((size_t)g->n_nodes + 1, sizeof *p->node_ns);
    size_t n_ptrs = 0;
    for (int i = 0; i < g->n_nodes; i++)
        n_ptrs += (size_t)g->nodes[i].n_inputs + (size_t)g->nodes[i].n_outputs;
    p->ptrs = calloc(n_ptrs + 1, sizeof *p->ptrs);
    if (!p->values || !p->owned || !p->steps || !p->node_ns || !p->ptrs)
        goto fail;

    for (int i = 0; i < g->n_tensors; i++) {
        const eb_tensor *t = &g->tensors[i];
        value_from_tensor(&p->values[i], t);
        if (t->data || t->kind == EB_TENSOR_INPUT)
            continue;
        if (t->rank < 0) {
            st = EB_ERR_SHAPE;
            snprintf(msg, msg_len, "%s: tensor '%s' has no inferred shape", g->path, t->name);
            goto fail;
        }
        /* +1 so zero-sized tensors still get a distinct valid pointer */
        p->values[i].data = calloc(1, t->nbytes + 1);
        if (!p->values[i].data)
            goto fail;
        p->owned[i] = 1;
    }

    size_t used = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        /* Nodes whose outputs are all known at load time (Constant, folded
         * shape arithmetic) need no execution. */
        int all_const = n->n_outputs > 0;
        for (int o = 0; o < n->n_outputs; o++)
            if (n->outputs[o] >= 0 && !g->tensors[n->outputs[o]].data)
                all_const = 0;
        if (all_const)
            continue;
        const eb_ref_op *op = n->domain[0] == '\0' ? eb_ref_find_op(n->op_type) : NULL;
        char why[256] = "";
        if (!op || !op->check(g, n, why, sizeof why)) {
            st = EB_ERR_UNSUPPORTED;
            snprintf(msg, msg_len, "%s: node '%s' (%s) not supported by ref: %s", g->path,
                     n->name, n->op_type, op ? why : "op not implemented");
            goto fail;
        }
        eb_ref_step *s = &p->steps[p->n_steps];
        s->op = op;
        s->exec.g = g;
        s->exec.node = n;
        s->exec.node_index = i;
        s->exec.in = p->ptrs + used;
        used += (size_t)n->n_inputs;
        s->exec.out = p->ptrs + used;
        used += (size_t)n->n_outputs;
        for (int k = 0; k < n->n_inputs; k++)
            s->exec.in[k] = n->inputs[k] >= 0 ? &p->values[n->inputs[k]] : NULL;
        for (int k = 0; k < n->n_outputs; k++)
            s->exec.out[k] = n->outputs[k] >= 0 ? &p->values[n->outputs[k]] : NULL;
        size_t scratch = 0;
        if (op->prepare) {
            st = op->prepare(g, n, &s->exec.state, &scratch, msg, msg_len);
            if (st != EB_OK)
                goto fail;
        }
        p->n_steps++;
        if (scratch > p->scratch_bytes)
            p->scratch_bytes = scratch;
    }
    if (p->scratch_bytes) {
        p->scratch = malloc(p->scratch_bytes);
        if (!p->scratch) {
            st = EB_ERR_NOMEM;
            goto fail;
        }
    }
    for (int s = 0; s < p->n_steps; s++)
        p->steps[s].exec.scratch = p->scratch;
    *out = p;
    return EB_OK;
fail:
    if (st == EB_ERR_NOMEM)
        snprintf(msg, msg_len, "%s: out of memory preparing the ref plan", g->path);
    eb_ref_plan_destroy(p);
    return st;
}

static int same_shape(const eb_value *a, const eb_value *b)
{
    if (a->rank != b->rank || a->dtype != b->dtype)
        return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d])
            return 0;
    return 1;
}

eb_status eb_ref_plan_run(eb_plan *p, const eb_value *inputs, int n_inputs, eb_value *outputs,
                          int n_outputs, char *msg, size_t msg_len)
{
    const eb_graph *g = p->g;
    if (n_inputs != g->n_inputs || n_outputs != g->n_outputs) {
        snprintf(msg, msg_len, "%s: expected %d inputs and %d outputs, got %d and %d", g->path,
                 g->n_inputs, g->n_outputs, n_inputs, n_outputs);
        return EB_ERR_INVALID_ARG;
    }
    for (int i = 0; i < n_inputs; i++) {
        eb_value *v = &p->values[g->inputs[i]];
        if (!same_shape(v, &inputs[i]) || inputs[i].nbytes < v->nbytes || !inputs[i].data) {
            snprintf(msg, msg_len, "%s: input '%s' does not match the model's shape or type",
                     g->path, g->tensors[g->inputs[i]].name);
            return EB_ERR_INVALID_ARG;
        }
        v->data = inputs[i].data;
    }
    for (int s = 0; s < p->n_steps; s++) {
        eb_ref_step *st = &p->steps[s];
        uint64_t t0 = now_ns();
        eb_status rc = st->op->run(&st->exec, msg, msg_len);
        p->node_ns[st->exec.node_index] = now_ns() - t0;
        if (rc != EB_OK)
            return rc;
    }
    for (int i = 0; i < n_outputs; i++) {
        const eb_value *v = &p->values[g->outputs[i]];
        if (outputs[i].nbytes < v->nbytes || !outputs[i].data) {
            snprintf(msg, msg_len, "%s: output buffer '%s' too small (%zu < %zu bytes)",
                     g->path, g->tensors[g->outputs[i]].name, outputs[i].nbytes, v->nbytes);
            return EB_ERR_INVALID_ARG;
        }
        if (v->nbytes)
            memcpy(outputs[i].data, v->data, v->nbytes);
        outputs[i].dtype = v->dtype;
        outputs[i].rank = v->rank;
        memcpy(outputs[i].dims, v->dims, sizeof v->dims);
    }
    return EB_OK;
}

void eb_ref_plan_destroy(eb_plan *p)
{
    if (!p)
        return;
    for (int s = 0; s < p->n_steps; s++)
        if (p->steps[s].op->release)
            p->steps[s].op->release(p->steps[s].exec.state);
    if (p->values)
        for (int i = 0; i < p->g->n_tensors; i++)
            if (p->owned[i])
                free(p->values[i].data);
    free(p->values);
    free(p->owned);
    free(p->steps);
    free(p->ptrs);
    free(p->scratch);
    free(p->node_ns);
    free(p);
}
