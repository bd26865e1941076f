/* HardSigmoid: y = max(0, min(1, alpha * x + beta)), alpha 0.2 and beta 0.5
 * by default, float32. */
#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    return eb_ref_input_f32(g, n, 0, why, len);
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const float alpha = eb_node_attr_float(x->node, "alpha", 0.2f);
    const float beta = eb_node_attr_float(x->node, "beta", 0.5f);
    const float *in = x->in[0]->data;
    float *out = x->out[0]->data;
    size_t n = x->out[0]->nbytes / sizeof(float);
    for (size_t i = 0; i < n; i++) {
        float v = alpha * in[i] + beta;
        out[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_hard_sigmoid = {.op_type = "HardSigmoid", .check = check, .run = run};
