/* Constants a delegate can compute at prepare although the model computes
 * them at run time: exporters route weights and biases through Identity
 * (shared initializers), QuantizeLinear -> DequantizeLinear of float
 * constants (quantisation-aware export) and Cast of float16 weights. Evaluated with the reference
 * backend's own quantisation rule (requant_s32.h), so the values are the
 * ones ref computes. */
#ifndef EB_DELEGATE_CONST_H
#define EB_DELEGATE_CONST_H

#include "edgebench/graph.h"

/* 1 when tensor t is a constant or made from constants by Identity,
 * QuantizeLinear, DequantizeLinear and Cast float16 -> float32 only. */
int eb_delegate_is_const(const eb_graph *g, int t);

/* Values computed so far, one slot per tensor; owned by the cache. */
typedef struct eb_const_cache {
    const eb_graph *g;
    void **owned;
} eb_const_cache;

int eb_const_cache_init(eb_const_cache *c, const eb_graph *g); /* 0: out of memory */
void eb_const_cache_free(eb_const_cache *c);

/* The contents of t (its dtype, packed row-major), or NULL when t is not
 * constant (eb_delegate_is_const) or memory ran out. Valid until the graph
 * is destroyed or the cache freed. */
const void *eb_const_value(eb_const_cache *c, int t);

#endif
