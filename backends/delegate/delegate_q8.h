/* Recognising int8 QDQ groups, shared by the delegates that run them as one
 * quantised vendor operator (xnnpack, onednn):
 *   DequantizeLinear -> Conv | Gemm | MatMul [-> Relu | Clip] -> QuantizeLinear
 * with a per-tensor uint8 / int8 activation, symmetric int8 weights from an
 * initializer and an output quantised to the activation's type. What each
 * vendor can run on top of that (per-channel axes, ranks, bias shapes) its
 * own matcher checks after eb_delegate_match_q8. */
#ifndef EB_DELEGATE_Q8_H
#define EB_DELEGATE_Q8_H

#include "edgebench/graph.h"

typedef struct eb_q8_group {
    int xq;             /* quantised input tensor (what the DQ reads) */
    const eb_tensor *w; /* int8 weights (initializer of the full graph) */
    int act;            /* Relu / Clip node, or -1 */
    int q;              /* QuantizeLinear node */
} eb_q8_group;

/* 1 when node i of the segment view g heads such a group, filling m; the
 * weights are looked up in full (the plan dequantised them at prepare, so
 * the view no longer shows the initializer). axis >= 0: per-channel weights
 * only along that axis; axis < 0: any. A group's inner tensors must not be
 * outputs of g (each has one reader, the next node of the group). */
int eb_delegate_match_q8(const eb_graph *g, const eb_graph *full, int i, int axis, eb_q8_group *m);

/* Marks in skip[] the DequantizeLinear nodes of g read only as input 0 of
 * group heads (match(ctx, node, m) says which nodes head a group): the group
 * reads their quantised input, so they need not run. */
void eb_delegate_skip_group_dqs(const eb_graph *g, unsigned char *skip,
                                int (*match)(void *ctx, int node, eb_q8_group *m), void *ctx);

/* 1 when tensor t is one of g's outputs. */
int eb_delegate_is_output(const eb_graph *g, int t);

#endif
