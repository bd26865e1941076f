/* Constant folding at prepare (ref_fold.h). */
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_fold.h"

/* Identity and QuantizeLinear: what exporters and QDQ quantisers put
 * between an initializer and its reader. DequantizeLinear stays: the QDQ
 * fusion matches DQ of a constant. */
int eb_ref_foldable(const eb_node *n)
{
    return n->domain[0] == '\0' &&
           (strcmp(n->op_type, "Identity") == 0 || strcmp(n->op_type, "QuantizeLinear") == 0);
}

/* Node n of g (the copy) computed by its ref kernel into a new buffer that
 * becomes its output's constant data. */
static eb_status fold_node(eb_ref_folded *f, eb_graph *g, const eb_node *n, char *msg,
                           size_t msg_len)
{
    const eb_ref_op *op = eb_ref_find_op(n->op_type);
    char why[256];
    if (!op || n->n_outputs != 1 || n->outputs[0] < 0 || n->n_inputs > 4 ||
        !op->check(g, n, why, sizeof why))
        return EB_OK; /* left to run as a node, where ref reports any problem */
    eb_value in[4], outv, *inp[4] = {NULL, NULL, NULL, NULL}, *outp[1] = {&outv};
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (t) {
            eb_ref_value_from_tensor(&in[k], t);
            inp[k] = &in[k];
        }
    }
    eb_tensor *y = &g->tensors[n->outputs[0]];
    eb_ref_value_from_tensor(&outv, y);
    void **grown = realloc(f->data, ((size_t)f->n + 1) * sizeof *grown);
    if (!grown)
        return EB_ERR_NOMEM;
    f->data = grown;
    outv.data = calloc(1, y->nbytes + 1);
    if (!outv.data)
        return EB_ERR_NOMEM;
    void *state = NULL, *scratch = NULL;
    size_t scratch_bytes = 0;
    eb_status st = EB_OK;
    if (op->prepare)
        st = op->prepare(g, n, &state, &scratch_bytes, msg, msg_len);
    if (st == EB_OK && scratch_bytes && !(scratch = malloc(scratch_bytes)))
        st = EB_ERR_NOMEM;
    if (st == EB_OK) {
        eb_ref_exec x = {.g = g, .node = n, .node_index = (int)(n - g->nodes), .in = inp,
                         .out = outp, .state = state, .scratch = scratch};
        st = op->run(&x, msg, msg_len);
    }
    if (op->release && state)
        op->release(state);
    free(scratch);
    if (st != EB_OK) {
        free(outv.data);
        return st;
    }
    f->data[f->n++] = outv.data;
    y->data = outv.data;
    y->kind = EB_TENSOR_CONSTANT;
    return EB_OK;
}

eb_status eb_ref_fold_constants(const eb_graph *g, eb_ref_folded *f, const eb_graph **run_g,
                                char *msg, size_t msg_len)
{
    *run_g = g;
    int any = 0;
    for (int i = 0; i < g->n_nodes && !any; i++)
        any = eb_ref_foldable(&g->nodes[i]);
    if (!any)
        return EB_OK;
    f->g = malloc(sizeof *f->g);
    eb_tensor *tensors = f->g ? malloc(((size_t)g->n_tensors + 1) * sizeof *tensors) : NULL;
    if (!tensors) {
        free(f->g);
        f->g = NULL;
        return EB_ERR_NOMEM;
    }
    *f->g = *g;
    memcpy(tensors, g->tensors, (size_t)g->n_tensors * sizeof *tensors);
    f->g->tensors = tensors;
    /* in node order, so a chain (Identity -> QuantizeLinear) folds whole */
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        if (!eb_ref_foldable(n) || n->n_outputs != 1 || n->outputs[0] < 0 ||
            tensors[n->outputs[0]].data)
            continue;
        int all = n->n_inputs > 0;
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] >= 0 && !tensors[n->inputs[k]].data)
                all = 0;
        if (!all)
            continue;
        eb_status st = fold_node(f, f->g, n, msg, msg_len);
        if (st != EB_OK) {
            eb_ref_folded_free(f);
            return st;
        }
    }
    *run_g = f->g;
    return EB_OK;
}

void eb_ref_folded_free(eb_ref_folded *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->data[i]);
    free(f->data);
    if (f->g)
        free(f->g->tensors);
    free(f->g);
    memset(f, 0, sizeof *f);
}
