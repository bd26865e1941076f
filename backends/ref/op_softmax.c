/* Softmax, float32.
 *
 * Opset < 13 flattens the input to 2-D at `axis` (default 1) and normalises
 * each row over all trailing axes together; opset >= 13 normalises along the
 * single axis `axis` (default -1). Both are "outer x n x inner" with the sum
 * over n: inner is 1 for the old form. The maximum is subtracted first so
 * exp never overflows. */
#include <math.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static int resolve(const eb_node *n, int rank, int64_t *axis)
{
    int64_t a = eb_node_attr_int(n, "axis", n->opset >= 13 ? -1 : 1);
    if (a < 0)
        a += rank;
    *axis = a;
    return (a >= 0 && a < rank) || (rank == 0 && a == 0) ? 0 : -1;
}

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!eb_ref_input_f32(g, n, 0, why, len))
        return 0;
    int64_t axis;
    if (resolve(n, eb_node_input(g, n, 0)->rank, &axis) != 0) {
        snprintf(why, len, "axis is out of range");
        return 0;
    }
    return 1;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_value *v = x->in[0];
    int64_t axis;
    resolve(x->node, v->rank, &axis);
    int64_t outer = 1, mid = 1, inner = 1;
    for (int d = 0; d < v->rank; d++) {
        if (d < axis)
            outer *= v->dims[d];
        else if (d == axis || x->node->opset < 13)
            mid *= v->dims[d];
        else
            inner *= v->dims[d];
    }
    const float *in = v->data;
    float *out = x->out[0]->data;
    for (int64_t o = 0; o < outer; o++) {
        for (int64_t i = 0; i < inner; i++) {
            const float *src = in + o * mid * inner + i;
            float *dst = out + o * mid * inner + i;
            float mx = -INFINITY;
            for (int64_t k = 0; k < mid; k++)
                mx = src[k * inner] > mx ? src[k * inner] : mx;
            float sum = 0.0f;
            for (int64_t k = 0; k < mid; k++) {
                float e = expf(src[k * inner] - mx);
                dst[k * inner] = e;
                sum += e;
            }
            float inv = 1.0f / sum;
            for (int64_t k = 0; k < mid; k++)
                dst[k * inner] *= inv;
        }
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_softmax = {.op_type = "Softmax", .check = check, .run = run};
