/* Internal interface between the ref backend's plan and its op kernels.
 *
 * Every op the backend runs is one eb_ref_op entry, listed once in
 * ref_ops_f32.inc / ref_ops_q8.inc. The backend's supports(), prepare() and
 * run() all read that list, so an op is claimed exactly when it is listed.
 *
 * Shapes are static: the loader inferred every tensor's shape, and the plan
 * allocates every activation once at prepare time. Kernels never allocate at
 * run time; what they need beyond their inputs/outputs they ask for as
 * scratch bytes at prepare and find in eb_ref_exec.scratch. */
#ifndef EB_REF_OP_H
#define EB_REF_OP_H

#include <stdio.h>

#include "edgebench/backend.h"

/* One node (or fused group) ready to execute. */
typedef struct eb_ref_exec {
    const eb_graph *g;
    const eb_node *node;   /* the node whose op is run (the anchor of a fused group) */
    int node_index;
    eb_value **in;         /* node->n_inputs entries, NULL for omitted inputs */
    eb_value **out;        /* node->n_outputs entries, NULL for omitted outputs */
    void *state;           /* what prepare() made, or NULL */
    void *scratch;         /* shared scratch of at least the size prepare() asked */
} eb_ref_exec;

typedef struct eb_ref_op {
    const char *op_type;
    /* 1 when this node is handled (dtypes, attributes, ranks); else 0 and a
     * reason in why ("uint8 inputs not supported"). The graph's shapes are
     * already inferred when this is called. */
    int (*check)(const eb_graph *g, const eb_node *n, char *why, size_t why_len);
    /* optional: precompute per-node state (packed weights, requantisation
     * multipliers) and report scratch bytes needed at run time. */
    eb_status (*prepare)(const eb_graph *g, const eb_node *n, void **state,
                         size_t *scratch_bytes, char *msg, size_t msg_len);
    eb_status (*run)(const eb_ref_exec *x, char *msg, size_t msg_len);
    void (*release)(void *state); /* optional */
} eb_ref_op;

/* A graph tensor as a kernel's value: its type, shape, bytes and data
 * (NULL for an activation not yet placed). The plan's values and folding
 * (ref_fold.c) start from it (ref_value.c). */
void eb_ref_value_from_tensor(eb_value *v, const eb_tensor *t);

/* Look up the entry for op_type in the default domain; NULL when unlisted. */
const eb_ref_op *eb_ref_find_op(const char *op_type);

/* The NULL-terminated list of claimed op types (for eb_backend.ops). */
const char *const *eb_ref_op_names(void);

/* Declarations of every listed op's entry. */
#define EB_REF_OP(NAME, SYM) extern const eb_ref_op SYM;
#include "backends/ref/ref_ops_f32.inc"
#include "backends/ref/ref_ops_q8.inc"
#undef EB_REF_OP

/* Message helper for kernels: "node 'x' (Op): ...". */
#define EB_REF_FAIL(msg, len, node, ...)                                       \
    do {                                                                       \
        int eb_off__ = snprintf((msg), (len), "node '%s' (%s): ", (node)->name, \
                                (node)->op_type);                              \
        if (eb_off__ > 0 && (size_t)eb_off__ < (len))                          \
            snprintf((msg) + eb_off__, (len) - (size_t)eb_off__, __VA_ARGS__); \
    } while (0)

#endif
