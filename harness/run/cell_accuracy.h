/* What a cell does around its timing loop for real inputs and accuracy:
 * feeds dataset samples (with the condition's transform) before each
 * inference, scores the outputs after it, and at the end compares the
 * outputs with the reference variant on the ref backend. All of it runs
 * outside the timed region (timing_loop.h's before/after hooks).
 *
 *   eb_cell_acc_open     after prepare: the stream, the transform, buffers
 *   eb_cell_acc_before   before inference i: its input
 *   eb_cell_acc_after    after measured inference: score output 0
 *   eb_cell_acc_finish   after the loop: metrics to the sink */
#ifndef EB_CELL_ACCURACY_H
#define EB_CELL_ACCURACY_H

#include "harness/accuracy/accuracy.h"
#include "harness/backend/registry.h"
#include "harness/run/cell.h"

typedef struct eb_cell_acc {
    const eb_cell_job *job;
    const eb_graph *g;
    eb_dataset_stream *stream;  /* NULL: random inputs */
    eb_transform tf;
    int has_tf;
    eb_label_acc labels;
    int scored;                 /* labels (or reference comparison) are measured */
    size_t out_elems;
    float *tmp;                 /* out_elems */
    float *kept;                /* outputs of the first n_keep measured samples */
    uint64_t n_keep, n_kept;
    uint64_t m;                 /* measured samples so far */
} eb_cell_acc;

/* Set up for job on graph g (prepared). The input set `in` was allocated
 * from g's inputs; dataset samples are written into in->values[0]. */
eb_status eb_cell_acc_open(eb_cell_acc *a, const eb_cell_job *job, const eb_graph *g, char *msg,
                           size_t msg_len);
void eb_cell_acc_before(eb_cell_acc *a, eb_input_set *in, uint64_t i, int measured);
void eb_cell_acc_after(eb_cell_acc *a, const eb_value *out0);
/* Emit the metrics; run the reference comparison (reg gives the ref
 * backend). Fails only when the reference cannot be run, with a message. */
eb_status eb_cell_acc_finish(eb_cell_acc *a, const eb_registry *reg, const eb_input_set *in,
                             const eb_cell_sink *sink, char *msg, size_t msg_len);
void eb_cell_acc_close(eb_cell_acc *a);

#endif
