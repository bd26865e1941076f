/* A prepared model on the simd backend.
 *
 * The plan is a ref plan (backends/ref/ref_plan.h: values, steps in order,
 * QDQ groups fused into integer steps, activations in one arena) built with
 * simd's planning hook (backends/ref/ref_plan_hooks.h): as ref builds each
 * step it asks simd first, and simd takes the ones it accelerates: fp32
 * Conv (GEMM or depthwise), Gemm / MatMul with constant weights, same-shape
 * Add, 2-D MaxPool, GlobalAveragePool, QuantizeLinear of fp32, and the int8
 * QDQ conv / gemm / matmul / add / maxpool groups. A Relu or Clip that alone
 * consumes an fp32 Conv / Gemm / Add is absorbed into that step's epilogue.
 * Every other step is ref's own: that is the fallback, with the ref
 * backend's exact semantics. simd never writes into ref's structures; the
 * ref plan owns the claimed steps and releases them through simd's ops.
 *
 * Before that, Identity and QuantizeLinear nodes whose inputs are all
 * constants are computed once (by their ref kernels) and become constants,
 * so weights an exporter routed through them are packed like any other
 * (const_fold; ref's own folding, ref_fold.h, which the ref backend does
 * too: both run the same groups).
 *
 * The files: simd_plan_impl.h lists them (one op family each). */
#ifndef EB_SIMD_PLAN_H
#define EB_SIMD_PLAN_H

#include "backends/simd/simd_pool.h"
#include "edgebench/backend.h"

typedef struct eb_simd_plan eb_simd_plan;

typedef struct eb_simd_plan_options {
    unsigned isa;      /* EB_SIMD_ISA_* levels kernels may use */
    int qdq_fusion;    /* passed to the ref plan (1 by default) */
    int const_fold;    /* fold Identity / QuantizeLinear of constants at prepare */
    eb_simd_pool *pool; /* borrowed from the ctx; outlives the plan */
} eb_simd_plan_options;

eb_status eb_simd_plan_create(const eb_graph *g, const eb_simd_plan_options *o,
                              eb_simd_plan **out, char *msg, size_t msg_len);
eb_status eb_simd_plan_run(eb_simd_plan *p, const eb_value *inputs, int n_inputs,
                           eb_value *outputs, int n_outputs, char *msg, size_t msg_len);
void eb_simd_plan_destroy(eb_simd_plan *p); /* NULL is a no-op */

/* Where node i runs: "simd f32_gemm_6x16__avx2: 1x1 conv as GEMM", "ref",
 * "fused into 'conv1'", ... Valid until the plan is destroyed. */
const char *eb_simd_plan_where(const eb_simd_plan *p, int node);

/* Nodes run by a simd kernel (the anchors of swapped steps). */
int eb_simd_plan_accelerated(const eb_simd_plan *p);

/* Per-node time of the last run (backend.h profile()). */
void eb_simd_plan_profile(const eb_simd_plan *p, uint64_t *node_ns, int n_nodes);

#endif
