/* Shape inference: Flatten, Reshape, Transpose, Concat, Squeeze, Unsqueeze, Pad. */
#include <string.h>

#include "harness/model/model_load.h"
#include "harness/model/shape_common.h"

eb_status eb__shape_flatten(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    int64_t axis = eb_node_attr_int(n, "axis", 1);
    if (axis < 0)
        axis += x->rank;
    if (axis < 0 || axis > x->rank) {
        eb__node_msg(g, n, msg, msg_len, "axis %lld out of range for rank %d",
                     (long long)eb_node_attr_int(n, "axis", 1), x->rank);
        return EB_ERR_SHAPE;
    }
    int64_t dims[2] = {1, 1};
    for (int i = 0; i < x->rank; i++)
        dims[i < axis ? 0 : 1] *= x->dims[i];
    return eb__set_output(g, n, 0, x->dtype, 2, dims, msg, msg_len);
}

eb_status eb__shape_reshape(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    int64_t shape[EB_MAX_RANK];
    int r;
    if (n->opset < 5) {
        const int64_t *v;
        r = eb_node_attr_ints(n, "shape", &v);
        if (r < 0 || r > EB_MAX_RANK) {
            eb__node_msg(g, n, msg, msg_len, "shape attribute missing or too long");
            return EB_ERR_SHAPE;
        }
        memcpy(shape, v, sizeof(int64_t) * (size_t)r);
    } else {
        const eb_tensor *s = eb__need_input(g, n, 1, msg, msg_len);
        if (!s)
            return EB_ERR_SHAPE;
        r = eb__const_ints(g, n, s, shape, EB_MAX_RANK, "shape", msg, msg_len);
        if (r == EB_SHAPE_RUNTIME)
            return EB_ERR_UNSUPPORTED;
        if (r < 0)
            return EB_ERR_SHAPE;
    }
    int allowzero = (int)eb_node_attr_int(n, "allowzero", 0);
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < r; i++) {
        if (shape[i] == 0 && !allowzero) {
            if (i >= x->rank) {
                eb__node_msg(g, n, msg, msg_len, "shape[%d]=0 copies a dim the input lacks", i);
                return EB_ERR_SHAPE;
            }
            shape[i] = x->dims[i];
        }
        if (shape[i] == -1) {
            if (infer >= 0) {
                eb__node_msg(g, n, msg, msg_len, "shape has more than one -1");
                return EB_ERR_SHAPE;
            }
            infer = i;
        } else if (shape[i] < 0) {
            eb__node_msg(g, n, msg, msg_len, "shape[%d]=%lld is invalid", i, (long long)shape[i]);
            return EB_ERR_SHAPE;
        } else if (__builtin_mul_overflow(known, shape[i], &known)) {
            eb__node_msg(g, n, msg, msg_len, "shape overflows");
            return EB_ERR_OVERFLOW;
        }
    }
    if (infer >= 0) {
        if (known == 0 || x->numel % known != 0) {
            eb__node_msg(g, n, msg, msg_len, "cannot infer -1: %lld elements into blocks of %lld",
                         (long long)x->numel, (long long)known);
            return EB_ERR_SHAPE;
        }
        shape[infer] = x->numel / known;
        known *= shape[infer];
    }
    if (known != x->numel) {
        char s[96];
        eb__node_msg(g, n, msg, msg_len, "cannot reshape %s (%lld elements) into %lld elements",
                     eb_shape_str(x, s, sizeof s), (long long)x->numel, (long long)known);
        return EB_ERR_SHAPE;
    }
    return eb__set_output(g, n, 0, x->dtype, r, shape, msg, msg_len);
}

