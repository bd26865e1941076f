/* MaxPool: the largest element of each window, N-d, float32 / uint8 / int8,
 * with strides, dilations, pads, auto_pad and ceil_mode (window geometry from
 * eb_window_resolve), and the optional Indices output.
 *
 * Padding never wins: only real input elements are compared, and the first
 * maximum in row-major window order is kept. Indices are flattened over the
 * whole input (N, C included) as ONNX specifies: spatial position row-major
 * for storage_order 0, column-major (first spatial axis fastest) for 1. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"
#include "edgebench/window.h"

typedef struct pool_plan {
    eb_window w;
    int64_t planes;                   /* N * C */
    int64_t in_plane, out_plane;
    int64_t in_stride[EB_MAX_SPATIAL]; /* row-major strides of one input plane */
    int64_t index_stride[EB_MAX_SPATIAL]; /* the same in Indices' storage order */
} pool_plan;

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->rank < 0) {
        snprintf(why, len, "input has no known shape");
        return 0;
    }
    if (x->dtype != EB_DT_F32 && x->dtype != EB_DT_U8 && x->dtype != EB_DT_I8) {
        snprintf(why, len, "%s input is not supported (float32, uint8, int8 are)",
                 eb_dtype_name(x->dtype));
        return 0;
    }
    int64_t so = eb_node_attr_int(n, "storage_order", 0);
    if (so != 0 && so != 1) {
        snprintf(why, len, "storage_order %lld is not 0 or 1", (long long)so);
        return 0;
    }
    eb_window w;
    char msg[256];
    if (eb_window_resolve(g, n, x, NULL, &w, msg, sizeof msg) != EB_OK) {
        snprintf(why, len, "%s", msg);
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
    int ns = p->w.n_spatial;
    p->planes = x->dims[0] * x->dims[1];
    p->in_plane = p->out_plane = 1;
    for (int i = ns - 1; i >= 0; i--) {
        p->in_stride[i] = p->in_plane;
        p->in_plane *= p->w.in[i];
        p->out_plane *= p->w.out[i];
    }
    int col_major = eb_node_attr_int(n, "storage_order", 0) == 1;
    int64_t s = 1;
    for (int i = 0; i < ns; i++) {
        int a = col_major ? i : ns - 1 - i;
        p->index_stride[a] = s;
        s *= p->w.in[a];
    }
    *state = p;
    return EB_OK;
}

/* For output coordinate o along axis i: the first input coordinate of the
 * window and the range [lo, hi) of kernel taps that land inside the input. */
static void taps(const eb_window *w, int i, int64_t o, int64_t *start, int64_t *lo, int64_t *hi)
{
    int64_t s = o * w->stride[i] - w->pad_begin[i], d = w->dilation[i];
    int64_t l = s >= 0 ? 0 : (-s + d - 1) / d;
    int64_t h = w->in[i] - s <= 0 ? 0 : (w->in[i] - s + d - 1) / d;
    if (h > w->kernel[i])
        h = w->kernel[i];
    *start = s;
    *lo = l;
    *hi = h > l ? h : l;
}

#define MAX_POOL(NAME, T, LOWEST)                                                            \
    static void NAME(const pool_plan *p, const T *x, T *y, int64_t *ind)                     \
    {                                                                                        \
        const eb_window *w = &p->w;                                                          \
        const int ns = w->n_spatial;                                                         \
        for (int64_t c = 0; c < p->planes; c++, x += p->in_plane) {                          \
            int64_t o[EB_MAX_SPATIAL] = {0};                                                 \
            for (int64_t j = 0; j < p->out_plane; j++) {                                     \
                int64_t start[EB_MAX_SPATIAL], lo[EB_MAX_SPATIAL], hi[EB_MAX_SPATIAL];       \
                int64_t k[EB_MAX_SPATIAL];                                                   \
                int empty = 0;                                                               \
                for (int i = 0; i < ns; i++) {                                               \
                    taps(w, i, o[i], &start[i], &lo[i], &hi[i]);                             \
                    k[i] = lo[i];                                                            \
                    empty |= lo[i] >= hi[i];                                                 \
                }                                                                            \
                T best = LOWEST;                                                             \
                int64_t best_at = -1;                                                        \
                while (!empty) {                                                             \
                    int64_t off = 0, at = 0;                                                 \
                    for (int i = 0; i < ns; i++) {                                           \
                        int64_t q = start[i] + k[i] * w->dilation[i];                        \
                        off += q * p->in_stride[i];                                          \
                        at += q * p->index_stride[i];                                        \
                    }                                                                        \
                    if (best_at < 0 || x[off] > best) {                                      \
                        best = x[off];                                                       \
                        best_at = at;                                                        \
                    }                                                                        \
                    int i = ns - 1;                                                          \
                    for (; i >= 0; i--) {                                                    \
                        if (++k[i] < hi[i])                                                  \
                            break;                                                           \
                        k[i] = lo[i];                                                        \
                    }                                                                        \
                    if (i < 0)                                                               \
                        break;                                                               \
                }                                                                            \
                y[c * p->out_plane + j] = best;                                              \
                if (ind)                                                                     \
                    ind[c * p->out_plane + j] = best_at < 0 ? -1 : c * p->in_plane + best_at; \
                for (int i = ns - 1; i >= 0; i--) {                                          \
                    if (++o[i] < w->out[i])                                                  \
                        break;                                                               \
                    o[i] = 0;                                                                \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }

MAX_POOL(max_pool_f32, float, -INFINITY)
MAX_POOL(max_pool_u8, uint8_t, 0)
MAX_POOL(max_pool_i8, int8_t, INT8_MIN)

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    const pool_plan *p = x->state;
    int64_t *ind = x->node->n_outputs > 1 && x->out[1] ? x->out[1]->data : NULL;
    switch (x->in[0]->dtype) {
    case EB_DT_F32: max_pool_f32(p, x->in[0]->data, x->out[0]->data, ind); return EB_OK;
    case EB_DT_U8: max_pool_u8(p, x->in[0]->data, x->out[0]->data, ind); return EB_OK;
    case EB_DT_I8: max_pool_i8(p, x->in[0]->data, x->out[0]->data, ind); return EB_OK;
    default:
        EB_REF_FAIL(msg, len, x->node, "no kernel for %s", eb_dtype_name(x->in[0]->dtype));
        return EB_ERR_UNSUPPORTED;
    }
}

const eb_ref_op eb_ref_op_max_pool = {
    .op_type = "MaxPool", .check = check, .prepare = prepare, .run = run, .release = free};
