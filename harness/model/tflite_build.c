/* Emitting IR nodes for the .tflite loader: nodes, constants, the four IR
 * forms of a file tensor (tflite_build.h), weights re-laid out from TFLite's
 * OHWI / 1HWO to the IR's OIHW, fused activations and the closing
 * QuantizeLinear. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/graph_internal.h"
#include "harness/model/tflite_build.h"
#include "harness/model/tflite_schema.h"

eb_status eb__tfl_fail(eb_tfl *b, eb_status st, const char *fmt, ...)
{
    int off = snprintf(b->msg, b->msg_len, "%s: operator %d (%s): ", b->g->path, b->op_index,
                       b->op_name ? b->op_name : "?");
    if (off >= 0 && (size_t)off < b->msg_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->msg + off, b->msg_len - (size_t)off, fmt, ap);
        va_end(ap);
    }
    b->st = st;
    return st;
}

static int oom(eb_tfl *b)
{
    eb__tfl_fail(b, EB_ERR_NOMEM, "out of memory");
    return -1;
}

const char *eb__tfl_name(const eb_tfl *b, int ti, const char *suffix, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s", b->t[ti].name, suffix);
    return buf;
}

int eb__tfl_node(eb_tfl *b, const char *op, const int *in, int n_in, const char *out_name)
{
    eb_graph *g = b->g;
    eb_node *grown = realloc(g->nodes, ((size_t)g->n_nodes + 1) * sizeof *grown);
    if (!grown)
        return oom(b);
    g->nodes = grown;
    int y = eb__graph_add_tensor(g, out_name);
    if (y < 0)
        return oom(b);
    eb_node *n = &g->nodes[g->n_nodes];
    memset(n, 0, sizeof *n);
    char name[128];
    snprintf(name, sizeof name, "%s_%d/%s_%d", b->op_name ? b->op_name : "op", b->op_index, op,
             b->op_seq++);
    n->name = strdup(name);
    n->op_type = strdup(op);
    n->domain = strdup("");
    n->opset = 13;
    n->inputs = malloc(((size_t)n_in + 1) * sizeof *n->inputs);
    n->outputs = malloc(sizeof *n->outputs);
    if (!n->name || !n->op_type || !n->domain || !n->inputs || !n->outputs) {
        g->n_nodes++; /* so eb_graph_destroy frees what was allocated */
        return oom(b);
    }
    n->n_inputs = n_in;
    for (int k = 0; k < n_in; k++) {
        n->inputs[k] = in[k];
        if (in[k] >= 0)
            g->tensors[in[k]].n_consumers++;
    }
    n->n_outputs = 1;
    n->outputs[0] = y;
    g->tensors[y].producer = g->n_nodes;
    g->n_nodes++;
    return y;
}

static eb_attr *new_attr(eb_tfl *b, const char *name, eb_attr_type type)
{
    eb_node *n = &b->g->nodes[b->g->n_nodes - 1];
    eb_attr *a = realloc(n->attrs, ((size_t)n->n_attrs + 1) * sizeof *a);
    if (!a)
        return NULL;
    n->attrs = a;
    a = &n->attrs[n->n_attrs];
    memset(a, 0, sizeof *a);
    a->tensor = -1;
    a->type = type;
    a->name = strdup(name);
    n->n_attrs++; /* counted even without a name: eb_graph_destroy frees it */
    return a->name ? a : NULL;
}

int eb__tfl_attr_int(eb_tfl *b, const char *name, int64_t v)
{
    eb_attr *a = new_attr(b, name, EB_ATTR_INT);
    if (!a)
        return oom(b);
    a->i = v;
    return 0;
}

int eb__tfl_attr_float(eb_tfl *b, const char *name, float v)
{
    eb_attr *a = new_attr(b, name, EB_ATTR_FLOAT);
    if (!a)
        return oom(b);
    a->f = v;
    return 0;
}

int eb__tfl_attr_ints(eb_tfl *b, const char *name, const int64_t *v, int n)
{
    eb_attr *a = new_attr(b, name, EB_ATTR_INTS);
    if (!a || !(a->ints = malloc(((size_t)n + 1) * sizeof *a->ints)))
        return oom(b);
    memcpy(a->ints, v, (size_t)n * sizeof *v);
    a->n = n;
    return 0;
}

