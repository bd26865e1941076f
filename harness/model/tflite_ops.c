/* TFLite operators as IR nodes, one mapper per builtin operator, listed once
 * in `mappers` (an operator missing there is refused by its TFLite name).
 * Conv and pool run on the IR's NCHW ops with explicit pads (TFLite's SAME
 * padding computed here, the extra row or column at the end as TFLite puts
 * it); everything else keeps the file's NHWC semantics (axes unchanged). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/model/tflite_build.h"
#include "harness/model/tflite_schema.h"

typedef eb_status (*mapper)(eb_tfl *b, const eb_tfl_op *op);

/* Options table of the expected union type; 0 with defaults-only when the
 * operator has none (every option then takes the schema's default). */
static eb_status options(eb_tfl *b, const eb_tfl_op *op, int type, eb_fb_table *out)
{
    if (!op->has_options)
        return EB_OK;
    if (op->options_type != type)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "options are of union type %d, expected %d",
                            op->options_type, type);
    *out = op->options;
    return EB_OK;
}

/* Read an option; `ok` collects read failures (out-of-bounds fields). */
#define OPT_I32(tbl, has, id, dflt, var)                                                         \
    do {                                                                                         \
        var = (dflt);                                                                            \
        if ((has) && eb_fb_i32(&(tbl), (id), (dflt), &(var)) != 0)                              \
            return eb__tfl_fail(b, EB_ERR_FORMAT, "options: %s", b->fb.err);                     \
    } while (0)
#define OPT_U8(tbl, has, id, dflt, var)                                                          \
    do {                                                                                         \
        uint8_t v_ = (dflt);                                                                     \
        if ((has) && eb_fb_u8(&(tbl), (id), (dflt), &v_) != 0)                                  \
            return eb__tfl_fail(b, EB_ERR_FORMAT, "options: %s", b->fb.err);                     \
        var = v_;                                                                                \
    } while (0)

static eb_status need_io(eb_tfl *b, const eb_tfl_op *op, int min_in, int max_in)
{
    if (op->n_in < min_in || op->n_in > max_in || op->n_out != 1)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "has %d inputs and %d outputs, expected %d..%d and 1",
                            op->n_in, op->n_out, min_in, max_in);
    for (int k = 0; k < min_in; k++)
        if (op->in[k] < 0)
            return eb__tfl_fail(b, EB_ERR_FORMAT, "input %d is omitted but required", k);
    return EB_OK;
}

/* Pads of one spatial axis: TFLite's SAME puts the odd pixel at the end. */
static eb_status pad_of(eb_tfl *b, int padding, int64_t in, int64_t k, int64_t stride,
                        int64_t dil, int64_t *before, int64_t *after)
{
    if (stride < 1 || dil < 1 || k < 1 || stride > 65536 || dil > 65536 || k > 65536)
        return eb__tfl_fail(b, EB_ERR_FORMAT,
                            "stride %lld, dilation %lld or window %lld is outside 1..65536",
                            (long long)stride, (long long)dil, (long long)k);
    *before = *after = 0;
    if (padding == TFL_PADDING_VALID)
        return EB_OK;
    if (padding != TFL_PADDING_SAME)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "padding %d is neither SAME nor VALID", padding);
    int64_t out = (in + stride - 1) / stride;
    int64_t total = (out - 1) * stride + (k - 1) * dil + 1 - in;
    if (total > 0) {
        *before = total / 2;
        *after = total - *before;
    }
    return EB_OK;
}

/* The window attributes of a conv or pool (NCHW: H then W). */
static eb_status window_attrs(eb_tfl *b, int x, int padding, int64_t kh, int64_t kw, int64_t sh,
                              int64_t sw, int64_t dh, int64_t dw, int dil_attr)
{
    const eb_tfl_tensor *t = &b->t[x];
    if (t->rank != 4)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "input '%s' has rank %d, expected 4 (NHWC)",
                            t->name, t->rank);
    int64_t pads[4];
    eb_status st;
    if ((st = pad_of(b, padding, t->dims[1], kh, sh, dh, &pads[0], &pads[2])) != EB_OK ||
        (st = pad_of(b, padding, t->dims[2], kw, sw, dw, &pads[1], &pads[3])) != EB_OK)
        return st;
    int64_t k[2] = {kh, kw}, s[2] = {sh, sw}, d[2] = {dh, dw};
    if (eb__tfl_attr_ints(b, "kernel_shape", k, 2) || eb__tfl_attr_ints(b, "strides", s, 2) ||
        eb__tfl_attr_ints(b, "pads", pads, 4) || (dil_attr && eb__tfl_attr_ints(b, "dilations", d, 2)))
        return b->st;
    return EB_OK;
}

