/* A graph tensor as a kernel's value (ref_op.h): its own file, because the
 * plan (ref_plan.c) and the folding it calls (ref_fold.c) both use it, and
 * units must not call each other (cli_test_layers). */
#include <string.h>

#include "backends/ref/ref_op.h"

void eb_ref_value_from_tensor(eb_value *v, const eb_tensor *t)
{
    memset(v, 0, sizeof *v);
    v->dtype = t->dtype;
    v->rank = t->rank;
    for (int d = 0; d < t->rank && d < EB_MAX_RANK; d++)
        v->dims[d] = t->dims[d];
    v->nbytes = t->nbytes;
    v->data = t->data;
}
