/* Sigmoid: y = 1 / (1 + exp(-x)), float32. */
#include <math.h>

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
    const float *in = x->in[0]->data;
    float *out = x->out[0]->data;
    size_t n = x->out[0]->nbytes / sizeof(float);
    for (size_t i = 0; i < n; i++) {
        /* exp of a non-positive argument only: no overflow for large |x| */
        float e = expf(-fabsf(in[i]));
        out[i] = in[i] >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_sigmoid = {.op_type = "Sigmoid", .check = check, .run = run};