/* Bias: float32 constant, or int32 quantised -> DQ (per channel, axis 0). */
static int bias(eb_tfl *b, int ti, int64_t channels)
{
    eb_tfl_tensor *t = &b->t[ti];
    char nm[300];
    if (!t->data || t->rank != 1 || t->dims[0] != channels) {
        eb__tfl_fail(b, EB_ERR_FORMAT, "bias '%s' is not a constant of %lld values", t->name,
                     (long long)channels);
        return -1;
    }
    if (t->nq == 0)
        return eb__tfl_float(b, ti, EB_TFL_NHWC);
    int raw = eb__tfl_raw(b, ti, EB_TFL_NHWC);
    return raw < 0 ? -1 : eb__tfl_dq(b, ti, raw, 0, eb__tfl_name(b, ti, "/dq", nm, sizeof nm));
}

static eb_status conv_common(eb_tfl *b, const eb_tfl_op *op, int depthwise)
{
    eb_status st = need_io(b, op, 2, 3);
    if (st != EB_OK)
        return st;
    eb_fb_table o;
    int has = op->has_options;
    if ((st = options(b, op, depthwise ? TFL_OPT_DEPTHWISE_CONV2D : TFL_OPT_CONV2D, &o)) != EB_OK)
        return st;
    int padding, sw, sh, act, dw, dh, mult = 1;
    if (depthwise) {
        OPT_U8(o, has, TFL_DW_PADDING, 0, padding);
        OPT_I32(o, has, TFL_DW_STRIDE_W, 1, sw);
        OPT_I32(o, has, TFL_DW_STRIDE_H, 1, sh);
        OPT_I32(o, has, TFL_DW_MULTIPLIER, 1, mult);
        OPT_U8(o, has, TFL_DW_ACTIVATION, 0, act);
        OPT_I32(o, has, TFL_DW_DILATION_W, 1, dw);
        OPT_I32(o, has, TFL_DW_DILATION_H, 1, dh);
    } else {
        OPT_U8(o, has, TFL_CONV_PADDING, 0, padding);
        OPT_I32(o, has, TFL_CONV_STRIDE_W, 1, sw);
        OPT_I32(o, has, TFL_CONV_STRIDE_H, 1, sh);
        OPT_U8(o, has, TFL_CONV_ACTIVATION, 0, act);
        OPT_I32(o, has, TFL_CONV_DILATION_W, 1, dw);
        OPT_I32(o, has, TFL_CONV_DILATION_H, 1, dh);
    }
    const eb_tfl_tensor *xt = &b->t[op->in[0]], *wt = &b->t[op->in[1]];
    if (xt->rank != 4 || wt->rank != 4)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "input and weights must be rank 4 (NHWC, %s)",
                            depthwise ? "1HWO" : "OHWI");
    int64_t c = xt->dims[3], o_ch, group;
    if (depthwise) {
        /* 1HWO, O = C * multiplier: output channel o reads input channel o / multiplier,
         * which is ONNX's grouped conv with one group per input channel. */
        o_ch = wt->dims[3];
        group = c;
        if (wt->dims[0] != 1 || mult < 1 || o_ch != c * mult)
            return eb__tfl_fail(b, EB_ERR_FORMAT,
                                "depthwise weights %lldx%lldx%lldx%lld do not fit %lld input "
                                "channels with multiplier %d",
                                (long long)wt->dims[0], (long long)wt->dims[1],
                                (long long)wt->dims[2], (long long)wt->dims[3], (long long)c, mult);
    } else {
        o_ch = wt->dims[0];
        if (wt->dims[3] < 1 || c % wt->dims[3] != 0)
            return eb__tfl_fail(b, EB_ERR_FORMAT, "weights have %lld input channels for an input "
                                "of %lld", (long long)wt->dims[3], (long long)c);
        group = c / wt->dims[3];
    }
    static const int ohwi_to_oihw[4] = {0, 3, 1, 2}, ihwo_to_oihw[4] = {3, 0, 1, 2};
    int in[3];
    in[0] = eb__tfl_float(b, op->in[0], EB_TFL_NCHW);
    if (in[0] < 0 || (in[1] = eb__tfl_weight(b, op->in[1], depthwise ? ihwo_to_oihw : ohwi_to_oihw, 4)) < 0)
        return b->st;
    int n_in = 2;
    if (op->n_in > 2 && op->in[2] >= 0) {
        if ((in[2] = bias(b, op->in[2], o_ch)) < 0)
            return b->st;
        n_in = 3;
    }
    char nm[300];
    int y = eb__tfl_node(b, "Conv", in, n_in, eb__tfl_name(b, op->out[0], "/conv", nm, sizeof nm));
    if (y < 0 || eb__tfl_attr_int(b, "group", group) != 0)
        return b->st;
    if ((st = window_attrs(b, op->in[0], padding, wt->dims[1], wt->dims[2], sh, sw, dh, dw, 1)) != EB_OK)
        return st;
    return eb__tfl_finish(b, op->out[0], EB_TFL_NCHW, y, act);
}

