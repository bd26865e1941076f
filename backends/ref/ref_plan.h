/* A prepared model on the ref backend: one value per graph tensor and the
 * list of steps (nodes, or fused groups) to execute in order.
 *
 * With qdq_fusion on (the default) plan creation runs the QDQ fusion pass
 * (ref_fuse_qdq.h): each matched DequantizeLinear -> op -> QuantizeLinear
 * group becomes one integer step, and nodes left without a consumer are not
 * executed. With it off every node runs as written: the semantic definition
 * the fused execution is tested against. */
#ifndef EB_REF_PLAN_H
#define EB_REF_PLAN_H

#include "backends/ref/ref_fuse_qdq.h"
#include "backends/ref/ref_op.h"

typedef struct eb_ref_plan_options {
    int qdq_fusion;   /* 1: run QDQ groups as integer kernels; 0: as written */
    int memory_reuse; /* 1: activations share one arena by lifetime (ref_arena.h);
                         0: one buffer each */
} eb_ref_plan_options;

#define EB_REF_PLAN_DEFAULTS ((eb_ref_plan_options){.qdq_fusion = 1, .memory_reuse = 1})

typedef struct eb_ref_step {
    const eb_ref_op *op;
    eb_ref_exec exec;
    int is_fused;            /* exec.state belongs to a group in plan->fused */
    int n_in, n_out;         /* entries of exec.in / exec.out */
} eb_ref_step;

struct eb_plan {
    const eb_graph *g;
    eb_value *values;        /* g->n_tensors entries */
    unsigned char *owned;    /* 1 where values[i].data was allocated on its own */
    void *arena;             /* activations when memory_reuse is on */
    size_t arena_bytes;      /* memory the activations take */
    size_t activation_bytes; /* what they would take without reuse */
    int n_steps;
    eb_ref_step *steps;
    eb_value **ptrs;         /* storage behind every step's in/out arrays */
    void *scratch;
    size_t scratch_bytes;
    uint64_t *node_ns;       /* per-node time of the last run (profile); UINT64_MAX
                                for nodes not executed on their own */
    int profiling;
    int n_fused;
    eb_ref_fused *fused;     /* the QDQ groups the steps execute */
};

/* Build the plan of g (which must outlive it); opts NULL means
 * EB_REF_PLAN_DEFAULTS. */
eb_status eb_ref_plan_create(const eb_graph *g, const eb_ref_plan_options *opts, eb_plan **out,
                             char *msg, size_t msg_len);
eb_status eb_ref_plan_run(eb_plan *p, const eb_value *inputs, int n_inputs, eb_value *outputs,
                          int n_outputs, char *msg, size_t msg_len);
void eb_ref_plan_destroy(eb_plan *p);

/* Number of fused QDQ groups in the plan, and the kind of group i ("conv",
 * "gemm", "matmul", "add", "maxpool", "relu", "reshape"): lets tests and
 * tools see that fusion happened. */
int eb_ref_plan_fused_groups(const eb_plan *p);
const char *eb_ref_plan_fused_kind(const eb_plan *p, int i);

#endif
