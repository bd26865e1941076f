/* A cell's raw outputs (docs/outputs.md): after the timing loop, untimed,
 * the cell's own session runs the first samples of its measured stream
 * again (the same inputs, the same condition transform), keeps every
 * output tensor, stores them as outputs/<leaf> ([samples] + the tensor's
 * shape, in its element type) and checks them against the golden file.
 * Nothing here runs inside the timed region or changes the timing loop. */
#ifndef EB_CELL_OUTPUTS_H
#define EB_CELL_OUTPUTS_H

#include <stddef.h>

#include "edgebench/backend.h"
#include "harness/inputs/dataset_stream.h"
#include "harness/inputs/random_inputs.h"
#include "harness/run/cell.h"

/* The session the cell measured, to run again. */
typedef struct eb_outputs_session {
    const eb_backend *be;
    eb_backend_ctx *ctx;
    eb_plan *plan;
    const eb_graph *g;
    const char *model;          /* for messages */
    eb_input_set *in;
    eb_value *out;              /* g->n_outputs values */
    eb_dataset_stream *stream;  /* NULL: random inputs (one sample) */
} eb_outputs_session;

/* Capture, store and check as o says (nothing when it asks for nothing).
 * Extras sent: outputs/<leaf> arrays; outputs_samples, outputs_available;
 * text outputs_cut; golden.<leaf>.* metrics and texts, golden_worst/<leaf>
 * arrays, golden_outputs, golden_mismatches, golden_pass. An error (a
 * backend failure, an unreadable or unfitting golden file) fails the cell. */
eb_status eb_cell_outputs_run(const eb_cell_outputs_job *o, const eb_outputs_session *s,
                              const eb_cell_sink *sink, char *msg, size_t msg_len);

#endif