static eb_status map_conv(eb_tfl *b, const eb_tfl_op *op) { return conv_common(b, op, 0); }
static eb_status map_depthwise(eb_tfl *b, const eb_tfl_op *op) { return conv_common(b, op, 1); }

static eb_status pool(eb_tfl *b, const eb_tfl_op *op, const char *onnx_op)
{
    eb_status st = need_io(b, op, 1, 1);
    eb_fb_table o;
    int has = op->has_options;
    if (st != EB_OK || (st = options(b, op, TFL_OPT_POOL2D, &o)) != EB_OK)
        return st;
    int padding, sw, sh, fw, fh, act;
    OPT_U8(o, has, TFL_POOL_PADDING, 0, padding);
    OPT_I32(o, has, TFL_POOL_STRIDE_W, 1, sw);
    OPT_I32(o, has, TFL_POOL_STRIDE_H, 1, sh);
    OPT_I32(o, has, TFL_POOL_FILTER_W, 0, fw);
    OPT_I32(o, has, TFL_POOL_FILTER_H, 0, fh);
    OPT_U8(o, has, TFL_POOL_ACTIVATION, 0, act);
    int x = eb__tfl_float(b, op->in[0], EB_TFL_NCHW);
    char nm[300];
    if (x < 0)
        return b->st;
    int y = eb__tfl_node(b, onnx_op, &x, 1, eb__tfl_name(b, op->out[0], "/pool", nm, sizeof nm));
    if (y < 0)
        return b->st;
    /* TFLite's average pool divides by the pixels inside the image, ONNX's
     * count_include_pad = 0 (the default) does the same. */
    if ((st = window_attrs(b, op->in[0], padding, fh, fw, sh, sw, 1, 1, 0)) != EB_OK)
        return st;
    return eb__tfl_finish(b, op->out[0], EB_TFL_NCHW, y, act);
}

static eb_status map_avg_pool(eb_tfl *b, const eb_tfl_op *op) { return pool(b, op, "AveragePool"); }
static eb_status map_max_pool(eb_tfl *b, const eb_tfl_op *op) { return pool(b, op, "MaxPool"); }

