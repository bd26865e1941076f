/* The reference comparison (accuracy.reference) feeds the reference model
 * the very input each variant saw, so both must take the same inputs: the
 * same number, types and shapes (and so the same layout). A variant that
 * differs (an NHWC export, an int8 input, another resolution) is refused,
 * by validate and by run before anything is measured, and again inside the
 * cell, instead of writing one model's input into the other's buffer. */
#ifndef EB_REFERENCE_INPUTS_H
#define EB_REFERENCE_INPUTS_H

#include <stddef.h>

#include "edgebench/graph.h"
#include "edgebench/status.h"
#include "harness/scenario/scenario.h"

/* EB_OK when ref and var take the same inputs; else EB_ERR_INVALID_ARG
 * with msg saying which input differs and how. */
eb_status eb_reference_inputs_match(const eb_graph *ref, const eb_graph *var, char *msg,
                                    size_t msg_len);

/* For a scenario whose cells compare with the reference: load the
 * reference and every other variant and check their inputs match. A model
 * that does not load is left to its cell's own error. EB_ERR_INVALID_ARG
 * with msg "PATH:LINE:COL: model.variants.X: ..." when one differs. */
eb_status eb_scenario_check_reference_inputs(const eb_scenario *s, char *msg, size_t msg_len);

#endif
