/* ReduceMean and ReduceSum: the mean (sum) of x over the axes
 * edgebench/reduce.h resolves, float32.
 *
 * prepare() splits the input's strides into those of the kept axes (where
 * the output index moves) and the reduced ones; run() walks the input once
 * in memory order, adding each element into its output slot, then divides.
 * The sum of each output element is taken in input order, so the result
 * does not depend on which axes are reduced together. */
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"
#include "edgebench/reduce.h"

typedef struct reduce_plan {
    int rank;
    int64_t dims[EB_MAX_RANK];
    int64_t out_stride[EB_MAX_RANK]; /* output elements per step of each input axis; 0 when reduced */
    int64_t count;
    int64_t out_numel;
    int mean;
} reduce_plan;

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!eb_ref_input_f32(g, n, 0, why, len))
        return 0;
    eb_reduce r;
    char msg[256];
    eb_status st = eb_reduce_resolve(g, n, eb_node_input(g, n, 0), &r, msg, sizeof msg);
    if (st == EB_ERR_UNSUPPORTED) {
        snprintf(why, len, "axes are only known at run time");
        return 0;
    }
    if (st != EB_OK) {
        snprintf(why, len, "%s", msg);
        return 0;
    }
    if (r.count == 0 && strcmp(n->op_type, "ReduceMean") == 0) {
        snprintf(why, len, "mean over an empty axis");
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    *scratch = 0;
    const eb_tensor *x = eb_node_input(g, n, 0);
    eb_reduce r;
    eb_status st = eb_reduce_resolve(g, n, x, &r, msg, len);
    if (st != EB_OK)
        return st;
    reduce_plan *p = calloc(1, sizeof *p);
    if (!p) {
        EB_REF_FAIL(msg, len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    p->rank = x->rank;
    p->count = r.count;
    p->mean = strcmp(n->op_type, "ReduceMean") == 0;
    int64_t s = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        p->dims[d] = x->dims[d];
        p->out_stride[d] = r.reduced[d] ? 0 : s;
        if (!r.reduced[d])
            s *= x->dims[d];
    }
    p->out_numel = s;
    *state = p;
    return EB_OK;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const reduce_plan *p = x->state;
    const float *in = x->in[0]->data;
    float *out = x->out[0]->data;
    memset(out, 0, (size_t)p->out_numel * sizeof *out);
    int64_t idx[EB_MAX_RANK] = {0}, o = 0;
    int64_t numel = p->out_numel * p->count;
    int last = p->rank - 1;
    for (int64_t i = 0; i < numel; i++) {
        out[o] += in[i];
        /* next input coordinate, odometer style, carrying the output offset */
        for (int d = last; d >= 0; d--) {
            o += p->out_stride[d];
            if (++idx[d] < p->dims[d])
                break;
            o -= p->out_stride[d] * p->dims[d];
            idx[d] = 0;
        }
    }
    /* divided, not multiplied by 1/count: over the spatial axes this is
     * GlobalAveragePool's result to the bit (op_global_average_pool.c) */
    for (int64_t k = 0; p->mean && k < p->out_numel; k++)
        out[k] /= (float)p->count;
    return EB_OK;
}

const eb_ref_op eb_ref_op_reduce_mean = {
    .op_type = "ReduceMean", .check = check, .prepare = prepare, .run = run, .release = free};
const eb_ref_op eb_ref_op_reduce_sum = {
    .op_type = "ReduceSum", .check = check, .prepare = prepare, .run = run, .release = free};