static eb_status map_fully_connected(eb_tfl *b, const eb_tfl_op *op)
{
    eb_status st = need_io(b, op, 2, 3);
    eb_fb_table o;
    int has = op->has_options;
    if (st != EB_OK || (st = options(b, op, TFL_OPT_FULLY_CONNECTED, &o)) != EB_OK)
        return st;
    int act, wformat, keep;
    OPT_U8(o, has, TFL_FC_ACTIVATION, 0, act);
    OPT_U8(o, has, TFL_FC_WEIGHTS_FORMAT, 0, wformat);
    OPT_U8(o, has, TFL_FC_KEEP_NUM_DIMS, 0, keep);
    const eb_tfl_tensor *xt = &b->t[op->in[0]], *wt = &b->t[op->in[1]];
    if (wformat != 0)
        return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "weights format %d (shuffled) is not supported",
                            wformat);
    if (wt->rank != 2 || wt->dims[1] < 1)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "weights '%s' must be rank 2 [out, in]", wt->name);
    if (keep && xt->rank != 2)
        return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "keep_num_dims with a rank-%d input is not "
                            "supported", xt->rank);
    /* TFLite flattens the input to [numel / in, in]: a Reshape of the stored
     * bytes (quantised ones stay quantised, so DQ -> Gemm stays a group). */
    char nm[300];
    int x = eb__tfl_raw(b, op->in[0], EB_TFL_NHWC);
    if (x < 0)
        return b->st;
    if (xt->rank != 2) {
        int64_t shape[2] = {-1, wt->dims[1]};
        int s = eb__tfl_const_i64(b, eb__tfl_name(b, op->out[0], "/flat_shape", nm, sizeof nm), shape, 2);
        int in[2] = {x, s};
        if (s < 0 || (x = eb__tfl_node(b, "Reshape", in, 2, eb__tfl_name(b, op->out[0], "/flat", nm, sizeof nm))) < 0)
            return b->st;
    }
    if (xt->nq) {
        if (xt->nq > 1)
            return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "input is quantised per channel");
        if ((x = eb__tfl_dq(b, op->in[0], x, 0, eb__tfl_name(b, op->out[0], "/flat/dq", nm, sizeof nm))) < 0)
            return b->st;
    } else if (xt->dtype != EB_DT_F32) {
        return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "input is %s without quantisation",
                            eb_dtype_name(xt->dtype));
    }
    static const int same[2] = {0, 1};
    int in[3] = {x, eb__tfl_weight(b, op->in[1], same, 2), -1};
    int n_in = 2;
    if (in[1] < 0)
        return b->st;
    if (op->n_in > 2 && op->in[2] >= 0) {
        if ((in[2] = bias(b, op->in[2], wt->dims[0])) < 0)
            return b->st;
        n_in = 3;
    }
    int y = eb__tfl_node(b, "Gemm", in, n_in, eb__tfl_name(b, op->out[0], "/gemm", nm, sizeof nm));
    if (y < 0 || eb__tfl_attr_int(b, "transB", 1) != 0)
        return b->st;
    return eb__tfl_finish(b, op->out[0], EB_TFL_NHWC, y, act);
}

/* Layout for an element-wise operator on `n` inputs: NCHW when every input
 * is rank 4 of one shape and already has an NCHW form (after convs), so a
 * residual add costs no transposes; else the file's NHWC. */
static int eltwise_layout(const eb_tfl *b, const int32_t *in, int n)
{
    for (int k = 0; k < n; k++) {
        const eb_tfl_tensor *t = &b->t[in[k]];
        if (t->rank != 4 || t->view[EB_TFL_NCHW][EB_TFL_RAW] < 0 ||
            memcmp(t->dims, b->t[in[0]].dims, sizeof t->dims) != 0)
            return EB_TFL_NHWC;
    }
    return EB_TFL_NCHW;
}

static eb_status binary(eb_tfl *b, const eb_tfl_op *op, const char *onnx_op, int opt_type)
{
    eb_status st = need_io(b, op, 2, 2);
    eb_fb_table o;
    int has = op->has_options, act;
    if (st != EB_OK || (st = options(b, op, opt_type, &o)) != EB_OK)
        return st;
    OPT_U8(o, has, TFL_ADD_ACTIVATION, 0, act);
    int layout = eltwise_layout(b, op->in, 2);
    int in[2] = {eb__tfl_float(b, op->in[0], layout), -1};
    if (in[0] < 0 || (in[1] = eb__tfl_float(b, op->in[1], layout)) < 0)
        return b->st;
    char nm[300];
    int y = eb__tfl_node(b, onnx_op, in, 2, eb__tfl_name(b, op->out[0], "/op", nm, sizeof nm));
    return y < 0 ? b->st : eb__tfl_finish(b, op->out[0], layout, y, act);
}

static eb_status map_add(eb_tfl *b, const eb_tfl_op *op) { return binary(b, op, "Add", TFL_OPT_ADD); }
static eb_status map_mul(eb_tfl *b, const eb_tfl_op *op) { return binary(b, op, "Mul", TFL_OPT_MUL); }

