/* Shape inference: element-wise ops, BatchNormalization, Quantize/Dequantize. */
#include <string.h>

#include "harness/model/model_load.h"
#include "harness/model/shape_common.h"

eb_status eb__shape_unary(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    if (strcmp(n->op_type, "Softmax") == 0 && x->rank > 0) {
        int64_t dflt = n->opset >= 13 ? -1 : 1;
        if (eb__norm_axis(g, n, eb_node_attr_int(n, "axis", dflt), x->rank, msg, msg_len) < 0)
            return EB_ERR_SHAPE;
    }
    return eb__same_as(g, n, 0, x, msg, msg_len);
}

eb_status eb__shape_binary(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *a = eb__need_input(g, n, 0, msg, msg_len);
    const eb_tensor *b = a ? eb__need_input(g, n, 1, msg, msg_len) : NULL;
    if (!a || !b)
        return EB_ERR_SHAPE;
    if (a->dtype != b->dtype) {
        eb__node_msg(g, n, msg, msg_len, "operands have different types (%s and %s)",
                     eb_dtype_name(a->dtype), eb_dtype_name(b->dtype));
        return EB_ERR_SHAPE;
    }
    int64_t dims[EB_MAX_RANK];
    int r = eb__broadcast(g, n, a, b, dims, msg, msg_len);
    if (r < 0)
        return EB_ERR_SHAPE;
    return eb__set_output(g, n, 0, a->dtype, r, dims, msg, msg_len);
}

eb_status eb__shape_batchnorm(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    if (x->rank < 2) {
        eb__node_msg(g, n, msg, msg_len, "input must be N x C x ..., got rank %d", x->rank);
        return EB_ERR_SHAPE;
    }
    int64_t c = x->dims[1];
    for (int k = 1; k <= 4; k++) {
        const eb_tensor *p = eb__need_input(g, n, k, msg, msg_len);
        if (!p)
            return EB_ERR_SHAPE;
        if (p->rank != 1 || p->dims[0] != c) {
            char s[96];
            eb__node_msg(g, n, msg, msg_len, "parameter '%s' has shape %s; expected %lld",
                         p->name, eb_shape_str(p, s, sizeof s), (long long)c);
            return EB_ERR_SHAPE;
        }
    }
    eb_status st = eb__same_as(g, n, 0, x, msg, msg_len);
    for (int k = 1; st == EB_OK && k < n->n_outputs && k < 3; k++)
        st = eb__set_output(g, n, k, x->dtype, 1, &c, msg, msg_len);
    return st;
}

/* Scale / zero-point of a Q or DQ node: per-tensor or per-axis along `axis`. */
static eb_status check_qparams(eb_graph *g, eb_node *n, const eb_tensor *x, char *msg,
                               size_t msg_len)
{
    const eb_tensor *s = eb__need_input(g, n, 1, msg, msg_len);
    if (!s)
        return EB_ERR_SHAPE;
    const eb_tensor *zp = eb_node_input(g, n, 2);
    if (s->numel != 1) {
        int axis = eb__norm_axis(g, n, eb_node_attr_int(n, "axis", 1), x->rank, msg, msg_len);
        if (axis < 0)
            return EB_ERR_SHAPE;
        if (s->rank != 1 || s->dims[0] != x->dims[axis]) {
            char sb[96];
            eb__node_msg(g, n, msg, msg_len,
                         "scale '%s' has shape %s; per-axis scale needs %lld values (axis %d)",
                         s->name, eb_shape_str(s, sb, sizeof sb), (long long)x->dims[axis],
                         axis);
            return EB_ERR_SHAPE;
        }
    }
    if (zp && zp->rank >= 0 && zp->numel != s->numel) {
        eb__node_msg(g, n, msg, msg_len, "zero point '%s' has %lld values, scale has %lld",
                     zp->name, (long long)zp->numel, (long long)s->numel);
        return EB_ERR_SHAPE;
    }
    return EB_OK;
}

eb_status eb__shape_quantize(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    eb_status st = check_qparams(g, n, x, msg, msg_len);
    if (st != EB_OK)
        return st;
    const eb_tensor *zp = eb_node_input(g, n, 2);
    eb_dtype out = zp ? zp->dtype : EB_DT_U8;
    int64_t dims[EB_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    return eb__set_output(g, n, 0, out, x->rank, dims, msg, msg_len);
}

eb_status eb__shape_dequantize(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    eb_status st = check_qparams(g, n, x, msg, msg_len);
    if (st != EB_OK)
        return st;
    int64_t dims[EB_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    return eb__set_output(g, n, 0, EB_DT_F32, x->rank, dims, msg, msg_len);
}

/* Cast: same shape, the type named by `to` (numeric types and bool). */
eb_status eb__shape_cast(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    int64_t to = eb_node_attr_int(n, "to", 0);
    if (to == EB_DT_STRING || to == EB_DT_UNDEFINED || eb_dtype_size((int)to) == 0) {
        eb__node_msg(g, n, msg, msg_len, "Cast to type %lld is not supported", (long long)to);
        return EB_ERR_UNSUPPORTED; /* like an unknown op: loads, a backend refuses it */
    }
    return eb__set_output(g, n, 0, (eb_dtype)to, x->rank, x->dims, msg, msg_len);
}
