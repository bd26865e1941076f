/* The cell job's outputs block: which raw outputs a cell keeps and the
 * golden file it checks them against (scenario key `outputs`,
 * docs/outputs.md). Plain data: it crosses the job pipe as "out.<key>"
 * lines. */
#ifndef EB_CELL_OUTPUTS_JOB_H
#define EB_CELL_OUTPUTS_JOB_H

#include <stdint.h>
#include <stdio.h>

struct eb_scenario;

typedef struct eb_cell_outputs_job {
    int store;            /* keep the captured outputs in the results */
    int64_t max_samples;  /* samples captured at most (>= 1) */
    int64_t max_bytes;    /* bytes of outputs captured at most (all tensors) */
    char golden[1024];    /* "" when none */
    double rtol, atol;
    int equal_nan;
    int worst;            /* worst elements reported per output */
} eb_cell_outputs_job;

void eb_cell_outputs_job_from(eb_cell_outputs_job *o, const struct eb_scenario *s);
/* 1 when the cell has anything to capture. */
int eb_cell_outputs_wanted(const eb_cell_outputs_job *o);
void eb_cell_outputs_job_write(FILE *f, const eb_cell_outputs_job *o);
/* One "out.<key>=value" line, key without the prefix; unknown keys ignored. */
void eb_cell_outputs_job_parse(eb_cell_outputs_job *o, const char *key, const char *value);

#endif