/* Element-wise unary operators map to an activation or an IR op. */
static eb_status unary(eb_tfl *b, const eb_tfl_op *op, const char *onnx_op, int act)
{
    eb_status st = need_io(b, op, 1, 1);
    if (st != EB_OK)
        return st;
    int layout = eltwise_layout(b, op->in, 1);
    int x = eb__tfl_float(b, op->in[0], layout);
    char nm[300];
    if (x < 0)
        return b->st;
    if (!onnx_op) { /* Relu / Clip through the activation, after an Identity so y is new */
        int y = eb__tfl_node(b, "Identity", &x, 1, eb__tfl_name(b, op->out[0], "/in", nm, sizeof nm));
        return y < 0 ? b->st : eb__tfl_finish(b, op->out[0], layout, y, act);
    }
    int y = eb__tfl_node(b, onnx_op, &x, 1, eb__tfl_name(b, op->out[0], "/op", nm, sizeof nm));
    return y < 0 ? b->st : eb__tfl_finish(b, op->out[0], layout, y, TFL_ACT_NONE);
}

static eb_status map_relu(eb_tfl *b, const eb_tfl_op *op) { return unary(b, op, "Relu", 0); }
static eb_status map_relu6(eb_tfl *b, const eb_tfl_op *op) { return unary(b, op, NULL, TFL_ACT_RELU6); }
static eb_status map_relu_n1(eb_tfl *b, const eb_tfl_op *op) { return unary(b, op, NULL, TFL_ACT_RELU_N1_TO_1); }
static eb_status map_logistic(eb_tfl *b, const eb_tfl_op *op) { return unary(b, op, "Sigmoid", 0); }
static eb_status map_tanh(eb_tfl *b, const eb_tfl_op *op) { return unary(b, op, "Tanh", 0); }
static eb_status map_hard_swish(eb_tfl *b, const eb_tfl_op *op) { return unary(b, op, "HardSwish", 0); }

/* QUANTIZE (float -> int8, or int8 -> int8 with new parameters) and
 * DEQUANTIZE: the closing Q / the opening DQ of the QDQ form. */
static eb_status map_quantize(eb_tfl *b, const eb_tfl_op *op)
{
    eb_status st = need_io(b, op, 1, 1);
    if (st != EB_OK)
        return st;
    if (b->t[op->out[0]].nq == 0)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "output '%s' has no quantisation parameters",
                            b->t[op->out[0]].name);
    int layout = eltwise_layout(b, op->in, 1);
    int x = eb__tfl_float(b, op->in[0], layout);
    return x < 0 ? b->st : eb__tfl_finish(b, op->out[0], layout, x, TFL_ACT_NONE);
}

static eb_status map_dequantize(eb_tfl *b, const eb_tfl_op *op)
{
    eb_status st = need_io(b, op, 1, 1);
    if (st != EB_OK)
        return st;
    const eb_tfl_tensor *xt = &b->t[op->in[0]];
    if (xt->nq == 0)
        return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "input '%s' is %s without quantisation "
                            "parameters (float16 weights are not supported)", xt->name,
                            eb_dtype_name(xt->dtype));
    int layout = eltwise_layout(b, op->in, 1);
    char nm[300];
    int x = eb__tfl_raw(b, op->in[0], layout);
    if (x < 0 || (x = eb__tfl_dq(b, op->in[0], x, 0, eb__tfl_name(b, op->out[0], "/dq", nm, sizeof nm))) < 0)
        return b->st;
    return eb__tfl_finish(b, op->out[0], layout, x, TFL_ACT_NONE);
}

/* int32 constant vector of tensor ti into v (at most `max`), its count. */
static int const_ints(eb_tfl *b, int ti, int64_t *v, int max)
{
    const eb_tfl_tensor *t = &b->t[ti];
    if (!t->data || (t->dtype != EB_DT_I32 && t->dtype != EB_DT_I64) || t->rank > 2) {
        eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "'%s' must be a constant int32 tensor", t->name);
        return -1;
    }
    size_t es = eb_dtype_size(t->dtype), n = t->nbytes / es;
    if (n > (size_t)max) {
        eb__tfl_fail(b, EB_ERR_FORMAT, "'%s' has %zu values, at most %d expected", t->name, n, max);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (es == 4) {
            int32_t x;
            memcpy(&x, t->data + i * 4, 4);
            v[i] = x;
        } else {
            memcpy(&v[i], t->data + i * 8, 8);
        }
    }
    return (int)n;
}

