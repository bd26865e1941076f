/* Relu: y = max(x, 0), float32. */
#include "backends/ref/ref_op.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->dtype != EB_DT_F32) {
        snprintf(why, len, "only float32 input is supported");
        return 0;
    }
    return 1;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const float *in = x->in[0]->data;
    float *out = x->out[0]->data;
    size_t n = x->out[0]->nbytes / sizeof(float);
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] > 0.0f ? in[i] : 0.0f;
    return EB_OK;
}

const eb_ref_op eb_ref_op_relu = {.op_type = "Relu", .check = check, .run = run};
