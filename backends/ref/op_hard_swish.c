/* HardSwish: y = x * max(0, min(1, x / 6 + 0.5)), float32. */
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
    /* ONNX defines it as x * HardSigmoid(x) with alpha = 1/6, beta = 0.5;
     * multiplying by the rounded 1/6 keeps the two forms bit-identical. */
    const float alpha = 1.0f / 6.0f;
    const float *in = x->in[0]->data;
    float *out = x->out[0]->data;
    size_t n = x->out[0]->nbytes / sizeof(float);
    for (size_t i = 0; i < n; i++) {
        float v = alpha * in[i] + 0.5f;
        v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        out[i] = in[i] * v;
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_hard_swish = {.op_type = "HardSwish", .check = check, .run = run};
