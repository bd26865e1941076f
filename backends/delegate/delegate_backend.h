/* The plugin entry points xnnpack and onednn share: both take a graph node
 * by node, cut it into a segmented plan (delegate_plan.h) and run that. They
 * differ only in their name, which nodes the vendor library takes and how it
 * compiles a segment, so each describes itself once (eb_delegate_desc) and
 * its supports / prepare / run / release are one call to the functions
 * here. The eb_plan these hand out is the segmented plan, owned here. */
#ifndef EB_DELEGATE_BACKEND_H
#define EB_DELEGATE_BACKEND_H

#include "backends/delegate/delegate_glue.h"
#include "backends/delegate/delegate_plan.h"

typedef struct eb_delegate_desc {
    const char *name; /* the backend's name: prefixes its messages */
    /* 1 when the vendor library can run node `node` of g, else 0 with why */
    int (*node_supported)(const eb_graph *g, int node, char *why, size_t why_len);
    eb_segment_ops ops;
} eb_delegate_desc;

/* eb_backend.supports: the vendor takes the node, or (fallback_ref) ref
 * does; else 0 with the vendor's reason and how fallback=ref bears on it. */
int eb_delegate_supports(const eb_delegate_desc *d, int fallback_ref, const eb_graph *g, int node,
                         char *why, size_t why_len);

/* eb_backend.prepare: marks each node of m's graph vendor or ref and builds
 * the plan; vctx goes to d->ops, threads to ref's segments. */
eb_status eb_delegate_prepare(const eb_delegate_desc *d, void *vctx, int threads, const eb_model *m,
                              eb_plan **out, char *msg, size_t msg_len);

/* eb_backend.run: runs the plan, adding the whole call to glue when on. */
eb_status eb_delegate_run(eb_glue_clock *glue, eb_plan *p, const eb_value *in, int n_in,
                          eb_value *out, int n_out, char *msg, size_t msg_len);

/* The ABI's profile hook on a delegate plan (eb_delegate_plan_profile). */
eb_status eb_delegate_profile(eb_plan *p, uint64_t *node_ns, int n_nodes);

void eb_delegate_release(eb_plan *p); /* NULL is a no-op */

#endif
