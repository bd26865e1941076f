/* The example backend's operators: for each ONNX op it runs, a check (may
 * this node run here?) and a run over float32 buffers the plan placed.
 *
 * Everything reads the graph through edgebench's stride accessors
 * (eb_graph_tensor, eb_node_input, eb_node_output), never g->tensors[i]:
 * a plugin built out of tree may meet a harness whose structs are larger
 * than the ones it was compiled with (edgebench/graph.h, "Layout rule"). */
#ifndef EXAMPLE_OPS_H
#define EXAMPLE_OPS_H

#include <stddef.h>

#include "edgebench/graph.h"

typedef struct ex_op {
    const char *op_type;
    /* 1 when node n of g can run, else 0 with a one-line reason in why. */
    int (*check)(const eb_graph *g, const eb_node *n, char *why, size_t why_len);
    /* vals[t]: the buffer of tensor t (inputs, constants, activations), each
     * sized for the tensor's inferred shape. Only called after check(). */
    void (*run)(const eb_graph *g, const eb_node *n, float *const *vals);
} ex_op;

/* The op named op_type in the default ONNX domain, or NULL. */
const ex_op *ex_op_find(const char *domain, const char *op_type);

/* NULL-terminated op types, for the backend table's `ops`. */
extern const char *const ex_op_names[];

#endif