eb_status eb__shape_transpose(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    const int64_t *perm = NULL;
    int c = eb_node_attr_ints(n, "perm", &perm);
    int64_t dims[EB_MAX_RANK];
    int seen[EB_MAX_RANK] = {0};
    if (c >= 0 && c != x->rank) {
        eb__node_msg(g, n, msg, msg_len, "perm has %d entries for rank %d", c, x->rank);
        return EB_ERR_SHAPE;
    }
    for (int i = 0; i < x->rank; i++) {
        int64_t p = c >= 0 ? perm[i] : x->rank - 1 - i;
        if (p < 0)
            p += x->rank;
        if (p < 0 || p >= x->rank || seen[p]) {
            eb__node_msg(g, n, msg, msg_len, "perm is not a permutation of 0..%d", x->rank - 1);
            return EB_ERR_SHAPE;
        }
        seen[p] = 1;
        dims[i] = x->dims[p];
    }
    return eb__set_output(g, n, 0, x->dtype, x->rank, dims, msg, msg_len);
}

eb_status eb__shape_concat(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x0 = eb__need_input(g, n, 0, msg, msg_len);
    if (!x0)
        return EB_ERR_SHAPE;
    if (!eb_node_attr(n, "axis")) {
        eb__node_msg(g, n, msg, msg_len, "axis attribute is required");
        return EB_ERR_SHAPE;
    }
    int axis = eb__norm_axis(g, n, eb_node_attr_int(n, "axis", 0), x0->rank, msg, msg_len);
    if (axis < 0)
        return EB_ERR_SHAPE;
    int64_t dims[EB_MAX_RANK];
    memcpy(dims, x0->dims, sizeof dims);
    dims[axis] = 0;
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *x = eb__need_input(g, n, k, msg, msg_len);
        if (!x)
            return EB_ERR_SHAPE;
        if (x->rank != x0->rank || x->dtype != x0->dtype) {
            eb__node_msg(g, n, msg, msg_len, "input '%s' differs in rank or type", x->name);
            return EB_ERR_SHAPE;
        }
        for (int d = 0; d < x->rank; d++)
            if (d != axis && x->dims[d] != x0->dims[d]) {
                eb__node_msg(g, n, msg, msg_len, "input '%s' differs in dim %d", x->name, d);
                return EB_ERR_SHAPE;
            }
        dims[axis] += x->dims[axis];
    }
    return eb__set_output(g, n, 0, x0->dtype, x0->rank, dims, msg, msg_len);
}

enum { AXES_ABSENT = -1, AXES_INVALID = -2, AXES_RUNTIME = -3 };

/* Axes of Squeeze/Unsqueeze: an attribute before opset 13, an input after.
 * Returns the count or AXES_ABSENT, AXES_INVALID (with message), AXES_RUNTIME
 * (an input whose value is only known at run time; no message). */
static int read_axes(eb_graph *g, eb_node *n, int64_t *axes, char *msg, size_t msg_len)
{
    if (n->opset < 13) {
        const int64_t *v;
        int c = eb_node_attr_ints(n, "axes", &v);
        if (c > EB_MAX_RANK) {
            eb__node_msg(g, n, msg, msg_len, "too many axes");
            return AXES_INVALID;
        }
        for (int i = 0; i < c; i++)
            axes[i] = v[i];
        return c;
    }
    const eb_tensor *t = eb_node_input(g, n, 1);
    if (!t)
        return AXES_ABSENT;
    int c = eb__const_ints(g, n, t, axes, EB_MAX_RANK, "axes", msg, msg_len);
    return c == EB_SHAPE_RUNTIME ? AXES_RUNTIME : c < 0 ? AXES_INVALID : c;
}

