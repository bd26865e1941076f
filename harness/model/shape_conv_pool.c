/* Shape inference: Conv, QLinearConv, MaxPool, AveragePool, global pools. */
#include <string.h>

#include "edgebench/window.h"
#include "harness/model/shape_common.h"

eb_status eb__shape_conv(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    int q = strcmp(n->op_type, "QLinearConv") == 0;
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    const eb_tensor *w = x ? eb__need_input(g, n, q ? 3 : 1, msg, msg_len) : NULL;
    if (!x || !w)
        return EB_ERR_SHAPE;
    eb_window win;
    eb_status st = eb_window_resolve(g, n, x, w, &win, msg, msg_len);
    if (st != EB_OK)
        return st;
    int64_t group = eb_node_attr_int(n, "group", 1);
    int64_t c = x->dims[1], m = w->dims[0];
    if (group < 1 || c % group != 0 || m % group != 0 || w->dims[1] * group != c) {
        eb__node_msg(g, n, msg, msg_len,
                     "input has %lld channels, weight expects %lld x group %lld, output "
                     "channels %lld",
                     (long long)c, (long long)w->dims[1], (long long)group, (long long)m);
        return EB_ERR_SHAPE;
    }
    const eb_tensor *b = eb_node_input(g, n, q ? 8 : 2);
    if (b && (b->rank != 1 || b->dims[0] != m)) {
        eb__node_msg(g, n, msg, msg_len, "bias '%s' must have %lld values", b->name,
                     (long long)m);
        return EB_ERR_SHAPE;
    }
    int64_t dims[EB_MAX_RANK] = {x->dims[0], m};
    for (int i = 0; i < win.n_spatial; i++)
        dims[i + 2] = win.out[i];
    eb_dtype dt = x->dtype;
    if (q) {
        const eb_tensor *yzp = eb_node_input(g, n, 7);
        dt = yzp ? yzp->dtype : EB_DT_U8;
    }
    return eb__set_output(g, n, 0, dt, x->rank, dims, msg, msg_len);
}

eb_status eb__shape_pool(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    eb_window win;
    eb_status st = eb_window_resolve(g, n, x, NULL, &win, msg, msg_len);
    if (st != EB_OK)
        return st;
    int64_t dims[EB_MAX_RANK] = {x->dims[0], x->dims[1]};
    for (int i = 0; i < win.n_spatial; i++)
        dims[i + 2] = win.out[i];
    st = eb__set_output(g, n, 0, x->dtype, x->rank, dims, msg, msg_len);
    if (st == EB_OK && n->n_outputs > 1) /* MaxPool Indices */
        st = eb__set_output(g, n, 1, EB_DT_I64, x->rank, dims, msg, msg_len);
    return st;
}

eb_status eb__shape_global_pool(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    if (x->rank < 3) {
        eb__node_msg(g, n, msg, msg_len, "input must be N x C x spatial, got rank %d", x->rank);
        return EB_ERR_SHAPE;
    }
    int64_t dims[EB_MAX_RANK];
    for (int i = 0; i < x->rank; i++)
        dims[i] = i < 2 ? x->dims[i] : 1;
    return eb__set_output(g, n, 0, x->dtype, x->rank, dims, msg, msg_len);
}
