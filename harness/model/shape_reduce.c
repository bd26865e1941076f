/* Shape of ReduceMean and ReduceSum: the axes resolved once, by the SDK (edgebench/reduce.h). */
#include "edgebench/reduce.h"
#include "harness/model/shape_common.h"

eb_status eb__shape_reduce(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *x = eb__need_input(g, n, 0, msg, msg_len);
    if (!x)
        return EB_ERR_SHAPE;
    eb_reduce r;
    eb_status st = eb_reduce_resolve(g, n, x, &r, msg, msg_len);
    if (st != EB_OK)
        return st;
    return eb__set_output(g, n, 0, x->dtype, r.out_rank, r.out_dims, msg, msg_len);
}
