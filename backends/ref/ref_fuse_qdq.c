/* The QDQ fusion pass: finding the groups (see ref_fuse_qdq.h for the
 * patterns). Every condition below exists because without it the integer
 * kernel would not compute what the nodes as written compute; when one does
 * not hold the nodes simply run as written, so a refusal is never an error. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_fuse_qdq.h"

typedef struct pass {
    const eb_graph *g;
    int *consumer;          /* per tensor: a node reading it (the only one when n_consumers == 1) */
    unsigned char *taken;   /* per node: already part of a group */
} pass;

static int is_op(const eb_node *n, const char *op)
{
    return n->domain[0] == '\0' && strcmp(n->op_type, op) == 0;
}

static int is_q8(eb_dtype dt) { return dt == EB_DT_U8 || dt == EB_DT_I8; }

static int node_index(const pass *ps, const eb_node *n) { return (int)(n - ps->g->nodes); }

/* The node producing tensor t when it is an `op` node, else NULL. */
static const eb_node *producer(const pass *ps, int t, const char *op)
{
    if (t < 0 || ps->g->tensors[t].producer < 0)
        return NULL;
    const eb_node *n = &ps->g->nodes[ps->g->tensors[t].producer];
    return is_op(n, op) ? n : NULL;
}

/* The only reader of tensor t, when t is read once and is no graph output
 * (an intermediate the group may make disappear). */
static const eb_node *sole_consumer(const pass *ps, int t)
{
    const eb_tensor *x = &ps->g->tensors[t];
    if (x->is_graph_output || x->n_consumers != 1 || ps->consumer[t] < 0)
        return NULL;
    const eb_node *n = &ps->g->nodes[ps->consumer[t]];
    return ps->taken[ps->consumer[t]] ? NULL : n;
}

/* Constant, valid, per-tensor parameters of a Q or DQ node. */
static int per_tensor(const eb_graph *g, const eb_node *n, int rank, eb_ref_qparams *q)
{
    return eb_ref_qparams_const(g, n, 1, 2, rank, q) && q->count == 1 && eb_ref_qparams_valid(q);
}

/* DQ of an activation: uint8 / int8 input, per-tensor constant parameters.
 * Its output may have other readers: the DQ then stays for them. */
static const eb_node *dq_act(const pass *ps, int t, eb_ref_qparams *q, int *x_tensor)
{
    const eb_node *dq = producer(ps, t, "DequantizeLinear");
    if (!dq || dq->n_inputs < 2)
        return NULL;
    const eb_tensor *x = eb_node_input(ps->g, dq, 0);
    if (!x || !is_q8(x->dtype) || x->rank < 0 || !per_tensor(ps->g, dq, x->rank, q))
        return NULL;
    *x_tensor = dq->inputs[0];
    return dq;
}

/* DQ of a constant weight, per tensor or per channel along `axis`. */
static const eb_node *dq_weight(const pass *ps, int t, int axis, eb_ref_qparams *q)
{
    const eb_node *dq = producer(ps, t, "DequantizeLinear");
    if (!dq || dq->n_inputs < 2)
        return NULL;
    const eb_tensor *w = eb_node_input(ps->g, dq, 0);
    if (!w || !w->data || !is_q8(w->dtype) || w->rank < 1)
        return NULL;
    if (!eb_ref_qparams_const(ps->g, dq, 1, 2, w->rank, q) || !eb_ref_qparams_valid(q))
        return NULL;
    if (q->count > 1 && (q->axis != axis || q->count != w->dims[axis]))
        return NULL; /* scales along another axis do not factor out of the sum */
    return dq;
}

/* Bounds of a Relu or Clip with constant limits; 0 when not constant. */
static int act_bounds(const eb_graph *g, const eb_node *n, float *lo, float *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    if (is_op(n, "Relu")) {
        *lo = 0.0f;
        return 1;
    }
    if (n->opset < 11) {
        *lo = eb_node_attr_float(n, "min", -FLT_MAX);
        *hi = eb_node_attr_float(n, "max", FLT_MAX);
    } else {
        for (int k = 1; k <= 2; k++) {
            const eb_tensor *t = eb_node_input(g, n, k);
            if (!t)
                continue;
            if (!t->data || t->dtype != EB_DT_F32 || t->numel != 1)
                return 0;
            *(k == 1 ? lo : hi) = *(const float *)t->data;
        }
    }
    return !isnan(*lo) && !isnan(*hi) && *lo <= *hi;
}

