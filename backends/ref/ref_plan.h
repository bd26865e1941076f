/* A prepared model on the ref backend: one value per graph tensor and the
 * list of steps (nodes, or fused groups) to execute in order. */
#ifndef EB_REF_PLAN_H
#define EB_REF_PLAN_H

#include "ref_op.h"

typedef struct eb_ref_step {
    const eb_ref_op *op;
    eb_ref_exec exec;
} eb_ref_step;

struct eb_plan {
    const eb_graph *g;
    eb_value *values;        /* g->n_tensors entries */
    unsigned char *owned;    /* 1 where values[i].data was allocated by the plan */
    int n_steps;
    eb_ref_step *steps;
    eb_value **ptrs;         /* storage behind every step's in/out arrays */
    void *scratch;
    size_t scratch_bytes;
    uint64_t *node_ns;       /* per-node time of the last run (profile) */
    int profiling;
};

eb_status eb_ref_plan_create(const eb_graph *g, eb_plan **out, char *msg, size_t msg_len);
eb_status eb_ref_plan_run(eb_plan *p, const eb_value *inputs, int n_inputs, eb_value *outputs,
                          int n_outputs, char *msg, size_t msg_len);
void eb_ref_plan_destroy(eb_plan *p);

#endif
