/* AveragePool: the mean of each window, N-d, float32, with strides, pads,
 * auto_pad, ceil_mode and count_include_pad.
 *
 * The divisor follows ONNX Runtime: without count_include_pad it is the
 * number of real input elements in the window; with it, the window is
 * clipped to the padded input (begin pad .. input + end pad) and padding
 * counts, so a ceil_mode window running past the end pad is not charged for
 * positions that exist in neither. Dilations (an opset 19 attribute) other
 * than 1 are refused. */
#include <stdlib.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"
#include "edgebench/window.h"

typedef struct pool_plan {
    eb_window w;
    int64_t planes; /* N * C */
    int64_t in_plane, out_plane;
    int64_t in_stride[EB_MAX_SPATIAL];
    int count_pad;
} pool_plan;

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!eb_ref_input_f32(g, n, 0, why, len))
        return 0;
    eb_window w;
    char msg[256];
    if (eb_window_resolve(g, n, eb_node_input(g, n, 0), NULL, &w, msg, sizeof msg) != EB_OK) {
        snprintf(why, len, "%s", msg);
        return 0;
    }
    for (int i = 0; i < w.n_spatial; i++)
        if (w.dilation[i] != 1) {
            snprintf(why, len, "dilations other than 1 are not supported");
            return 0;
        }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    *scratch = 0;
    pool_plan *p = calloc(1, sizeof *p);
    if (!p) {
        EB_REF_FAIL(msg, len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    eb_status st = eb_window_resolve(g, n, x, NULL, &p->w, msg, len);
    if (st != EB_OK) {
        free(p);
        return st;
    }
    p->planes = x->dims[0] * x->dims[1];
    p->in_plane = p->out_plane = 1;
    for (int i = p->w.n_spatial - 1; i >= 0; i--) {
        p->in_stride[i] = p->in_plane;
        p->in_plane *= p->w.in[i];
        p->out_plane *= p->w.out[i];
    }
    p->count_pad = eb_node_attr_int(n, "count_include_pad", 0) != 0;
    *state = p;
    return EB_OK;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const pool_plan *p = x->state;
    const eb_window *w = &p->w;
    const int ns = w->n_spatial;
    const float *in = x->in[0]->data;
    float *y = x->out[0]->data;
    for (int64_t c = 0; c < p->planes; c++, in += p->in_plane) {
        int64_t o[EB_MAX_SPATIAL] = {0};
        for (int64_t j = 0; j < p->out_plane; j++) {
            /* per axis: the window clipped to the input [lo, hi) */
            int64_t lo[EB_MAX_SPATIAL], hi[EB_MAX_SPATIAL], q[EB_MAX_SPATIAL];
            int64_t count = 1, padded = 1;
            for (int i = 0; i < ns; i++) {
                int64_t s = o[i] * w->stride[i] - w->pad_begin[i];
                int64_t e = s + w->kernel[i];
                int64_t pe = w->in[i] + w->pad_end[i];
                padded *= (e < pe ? e : pe) - s;
                lo[i] = s > 0 ? s : 0;
                hi[i] = e < w->in[i] ? e : w->in[i];
                if (hi[i] < lo[i])
                    hi[i] = lo[i];
                count *= hi[i] - lo[i];
                q[i] = lo[i];
            }
            float sum = 0.0f;
            while (count > 0) {
                int64_t off = 0;
                for (int i = 0; i < ns - 1; i++)
                    off += q[i] * p->in_stride[i];
                const float *row = in + off;
                for (int64_t t = lo[ns - 1]; t < hi[ns - 1]; t++)
                    sum += row[t];
                int i = ns - 2;
                for (; i >= 0; i--) {
                    if (++q[i] < hi[i])
                        break;
                    q[i] = lo[i];
                }
                if (i < 0)
                    break;
            }
            int64_t div = p->count_pad ? padded : count;
            y[c * p->out_plane + j] = div > 0 ? sum / (float)div : 0.0f;
            for (int i = ns - 1; i >= 0; i--) {
                if (++o[i] < w->out[i])
                    break;
                o[i] = 0;
            }
        }
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_average_pool = {
    .op_type = "AveragePool", .check = check, .prepare = prepare, .run = run, .release = free};
