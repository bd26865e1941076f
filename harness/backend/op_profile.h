/* Where one inference's time goes, node by node (docs/profiling.md): N
 * inferences on a prepared session, each timed as a whole and each followed
 * by the backend's profile hook (include/edgebench/backend.h); per node the
 * median over the N, and the median inference. `edgebench profile` and a
 * run's `metrics.op_profile` pass both measure with this. */
#ifndef EB_OP_PROFILE_H
#define EB_OP_PROFILE_H

#include <stdint.h>

#include "harness/backend/session.h"
#include "harness/stats/op_sums.h"

typedef struct eb_op_profile {
    int n_nodes;           /* the session's graph's */
    uint64_t *node_ns;     /* median per node; EB_OP_UNTIMED when any inference left it untimed */
    uint64_t inference_ns; /* median of the whole inferences */
    uint64_t nodes_sum_ns; /* sum of the timed nodes' medians */
    int timed;             /* nodes timed */
    long iterations;
} eb_op_profile;

/* warmup untimed inferences, then iterations (>= 1) profiled ones on the
 * given inputs (out: the session's output buffers). Errors name the
 * backend. p is owned by the caller: eb_op_profile_free. */
eb_status eb_op_profile_measure(const eb_session *s, const eb_value *in, int n_in, eb_value *out,
                                long warmup, long iterations, eb_op_profile *p, char *msg,
                                size_t msg_len);

void eb_op_profile_free(eb_op_profile *p);

#endif
