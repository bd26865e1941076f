/* A per-node profile summed by op type: how many timed nodes each op type
 * has and the sum of their times, largest first. `edgebench profile`, the
 * run's op_profile pass and the reports all group the same way. */
#ifndef EB_OP_SUMS_H
#define EB_OP_SUMS_H

#include <stdint.h>

/* A node the backend did not time on its own: fused into a neighbour,
 * folded at load, or inside a group it runs as one. */
#define EB_OP_UNTIMED UINT64_MAX

typedef struct eb_op_sum {
    const char *op; /* borrowed from the caller's names */
    int nodes;
    uint64_t ns;
} eb_op_sum;

/* Group n nodes (op type, time; EB_OP_UNTIMED skipped) into out (room for
 * n entries), sorted by time, largest first (ties by op name, so the order
 * is the same on every run). Returns the number of op types. */
int eb_op_sums(const char *const *ops, const uint64_t *ns, int n, eb_op_sum *out);

#endif
