/* Filling a cell job's dataset, condition and accuracy fields from the
 * scenario and its run-matrix cell. */
#ifndef EB_JOB_INPUTS_H
#define EB_JOB_INPUTS_H

#include "harness/run/cell.h"
#include "harness/scenario/scenario.h"

void eb_job_set_inputs(const eb_scenario *s, const eb_matrix_cell *c, eb_cell_job *j);

#endif