/* From the anchor's output: an optional Relu / Clip, then the Q that ends
 * the group. A fused activation narrows the output clamp: Q is monotone, so
 * Q(max(v, lo)) = max(Q(v), Q(lo)) and likewise for the upper bound. */
static int match_tail(const pass *ps, const eb_node *anchor, int allow_act, eb_ref_qdq_match *m)
{
    const eb_graph *g = ps->g;
    if (anchor->n_outputs < 1 || anchor->outputs[0] < 0)
        return 0;
    for (int o = 1; o < anchor->n_outputs; o++)
        if (anchor->outputs[o] >= 0)
            return 0; /* a second output (MaxPool Indices) would be lost */
    int t = anchor->outputs[0];
    if (g->tensors[t].dtype != EB_DT_F32)
        return 0;
    const eb_node *c = sole_consumer(ps, t);
    if (!c)
        return 0;
    float lo = -INFINITY, hi = INFINITY;
    if (allow_act && (is_op(c, "Relu") || is_op(c, "Clip"))) {
        if (c->inputs[0] != t || c->n_outputs < 1 || c->outputs[0] < 0 ||
            !act_bounds(g, c, &lo, &hi))
            return 0;
        m->act = c;
        t = c->outputs[0];
        if (!(c = sole_consumer(ps, t)))
            return 0;
    }
    if (!is_op(c, "QuantizeLinear") || c->n_inputs < 2 || c->inputs[0] != t)
        return 0;
    const eb_tensor *y = eb_node_output(g, c, 0);
    if (!y || !is_q8(y->dtype) || !per_tensor(g, c, y->rank, &m->yq))
        return 0;
    m->q = c;
    m->y_dtype = y->dtype;
    eb_ref_q8_range(y->dtype, &m->y_min, &m->y_max);
    float s = m->yq.scale[0];
    int32_t zp = eb_ref_qp_zp(&m->yq, 0);
    if (lo > -INFINITY) {
        int32_t v = eb_ref_quantize_f32(lo, s, zp, m->y_min, m->y_max);
        m->y_min = v > m->y_min ? v : m->y_min;
    }
    if (hi < INFINITY) {
        int32_t v = eb_ref_quantize_f32(hi, s, zp, m->y_min, m->y_max);
        m->y_max = v < m->y_max ? v : m->y_max;
    }
    return m->y_min <= m->y_max;
}

/* Bias input k of the anchor: absent, a float32 constant, or the output of
 * a DQ of a constant; one value per output channel, shaped [count] or
 * [1, count] (a [count, 1] Gemm bias would run along the rows instead). */
static int match_bias(const pass *ps, const eb_node *a, int k, int64_t count, eb_ref_qdq_match *m)
{
    const eb_tensor *b = eb_node_input(ps->g, a, k);
    if (!b)
        return 1;
    int per_channel = (b->rank == 1 && b->dims[0] == count) ||
                      (b->rank == 2 && b->dims[0] == 1 && b->dims[1] == count);
    if (!per_channel || b->dtype != EB_DT_F32)
        return 0;
    m->bias = b;
    if (b->data)
        return 1;
    m->dq_b = producer(ps, a->inputs[k], "DequantizeLinear");
    const eb_tensor *bq = m->dq_b ? eb_node_input(ps->g, m->dq_b, 0) : NULL;
    return bq && bq->data != NULL;
}

/* The output must keep the same scale, zero point and type as the input:
 * then Q(f(DQ(q))) = f(q) for the order-preserving and moving ops. */
static int same_params(const eb_ref_qdq_match *m, eb_dtype x_dtype)
{
    return m->y_dtype == x_dtype && m->yq.scale[0] == m->xq[0].scale[0] &&
           eb_ref_qp_zp(&m->yq, 0) == eb_ref_qp_zp(&m->xq[0], 0);
}

