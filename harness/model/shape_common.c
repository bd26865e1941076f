/* The helpers every op family's shape function uses (declared in
 * shape_common.h): an input that must be there, an output's shape, constant
 * integers, axes and broadcasting. */
#include <stdio.h>
#include <string.h>

#include "harness/model/model_load.h"
#include "harness/model/shape_common.h"

const eb_tensor *eb__need_input(const eb_graph *g, const eb_node *n, int k, char *msg,
                                size_t msg_len)
{
    const eb_tensor *t = eb_node_input(g, n, k);
    if (!t) {
        eb__node_msg(g, n, msg, msg_len, "required input #%d is missing", k);
        return NULL;
    }
    if (t->rank < 0) {
        eb__node_msg(g, n, msg, msg_len, "input '%s' has no known shape", t->name);
        return NULL;
    }
    return t;
}

eb_status eb__set_output(eb_graph *g, eb_node *n, int k, eb_dtype dtype, int rank,
                         const int64_t *dims, char *msg, size_t msg_len)
{
    if (k >= n->n_outputs || n->outputs[k] < 0)
        return EB_OK;
    return eb__tensor_set_shape(g, &g->tensors[n->outputs[k]], dtype, rank, dims, n, msg,
                                msg_len);
}

eb_status eb__same_as(eb_graph *g, eb_node *n, int k, const eb_tensor *t, char *msg,
                      size_t msg_len)
{
    int64_t dims[EB_MAX_RANK];
    memcpy(dims, t->dims, sizeof dims);
    return eb__set_output(g, n, k, t->dtype, t->rank, dims, msg, msg_len);
}

int eb__const_ints(const eb_graph *g, const eb_node *n, const eb_tensor *t, int64_t *vals,
                   int max, const char *what, char *msg, size_t msg_len)
{
    if (!t->data)
        return EB_SHAPE_RUNTIME;
    if (t->dtype != EB_DT_I64 && t->dtype != EB_DT_I32) {
        eb__node_msg(g, n, msg, msg_len, "%s '%s' must be int64, not %s", what, t->name,
                     eb_dtype_name(t->dtype));
        return -1;
    }
    if (t->numel > max) {
        eb__node_msg(g, n, msg, msg_len, "%s '%s' has %lld values, at most %d are supported",
                     what, t->name, (long long)t->numel, max);
        return -1;
    }
    for (int64_t i = 0; i < t->numel; i++)
        vals[i] = t->dtype == EB_DT_I64 ? ((const int64_t *)t->data)[i]
                                        : ((const int32_t *)t->data)[i];
    return (int)t->numel;
}

int eb__norm_axis(const eb_graph *g, const eb_node *n, int64_t a, int r, char *msg,
                  size_t msg_len)
{
    int64_t v = a < 0 ? a + r : a;
    if (v < 0 || v >= r) {
        eb__node_msg(g, n, msg, msg_len, "axis %lld is out of range for rank %d", (long long)a,
                     r);
        return -1;
    }
    return (int)v;
}

int eb__broadcast(const eb_graph *g, const eb_node *n, const eb_tensor *a, const eb_tensor *b,
                  int64_t *out, char *msg, size_t msg_len)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1;
        int64_t db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char sa[96], sb[96];
            eb__node_msg(g, n, msg, msg_len, "shapes %s and %s do not broadcast",
                         eb_shape_str(a, sa, sizeof sa), eb_shape_str(b, sb, sizeof sb));
            return -1;
        }
        out[i] = da == 1 ? db : da;
    }
    return r;
}
