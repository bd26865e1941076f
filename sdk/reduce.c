/* eb_reduce_resolve: the axes of a Reduce* node, the ONNX rules in one place. */
#include <stdio.h>
#include <string.h>

#include "edgebench/reduce.h"
#include "sdk/sdk_fail.h"

#define FAIL EB_SDK_FAIL

eb_status eb_reduce_resolve(const eb_graph *g, const eb_node *n, const eb_tensor *x,
                            eb_reduce *r, char *msg, size_t msg_len)
{
    memset(r, 0, sizeof *r);
    if (x->rank < 0 || x->rank > EB_MAX_RANK)
        FAIL("input '%s' has no known shape", x->name);
    r->rank = x->rank;
    r->keepdims = eb_node_attr_int(n, "keepdims", 1) != 0;

    /* The axes: at most one entry per axis, so more than the rank is an
     * error before anything is read. */
    int64_t axes[EB_MAX_RANK];
    int n_axes = 0;
    /* ReduceSum took its axes as an input five opsets before the others */
    int64_t input_from = strcmp(n->op_type, "ReduceSum") == 0 ? 13 : 18;
    if (n->opset < input_from) {
        const int64_t *v;
        int c = eb_node_attr_ints(n, "axes", &v);
        if (c > x->rank)
            FAIL("%d axes for an input of rank %d", c, x->rank);
        for (int i = 0; i < c; i++)
            axes[n_axes++] = v[i];
    } else {
        const eb_tensor *t = eb_node_input(g, n, 1);
        if (t) {
            if (!t->data)
                return EB_ERR_UNSUPPORTED;
            if (t->dtype != EB_DT_I64 || t->rank > 1)
                FAIL("axes '%s' must be a 1-D int64 constant", t->name);
            if (t->numel > x->rank)
                FAIL("%lld axes for an input of rank %d", (long long)t->numel, x->rank);
            for (int64_t i = 0; i < t->numel; i++)
                axes[n_axes++] = ((const int64_t *)t->data)[i];
        }
    }
    if (n_axes == 0) {
        int noop = n->opset >= input_from && eb_node_attr_int(n, "noop_with_empty_axes", 0) != 0;
        for (int d = 0; d < x->rank; d++)
            r->reduced[d] = !noop;
    }
    for (int i = 0; i < n_axes; i++) {
        int64_t a = axes[i] < 0 ? axes[i] + x->rank : axes[i];
        if (a < 0 || a >= x->rank)
            FAIL("axis %lld is out of range for rank %d", (long long)axes[i], x->rank);
        if (r->reduced[a])
            FAIL("axis %lld is listed twice", (long long)axes[i]);
        r->reduced[a] = 1;
    }

    r->count = 1;
    for (int d = 0; d < x->rank; d++) {
        if (r->reduced[d]) {
            r->count *= x->dims[d];
            if (r->keepdims)
                r->out_dims[r->out_rank++] = 1;
        } else {
            r->out_dims[r->out_rank++] = x->dims[d];
        }
    }
    return EB_OK;
}