static int match_conv(const pass *ps, const eb_node *a, eb_ref_qdq_match *m)
{
    if (a->n_inputs < 2 || !(m->dq[0] = dq_act(ps, a->inputs[0], &m->xq[0], &m->x_tensor[0])))
        return 0;
    const eb_tensor *x = &ps->g->tensors[m->x_tensor[0]];
    if (x->rank < 3 || x->rank > 5 || !(m->dq_w = dq_weight(ps, a->inputs[1], 0, &m->wq)))
        return 0;
    const eb_tensor *w = eb_node_input(ps->g, m->dq_w, 0);
    return w->rank == x->rank && match_bias(ps, a, 2, w->dims[0], m) && match_tail(ps, a, 1, m);
}

static int match_gemm(const pass *ps, const eb_node *a, eb_ref_qdq_match *m)
{
    if (a->n_inputs < 2 || eb_node_attr_int(a, "transA", 0) != 0 ||
        eb_node_attr_float(a, "alpha", 1.0f) != 1.0f)
        return 0;
    if (eb_node_input(ps->g, a, 2) && eb_node_attr_float(a, "beta", 1.0f) != 1.0f)
        return 0;
    int trans_b = eb_node_attr_int(a, "transB", 0) != 0;
    if (!(m->dq[0] = dq_act(ps, a->inputs[0], &m->xq[0], &m->x_tensor[0])) ||
        ps->g->tensors[m->x_tensor[0]].rank != 2)
        return 0;
    /* per output channel: axis 0 of B^T ([N][K]), axis 1 of B ([K][N]) */
    if (!(m->dq_w = dq_weight(ps, a->inputs[1], trans_b ? 0 : 1, &m->wq)))
        return 0;
    const eb_tensor *w = eb_node_input(ps->g, m->dq_w, 0);
    if (w->rank != 2)
        return 0;
    return match_bias(ps, a, 2, w->dims[trans_b ? 0 : 1], m) && match_tail(ps, a, 1, m);
}

static int match_matmul(const pass *ps, const eb_node *a, eb_ref_qdq_match *m)
{
    if (a->n_inputs != 2 || !(m->dq[0] = dq_act(ps, a->inputs[0], &m->xq[0], &m->x_tensor[0])) ||
        ps->g->tensors[m->x_tensor[0]].rank < 2)
        return 0;
    if (!(m->dq_w = dq_weight(ps, a->inputs[1], 1, &m->wq)) ||
        eb_node_input(ps->g, m->dq_w, 0)->rank != 2)
        return 0;
    return match_tail(ps, a, 1, m);
}

static int same_shape(const eb_tensor *a, const eb_tensor *b)
{
    if (a->rank != b->rank || a->rank < 0)
        return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d])
            return 0;
    return 1;
}

static int match_add(const pass *ps, const eb_node *a, eb_ref_qdq_match *m)
{
    if (a->n_inputs != 2 || a->n_outputs != 1)
        return 0;
    const eb_tensor *y = eb_node_output(ps->g, a, 0);
    for (int k = 0; k < 2; k++) {
        if (!(m->dq[k] = dq_act(ps, a->inputs[k], &m->xq[k], &m->x_tensor[k])))
            return 0;
        if (!same_shape(&ps->g->tensors[m->x_tensor[k]], y))
            return 0; /* broadcasting adds are left as written */
    }
    return match_tail(ps, a, 1, m);
}

/* MaxPool, Relu and the reshaping ops: one quantised input, same params. */
static int match_same_scale(const pass *ps, const eb_node *a, eb_ref_qdq_match *m)
{
    if (a->n_inputs < 1 || !(m->dq[0] = dq_act(ps, a->inputs[0], &m->xq[0], &m->x_tensor[0])))
        return 0;
    const eb_tensor *x = &ps->g->tensors[m->x_tensor[0]];
    if (is_op(a, "MaxPool") && (x->rank < 3 || x->rank > 5))
        return 0;
    return match_tail(ps, a, 0, m) && same_params(m, x->dtype);
}

