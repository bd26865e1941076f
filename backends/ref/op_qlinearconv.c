/* QLinearConv: quantised convolution with groups (depthwise included),
 * strides, pads, dilations and auto_pad, 1 to 3 spatial dims; uint8 / int8
 * activations and weights in any combination; per-tensor or per-output-
 * channel weight scales and zero points; optional int32 bias.
 *
 * When every quantisation parameter and the weight are load-time constants
 * (the normal case) prepare centres the weights and computes the per-channel
 * multipliers once. Otherwise (the ONNX conformance tests feed them as graph
 * inputs) run does the same into scratch space asked for at prepare. */
#include <stdlib.h>

#include "backends/ref/ref_op.h"
#include "backends/ref/ref_q8.h"

enum { X, X_SCALE, X_ZP, W, W_SCALE, W_ZP, Y_SCALE, Y_ZP, BIAS };

typedef struct qconv_state {
    eb_ref_conv_q8_params p; /* geometry and types; w/mult/zps when constant */
    int constant;            /* 1: p is complete but for the bias pointer */
    size_t w_count;          /* elements of the weight */
    size_t mult_offset;      /* scratch layout: [weights, multipliers] when not */
    size_t conv_offset;      /* constant, then the kernel's own scratch */
    int16_t *w_owned;
    float *mult_owned;
} qconv_state;

static int is_q8(const eb_tensor *t) { return t && (t->dtype == EB_DT_U8 || t->dtype == EB_DT_I8); }

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, X), *w = eb_node_input(g, n, W);
    const eb_tensor *y = eb_node_output(g, n, 0), *b = eb_node_input(g, n, BIAS);
    if (!is_q8(x) || !is_q8(w) || !is_q8(y)) {
        snprintf(why, len, "x, w and y must be uint8 or int8");
        return 0;
    }
    if (x->rank < 3 || x->rank > 5) {
        snprintf(why, len, "only 1 to 3 spatial dims are supported (input rank %d)", x->rank);
        return 0;
    }
    static const int scalar[] = {X_SCALE, X_ZP, Y_SCALE, Y_ZP};
    for (int i = 0; i < 4; i++) {
        const eb_tensor *t = eb_node_input(g, n, scalar[i]);
        if (t && t->numel != 1) {
            snprintf(why, len, "'%s' must be a scalar (per-tensor)", t->name);
            return 0;
        }
    }
    const eb_tensor *ws = eb_node_input(g, n, W_SCALE), *wz = eb_node_input(g, n, W_ZP);
    int64_t m = w->dims[0];
    if (!ws || ws->dtype != EB_DT_F32 || (ws->numel != 1 && ws->numel != m) ||
        (wz && wz->numel != 1 && wz->numel != m)) {
        snprintf(why, len, "w_scale / w_zero_point must have 1 or %lld values", (long long)m);
        return 0;
    }
    const eb_tensor *xs = eb_node_input(g, n, X_SCALE), *ys = eb_node_input(g, n, Y_SCALE);
    if (!xs || !ys || xs->dtype != EB_DT_F32 || ys->dtype != EB_DT_F32) {
        snprintf(why, len, "x_scale and y_scale must be float32");
        return 0;
    }
    if (b && b->dtype != EB_DT_I32) {
        snprintf(why, len, "bias must be int32");
        return 0;
    }
    return 1;
}

static int all_const(const eb_graph *g, const eb_node *n)
{
    for (int k = X_SCALE; k <= Y_ZP; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (t && !t->data)
            return 0;
    }
    return 1;
}

/* Multipliers and centred weights from the parameter values in `in`. */
static void bake(const eb_value *const *in, int n_inputs, int64_t m, size_t w_count,
                 int16_t *w_out, float *mult_out)
{
    eb_ref_qparams wq;
    eb_ref_qparams_values(in[W_SCALE], n_inputs > W_ZP ? in[W_ZP] : NULL, 0, &wq);
    /* m is 0 only for an empty weight tensor: nothing to centre */
    eb_ref_q8_center(in[W]->data, in[W]->dtype, 1, m, m > 0 ? (int64_t)w_count / m : 0, &wq,
                     w_out);
    float sx = *(const float *)in[X_SCALE]->data, sy = *(const float *)in[Y_SCALE]->data;
    for (int64_t c = 0; c < m; c++)
        mult_out[c] = eb_ref_requant_multiplier(sx, eb_ref_qp_scale(&wq, c), sy);
}

static int32_t zp_of(const eb_value *v)
{
    return v ? eb_ref_q8_get(v->data, v->dtype, 0) : 0;
}

