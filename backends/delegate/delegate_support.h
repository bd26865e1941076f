/* Node checks the vendor delegates (xnnpack, onednn) share when deciding
 * which nodes they take (their *_support.c). The conditions are common;
 * the wording of a refusal stays each delegate's, since it names what that
 * vendor library lacks. */
#ifndef EB_DELEGATE_SUPPORT_H
#define EB_DELEGATE_SUPPORT_H

#include <stddef.h>

#include "edgebench/graph.h"

/* What every node must be before a delegate looks at its op: in ONNX's
 * domain, with its first input and output shapes inferred. 0 with why. */
int eb_delegate_node_shaped(const eb_graph *g, const eb_node *n, char *why, size_t why_len);

/* 1 when every present input of n from index `first` on is an initializer
 * (Clip's min / max, the shape or axes of a reshape): the vendor libraries
 * take those as parameters fixed at prepare. */
int eb_delegate_inputs_const(const eb_graph *g, const eb_node *n, int first);

/* A delegate's words for the conditions a Gemm can fail. */
typedef struct eb_gemm_refusals {
    const char *form;      /* not a 2-D A with transA=0, alpha=1, beta=1 */
    const char *not_const; /* B or C not constant (const_input says which are) */
    const char *bias;      /* C is not one value per output column */
} eb_gemm_refusals;

/* 1 when Gemm node n can run as a fully connected operator (constant
 * weights and bias), else 0 with the first condition it fails, in words. */
int eb_delegate_gemm_supported(const eb_graph *g, const eb_node *n,
                               int (*const_input)(const eb_graph *g, int t),
                               const eb_gemm_refusals *words, char *why, size_t why_len);

/* The opening of every op-table check `int check(const eb_graph *g, int
 * node, ...)`: the node and its first input and output, unused ones
 * silenced. */
#define EB_DELEGATE_NODE_XY                                                                 \
    const eb_node *n = &g->nodes[node];                                                     \
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);              \
    (void)x;                                                                                \
    (void)y

#endif
