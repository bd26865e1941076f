/* Constant folding at prepare: Identity and QuantizeLinear nodes whose
 * inputs are all constants are computed once, by their own ref kernels,
 * and become constants of a shallow copy of the graph.
 *
 * Why ref folds too (and simd through the same code): exporters route
 * weights through Identity nodes, and a QDQ quantiser then quantises
 * weights, or a bias, at run time (Identity -> Q -> DQ -> Conv). The QDQ
 * fusion (ref_fuse_qdq.h) takes a group only when its weights and bias are
 * constants, so without folding such a convolution runs in float (DQ ->
 * Conv -> Q) while with folding it runs as the integer group. When only
 * simd folded, ref and simd ran the same model different ways and their
 * outputs differed (QDQ ResNet-18: 0.025 in the logits, 34 dB); folded in
 * both, the same groups run and the bytes agree. Folding never changes a
 * folded value: the node's own ref kernel computes it. */
#ifndef EB_REF_FOLD_H
#define EB_REF_FOLD_H

#include "backends/ref/ref_op.h"

/* What folding made: the copy of the graph whose tensors show the folded
 * values (NULL when nothing was folded) and those values, owned. */
typedef struct eb_ref_folded {
    eb_graph *g;
    void **data;
    int n;
} eb_ref_folded;

/* 1 for the ops folded when every input is a load-time constant. */
int eb_ref_foldable(const eb_node *n);

/* Fold g's foldable nodes into f; *run_g is the graph to run: f->g, or g
 * itself when nothing was folded. f must be zeroed before; g must outlive
 * f (the copy shares its nodes and names). A node whose kernel refuses it
 * is left to run, where ref reports the problem. */
eb_status eb_ref_fold_constants(const eb_graph *g, eb_ref_folded *f, const eb_graph **run_g,
                                char *msg, size_t msg_len);

/* Free what f holds; f is zeroed. */
void eb_ref_folded_free(eb_ref_folded *f);

#endif
