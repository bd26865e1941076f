/* Load-time values of the small integer subgraphs exporters write to
 * compute shapes: PyTorch's x.view(x.size(0), -1) is Shape -> Gather ->
 * Unsqueeze -> Concat -> Reshape, ShuffleNet's channel shuffle divides a
 * gathered channel count. With static input shapes each of these is a
 * constant, so the loader evaluates them here: their outputs get data like
 * a Constant's, consumers (Reshape, Pad, ...) read them, and backends never
 * execute these nodes (ref and the delegates skip a node whose outputs are
 * all known, ref_plan.c).
 *
 * Only integer tensors of at most EB_FOLD_MAX elements are evaluated: shape
 * arithmetic, never a model's float computation, so a backend still runs
 * every node that does real work. Every index and size is checked: the
 * values come from the file. */
#include <stdlib.h>
#include <string.h>

#include "edgebench/slice.h"
#include "harness/model/shape_common.h"

#define EB_FOLD_MAX 4096

static int is_int(eb_dtype t)
{
    return t == EB_DT_I64 || t == EB_DT_I32;
}

static int64_t get_int(const eb_tensor *t, int64_t i)
{
    return t->dtype == EB_DT_I64 ? ((const int64_t *)t->data)[i] : ((const int32_t *)t->data)[i];
}

static void put_int(eb_tensor *t, int64_t i, int64_t v)
{
    if (t->dtype == EB_DT_I64)
        ((int64_t *)t->data)[i] = v;
    else
        ((int32_t *)t->data)[i] = (int32_t)v;
}

/* Give output k (shape already set) a buffer for its value: a constant
 * from now on. NULL (and a message) when out of memory. */
static eb_tensor *attach_data(eb_graph *g, eb_node *n, int k, char *msg, size_t msg_len)
{
    eb_tensor *t = &g->tensors[n->outputs[k]];
    t->data = calloc(1, t->nbytes ? t->nbytes : 1);
    if (!t->data) {
        eb__node_msg(g, n, msg, msg_len, "out of memory");
        return NULL;
    }
    t->kind = EB_TENSOR_CONSTANT;
    return t;
}

/* Row-major strides of dims (rank r), in elements. */
static void strides_of(const int64_t *dims, int r, int64_t *s)
{
    int64_t acc = 1;
    for (int d = r - 1; d >= 0; d--) {
        s[d] = acc;
        acc *= dims[d];
    }
}

static int foldable_output(const eb_graph *g, const eb_node *n)
{
    if (n->n_outputs < 1 || n->outputs[0] < 0)
        return 0;
    const eb_tensor *y = &g->tensors[n->outputs[0]];
    return !y->data && y->rank >= 0 && is_int(y->dtype) && y->numel <= EB_FOLD_MAX;
}

/* ---- Gather ----------------------------------------------------------- */

eb_status eb__shape_gather(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    const eb_tensor *idx = x ? eb__need_input(g, n, 1, msg, msg_len) : NULL;
    if (!idx)
        return EB_ERR_SHAPE;
    if (!is_int(idx->dtype)) {
        eb__node_msg(g, n, msg, msg_len, "indices '%s' must be int64 or int32", idx->name);
        return EB_ERR_SHAPE;
    }
    if (x->rank < 1) {
        eb__node_msg(g, n, msg, msg_len, "cannot gather from a scalar");
        return EB_ERR_SHAPE;
    }
    int axis = eb__norm_axis(g, n, eb_node_attr_int(n, "axis", 0), x->rank, msg, msg_len);
    if (axis < 0)
        return EB_ERR_SHAPE;
    int r = x->rank - 1 + idx->rank;
    if (r > EB_MAX_RANK) {
        eb__node_msg(g, n, msg, msg_len, "result rank %d exceeds %d", r, EB_MAX_RANK);
        return EB_ERR_UNSUPPORTED;
    }
    int64_t dims[EB_MAX_RANK];
    int k = 0;
    for (int d = 0; d < axis; d++)
        dims[k++] = x->dims[d];
    for (int d = 0; d < idx->rank; d++)
        dims[k++] = idx->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        dims[k++] = x->dims[d];
    eb_status st = eb__set_output(g, n, 0, x->dtype, r, dims, msg, msg_len);
    if (st != EB_OK || !x->data || !idx->data || !foldable_output(g, n))
        return st;

    /* y[outer][i][inner] = x[outer][idx[i]][inner] */
    int64_t d_ax = x->dims[axis], outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= x->dims[d];
    for (int64_t i = 0; i < idx->numel; i++) {
        int64_t v = get_int(idx, i);
        if (v < -d_ax || v >= d_ax) {
            eb__node_msg(g, n, msg, msg_len, "index %lld is out of range for a dim of %lld",
                         (long long)v, (long long)d_ax);
            return EB_ERR_SHAPE;
        }
    }
    eb_tensor *y = attach_data(g, n, 0, msg, msg_len);
    if (!y)
        return EB_ERR_NOMEM;
    size_t es = eb_dtype_size(x->dtype);
    const char *src = x->data;
    char *dst = y->data;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < idx->numel; i++) {
            int64_t v = get_int(idx, i);
            v = v < 0 ? v + d_ax : v;
            memcpy(dst, src + (size_t)((o * d_ax + v) * inner) * es, (size_t)inner * es);
            dst += (size_t)inner * es;
        }
    return EB_OK;
}

/* ---- Slice ------------------------------------------------------------ */