static int same_quant(const eb_tfl_tensor *a, const eb_tfl_tensor *c)
{
    return a->nq == 1 && c->nq == 1 && a->dtype == c->dtype && a->scale[0] == c->scale[0] &&
           a->zp[0] == c->zp[0];
}

static eb_status map_reshape(eb_tfl *b, const eb_tfl_op *op)
{
    eb_status st = need_io(b, op, 1, 2);
    eb_fb_table o;
    if (st != EB_OK || (st = options(b, op, TFL_OPT_RESHAPE, &o)) != EB_OK)
        return st;
    int64_t shape[EB_MAX_RANK];
    int n = -1;
    const eb_tfl_tensor *yt = &b->t[op->out[0]], *xt = &b->t[op->in[0]];
    if (op->n_in > 1 && op->in[1] >= 0 && b->t[op->in[1]].data) {
        n = const_ints(b, op->in[1], shape, EB_MAX_RANK);
        if (n < 0)
            return b->st;
    } else if (op->has_options && eb_fb_has(&o, TFL_RESHAPE_NEW_SHAPE)) {
        eb_fb_vec v;
        if (eb_fb_vector(&o, TFL_RESHAPE_NEW_SHAPE, 4, &v) < 0)
            return eb__tfl_fail(b, EB_ERR_FORMAT, "options: %s", b->fb.err);
        if (v.n > EB_MAX_RANK)
            return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "new shape of rank %u", v.n);
        n = (int)v.n;
        for (int i = 0; i < n; i++)
            shape[i] = eb_fb_vec_i32(&b->fb, &v, (uint32_t)i);
    } else {
        if (yt->rank < 0)
            return eb__tfl_fail(b, EB_ERR_FORMAT, "no shape input, option or output shape");
        n = yt->rank;
        memcpy(shape, yt->dims, (size_t)n * sizeof *shape);
    }
    char nm[300];
    int s = eb__tfl_const_i64(b, eb__tfl_name(b, op->out[0], "/shape", nm, sizeof nm), shape, n);
    if (s < 0)
        return b->st;
    if (xt->nq && same_quant(xt, yt) && !b->t[op->out[0]].available) {
        /* a copy of the quantised bytes (the IR's reshape group) */
        int in[2] = {eb__tfl_raw(b, op->in[0], EB_TFL_NHWC), s};
        if (in[0] < 0)
            return b->st;
        int y = eb__tfl_node(b, "Reshape", in, 2, yt->name);
        if (y < 0)
            return b->st;
        b->t[op->out[0]].view[EB_TFL_NHWC][EB_TFL_RAW] = y;
        b->t[op->out[0]].available = 1;
        return EB_OK;
    }
    int in[2] = {eb__tfl_float(b, op->in[0], EB_TFL_NHWC), s};
    if (in[0] < 0)
        return b->st;
    int y = eb__tfl_node(b, "Reshape", in, 2, eb__tfl_name(b, op->out[0], "/reshape", nm, sizeof nm));
    return y < 0 ? b->st : eb__tfl_finish(b, op->out[0], EB_TFL_NHWC, y, TFL_ACT_NONE);
}

static eb_status map_softmax(eb_tfl *b, const eb_tfl_op *op)
{
    eb_status st = need_io(b, op, 1, 1);
    eb_fb_table o;
    if (st != EB_OK || (st = options(b, op, TFL_OPT_SOFTMAX, &o)) != EB_OK)
        return st;
    float beta = 1.0f;
    if (op->has_options && eb_fb_f32(&o, TFL_SOFTMAX_BETA, 1.0f, &beta) != 0)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "options: %s", b->fb.err);
    if (!isfinite(beta))
        return eb__tfl_fail(b, EB_ERR_FORMAT, "beta is not finite");
    char nm[300];
    int x = eb__tfl_float(b, op->in[0], EB_TFL_NHWC);
    if (x < 0)
        return b->st;
    if (beta != 1.0f) { /* softmax(beta * x) */
        int in[2] = {x, eb__tfl_const_f32(b, eb__tfl_name(b, op->out[0], "/beta", nm, sizeof nm), beta)};
        if (in[1] < 0 || (x = eb__tfl_node(b, "Mul", in, 2, eb__tfl_name(b, op->out[0], "/scaled", nm, sizeof nm))) < 0)
            return b->st;
    }
    int y = eb__tfl_node(b, "Softmax", &x, 1, eb__tfl_name(b, op->out[0], "/softmax", nm, sizeof nm));
    if (y < 0 || eb__tfl_attr_int(b, "axis", -1) != 0)
        return b->st;
    return eb__tfl_finish(b, op->out[0], EB_TFL_NHWC, y, TFL_ACT_NONE);
}

