/* eb_cell_profile_run (cell_profile.h). */
#include "harness/run/cell_profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/backend/op_profile.h"

/* "op<TAB>name<LF>" per node; a tab or line break inside a name (model
 * text) would split the lines, so it becomes a space. */
static char *node_lines(const eb_graph *g, size_t *len)
{
    size_t cap = 1;
    for (int i = 0; i < g->n_nodes; i++)
        cap += strlen(g->nodes[i].op_type) + strlen(g->nodes[i].name) + 2;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    size_t n = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const char *parts[2] = {g->nodes[i].op_type, g->nodes[i].name};
        for (int k = 0; k < 2; k++) {
            for (const char *c = parts[k]; *c; c++)
                buf[n++] = *c == '\t' || *c == '\n' || *c == '\r' ? ' ' : *c;
            buf[n++] = k == 0 ? '\t' : '\n';
        }
    }
    *len = n;
    return buf;
}

eb_status eb_cell_profile_run(int iterations, const eb_session *ses, const eb_value *in, int n_in,
                              eb_value *out, const eb_cell_sink *sink, char *msg, size_t msg_len)
{
    if (iterations <= 0)
        return EB_OK;
    const eb_backend *be = ses->be;
    if (!be->profile) {
        /* said in the results, not a failure: the timing is still good */
        char why[256];
        snprintf(why, sizeof why, "backend '%s' implements no profile hook", be->name);
        eb_cell_text(sink, "profile_unavailable", why);
        return EB_OK;
    }
    eb_op_profile p;
    /* the loop before it warmed the backend up: no warm-up of its own */
    eb_status st = eb_op_profile_measure(ses, in, n_in, out, 0, iterations, &p, msg, msg_len);
    if (st != EB_OK)
        return st;
    const eb_graph *g = ses->g;
    size_t nn = (size_t)g->n_nodes, len = 0;
    double *ns = malloc((nn ? nn : 1) * sizeof *ns);
    char *lines = node_lines(g, &len);
    if (!ns || !lines) {
        free(ns);
        free(lines);
        eb_op_profile_free(&p);
        snprintf(msg, msg_len, "profile: out of memory");
        return EB_ERR_NOMEM;
    }
    for (size_t j = 0; j < nn; j++)
        ns[j] = p.node_ns[j] == EB_OP_UNTIMED ? NAN : (double)p.node_ns[j];
    eb_cell_array(sink, "profile/node_ns", EB_ARRAY_F64, nn, 0, ns);
    eb_cell_array(sink, "profile/nodes", EB_ARRAY_U8, len, 0, lines);
    eb_cell_metric(sink, "profile_iterations", (double)p.iterations);
    eb_cell_metric(sink, "profile_inference_ms", (double)p.inference_ns / 1e6);
    eb_cell_metric(sink, "profile_nodes_sum_ms", (double)p.nodes_sum_ns / 1e6);
    if (p.inference_ns)
        eb_cell_metric(sink, "profile_coverage", (double)p.nodes_sum_ns / (double)p.inference_ns);
    free(ns);
    free(lines);
    eb_op_profile_free(&p);
    return EB_OK;
}