static void fill_zps(eb_ref_conv_q8_params *p, const eb_value *const *in, int n_inputs)
{
    p->x_zp = zp_of(n_inputs > X_ZP ? in[X_ZP] : NULL);
    p->y_zp = zp_of(n_inputs > Y_ZP ? in[Y_ZP] : NULL);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, X), *w = eb_node_input(g, n, W);
    qconv_state *s = calloc(1, sizeof *s);
    if (!s) {
        EB_REF_FAIL(msg, len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    eb_status st = eb_window_resolve(g, n, x, w, &s->p.win, msg, len);
    if (st != EB_OK) {
        free(s);
        return st;
    }
    eb_ref_conv_q8_params *p = &s->p;
    p->batch = x->dims[0];
    p->in_channels = x->dims[1];
    p->out_channels = w->dims[0];
    p->group = eb_node_attr_int(n, "group", 1);
    p->x_dtype = x->dtype;
    p->y_dtype = eb_node_output(g, n, 0)->dtype;
    eb_ref_q8_range(p->y_dtype, &p->y_min, &p->y_max);
    s->w_count = (size_t)w->numel;
    s->constant = all_const(g, n) && w->data;
    if (s->constant) {
        /* Values of constants are their graph data: view them as eb_values. */
        eb_value v[BIAS] = {{0}};
        const eb_value *in[BIAS] = {0};
        for (int k = X_SCALE; k < BIAS; k++) {
            const eb_tensor *t = eb_node_input(g, n, k);
            if (!t)
                continue;
            v[k] = (eb_value){.dtype = t->dtype, .rank = t->rank, .data = t->data};
            for (int d = 0; d < t->rank; d++)
                v[k].dims[d] = t->dims[d];
            in[k] = &v[k];
        }
        eb_ref_qparams xq, wq, yq;
        if (!eb_ref_qparams_const(g, n, X_SCALE, X_ZP, x->rank, &xq) ||
            !eb_ref_qparams_const(g, n, W_SCALE, W_ZP, w->rank, &wq) ||
            !eb_ref_qparams_const(g, n, Y_SCALE, Y_ZP, x->rank, &yq) ||
            !eb_ref_qparams_valid(&xq) || !eb_ref_qparams_valid(&wq) ||
            !eb_ref_qparams_valid(&yq)) {
            EB_REF_FAIL(msg, len, n, "scales must be positive normal floats");
            free(s);
            return EB_ERR_INVALID_ARG;
        }
        s->w_owned = malloc(s->w_count * sizeof *s->w_owned + 1);
        s->mult_owned = malloc((size_t)p->out_channels * sizeof *s->mult_owned + 1);
        if (!s->w_owned || !s->mult_owned) {
            free(s->w_owned);
            free(s->mult_owned);
            free(s);
            EB_REF_FAIL(msg, len, n, "out of memory");
            return EB_ERR_NOMEM;
        }
        bake(in, BIAS, p->out_channels, s->w_count, s->w_owned, s->mult_owned);
        fill_zps(p, in, BIAS);
        p->w = s->w_owned;
        p->mult = s->mult_owned;
    } else {
        size_t w_bytes = (s->w_count * sizeof(int16_t) + 15) & ~(size_t)15;
        s->mult_offset = w_bytes;
        s->conv_offset = w_bytes + (((size_t)p->out_channels * sizeof(float) + 15) & ~(size_t)15);
    }
    *scratch = s->conv_offset + eb_ref_conv_q8_scratch_bytes(p);
    *state = s;
    return EB_OK;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const qconv_state *s = x->state;
    eb_ref_conv_q8_params p = s->p;
    const eb_value *const *in = (const eb_value *const *)x->in;
    int n_in = x->node->n_inputs;
    if (!s->constant) {
        int16_t *w = x->scratch;
        float *mult = (float *)((char *)x->scratch + s->mult_offset);
        bake(in, n_in, p.out_channels, s->w_count, w, mult);
        fill_zps(&p, in, n_in);
        p.w = w;
        p.mult = mult;
    }
    p.bias = n_in > BIAS && in[BIAS] ? in[BIAS]->data : NULL;
    eb_ref_conv_q8(&p, in[X]->data, x->out[0]->data, (char *)x->scratch + s->conv_offset);
    return EB_OK;
}

static void release(void *state)
{
    qconv_state *s = state;
    if (!s)
        return;
    free(s->w_owned);
    free(s->mult_owned);
    free(s);
}

const eb_ref_op eb_ref_op_qlinearconv = {.op_type = "QLinearConv",
                                         .check = check,
                                         .prepare = prepare,
                                         .run = run,
                                         .release = release};