static const int nhwc_to_nchw_axis[4] = {0, 2, 3, 1};

static eb_status map_concatenation(eb_tfl *b, const eb_tfl_op *op)
{
    eb_fb_table o;
    int has = op->has_options, axis, act;
    eb_status st = need_io(b, op, 1, 64);
    if (st != EB_OK || (st = options(b, op, TFL_OPT_CONCATENATION, &o)) != EB_OK)
        return st;
    OPT_I32(o, has, TFL_CONCAT_AXIS, 0, axis);
    OPT_U8(o, has, TFL_CONCAT_ACTIVATION, 0, act);
    int rank = b->t[op->out[0]].rank;
    for (int k = 0; k < op->n_in; k++)
        if (op->in[k] < 0)
            return eb__tfl_fail(b, EB_ERR_FORMAT, "input %d is omitted", k);
    if (axis < -rank || axis >= rank)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "axis %d outside the rank %d", axis, rank);
    if (axis < 0)
        axis += rank;
    /* inputs differ along the axis, so not eltwise_layout: NCHW when each
     * input already has an NCHW form */
    int layout = EB_TFL_NCHW;
    for (int k = 0; k < op->n_in; k++)
        if (b->t[op->in[k]].rank != 4 || b->t[op->in[k]].view[EB_TFL_NCHW][EB_TFL_RAW] < 0)
            layout = EB_TFL_NHWC;
    int in[64];
    for (int k = 0; k < op->n_in; k++)
        if ((in[k] = eb__tfl_float(b, op->in[k], layout)) < 0)
            return b->st;
    char nm[300];
    int y = eb__tfl_node(b, "Concat", in, op->n_in, eb__tfl_name(b, op->out[0], "/concat", nm, sizeof nm));
    if (y < 0 || eb__tfl_attr_int(b, "axis", layout == EB_TFL_NCHW ? nhwc_to_nchw_axis[axis] : axis) != 0)
        return b->st;
    return eb__tfl_finish(b, op->out[0], layout, y, act);
}

static eb_status map_pad(eb_tfl *b, const eb_tfl_op *op)
{
    eb_status st = need_io(b, op, 2, 2);
    if (st != EB_OK)
        return st;
    const eb_tfl_tensor *xt = &b->t[op->in[0]];
    int64_t p[2 * EB_MAX_RANK], pads[2 * EB_MAX_RANK];
    int n = const_ints(b, op->in[1], p, 2 * EB_MAX_RANK);
    if (n < 0)
        return b->st;
    if (n != 2 * xt->rank)
        return eb__tfl_fail(b, EB_ERR_FORMAT, "paddings hold %d values for a rank-%d input", n,
                            xt->rank);
    int layout = eltwise_layout(b, op->in, 1);
    for (int d = 0; d < xt->rank; d++) { /* [rank, 2] (before, after) -> ONNX [befores, afters] */
        int to = layout == EB_TFL_NCHW ? nhwc_to_nchw_axis[d] : d;
        if (p[2 * d] < 0 || p[2 * d + 1] < 0)
            return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "negative paddings are not supported");
        pads[to] = p[2 * d];
        pads[xt->rank + to] = p[2 * d + 1];
    }
    char nm[300];
    int in[2] = {eb__tfl_float(b, op->in[0], layout),
                 eb__tfl_const_i64(b, eb__tfl_name(b, op->out[0], "/pads", nm, sizeof nm), pads, 2 * xt->rank)};
    if (in[0] < 0 || in[1] < 0)
        return b->st;
    /* Pad with 0.0: quantised, Q(0) is the zero point, which is TFLite's padding */
    int y = eb__tfl_node(b, "Pad", in, 2, eb__tfl_name(b, op->out[0], "/pad", nm, sizeof nm));
    return y < 0 ? b->st : eb__tfl_finish(b, op->out[0], layout, y, TFL_ACT_NONE);
}

