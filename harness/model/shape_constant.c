/* Shape inference with load-time values: Constant and Shape.
 * Their outputs get data, so consumers (Reshape, Pad, ...) can read them and
 * backends never need to execute these nodes. */
#include <stdlib.h>
#include <string.h>

#include "harness/model/shape_common.h"

static eb_status give_data(eb_graph *g, eb_node *n, eb_dtype dt, int rank, const int64_t *dims,
                           const void *src, char *msg, size_t msg_len)
{
    if (n->n_outputs < 1 || n->outputs[0] < 0)
        return EB_OK;
    eb_status st = eb__set_output(g, n, 0, dt, rank, dims, msg, msg_len);
    if (st != EB_OK)
        return st;
    eb_tensor *t = &g->tensors[n->outputs[0]];
    t->data = malloc(t->nbytes ? t->nbytes : 1);
    if (!t->data) {
        eb__node_msg(g, n, msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    if (t->nbytes)
        memcpy(t->data, src, t->nbytes);
    t->kind = EB_TENSOR_CONSTANT;
    return EB_OK;
}

eb_status eb__shape_constant(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    if (n->n_attrs != 1) {
        eb__node_msg(g, n, msg, msg_len, "needs exactly one value attribute, has %d",
                     n->n_attrs);
        return EB_ERR_SHAPE;
    }
    const eb_attr *a = &n->attrs[0];
    if (strcmp(a->name, "value") == 0 && a->type == EB_ATTR_TENSOR) {
        const eb_tensor *src = &g->tensors[a->tensor];
        int64_t dims[EB_MAX_RANK];
        memcpy(dims, src->dims, sizeof dims);
        return give_data(g, n, src->dtype, src->rank, dims, src->data, msg, msg_len);
    }
    if (strcmp(a->name, "value_float") == 0 && a->type == EB_ATTR_FLOAT)
        return give_data(g, n, EB_DT_F32, 0, NULL, &a->f, msg, msg_len);
    if (strcmp(a->name, "value_int") == 0 && a->type == EB_ATTR_INT)
        return give_data(g, n, EB_DT_I64, 0, NULL, &a->i, msg, msg_len);
    if (strcmp(a->name, "value_floats") == 0 && a->type == EB_ATTR_FLOATS) {
        int64_t d = a->n;
        return give_data(g, n, EB_DT_F32, 1, &d, a->floats, msg, msg_len);
    }
    if (strcmp(a->name, "value_ints") == 0 && a->type == EB_ATTR_INTS) {
        int64_t d = a->n;
        return give_data(g, n, EB_DT_I64, 1, &d, a->ints, msg, msg_len);
    }
    eb__node_msg(g, n, msg, msg_len, "attribute '%s' is not a supported constant value",
                 a->name);
    return EB_ERR_UNSUPPORTED;
}

eb_status eb__shape_shape(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    int64_t start = eb_node_attr_int(n, "start", 0), end = eb_node_attr_int(n, "end", x->rank);
    if (start < 0)
        start += x->rank;
    if (end < 0)
        end += x->rank;
    start = start < 0 ? 0 : start > x->rank ? x->rank : start;
    end = end < 0 ? 0 : end > x->rank ? x->rank : end;
    int64_t len = end > start ? end - start : 0;
    int64_t vals[EB_MAX_RANK];
    for (int64_t i = 0; i < len; i++)
        vals[i] = x->dims[start + i];
    return give_data(g, n, EB_DT_I64, 1, &len, vals, msg, msg_len);
}
