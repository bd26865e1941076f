/* Node checks shared by the vendor delegates (delegate_support.h). */
#include "backends/delegate/delegate_support.h"

#include <stdio.h>
#include <string.h>

int eb_delegate_node_shaped(const eb_graph *g, const eb_node *n, char *why, size_t why_len)
{
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);
    if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0) {
        snprintf(why, why_len, "domain '%s' is not ONNX's", n->domain);
        return 0;
    }
    if (!x || !y || x->rank < 0 || y->rank < 0) {
        snprintf(why, why_len, "shapes not inferred");
        return 0;
    }
    return 1;
}

int eb_delegate_inputs_const(const eb_graph *g, const eb_node *n, int first)
{
    for (int k = first; k < n->n_inputs; k++)
        if (n->inputs[k] >= 0 && !g->tensors[n->inputs[k]].data)
            return 0;
    return 1;
}

int eb_delegate_gemm_supported(const eb_graph *g, const eb_node *n,
                               int (*const_input)(const eb_graph *g, int t),
                               const eb_gemm_refusals *words, char *why, size_t why_len)
{
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);
    const char *refused = NULL;
    const eb_tensor *c = eb_node_input(g, n, 2);
    if (x->rank != 2 || eb_node_attr_int(n, "transA", 0) ||
        eb_node_attr_float(n, "alpha", 1.f) != 1.f || eb_node_attr_float(n, "beta", 1.f) != 1.f)
        refused = words->form;
    else if (!const_input(g, n->inputs[1]) || (c && !const_input(g, n->inputs[2])))
        refused = words->not_const;
    else if (c && c->numel != y->dims[1])
        refused = words->bias;
    if (refused)
        snprintf(why, why_len, "%s", refused);
    return !refused;
}
