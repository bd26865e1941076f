/* The ref backend's op table, built from the .inc lists. */
#include <string.h>

#include "backends/ref/ref_op.h"

static const eb_ref_op *const ops[] = {
#define EB_REF_OP(NAME, SYM) &SYM,
#include "backends/ref/ref_ops_f32.inc"
#include "backends/ref/ref_ops_q8.inc"
#undef EB_REF_OP
    NULL};

static const char *const names[] = {
#define EB_REF_OP(NAME, SYM) #NAME,
#include "backends/ref/ref_ops_f32.inc"
#include "backends/ref/ref_ops_q8.inc"
#undef EB_REF_OP
    NULL};

const eb_ref_op *eb_ref_find_op(const char *op_type)
{
    for (int i = 0; ops[i]; i++)
        if (strcmp(ops[i]->op_type, op_type) == 0)
            return ops[i];
    return NULL;
}

const char *const *eb_ref_op_names(void) { return names; }
