/* What the vendor delegates (xnnpack, onednn) share: a plan that splits a
 * graph into segments of consecutive nodes, each run either by the vendor
 * library or, for nodes the vendor cannot take and when the scenario allows
 * it (option fallback=ref), by the reference backend.
 *
 * A segment is handed to its runner as an eb_graph of its own (a shallow
 * view of the original: same tensor indices, its own node list, inputs and
 * outputs), so a vendor's compiler only ever sees a graph it fully supports.
 * Tensors that cross a segment boundary live in buffers the plan owns, in
 * the graph's layout (NCHW, row-major); graph inputs and outputs are the
 * caller's buffers. */
#ifndef EB_DELEGATE_PLAN_H
#define EB_DELEGATE_PLAN_H

#include "edgebench/backend.h"

/* How a vendor compiles and runs one segment (all of whose nodes it
 * supports). `vctx` is the delegate's own context. */
typedef struct eb_segment_ops {
    /* full: the whole graph (same tensor indices), for what the view hides:
     * producers outside the segment, e.g. the int8 initializer behind a
     * weight the plan dequantised at prepare. */
    eb_status (*prepare)(void *vctx, const eb_graph *full, const eb_graph *seg, void **state_out,
                         char *msg, size_t msg_len);
    /* in/out follow seg->inputs / seg->outputs. */
    eb_status (*run)(void *vctx, void *state, const eb_value *in, int n_in, eb_value *out,
                     int n_out, char *msg, size_t msg_len);
    void (*release)(void *vctx, void *state);
    /* Optional: the time of each of seg's nodes in the last run, in the
     * view's node order (EB_SEGMENT_UNTIMED for a node not timed on its own:
     * fused into another's primitive). NULL: the vendor cannot say, and its
     * segments' nodes are untimed. */
    void (*profile)(void *vctx, void *state, uint64_t *node_ns, int n_nodes);
} eb_segment_ops;

#define EB_SEGMENT_UNTIMED UINT64_MAX

typedef struct eb_delegate_plan eb_delegate_plan;

/* Split g by on_vendor[node] (1: vendor, 0: reference backend; folded
 * nodes are skipped whatever it says) and prepare every segment. g must
 * outlive the plan. threads goes to the reference backend's segments. */
eb_status eb_delegate_plan_create(const eb_graph *g, const unsigned char *on_vendor,
                                  const eb_segment_ops *ops, void *vctx, int threads,
                                  eb_delegate_plan **out, char *msg, size_t msg_len);

eb_status eb_delegate_plan_run(eb_delegate_plan *p, const eb_value *in, int n_in,
                               eb_value *out, int n_out, char *msg, size_t msg_len);

void eb_delegate_plan_destroy(eb_delegate_plan *p); /* NULL is a no-op */

/* Per graph node, the time of the last run (UINT64_MAX: not timed on its
 * own): vendor segments through ops->profile, fallback segments through
 * ref's profile hook, folded nodes never. n_nodes: the graph's. */
void eb_delegate_plan_profile(const eb_delegate_plan *p, uint64_t *node_ns, int n_nodes);

/* Segments of each kind and the nodes they hold (for messages and tests). */
void eb_delegate_plan_counts(const eb_delegate_plan *p, int *vendor_segments,
                             int *vendor_nodes, int *ref_segments, int *ref_nodes);

/* With EDGEBENCH_DELEGATE_VERBOSE=1 in the environment, one line to stderr
 * saying how g was split: "<name>: <file>: N nodes on <name> in S segments,
 * M on ref in R segments" (to see what a delegate really ran); with =2 the
 * delegates also name each node left to ref and why. */
void eb_delegate_plan_describe(const eb_delegate_plan *p, const char *name);

/* Shared option parsing: "fallback" takes "ref" or "none"; returns 1 for
 * ref, 0 for none, -1 for anything else. */
int eb_delegate_parse_fallback(const char *v);

/* 1 when the reference backend can run node `node` of g. */
int eb_delegate_ref_supports(const eb_graph *g, int node, char *why, size_t why_len);

#endif
