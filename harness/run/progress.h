/* Progress of a run: a single rewritten line on a terminal (cell i/N,
 * backend, variant, condition, ETA), one plain log line per finished cell
 * otherwise, so CI logs stay readable. */
#ifndef EB_PROGRESS_H
#define EB_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "results/run_record.h"

typedef struct eb_progress {
    FILE *f;
    int tty;
    int quiet;
    int total;
    int done;
    uint64_t t0_ns;
    double cell_s_sum;
} eb_progress;

void eb_progress_start(eb_progress *p, FILE *f, int total, int quiet);
void eb_progress_cell_begin(eb_progress *p, int i, const eb_run_record *rec);
void eb_progress_cell_end(eb_progress *p, int i, const eb_run_record *rec);
void eb_progress_finish(eb_progress *p);

#endif
