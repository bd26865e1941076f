/* LeakyRelu: y = x for x >= 0, alpha * x otherwise (alpha default 0.01), float32. */
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
    const float alpha = eb_node_attr_float(x->node, "alpha", 0.01f);
    const float *in = x->in[0]->data;
    float *out = x->out[0]->data;
    size_t n = x->out[0]->nbytes / sizeof(float);
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] >= 0.0f ? in[i] : alpha * in[i];
    return EB_OK;
}

const eb_ref_op eb_ref_op_leaky_relu = {.op_type = "LeakyRelu", .check = check, .run = run};
