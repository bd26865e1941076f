/* A model's outputs as edgebench stores and checks them (docs/outputs.md):
 * the name each output is stored under, the element type it is stored
 * in, and the golden values a golden file holds for it, checked against
 * the output's type and shape. Used by the cell (cell_outputs.c) and,
 * before anything is measured, by run and validate. */
#ifndef EB_GOLDEN_OUTPUTS_H
#define EB_GOLDEN_OUTPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/graph.h"
#include "edgebench/status.h"
#include "harness/inputs/dataset.h"
#include "results/run_record.h"

struct eb_scenario;

#define EB_OUTPUT_LEAF_MAX 33 /* a leaf name fits "golden.<leaf>.mismatch_fraction" */

/* Output i's leaf name: its tensor name with every character outside
 * [A-Za-z0-9_.+-:] made '_', at most 32 characters; "_<i>" appended when
 * an earlier output has the same leaf. Stored as outputs/<leaf>; an HDF5
 * golden file holds the output's dataset under <leaf>. */
void eb_output_leaf(const eb_graph *g, int i, char *leaf, size_t len);

/* The element type output tensors of dtype are stored in: their own
 * (float32, float64, int8/16/32/64, uint8/16); float16/bfloat16 as
 * float32, bool as uint8, uint32/uint64 as int64. -1: not stored (string). */
int eb_output_array_type(int dtype);

/* 1 when dtype holds floating-point values. */
int eb_output_is_float(int dtype);

/* The golden values of output i: *nd (the caller frees it: eb_nd_free) and
 * *samples, the golden's first dimension (1 when its shape is the
 * output's own). EB_ERR_NOT_FOUND when the file has none for this output
 * (an .npy file has output 0 only; an HDF5 file lacks <leaf>). Any other
 * error names the golden file, the model and the tensor: a file that
 * cannot be read (bounded as every dataset reader is), float values for
 * an integer output or the reverse, a shape other than the output's. */
eb_status eb_golden_for_output(const char *golden, const char *model, const eb_graph *g, int i,
                               eb_nd *nd, uint64_t *samples, char *msg, size_t msg_len);

/* Before measuring: every variant's outputs against outputs.golden (read
 * once each); an error when a file does not fit, or holds no output of a
 * variant. EB_OK when the scenario has no golden file. */
eb_status eb_scenario_check_golden(const struct eb_scenario *s, char *msg, size_t msg_len);

#endif
