/* QuantizeLinear: y = saturate(rint(x / y_scale) + y_zero_point), float32 to
 * uint8 / int8, per tensor or per axis (opset 13). The rounding is the shared
 * rule of requant_s32.h, so a fused group and this op quantise alike. */
#include "backends/ref/ref_op.h"
#include "backends/ref/ref_q8.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0), *s = eb_node_input(g, n, 1);
    const eb_tensor *z = eb_node_input(g, n, 2), *y = eb_node_output(g, n, 0);
    if (!x || x->dtype != EB_DT_F32) {
        snprintf(why, len, "only float32 input is supported");
        return 0;
    }
    if (!s || s->dtype != EB_DT_F32) {
        snprintf(why, len, "y_scale must be float32");
        return 0;
    }
    if (!y || (y->dtype != EB_DT_U8 && y->dtype != EB_DT_I8) || (z && z->dtype != y->dtype)) {
        snprintf(why, len, "only uint8 / int8 outputs are supported");
        return 0;
    }
    if (eb_node_attr_int(n, "block_size", 0) != 0) {
        snprintf(why, len, "blocked quantisation is not supported");
        return 0;
    }
    return 1;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_value *in = x->in[0], *out = x->out[0];
    int axis = (int)eb_node_attr_int(x->node, "axis", 1);
    if (axis < 0)
        axis += in->rank;
    eb_ref_qparams q;
    eb_ref_qparams_values(x->in[1], x->node->n_inputs > 2 ? x->in[2] : NULL, axis, &q);
    int32_t qmin, qmax;
    eb_ref_q8_range(out->dtype, &qmin, &qmax);
    /* [outer][channels][inner] around the quantisation axis */
    int64_t outer = 1, channels = 1, inner = 1;
    for (int d = 0; d < in->rank; d++) {
        if (q.axis < 0 || d > q.axis)
            inner *= in->dims[d];
        else if (d == q.axis)
            channels = in->dims[d];
        else
            outer *= in->dims[d];
    }
    const float *src = in->data;
    int64_t i = 0;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t c = 0; c < channels; c++) {
            float s = eb_ref_qp_scale(&q, c);
            int32_t z = eb_ref_qp_zp(&q, c);
            for (int64_t k = 0; k < inner; k++, i++)
                eb_ref_q8_put(out->data, out->dtype, i,
                              eb_ref_quantize_f32(src[i], s, z, qmin, qmax));
        }
    return EB_OK;
}

const eb_ref_op eb_ref_op_quantizelinear = {
    .op_type = "QuantizeLinear", .check = check, .run = run};