int eb__tfl_const(eb_tfl *b, const char *name, eb_dtype dt, int rank, const int64_t *dims,
                  void *data)
{
    int idx = eb__graph_add_tensor(b->g, name);
    if (idx < 0) {
        free(data);
        return oom(b);
    }
    eb_tensor *t = &b->g->tensors[idx];
    t->kind = EB_TENSOR_CONSTANT;
    t->data = data;
    if (eb__tensor_set_shape(b->g, t, dt, rank, dims, NULL, b->msg, b->msg_len) != EB_OK) {
        b->st = EB_ERR_FORMAT;
        return -1;
    }
    return idx;
}

int eb__tfl_const_i64(eb_tfl *b, const char *name, const int64_t *v, int n)
{
    int64_t *d = malloc(((size_t)n + 1) * sizeof *d);
    if (!d)
        return oom(b);
    memcpy(d, v, (size_t)n * sizeof *v);
    int64_t dims[1] = {n};
    return eb__tfl_const(b, name, EB_DT_I64, 1, dims, d);
}

int eb__tfl_const_f32(eb_tfl *b, const char *name, float v)
{
    float *d = malloc(sizeof *d);
    if (!d)
        return oom(b);
    *d = v;
    return eb__tfl_const(b, name, EB_DT_F32, 0, NULL, d);
}

/* The IR constants holding ti's scale and zero point, made once. */
static int qparams(eb_tfl *b, int ti)
{
    eb_tfl_tensor *t = &b->t[ti];
    if (t->scale_t >= 0)
        return 0;
    char nm[300];
    int64_t dims[1] = {t->nq};
    int rank = t->nq > 1 ? 1 : 0;
    float *s = malloc((size_t)t->nq * sizeof *s);
    if (!s)
        return oom(b);
    memcpy(s, t->scale, (size_t)t->nq * sizeof *s);
    int st = eb__tfl_const(b, eb__tfl_name(b, ti, "/scale", nm, sizeof nm), EB_DT_F32, rank, dims, s);
    if (st < 0)
        return -1;
    size_t es = eb_dtype_size(t->dtype);
    uint8_t *z = malloc((size_t)t->nq * es);
    if (!z)
        return oom(b);
    for (int i = 0; i < t->nq; i++) {
        int8_t i8 = (int8_t)t->zp[i];
        uint8_t u8 = (uint8_t)t->zp[i];
        int32_t i32 = t->zp[i];
        memcpy(z + (size_t)i * es, t->dtype == EB_DT_I8 ? (void *)&i8 : t->dtype == EB_DT_U8 ? (void *)&u8 : (void *)&i32, es);
    }
    int zt = eb__tfl_const(b, eb__tfl_name(b, ti, "/zero_point", nm, sizeof nm), t->dtype, rank,
                           dims, z);
    if (zt < 0)
        return -1;
    t->scale_t = st;
    t->zp_t = zt;
    return 0;
}

int eb__tfl_dq(eb_tfl *b, int ti, int x, int axis, const char *name)
{
    if (qparams(b, ti) != 0)
        return -1;
    int in[3] = {x, b->t[ti].scale_t, b->t[ti].zp_t};
    int y = eb__tfl_node(b, "DequantizeLinear", in, 3, name);
    if (y >= 0 && b->t[ti].nq > 1 && eb__tfl_attr_int(b, "axis", axis) != 0)
        return -1;
    return y;
}

static const int64_t to_nchw[4] = {0, 3, 1, 2}, to_nhwc[4] = {0, 2, 3, 1};