eb_status eb__shape_slice(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    eb_slice sl;
    eb_status st = eb_slice_resolve(g, n, x, &sl, msg, msg_len);
    if (st == EB_OK)
        st = eb__set_output(g, n, 0, x->dtype, x->rank, sl.dims, msg, msg_len);
    if (st != EB_OK || !x->data || !foldable_output(g, n))
        return st;
    eb_tensor *y = attach_data(g, n, 0, msg, msg_len);
    if (!y)
        return EB_ERR_NOMEM;
    int64_t xs[EB_MAX_RANK], idx[EB_MAX_RANK] = {0};
    strides_of(x->dims, x->rank, xs);
    size_t es = eb_dtype_size(x->dtype);
    for (int64_t i = 0; i < y->numel; i++) {
        int64_t off = 0;
        for (int d = 0; d < x->rank; d++)
            off += (sl.start[d] + idx[d] * sl.step[d]) * xs[d];
        memcpy((char *)y->data + (size_t)i * es, (const char *)x->data + (size_t)off * es, es);
        for (int d = x->rank - 1; d >= 0 && ++idx[d] == sl.dims[d]; d--)
            idx[d] = 0;
    }
    return EB_OK;
}

/* ---- the ops shape inference already knows ------------------------------ */

static eb_status fold_binary(eb_graph *g, eb_node *n, const eb_tensor *a, const eb_tensor *b,
                             eb_tensor *y, char *msg, size_t msg_len)
{
    int r = y->rank;
    int64_t ys[EB_MAX_RANK], as[EB_MAX_RANK] = {0}, bs[EB_MAX_RANK] = {0}, s[EB_MAX_RANK];
    strides_of(y->dims, r, ys);
    /* strides of a and b over y's axes, 0 where they broadcast */
    strides_of(a->dims, a->rank, s);
    for (int d = 0; d < a->rank; d++)
        as[r - a->rank + d] = a->dims[d] == 1 ? 0 : s[d];
    strides_of(b->dims, b->rank, s);
    for (int d = 0; d < b->rank; d++)
        bs[r - b->rank + d] = b->dims[d] == 1 ? 0 : s[d];
    const char *op = n->op_type;
    for (int64_t i = 0; i < y->numel; i++) {
        int64_t ia = 0, ib = 0, rem = i;
        for (int d = 0; d < r; d++) {
            int64_t q = rem / ys[d];
            rem -= q * ys[d];
            ia += q * as[d];
            ib += q * bs[d];
        }
        int64_t u = get_int(a, ia), v = get_int(b, ib), w;
        if (strcmp(op, "Add") == 0) {
            w = (int64_t)((uint64_t)u + (uint64_t)v);
        } else if (strcmp(op, "Sub") == 0) {
            w = (int64_t)((uint64_t)u - (uint64_t)v);
        } else if (strcmp(op, "Mul") == 0) {
            w = (int64_t)((uint64_t)u * (uint64_t)v);
        } else { /* Div: integer division truncates, as in ONNX */
            if (v == 0 || (v == -1 && u == INT64_MIN)) {
                eb__node_msg(g, n, msg, msg_len, "integer division of %lld by %lld",
                             (long long)u, (long long)v);
                return EB_ERR_SHAPE;
            }
            w = u / v;
        }
        put_int(y, i, w);
    }
    return EB_OK;
}

static eb_status fold_concat(eb_graph *g, eb_node *n, eb_tensor *y)
{
    int axis = (int)eb_node_attr_int(n, "axis", 0);
    if (axis < 0)
        axis += y->rank;
    int64_t outer = 1, at = 0;
    for (int d = 0; d < axis; d++)
        outer *= y->dims[d];
    size_t es = eb_dtype_size(y->dtype);
    int64_t y_row = y->numel / (outer ? outer : 1);
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *x = eb_node_input(g, n, k);
        int64_t row = x->numel / (outer ? outer : 1);
        for (int64_t o = 0; o < outer; o++)
            memcpy((char *)y->data + (size_t)(o * y_row + at) * es,
                   (const char *)x->data + (size_t)(o * row) * es, (size_t)row * es);
        at += row;
    }
    return EB_OK;
}

eb_status eb__fold_node(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    static const char *const ops[] = {"Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
                                      "Cast",     "Concat",  "Add",     "Sub",     "Mul",
                                      "Div"};
    int listed = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        listed |= strcmp(ops[i], n->op_type) == 0;
    if (!listed || !foldable_output(g, n) || n->n_inputs < 1)
        return EB_OK;
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (t && !t->data)
            return EB_OK;
    }
    const eb_tensor *x = eb_node_input(g, n, 0);
    const eb_tensor *x1 = eb_node_input(g, n, 1);
    int binary = strcmp(n->op_type, "Add") == 0 || strcmp(n->op_type, "Sub") == 0 ||
                 strcmp(n->op_type, "Mul") == 0 || strcmp(n->op_type, "Div") == 0;
    if (!x || !is_int(x->dtype) || (binary && (!x1 || !is_int(x1->dtype))))
        return EB_OK; /* Cast from float, or an op on floats: not shape arithmetic */
    if (strcmp(n->op_type, "Concat") == 0)
        for (int k = 1; k < n->n_inputs; k++) {
            const eb_tensor *t = eb_node_input(g, n, k);
            if (!t || t->dtype != x->dtype)
                return EB_OK;
        }
    eb_tensor *y = attach_data(g, n, 0, msg, msg_len);
    if (!y)
        return EB_ERR_NOMEM;
    if (binary)
        return fold_binary(g, n, x, x1, y, msg, msg_len);
    if (strcmp(n->op_type, "Concat") == 0)
        return fold_concat(g, n, y);
    /* the same elements in the same order: a copy, or Cast between widths */
    if (x->numel != y->numel) {
        eb__node_msg(g, n, msg, msg_len, "%lld values cannot become %lld", (long long)x->numel,
                     (long long)y->numel);
        return EB_ERR_SHAPE;
    }
    for (int64_t i = 0; i < y->numel; i++)
        put_int(y, i, get_int(x, i));
    return EB_OK;
}
