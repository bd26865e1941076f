/* Slice: y = x[start : start + dims*step : step] per axis, any element type
 * (the extents from edgebench/slice.h, the rule shape inference used).
 *
 * The innermost axis with step 1 is copied as one run per output row
 * (ShuffleNet's channel split is whole planes), other steps element by
 * element. */
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"
#include "edgebench/slice.h"

typedef struct slice_plan {
    eb_slice s;
    int64_t in_stride[EB_MAX_RANK];
    size_t esize;
    int64_t numel;
} slice_plan;

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->rank < 1 || eb_dtype_size(x->dtype) == 0) {
        snprintf(why, len, "input needs a known shape (rank >= 1) and a numeric or bool type");
        return 0;
    }
    eb_slice s;
    char msg[256];
    eb_status st = eb_slice_resolve(g, n, x, &s, msg, sizeof msg);
    if (st == EB_ERR_UNSUPPORTED) {
        snprintf(why, len, "starts, ends, axes or steps are only known at run time");
        return 0;
    }
    if (st != EB_OK) {
        snprintf(why, len, "%s", msg);
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    *scratch = 0;
    const eb_tensor *x = eb_node_input(g, n, 0);
    slice_plan *p = calloc(1, sizeof *p);
    if (!p) {
        EB_REF_FAIL(msg, len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    eb_status st = eb_slice_resolve(g, n, x, &p->s, msg, len);
    if (st != EB_OK) {
        free(p);
        return st;
    }
    int64_t acc = 1;
    p->numel = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        p->in_stride[d] = acc;
        acc *= x->dims[d];
        p->numel *= p->s.dims[d];
    }
    p->esize = eb_dtype_size(x->dtype);
    *state = p;
    return EB_OK;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const slice_plan *p = x->state;
    const eb_slice *s = &p->s;
    const char *in = x->in[0]->data;
    char *out = x->out[0]->data;
    if (p->numel == 0)
        return EB_OK;
    int last = s->rank - 1;
    int64_t row = s->dims[last];
    int contiguous = s->step[last] == 1;
    size_t es = p->esize;
    int64_t idx[EB_MAX_RANK] = {0};
    for (int64_t done = 0; done < p->numel; done += row) {
        int64_t off = s->start[last] * p->in_stride[last];
        for (int d = 0; d < last; d++)
            off += (s->start[d] + idx[d] * s->step[d]) * p->in_stride[d];
        if (contiguous) {
            memcpy(out, in + (size_t)off * es, (size_t)row * es);
        } else {
            for (int64_t i = 0; i < row; i++)
                memcpy(out + (size_t)i * es, in + (size_t)(off + i * s->step[last]) * es, es);
        }
        out += (size_t)row * es;
        for (int d = last - 1; d >= 0 && ++idx[d] == s->dims[d]; d--)
            idx[d] = 0;
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_slice = {
    .op_type = "Slice", .check = check, .prepare = prepare, .run = run, .release = free};
