/* A prepared model on the ref backend: one value per graph tensor and the
 * list of steps (nodes, or fused groups) to execute in order.
 *
 * With qdq_fusion on (the default) plan creation runs the QDQ fusion pass
 * (ref_fuse_qdq.h): each matched DequantizeLinear -> op -> QuantizeLinear
 * group becomes one integer step, and nodes left without a consumer are not
 * executed. With it off every node runs as written: the semantic definition
 * the fused execution is tested against. Before either, with const_fold on
 * (the default), Identity and QuantizeLinear nodes of constants are
 * computed once (ref_fold.h), so the fusion also finds the weights a
 * quantiser quantises at run time.
 *
 * Another backend may take steps while the plan is built (options.hooks,
 * ref_plan_hooks.h); the plan's structure stays private to ref_plan.c. */
#ifndef EB_REF_PLAN_H
#define EB_REF_PLAN_H

#include "backends/ref/ref_plan_hooks.h"

typedef struct eb_ref_plan_options {
    int qdq_fusion;   /* 1: run QDQ groups as integer kernels; 0: as written */
    int memory_reuse; /* 1: activations share one arena by lifetime (ref_arena.h);
                         0: one buffer each */
    int const_fold;   /* 1: Identity / QuantizeLinear of constants computed once
                         at prepare (ref_fold.h); 0: run as nodes */
    const eb_ref_plan_hooks *hooks; /* optional: another backend's claims
                                       (ref_plan_hooks.h); NULL: ref alone */
} eb_ref_plan_options;

#define EB_REF_PLAN_DEFAULTS                                                                   \
    ((eb_ref_plan_options){.qdq_fusion = 1, .memory_reuse = 1, .const_fold = 1})

/* The plan (defined in ref_plan.c). The backend table's eb_plan of the
 * ref backend is one of these (ref_backend.c casts at the table). */
typedef struct eb_ref_plan eb_ref_plan;

/* Build the plan of g (which must outlive it); opts NULL means
 * EB_REF_PLAN_DEFAULTS. */
eb_status eb_ref_plan_create(const eb_graph *g, const eb_ref_plan_options *opts,
                             eb_ref_plan **out, char *msg, size_t msg_len);
eb_status eb_ref_plan_run(eb_ref_plan *p, const eb_value *inputs, int n_inputs,
                          eb_value *outputs, int n_outputs, char *msg, size_t msg_len);
void eb_ref_plan_destroy(eb_ref_plan *p); /* NULL is a no-op */

/* Number of fused QDQ groups in the plan, and the kind of group i ("conv",
 * "gemm", "matmul", "add", "maxpool", "relu", "reshape"): lets tests and
 * tools see that fusion happened. */
int eb_ref_plan_fused_groups(const eb_ref_plan *p);
const char *eb_ref_plan_fused_kind(const eb_ref_plan *p, int i);

/* Steps the plan executes (nodes, fused groups and claimed steps). */
int eb_ref_plan_steps(const eb_ref_plan *p);

/* Bytes the activations take (the arena, or the sum of the buffers without
 * reuse) and what they would take without reuse. */
void eb_ref_plan_memory(const eb_ref_plan *p, size_t *arena_bytes, size_t *activation_bytes);

/* 1 when node's step is a Concat the plan does not run: its inputs are
 * written in place inside its output (ref_concat_place.h; with
 * memory_reuse only). */
int eb_ref_plan_node_elided(const eb_ref_plan *p, int node);

/* Per-node time of the last run (backend.h profile()): UINT64_MAX for nodes
 * not executed on their own, and past the graph's nodes. */
void eb_ref_plan_profile(const eb_ref_plan *p, uint64_t *node_ns, int n_nodes);

#endif
