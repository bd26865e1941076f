/* Concats that need no copy: when a Concat's output is its inputs one
 * after another in memory (every dimension before the axis is 1: NCHW
 * activations of one image joined along channels, as SqueezeNet's fire
 * modules, Inception blocks and DenseNet do), the plan can place each
 * input inside the output's buffer, so the producers write the joined
 * tensor themselves and the Concat step has nothing left to do.
 * SqueezeNet 1.1 spent 4 % of an inference on the simd backend in its 8
 * Concats, copying what the convolutions had just written.
 *
 * This file answers the per-node question (where would each input lie);
 * ref_plan.c decides which tensors may actually live there (activations
 * of its arena, each inside at most one output) and merges lifetimes. */
#ifndef EB_REF_CONCAT_PLACE_H
#define EB_REF_CONCAT_PLACE_H

#include <stddef.h>

#include "edgebench/graph.h"

/* 1 when Concat node n's output is its inputs back to back: every output
 * dimension before the axis 1, each input of the output's type and rank
 * and equal to it off the axis, the inputs' bytes adding up to the
 * output's, and each input's offset in it a multiple of `align` (so a
 * kernel writing an input finds the alignment the arena gives). Fills
 * offsets[k], the byte offset of input k, for the node's n_inputs inputs.
 * 0 otherwise (offsets then unspecified). */
int eb_ref_concat_slices(const eb_graph *g, const eb_node *n, size_t align, size_t *offsets);

#endif
