/* A run's stored per-node profile (harness/run/cell_profile.h writes it:
 * profile/node_ns, profile/nodes), read back for the reports. The arrays
 * come from a results file, so they may be hostile: the node count of the
 * names must equal the times', every line must be "op<TAB>name". */
#ifndef EB_RUN_PROFILE_H
#define EB_RUN_PROFILE_H

#include <stdint.h>

#include "harness/stats/op_sums.h"
#include "results/run_record.h"

typedef struct eb_run_profile {
    int n;             /* nodes, graph order */
    const char **op;   /* op type of node i (into text) */
    const char **name; /* node name (into text) */
    uint64_t *ns;      /* median ns; EB_OP_UNTIMED when the backend did not time it */
    uint64_t sum_ns;   /* sum of the timed nodes */
    int timed;
    char *text;        /* owned copy of profile/nodes, split in place */
} eb_run_profile;

/* 1 with p filled (free it), 0 when the run has no profile, -1 when its
 * arrays do not fit together (p left empty). */
int eb_run_profile_get(const eb_run_record *r, eb_run_profile *p);
void eb_run_profile_free(eb_run_profile *p);

/* The first ok run of runs[0..n) (a cell's repetitions) with a readable
 * profile, p filled from it; NULL (p empty) when none has one. */
const eb_run_record *eb_run_profile_first(const eb_run_record *const *runs, int n,
                                          eb_run_profile *p);

/* The op-type sums of p (eb_op_sums) into a new array (free it); NULL
 * when out of memory; *n_ops their count. */
eb_op_sum *eb_run_profile_by_op(const eb_run_profile *p, int *n_ops);

#endif