static const struct {
    const char *op;
    const char *kind;
    int (*match)(const pass *, const eb_node *, eb_ref_qdq_match *);
    eb_status (*build)(const eb_graph *, const eb_ref_qdq_match *, const eb_ref_op **, void **,
                       size_t *, char *, size_t);
} patterns[] = {
    {"Conv", "conv", match_conv, eb_ref_fused_conv_build},
    {"Gemm", "gemm", match_gemm, eb_ref_fused_matmul_build},
    {"MatMul", "matmul", match_matmul, eb_ref_fused_matmul_build},
    {"Add", "add", match_add, eb_ref_fused_eltwise_build},
    {"MaxPool", "maxpool", match_same_scale, eb_ref_fused_eltwise_build},
    {"Relu", "relu", match_same_scale, eb_ref_fused_eltwise_build},
    {"Flatten", "reshape", match_same_scale, eb_ref_fused_eltwise_build},
    {"Reshape", "reshape", match_same_scale, eb_ref_fused_eltwise_build},
    {"Squeeze", "reshape", match_same_scale, eb_ref_fused_eltwise_build},
    {"Unsqueeze", "reshape", match_same_scale, eb_ref_fused_eltwise_build},
    {"Identity", "reshape", match_same_scale, eb_ref_fused_eltwise_build},
};

void eb_ref_fused_free(eb_ref_fused *groups, int n)
{
    if (!groups)
        return;
    for (int i = 0; i < n; i++)
        if (groups[i].op && groups[i].op->release)
            groups[i].op->release(groups[i].state);
    free(groups);
}

eb_status eb_ref_fuse_qdq(const eb_graph *g, eb_ref_fused **out, int *n_out, char *msg,
                          size_t msg_len)
{
    eb_status st = EB_ERR_NOMEM;
    *out = NULL;
    *n_out = 0;
    pass ps = {.g = g};
    ps.consumer = malloc(((size_t)g->n_tensors + 1) * sizeof *ps.consumer);
    ps.taken = calloc((size_t)g->n_nodes + 1, 1);
    /* at most one group per node, each at least two nodes */
    eb_ref_fused *groups = calloc((size_t)g->n_nodes / 2 + 1, sizeof *groups);
    int n = 0;
    if (!ps.consumer || !ps.taken || !groups)
        goto fail;
    for (int t = 0; t < g->n_tensors; t++)
        ps.consumer[t] = -1;
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++)
            if (g->nodes[i].inputs[k] >= 0)
                ps.consumer[g->nodes[i].inputs[k]] = i;

    /* Topological order: a Conv is tried before the Relu after it, so the
     * Relu joins the conv group rather than starting its own. */
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *a = &g->nodes[i];
        if (ps.taken[i] || a->domain[0] != '\0')
            continue;
        for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
            if (strcmp(a->op_type, patterns[p].op) != 0)
                continue;
            eb_ref_qdq_match m = {.anchor = a, .x_tensor = {-1, -1}};
            /* an empty product (a zero dimension in a hostile file) runs as
             * written: the builders divide by its dimensions */
            if (!patterns[p].match(&ps, a, &m) || eb_node_has_empty_tensor(g, a))
                break;
            eb_ref_fused *f = &groups[n];
            st = patterns[p].build(g, &m, &f->op, &f->state, &f->scratch_bytes, msg, msg_len);
            if (st == EB_ERR_UNSUPPORTED)
                break; /* runs as written */
            if (st != EB_OK)
                goto fail;
            f->kind = patterns[p].kind;
            f->anchor = i;
            f->nodes[f->n_nodes++] = i;
            if (m.act)
                f->nodes[f->n_nodes++] = node_index(&ps, m.act);
            f->nodes[f->n_nodes++] = node_index(&ps, m.q);
            f->position = node_index(&ps, m.q);
            for (int k = 0; k < 2; k++)
                if (m.x_tensor[k] >= 0)
                    f->in_tensor[f->n_in++] = m.x_tensor[k];
            f->out_tensor = m.q->outputs[0];
            for (int k = 0; k < f->n_nodes; k++)
                ps.taken[f->nodes[k]] = 1;
            n++;
            break;
        }
    }
    free(ps.consumer);
    free(ps.taken);
    *out = groups;
    *n_out = n;
    return EB_OK;
fail:
    if (st == EB_ERR_NOMEM)
        snprintf(msg, msg_len, "%s: out of memory in the QDQ fusion pass", g->path);
    free(ps.consumer);
    free(ps.taken);
    eb_ref_fused_free(groups, n);
    return st;
}
