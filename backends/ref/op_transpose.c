/* Transpose: y[i0..] = x[i_perm..], any element type.
 *
 * prepare() turns perm into a loop nest over the output with an input
 * stride per loop, merging output axes that are also adjacent (in order) in
 * the input, so e.g. NCHW -> NHWC is a 3-deep nest, not 4. The innermost loop
 * is specialised on the element size. */
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

typedef struct transpose_plan {
    int rank;                    /* loops, >= 1 */
    int64_t dims[EB_MAX_RANK];   /* output extents, outermost first */
    int64_t stride[EB_MAX_RANK]; /* input elements per step of each loop */
    int64_t numel;
    size_t esize;
} transpose_plan;

static int read_perm(const eb_node *n, int rank, int *perm)
{
    const int64_t *p = NULL;
    int c = eb_node_attr_ints(n, "perm", &p);
    if (c >= 0 && c != rank)
        return -1;
    int seen[EB_MAX_RANK] = {0};
    for (int i = 0; i < rank; i++) {
        int64_t v = c >= 0 ? p[i] : rank - 1 - i;
        if (v < 0)
            v += rank;
        if (v < 0 || v >= rank || seen[v])
            return -1;
        seen[v] = 1;
        perm[i] = (int)v;
    }
    return 0;
}

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->rank < 0 || eb_dtype_size(x->dtype) == 0) {
        snprintf(why, len, "input needs a known shape and a numeric or bool type");
        return 0;
    }
    int perm[EB_MAX_RANK];
    if (read_perm(n, x->rank, perm) != 0) {
        snprintf(why, len, "perm is not a permutation of the %d axes", x->rank);
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    *scratch = 0;
    transpose_plan *p = calloc(1, sizeof *p);
    if (!p) {
        EB_REF_FAIL(msg, len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    int perm[EB_MAX_RANK];
    read_perm(n, x->rank, perm);
    int64_t in_stride[EB_MAX_RANK];
    int64_t s = 1;
    for (int i = x->rank - 1; i >= 0; i--) {
        in_stride[i] = s;
        s *= x->dims[i];
    }
    p->numel = s;
    p->esize = eb_dtype_size(x->dtype);
    /* Output axis i reads input axis perm[i]. Drop extent-1 axes; merge output
     * axis i into the loop of i-1 when the input has them adjacent too. */
    int r = 0, prev = -2;
    for (int i = 0; i < x->rank; i++) {
        int64_t d = x->dims[perm[i]];
        if (d == 1)
            continue;
        if (r > 0 && perm[i] == prev + 1 && in_stride[prev] == d * in_stride[perm[i]]) {
            p->dims[r - 1] *= d;
            p->stride[r - 1] = in_stride[perm[i]];
        } else {
            p->dims[r] = d;
            p->stride[r] = in_stride[perm[i]];
            r++;
        }
        prev = perm[i];
    }
    if (r == 0) {
        p->dims[0] = 1;
        p->stride[0] = 1;
        r = 1;
    }
    p->rank = r;
    *state = p;
    return EB_OK;
}

#define ROW(T)                                                                               \
    for (int64_t j = 0; j < n; j++)                                                         \
        ((T *)y)[j] = ((const T *)src)[j * s];

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const transpose_plan *p = x->state;
    if (p->numel == 0)
        return EB_OK;
    const char *in = x->in[0]->data;
    char *y = x->out[0]->data;
    const int last = p->rank - 1;
    const int64_t n = p->dims[last], s = p->stride[last];
    const size_t es = p->esize;
    int64_t idx[EB_MAX_RANK] = {0};
    int64_t off = 0;
    for (int64_t done = 0; done < p->numel; done += n, y += (size_t)n * es) {
        const char *src = in + (size_t)off * es;
        switch (es) {
        case 1: ROW(uint8_t) break;
        case 2: ROW(uint16_t) break;
        case 4: ROW(uint32_t) break;
        case 8: ROW(uint64_t) break;
        default:
            for (int64_t j = 0; j < n; j++)
                memcpy(y + (size_t)j * es, src + (size_t)(j * s) * es, es);
        }
        for (int d = last - 1; d >= 0; d--) {
            off += p->stride[d];
            if (++idx[d] < p->dims[d])
                break;
            off -= p->stride[d] * p->dims[d];
            idx[d] = 0;
        }
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_transpose = {
    .op_type = "Transpose", .check = check, .prepare = prepare, .run = run, .release = free};
