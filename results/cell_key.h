/* A cell's identity: which fields of two runs must agree for them to be
 * runs of the same cell (compare and gate pool them), of the same series
 * (a chart line over a condition's parameter), of the same row (variants
 * side by side). One function with a field mask, so every grouping names
 * what it leaves out instead of restating what it keeps. */
#ifndef EB_CELL_KEY_H
#define EB_CELL_KEY_H

#include "results/run_record.h"

typedef enum eb_cell_field {
    EB_CELL_DEVICE = 1u << 0,
    EB_CELL_SCENARIO = 1u << 1,
    EB_CELL_BACKEND = 1u << 2,
    EB_CELL_VARIANT = 1u << 3,
    EB_CELL_CONDITION = 1u << 4, /* the condition's name, not its parameters */
    EB_CELL_SWEEP = 1u << 5,
    EB_CELL_THREADS = 1u << 6,
    EB_CELL_OPTIONS = 1u << 7,   /* the backend options the sweep does not name
                                  * (eb_backend_options_fixed): one backend listed
                                  * twice with different options is two cells */
    EB_CELL_ALL = (1u << 8) - 1  /* a cell: every field above */
} eb_cell_field;

/* 1 when a and b agree on every field in the mask (EB_CELL_* bits). */
int eb_cell_fields_equal(const eb_run_record *a, const eb_run_record *b, unsigned fields);

#endif
