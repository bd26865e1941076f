/* Constant folding at prepare (simd_plan.h: const_fold): Identity and
 * QuantizeLinear nodes whose inputs are all constants are computed once,
 * by their ref kernels, and become constants of a shallow copy of the
 * graph, so the weights an exporter routed through them are packed like
 * any other. */
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

/* Ops folded when every input is a load-time constant. Exporters put
 * Identity nodes between initializers and their readers, and a QDQ
 * quantiser then quantises weights at run time (Identity -> Q -> DQ ->
 * Conv): folded, the weights are constants again, so conv, gemm and QDQ
 * groups find constant weights. DequantizeLinear stays: the QDQ fusion
 * matches DQ of a constant. The value is computed by the ref kernel itself,
 * so folding never changes a number. */
int eb_simd__foldable(const eb_node *n)
{
    return n->domain[0] == '\0' &&
           (strcmp(n->op_type, "Identity") == 0 || strcmp(n->op_type, "QuantizeLinear") == 0);
}

static eb_status fold_node(eb_simd_plan *P, eb_graph *g, const eb_node *n, char *msg,
                           size_t msg_len)
{
    const eb_ref_op *op = eb_ref_find_op(n->op_type);
    char why[256];
    if (!op || n->n_outputs != 1 || n->outputs[0] < 0 || !op->check(g, n, why, sizeof why))
        return EB_OK; /* left to run as a node, where ref reports any problem */
    eb_value in[4], outv, *inp[4], *outp[1] = {&outv};
    if (n->n_inputs > 4)
        return EB_OK;
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (!t) {
            inp[k] = NULL;
            continue;
        }
        memset(&in[k], 0, sizeof in[k]);
        in[k].dtype = t->dtype;
        in[k].rank = t->rank;
        memcpy(in[k].dims, t->dims, sizeof t->dims);
        in[k].data = t->data;
        in[k].nbytes = t->nbytes;
        inp[k] = &in[k];
    }
    eb_tensor *y = &g->tensors[n->outputs[0]];
    memset(&outv, 0, sizeof outv);
    outv.dtype = y->dtype;
    outv.rank = y->rank;
    memcpy(outv.dims, y->dims, sizeof y->dims);
    outv.nbytes = y->nbytes;
    void **grown = realloc(P->folded_data, ((size_t)P->n_folded + 1) * sizeof *grown);
    if (!grown)
        return EB_ERR_NOMEM;
    P->folded_data = grown;
    void *state = NULL, *scratch = NULL;
    size_t scratch_bytes = 0;
    eb_status st = EB_OK;
    outv.data = calloc(1, y->nbytes + 1);
    if (!outv.data)
        return EB_ERR_NOMEM;
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
    P->folded_data[P->n_folded++] = outv.data;
    y->data = outv.data;
    y->kind = EB_TENSOR_CONSTANT;
    return EB_OK;
}

/* The graph the plan runs: g itself, or a copy whose tensors array shows the
 * folded values (everything else shared with g). */
eb_status eb_simd__fold_constants(eb_simd_plan *P, const eb_graph *g, const eb_graph **run_g,
                                char *msg, size_t msg_len)
{
    *run_g = g;
    int any = 0;
    for (int i = 0; i < g->n_nodes && !any; i++)
        any = eb_simd__foldable(&g->nodes[i]);
    if (!any)
        return EB_OK;
    P->folded = malloc(sizeof *P->folded);
    eb_tensor *tensors = P->folded ? malloc(((size_t)g->n_tensors + 1) * sizeof *tensors) : NULL;
    if (!tensors) {
        free(P->folded);
        P->folded = NULL;
        return EB_ERR_NOMEM;
    }
    *P->folded = *g;
    memcpy(tensors, g->tensors, (size_t)g->n_tensors * sizeof *tensors);
    P->folded->tensors = tensors;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        if (!eb_simd__foldable(n) || n->n_outputs != 1 || n->outputs[0] < 0 ||
            tensors[n->outputs[0]].data)
            continue;
        int all = n->n_inputs > 0;
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] >= 0 && !tensors[n->inputs[k]].data)
                all = 0;
        if (!all)
            continue;
        eb_status st = fold_node(P, P->folded, n, msg, msg_len);
        if (st != EB_OK)
            return st;
    }
    *run_g = P->folded;
    return EB_OK;
}