int eb__tfl_raw(eb_tfl *b, int ti, int layout)
{
    eb_tfl_tensor *t = &b->t[ti];
    char nm[300];
    if (t->view[layout][EB_TFL_RAW] >= 0)
        return t->view[layout][EB_TFL_RAW];
    if (!t->available) {
        eb__tfl_fail(b, EB_ERR_FORMAT,
                     "reads tensor '%s' before any operator writes it (operators must be stored "
                     "in execution order)",
                     t->name);
        return -1;
    }
    if (layout == EB_TFL_NCHW && t->rank != 4) {
        eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "tensor '%s' has rank %d where rank 4 (NHWC) is needed",
                     t->name, t->rank);
        return -1;
    }
    if (t->data && t->view[EB_TFL_NHWC][EB_TFL_RAW] < 0) {
        void *d = malloc(t->nbytes + 1);
        if (!d)
            return oom(b);
        memcpy(d, t->data, t->nbytes);
        int c = eb__tfl_const(b, t->name, t->dtype, t->rank, t->dims, d);
        if (c < 0)
            return -1;
        t->view[EB_TFL_NHWC][EB_TFL_RAW] = c;
        if (layout == EB_TFL_NHWC)
            return c;
    }
    int other = t->view[!layout][EB_TFL_RAW];
    int y = eb__tfl_node(b, "Transpose", &other, 1,
                         eb__tfl_name(b, ti, layout == EB_TFL_NCHW ? "/nchw" : "", nm, sizeof nm));
    if (y < 0 || eb__tfl_attr_ints(b, "perm", layout == EB_TFL_NCHW ? to_nchw : to_nhwc, 4) != 0)
        return -1;
    t->view[layout][EB_TFL_RAW] = y;
    return y;
}

int eb__tfl_float(eb_tfl *b, int ti, int layout)
{
    eb_tfl_tensor *t = &b->t[ti];
    char nm[300];
    if (t->view[layout][EB_TFL_FLOAT] >= 0)
        return t->view[layout][EB_TFL_FLOAT];
    int x = eb__tfl_raw(b, ti, layout);
    if (x < 0)
        return -1;
    if (t->nq == 0) {
        if (t->dtype != EB_DT_F32) {
            eb__tfl_fail(b, EB_ERR_UNSUPPORTED,
                         "tensor '%s' is %s without quantisation parameters where float32 or a "
                         "quantised tensor is needed",
                         t->name, eb_dtype_name(t->dtype));
            return -1;
        }
        return x;
    }
    if (t->nq > 1) {
        eb__tfl_fail(b, EB_ERR_UNSUPPORTED,
                     "tensor '%s' is quantised per channel; only weights may be (activations "
                     "need one scale)",
                     t->name);
        return -1;
    }
    int y = eb__tfl_dq(b, ti, x, 0,
                       eb__tfl_name(b, ti, layout == EB_TFL_NCHW ? "/nchw/dq" : "/dq", nm, sizeof nm));
    if (y >= 0)
        t->view[layout][EB_TFL_FLOAT] = y;
    return y;
}

int eb__tfl_weight(eb_tfl *b, int ti, const int *perm, int rank)
{
    eb_tfl_tensor *t = &b->t[ti];
    char nm[300];
    if (!t->data) {
        eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "weights '%s' are not a constant", t->name);
        return -1;
    }
    if (t->rank != rank) {
        eb__tfl_fail(b, EB_ERR_FORMAT, "weights '%s' have rank %d, expected %d", t->name, t->rank,
                     rank);
        return -1;
    }
    if (t->nq == 0 && t->dtype != EB_DT_F32) {
        eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "weights '%s' are %s without quantisation parameters",
                     t->name, eb_dtype_name(t->dtype));
        return -1;
    }
    size_t es = eb_dtype_size(t->dtype);
    uint8_t *d = malloc(t->nbytes + 1);
    if (!d)
        return oom(b);
    /* out index (row-major over the permuted dims) <- in index via strides */
    int64_t od[EB_MAX_RANK], istride[EB_MAX_RANK], ostride_in[EB_MAX_RANK];
    istride[rank - 1] = 1;
    for (int i = rank - 2; i >= 0; i--)
        istride[i] = istride[i + 1] * t->dims[i + 1];
    for (int i = 0; i < rank; i++) {
        od[i] = t->dims[perm[i]];
        ostride_in[i] = istride[perm[i]];
    }
    int64_t numel = (int64_t)(t->nbytes / (es ? es : 1)), idx[EB_MAX_RANK] = {0};
    for (int64_t o = 0; o < numel; o++) {
        int64_t src = 0;
        for (int i = 0; i < rank; i++)
            src += idx[i] * ostride_in[i];
        memcpy(d + (size_t)o * es, t->data + (size_t)src * es, es);
        for (int i = rank - 1; i >= 0 && ++idx[i] == od[i]; i--)
            idx[i] = 0;
    }
    int c = eb__tfl_const(b, eb__tfl_name(b, ti, t->nq ? "/q" : "", nm, sizeof nm), t->dtype, rank,
                          od, d);
    if (c < 0 || t->nq == 0)
        return c;
    int axis = 0;
    for (int i = 0; i < rank; i++)
        if (perm[i] == t->qdim)
            axis = i;
    if (t->nq > 1 && t->dims[t->qdim] != t->nq) {
        eb__tfl_fail(b, EB_ERR_FORMAT, "weights '%s' have %d scales for %lld channels", t->name,
                     t->nq, (long long)t->dims[t->qdim]);
        return -1;
    }
    return eb__tfl_dq(b, ti, c, axis, eb__tfl_name(b, ti, "/dq", nm, sizeof nm));
}

