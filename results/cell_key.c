/* eb_cell_fields_equal (see cell_key.h). */
#include <string.h>

#include "results/backend_label.h"
#include "results/cell_key.h"

/* Options compare without the swept ones: those already compare as part of
 * the sweep point, and a file from before schema 1.2 (no options stored)
 * still matches a run whose only options sweep. */
static int options_equal(const eb_run_record *a, const eb_run_record *b)
{
    if (strcmp(a->backend_options, b->backend_options) == 0)
        return 1;
    char fa[sizeof a->backend_options], fb[sizeof b->backend_options];
    eb_backend_options_fixed(a, fa, sizeof fa);
    eb_backend_options_fixed(b, fb, sizeof fb);
    return strcmp(fa, fb) == 0;
}

int eb_cell_fields_equal(const eb_run_record *a, const eb_run_record *b, unsigned fields)
{
    return (!(fields & EB_CELL_DEVICE) || strcmp(a->device, b->device) == 0) &&
           (!(fields & EB_CELL_SCENARIO) || strcmp(a->scenario, b->scenario) == 0) &&
           (!(fields & EB_CELL_BACKEND) || strcmp(a->backend, b->backend) == 0) &&
           (!(fields & EB_CELL_VARIANT) || strcmp(a->variant, b->variant) == 0) &&
           (!(fields & EB_CELL_CONDITION) || strcmp(a->condition, b->condition) == 0) &&
           (!(fields & EB_CELL_SWEEP) || strcmp(a->sweep, b->sweep) == 0) &&
           (!(fields & EB_CELL_THREADS) || a->threads == b->threads) &&
           (!(fields & EB_CELL_OPTIONS) || options_equal(a, b));
}
