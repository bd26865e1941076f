/* eb_cell_fields_equal (see cell_key.h). */
#include <string.h>

#include "results/cell_key.h"

int eb_cell_fields_equal(const eb_run_record *a, const eb_run_record *b, unsigned fields)
{
    return (!(fields & EB_CELL_DEVICE) || strcmp(a->device, b->device) == 0) &&
           (!(fields & EB_CELL_SCENARIO) || strcmp(a->scenario, b->scenario) == 0) &&
           (!(fields & EB_CELL_BACKEND) || strcmp(a->backend, b->backend) == 0) &&
           (!(fields & EB_CELL_VARIANT) || strcmp(a->variant, b->variant) == 0) &&
           (!(fields & EB_CELL_CONDITION) || strcmp(a->condition, b->condition) == 0) &&
           (!(fields & EB_CELL_SWEEP) || strcmp(a->sweep, b->sweep) == 0) &&
           (!(fields & EB_CELL_THREADS) || a->threads == b->threads);
}
