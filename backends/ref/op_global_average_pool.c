/* GlobalAveragePool: y[n][c] = mean of x[n][c][...] over all spatial axes,
 * float32. */
#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!eb_ref_input_f32(g, n, 0, why, len))
        return 0;
    if (eb_node_input(g, n, 0)->rank < 3) {
        snprintf(why, len, "input must be N x C x spatial");
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_value *v = x->in[0];
    int64_t planes = v->dims[0] * v->dims[1], plane = 1;
    for (int d = 2; d < v->rank; d++)
        plane *= v->dims[d];
    const float *in = v->data;
    float *out = x->out[0]->data;
    for (int64_t p = 0; p < planes; p++, in += plane) {
        float sum = 0.0f;
        for (int64_t i = 0; i < plane; i++)
            sum += in[i];
        out[p] = plane ? sum / (float)plane : 0.0f;
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_global_average_pool = {
    .op_type = "GlobalAveragePool", .check = check, .run = run};
