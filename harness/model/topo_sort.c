/* Topological ordering of the loaded nodes (Kahn's algorithm, stable). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/graph_internal.h"

eb_status eb__graph_topo_sort(eb_graph *g, char *msg, size_t msg_len)
{
    int nn = g->n_nodes;
    if (nn == 0)
        return EB_OK;
    int *pending = calloc((size_t)nn, sizeof *pending); /* unproduced inputs per node */
    int *order = malloc((size_t)nn * sizeof *order);
    int *new_index = malloc((size_t)nn * sizeof *new_index);
    unsigned char *done = calloc((size_t)nn, 1);
    eb_node *sorted = malloc((size_t)nn * sizeof *sorted);
    eb_status st = EB_ERR_NOMEM;
    if (!pending || !order || !new_index || !done || !sorted) {
        snprintf(msg, msg_len, "%s: out of memory sorting nodes", g->path);
        goto out;
    }
    for (int i = 0; i < nn; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            int t = g->nodes[i].inputs[k];
            if (t >= 0 && g->tensors[t].producer >= 0)
                pending[i]++;
        }
    /* Simple O(n^2) worst case sweep keeps file order among ready nodes,
     * which keeps `inspect` output recognisable; models have few thousand
     * nodes at most. */
    int count = 0;
    for (int progress = 1; progress && count < nn;) {
        progress = 0;
        for (int i = 0; i < nn; i++) {
            if (done[i] || pending[i] > 0)
                continue;
            done[i] = 1;
            order[count++] = i;
            progress = 1;
            for (int o = 0; o < g->nodes[i].n_outputs; o++) {
                int t = g->nodes[i].outputs[o];
                if (t < 0)
                    continue;
                for (int j = 0; j < nn; j++)
                    for (int k = 0; k < g->nodes[j].n_inputs; k++)
                        if (g->nodes[j].inputs[k] == t)
                            pending[j]--;
            }
        }
    }
    if (count < nn) {
        int culprit = 0;
        while (done[culprit])
            culprit++;
        snprintf(msg, msg_len, "%s: node '%s' (%s): graph has a cycle through this node",
                 g->path, g->nodes[culprit].name, g->nodes[culprit].op_type);
        st = EB_ERR_FORMAT;
        goto out;
    }
    for (int i = 0; i < nn; i++) {
        sorted[i] = g->nodes[order[i]];
        new_index[order[i]] = i;
    }
    memcpy(g->nodes, sorted, (size_t)nn * sizeof *sorted);
    for (int t = 0; t < g->n_tensors; t++)
        if (g->tensors[t].producer >= 0)
            g->tensors[t].producer = new_index[g->tensors[t].producer];
    st = EB_OK;
out:
    free(pending);
    free(order);
    free(new_index);
    free(done);
    free(sorted);
    return st;
}
