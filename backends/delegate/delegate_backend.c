/* Shared plugin entry points of the vendor delegates (delegate_backend.h). */
#include "backends/delegate/delegate_backend.h"

#include <stdio.h>
#include <stdlib.h>

struct eb_plan {
    eb_delegate_plan *dp;
};

int eb_delegate_supports(const eb_delegate_desc *d, int fallback_ref, const eb_graph *g, int node,
                         char *why, size_t why_len)
{
    char mine[256] = "";
    if (d->node_supported(g, node, mine, sizeof mine))
        return 1;
    if (fallback_ref && eb_delegate_ref_supports(g, node, why, why_len))
        return 1;
    snprintf(why, why_len, "%s%s", mine, fallback_ref ? " (and the ref fallback refuses it too)"
                                                      : " (option fallback=ref runs it on ref)");
    return 0;
}

eb_status eb_delegate_prepare(const eb_delegate_desc *d, void *vctx, int threads, const eb_model *m,
                              eb_plan **out, char *msg, size_t msg_len)
{
    const eb_graph *g = m->graph;
    eb_plan *p = calloc(1, sizeof *p);
    unsigned char *on = calloc((size_t)g->n_nodes + 1, 1);
    if (!p || !on) {
        free(p);
        free(on);
        snprintf(msg, msg_len, "%s: out of memory", d->name);
        return EB_ERR_NOMEM;
    }
    char why[256];
    const char *verbose = getenv("EDGEBENCH_DELEGATE_VERBOSE");
    for (int i = 0; i < g->n_nodes; i++) {
        on[i] = (unsigned char)d->node_supported(g, i, why, sizeof why);
        /* nodes computed at prepare run nowhere: not worth naming */
        int folded = g->nodes[i].n_outputs > 0 && g->nodes[i].outputs[0] >= 0 &&
                     g->tensors[g->nodes[i].outputs[0]].data;
        if (!on[i] && !folded && verbose && verbose[0] == '2')
            fprintf(stderr, "%s: node '%s' (%s) runs on ref: %s\n", d->name, g->nodes[i].name,
                    g->nodes[i].op_type, why);
    }
    eb_status st = eb_delegate_plan_create(g, on, &d->ops, vctx, threads, &p->dp, msg, msg_len);
    free(on);
    if (st != EB_OK) {
        free(p);
        return st;
    }
    eb_delegate_plan_describe(p->dp, d->name);
    *out = p;
    return EB_OK;
}

eb_status eb_delegate_run(eb_glue_clock *glue, eb_plan *p, const eb_value *in, int n_in,
                          eb_value *out, int n_out, char *msg, size_t msg_len)
{
    uint64_t t0 = eb_glue_now(glue);
    eb_status st = eb_delegate_plan_run(p->dp, in, n_in, out, n_out, msg, msg_len);
    if (glue->on) {
        glue->total_ns += eb_glue_now(glue) - t0;
        glue->runs++;
    }
    return st;
}

eb_status eb_delegate_profile(eb_plan *p, uint64_t *node_ns, int n_nodes)
{
    eb_delegate_plan_profile(p->dp, node_ns, n_nodes);
    return EB_OK;
}

void eb_delegate_release(eb_plan *p)
{
    if (!p)
        return;
    eb_delegate_plan_destroy(p->dp);
    free(p);
}
