/* Concat: inputs joined along `axis`, any element type.
 * Seen as [outer][axis * inner] blocks, the output interleaves one block of
 * each input per outer index, so the kernel is a sequence of memcpys. */
#include <string.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static int norm_axis(const eb_graph *g, const eb_node *n)
{
    const eb_tensor *y = eb_node_output(g, n, 0);
    int64_t a = eb_node_attr_int(n, "axis", 0);
    if (a < 0)
        a += y->rank;
    return a < 0 || a >= y->rank ? -1 : (int)a;
}

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (n->n_inputs < 1 || !eb_ref_outputs_known(g, n, why, len))
        return 0;
    const eb_tensor *y = eb_node_output(g, n, 0);
    if (eb_dtype_size(y->dtype) == 0) {
        snprintf(why, len, "%s tensors are not supported", eb_dtype_name(y->dtype));
        return 0;
    }
    if (norm_axis(g, n) < 0) {
        snprintf(why, len, "axis is out of range for rank %d", y->rank);
        return 0;
    }
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *x = eb_node_input(g, n, k);
        if (!x || x->rank != y->rank || x->dtype != y->dtype) {
            snprintf(why, len, "input #%d is missing or differs in rank or type", k);
            return 0;
        }
    }
    return 1;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_value *y = x->out[0];
    const eb_node *n = x->node;
    int64_t a = eb_node_attr_int(n, "axis", 0);
    int axis = (int)(a < 0 ? a + y->rank : a);
    size_t es = eb_dtype_size(y->dtype);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= y->dims[d];
    for (int d = axis + 1; d < y->rank; d++)
        inner *= y->dims[d];
    size_t row = (size_t)(y->dims[axis] * inner) * es;
    char *dst = y->data;
    size_t at = 0;
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_value *v = x->in[k];
        size_t block = (size_t)(v->dims[axis] * inner) * es;
        const char *src = v->data;
        if (block)
            for (int64_t o = 0; o < outer; o++)
                memcpy(dst + (size_t)o * row + at, src + (size_t)o * block, block);
        at += block;
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_concat = {.op_type = "Concat", .check = check, .run = run};