/* MEAN over H and W of an NHWC tensor: the IR's GlobalAveragePool (NCHW);
 * other axes are refused. */
static eb_status map_mean(eb_tfl *b, const eb_tfl_op *op)
{
    eb_status st = need_io(b, op, 2, 2);
    eb_fb_table o;
    int has = op->has_options, keep;
    if (st != EB_OK || (st = options(b, op, TFL_OPT_REDUCER, &o)) != EB_OK)
        return st;
    OPT_U8(o, has, TFL_REDUCER_KEEP_DIMS, 0, keep);
    const eb_tfl_tensor *xt = &b->t[op->in[0]];
    int64_t axes[EB_MAX_RANK];
    int n = const_ints(b, op->in[1], axes, EB_MAX_RANK);
    if (n < 0)
        return b->st;
    int h = 0, w = 0;
    for (int i = 0; i < n; i++) {
        int64_t a = axes[i] < 0 ? axes[i] + xt->rank : axes[i];
        h += a == 1;
        w += a == 2;
    }
    if (xt->rank != 4 || n != 2 || h != 1 || w != 1)
        return eb__tfl_fail(b, EB_ERR_UNSUPPORTED,
                            "only the mean over H and W (axes 1 and 2) of an NHWC tensor is "
                            "supported");
    char nm[300];
    int x = eb__tfl_float(b, op->in[0], EB_TFL_NCHW);
    if (x < 0)
        return b->st;
    int y = eb__tfl_node(b, "GlobalAveragePool", &x, 1, eb__tfl_name(b, op->out[0], "/gap", nm, sizeof nm));
    if (y < 0)
        return b->st;
    if (keep)
        return eb__tfl_finish(b, op->out[0], EB_TFL_NCHW, y, TFL_ACT_NONE);
    int64_t shape[2] = {xt->dims[0], xt->dims[3]};
    int in[2] = {y, eb__tfl_const_i64(b, eb__tfl_name(b, op->out[0], "/shape", nm, sizeof nm), shape, 2)};
    if (in[1] < 0 || (y = eb__tfl_node(b, "Reshape", in, 2, eb__tfl_name(b, op->out[0], "/mean", nm, sizeof nm))) < 0)
        return b->st;
    return eb__tfl_finish(b, op->out[0], EB_TFL_NHWC, y, TFL_ACT_NONE);
}

static const struct {
    int code;
    mapper fn;
} mappers[] = {
    {TFL_ADD, map_add},
    {TFL_AVERAGE_POOL_2D, map_avg_pool},
    {TFL_CONCATENATION, map_concatenation},
    {TFL_CONV_2D, map_conv},
    {TFL_DEPTHWISE_CONV_2D, map_depthwise},
    {TFL_DEQUANTIZE, map_dequantize},
    {TFL_FULLY_CONNECTED, map_fully_connected},
    {TFL_LOGISTIC, map_logistic},
    {TFL_MAX_POOL_2D, map_max_pool},
    {TFL_MUL, map_mul},
    {TFL_RELU, map_relu},
    {TFL_RELU_N1_TO_1, map_relu_n1},
    {TFL_RELU6, map_relu6},
    {TFL_RESHAPE, map_reshape},
    {TFL_SOFTMAX, map_softmax},
    {TFL_TANH, map_tanh},
    {TFL_PAD, map_pad},
    {TFL_MEAN, map_mean},
    {TFL_QUANTIZE, map_quantize},
    {TFL_HARD_SWISH, map_hard_swish},
};

eb_status eb__tfl_map_op(eb_tfl *b, const eb_tfl_op *op)
{
    for (size_t i = 0; i < sizeof mappers / sizeof mappers[0]; i++)
        if (mappers[i].code == op->code)
            return mappers[i].fn(b, op);
    return eb__tfl_fail(b, EB_ERR_UNSUPPORTED, "operator %s is not supported by edgebench's "
                        "TFLite import (docs/tflite.md lists what is)", b->op_name);
}
