/* BatchNormalization in inference mode, float32:
 *   y = scale * (x - mean) / sqrt(var + epsilon) + bias, per channel (axis 1).
 * Training mode (opset 14+ training_mode=1, or the running-statistics outputs
 * of older opsets) is refused: it computes batch statistics, not this. Old
 * opsets' is_test is ignored: with Y as the only output the node can only
 * mean inference, which is what ONNX Runtime does too. */
#include <math.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    for (int k = 0; k < 5; k++)
        if (!eb_ref_input_f32(g, n, k, why, len))
            return 0;
    if (eb_node_attr_int(n, "training_mode", 0) != 0) {
        snprintf(why, len, "training_mode=1 (batch statistics) is not supported; inference "
                           "mode only");
        return 0;
    }
    if (eb_node_attr_int(n, "spatial", 1) != 1) {
        snprintf(why, len, "spatial=0 (per-activation statistics) is not supported");
        return 0;
    }
    for (int o = 1; o < n->n_outputs; o++)
        if (eb_node_output(g, n, o)) {
            snprintf(why, len, "output #%d (a training statistic) is not supported; inference "
                               "mode has only Y", o);
            return 0;
        }
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (x->rank < 2) {
        snprintf(why, len, "input must be N x C x ..., has rank %d", x->rank);
        return 0;
    }
    for (int k = 1; k < 5; k++) {
        const eb_tensor *p = eb_node_input(g, n, k);
        if (p->numel != x->dims[1]) {
            snprintf(why, len, "'%s' must have one value per channel", p->name);
            return 0;
        }
    }
    return 1;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_value *v = x->in[0];
    const float *scale = x->in[1]->data, *bias = x->in[2]->data;
    const float *mean = x->in[3]->data, *var = x->in[4]->data;
    const float eps = eb_node_attr_float(x->node, "epsilon", 1e-5f);
    int64_t nb = v->dims[0], c = v->dims[1], plane = 1;
    for (int d = 2; d < v->rank; d++)
        plane *= v->dims[d];
    const float *in = v->data;
    float *out = x->out[0]->data;
    for (int64_t ch = 0; ch < c; ch++) {
        /* y = a * x + b with a, b folded once per channel */
        float a = scale[ch] / sqrtf(var[ch] + eps);
        float b = bias[ch] - a * mean[ch];
        for (int64_t i = 0; i < nb; i++) {
            const float *src = in + (i * c + ch) * plane;
            float *dst = out + (i * c + ch) * plane;
            for (int64_t j = 0; j < plane; j++)
                dst[j] = a * src[j] + b;
        }
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_batch_normalization = {
    .op_type = "BatchNormalization", .check = check, .run = run};
