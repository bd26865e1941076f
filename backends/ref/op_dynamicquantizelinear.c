/* DynamicQuantizeLinear: uint8 quantisation with parameters computed from
 * the data (opset 11), the front half of a dynamically quantised MatMul:
 *   scale = (max(0, max x) - min(0, min x)) / 255        float32
 *   zp    = q_round(0 - min(0, min x) / scale)            in [0, 255]
 *   y     = q_round(x / scale) + zp                       the shared rule
 * An all-zero input gives scale 0, zero point 0 and y 0. */
#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"
#include "backends/ref/ref_q8.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->dtype != EB_DT_F32) {
        snprintf(why, len, "only float32 input is supported");
        return 0;
    }
    if (n->n_outputs != 3) {
        snprintf(why, len, "needs its three outputs");
        return 0;
    }
    if (!eb_ref_outputs_known(g, n, why, len))
        return 0;
    const eb_tensor *y = eb_node_output(g, n, 0), *s = eb_node_output(g, n, 1);
    const eb_tensor *z = eb_node_output(g, n, 2);
    if (!y || !s || !z || y->dtype != EB_DT_U8 || s->dtype != EB_DT_F32 || z->dtype != EB_DT_U8 ||
        y->numel != x->numel || s->numel != 1 || z->numel != 1) {
        snprintf(why, len, "outputs must be uint8 y like x, float32 and uint8 scalars");
        return 0;
    }
    return 1;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const float *in = x->in[0]->data;
    int64_t n = (int64_t)(x->in[0]->nbytes / sizeof(float));
    float lo = 0.0f, hi = 0.0f; /* the range always includes 0 */
    for (int64_t i = 0; i < n; i++) {
        lo = in[i] < lo ? in[i] : lo;
        hi = in[i] > hi ? in[i] : hi;
    }
    float scale = (hi - lo) / 255.0f;
    int32_t zp = 0;
    if (scale > 0.0f)
        zp = eb_ref_q_round(0.0f - lo / scale, 0, 0, 255);
    uint8_t *y = x->out[0]->data;
    for (int64_t i = 0; i < n; i++)
        y[i] = scale > 0.0f ? (uint8_t)eb_ref_quantize_f32(in[i], scale, zp, 0, 255) : 0;
    *(float *)x->out[1]->data = scale;
    *(uint8_t *)x->out[2]->data = (uint8_t)zp;
    return EB_OK;
}

const eb_ref_op eb_ref_op_dynamicquantizelinear = {
    .op_type = "DynamicQuantizeLinear", .check = check, .run = run};