/* Fused activation after y: Relu, Clip or Tanh; y itself for NONE. */
static int activation(eb_tfl *b, int y, int act, const char *name)
{
    int in[3] = {y, -1, -1};
    char nm[300];
    switch (act) {
    case TFL_ACT_NONE: return y;
    case TFL_ACT_RELU: return eb__tfl_node(b, "Relu", in, 1, name);
    case TFL_ACT_TANH: return eb__tfl_node(b, "Tanh", in, 1, name);
    case TFL_ACT_RELU6:
    case TFL_ACT_RELU_N1_TO_1:
        snprintf(nm, sizeof nm, "%s/min", name);
        in[1] = eb__tfl_const_f32(b, nm, act == TFL_ACT_RELU6 ? 0.0f : -1.0f);
        snprintf(nm, sizeof nm, "%s/max", name);
        in[2] = eb__tfl_const_f32(b, nm, act == TFL_ACT_RELU6 ? 6.0f : 1.0f);
        if (in[1] < 0 || in[2] < 0)
            return -1;
        return eb__tfl_node(b, "Clip", in, 3, name);
    default:
        eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "fused activation %d is not supported", act);
        return -1;
    }
}

eb_status eb__tfl_finish(eb_tfl *b, int ti, int layout, int y, int act)
{
    eb_tfl_tensor *t = &b->t[ti];
    char nm[300], fl[300];
    if (t->available || t->data)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "writes tensor '%s', which is already written, a "
                            "graph input or a constant", t->name);
    if (layout == EB_TFL_NCHW && t->rank != 4)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "output '%s' has rank %d, expected 4", t->name,
                            t->rank);
    const char *final = eb__tfl_name(b, ti, layout == EB_TFL_NCHW ? "/nchw" : "", nm, sizeof nm);
    if (t->nq == 0) {
        if (t->dtype != EB_DT_F32)
            return eb__tfl_fail(b, EB_ERR_UNSUPPORTED,
                                "output '%s' is %s without quantisation parameters", t->name,
                                eb_dtype_name(t->dtype));
        y = activation(b, y, act, final);
        if (y < 0)
            return b->st;
        if (act == TFL_ACT_NONE) { /* name the result for inspect and golden outputs */
            char *s = strdup(final);
            if (!s)
                return oom(b), b->st;
            free(b->g->tensors[y].name);
            b->g->tensors[y].name = s;
        }
    } else {
        if (t->nq > 1)
            return eb__tfl_fail(b, EB_ERR_UNSUPPORTED,
                                "output '%s' is quantised per channel (activations need one scale)",
                                t->name);
        y = activation(b, y, act, eb__tfl_name(b, ti, layout == EB_TFL_NCHW ? "/nchw/act" : "/act", fl, sizeof fl));
        if (y < 0 || qparams(b, ti) != 0)
            return b->st;
        int in[3] = {y, t->scale_t, t->zp_t};
        y = eb__tfl_node(b, "QuantizeLinear", in, 3, final);
        if (y < 0)
            return b->st;
    }
    t->view[layout][EB_TFL_RAW] = y;
    t->available = 1;
    return EB_OK;
}
