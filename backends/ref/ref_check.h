/* Small checks shared by the ref backend's op check() functions, so every op
 * words the same refusal the same way. */
#ifndef EB_REF_CHECK_H
#define EB_REF_CHECK_H

#include <stdio.h>

#include "edgebench/graph.h"

/* 1 when every present output of n has an inferred shape; else 0 and why. */
static inline int eb_ref_outputs_known(const eb_graph *g, const eb_node *n, char *why,
                                       size_t len)
{
    for (int o = 0; o < n->n_outputs; o++) {
        const eb_tensor *t = eb_node_output(g, n, o);
        if (t && t->rank < 0) {
            snprintf(why, len,
                     "shape of output '%s' is unknown at load time (it depends on run-time "
                     "values and the model declares none)",
                     t->name);
            return 0;
        }
    }
    return 1;
}

/* 1 when input i is present and float32; else 0 and why. */
static inline int eb_ref_input_f32(const eb_graph *g, const eb_node *n, int i, char *why,
                                   size_t len)
{
    const eb_tensor *t = eb_node_input(g, n, i);
    if (!t) {
        snprintf(why, len, "input #%d is missing", i);
        return 0;
    }
    if (t->dtype != EB_DT_F32) {
        snprintf(why, len, "input '%s' is %s; only float32 is supported", t->name,
                 eb_dtype_name(t->dtype));
        return 0;
    }
    if (t->rank < 0) {
        snprintf(why, len, "input '%s' has no known shape", t->name);
        return 0;
    }
    return 1;
}

/* 1 for the integer types the generic integer kernels handle. */
static inline int eb_ref_is_int(eb_dtype dt)
{
    switch (dt) {
    case EB_DT_U8: case EB_DT_I8: case EB_DT_U16: case EB_DT_I16:
    case EB_DT_U32: case EB_DT_I32: case EB_DT_U64: case EB_DT_I64:
        return 1;
    default:
        return 0;
    }
}

#endif