eb_status eb__shape_squeeze(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    int64_t axes[EB_MAX_RANK];
    int c = read_axes(g, n, axes, msg, msg_len);
    if (c == AXES_RUNTIME)
        return EB_ERR_UNSUPPORTED;
    if (c == AXES_INVALID)
        return EB_ERR_SHAPE;
    int drop[EB_MAX_RANK] = {0};
    if (c < 0) {
        for (int i = 0; i < x->rank; i++)
            drop[i] = x->dims[i] == 1;
    } else {
        for (int i = 0; i < c; i++) {
            int a = eb__norm_axis(g, n, axes[i], x->rank, msg, msg_len);
            if (a < 0)
                return EB_ERR_SHAPE;
            if (x->dims[a] != 1) {
                eb__node_msg(g, n, msg, msg_len, "cannot squeeze axis %d of size %lld", a,
                             (long long)x->dims[a]);
                return EB_ERR_SHAPE;
            }
            drop[a] = 1;
        }
    }
    int64_t dims[EB_MAX_RANK];
    int r = 0;
    for (int i = 0; i < x->rank; i++)
        if (!drop[i])
            dims[r++] = x->dims[i];
    return eb__set_output(g, n, 0, x->dtype, r, dims, msg, msg_len);
}

eb_status eb__shape_unsqueeze(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    int64_t axes[EB_MAX_RANK];
    int c = read_axes(g, n, axes, msg, msg_len);
    if (c == AXES_RUNTIME)
        return EB_ERR_UNSUPPORTED;
    if (c == AXES_INVALID)
        return EB_ERR_SHAPE;
    if (c == AXES_ABSENT) {
        eb__node_msg(g, n, msg, msg_len, "axes are required");
        return EB_ERR_SHAPE;
    }
    int r = x->rank + c;
    if (r > EB_MAX_RANK) {
        eb__node_msg(g, n, msg, msg_len, "result rank %d exceeds %d", r, EB_MAX_RANK);
        return EB_ERR_UNSUPPORTED;
    }
    int ins[EB_MAX_RANK] = {0};
    for (int i = 0; i < c; i++) {
        int a = eb__norm_axis(g, n, axes[i], r, msg, msg_len);
        if (a < 0)
            return EB_ERR_SHAPE;
        if (ins[a]) {
            eb__node_msg(g, n, msg, msg_len, "axis %d repeated", a);
            return EB_ERR_SHAPE;
        }
        ins[a] = 1;
    }
    int64_t dims[EB_MAX_RANK];
    for (int i = 0, k = 0; i < r; i++)
        dims[i] = ins[i] ? 1 : x->dims[k++];
    return eb__set_output(g, n, 0, x->dtype, r, dims, msg, msg_len);
}

eb_status eb__shape_pad(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    int64_t pads[2 * EB_MAX_RANK];
    int c;
    if (n->opset < 11) {
        const int64_t *v;
        c = eb_node_attr_ints(n, "pads", &v);
        if (c < 0 || c > 2 * EB_MAX_RANK) {
            eb__node_msg(g, n, msg, msg_len, "pads attribute missing or too long");
            return EB_ERR_SHAPE;
        }
        memcpy(pads, v, sizeof(int64_t) * (size_t)c);
    } else {
        const eb_tensor *p = eb__need_input(g, n, 1, msg, msg_len);
        if (!p)
            return EB_ERR_SHAPE;
        c = eb__const_ints(g, n, p, pads, 2 * EB_MAX_RANK, "pads", msg, msg_len);
        if (c == EB_SHAPE_RUNTIME)
            return EB_ERR_UNSUPPORTED;
        if (c < 0)
            return EB_ERR_SHAPE;
        if (eb_node_input(g, n, 3)) {
            eb__node_msg(g, n, msg, msg_len, "the axes input (opset 18) is not supported");
            return EB_ERR_UNSUPPORTED;
        }
    }
    if (c != 2 * x->rank) {
        eb__node_msg(g, n, msg, msg_len, "pads has %d values for rank %d", c, x->rank);
        return EB_ERR_SHAPE;
    }
    int64_t dims[EB_MAX_RANK];
    for (int i = 0; i < x->rank; i++) {
        dims[i] = x->dims[i] + pads[i] + pads[i + x->rank];
        if (dims[i] < 0) {
            eb__node_msg(g, n, msg, msg_len, "pads shrink axis %d below zero", i);
            return EB_ERR_SHAPE;
        }
    }
    return eb__set_output(g, n, 0, x->dtype, x->rank, dims, msg, msg_len);
}
