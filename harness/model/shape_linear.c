/* Shape inference: Gemm, MatMul, QLinearMatMul. */
#include <string.h>

#include "harness/model/shape_common.h"

eb_status eb__shape_gemm(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    const eb_tensor *a = eb__need_input(g, n, 0, msg, msg_len);
    const eb_tensor *b = a ? eb__need_input(g, n, 1, msg, msg_len) : NULL;
    if (!a || !b)
        return EB_ERR_SHAPE;
    if (a->rank != 2 || b->rank != 2) {
        eb__node_msg(g, n, msg, msg_len, "A and B must be matrices (ranks %d and %d)", a->rank,
                     b->rank);
        return EB_ERR_SHAPE;
    }
    int ta = (int)eb_node_attr_int(n, "transA", 0), tb = (int)eb_node_attr_int(n, "transB", 0);
    int64_t m = ta ? a->dims[1] : a->dims[0], ka = ta ? a->dims[0] : a->dims[1];
    int64_t kb = tb ? b->dims[1] : b->dims[0], nn = tb ? b->dims[0] : b->dims[1];
    if (ka != kb) {
        eb__node_msg(g, n, msg, msg_len, "inner dimensions differ (%lld vs %lld)",
                     (long long)ka, (long long)kb);
        return EB_ERR_SHAPE;
    }
    int64_t dims[2] = {m, nn};
    const eb_tensor *c = eb_node_input(g, n, 2);
    if (c) {
        eb_tensor out = {.rank = 2, .dims = {m, nn}};
        int64_t bd[EB_MAX_RANK];
        int r = eb__broadcast(g, n, &out, c, bd, msg, msg_len);
        if (r < 0)
            return EB_ERR_SHAPE;
        if (r != 2 || bd[0] != m || bd[1] != nn) {
            eb__node_msg(g, n, msg, msg_len, "C does not broadcast to %lldx%lld", (long long)m,
                         (long long)nn);
            return EB_ERR_SHAPE;
        }
    }
    return eb__set_output(g, n, 0, a->dtype, 2, dims, msg, msg_len);
}

eb_status eb__shape_matmul(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    int q = strcmp(n->op_type, "QLinearMatMul") == 0;
    const eb_tensor *a = eb__need_input(g, n, 0, msg, msg_len);
    const eb_tensor *b = a ? eb__need_input(g, n, q ? 3 : 1, msg, msg_len) : NULL;
    if (!a || !b)
        return EB_ERR_SHAPE;
    if (a->rank < 1 || b->rank < 1) {
        eb__node_msg(g, n, msg, msg_len, "operands must have rank >= 1");
        return EB_ERR_SHAPE;
    }
    /* numpy matmul: 1-D operands are promoted and the added dim removed. */
    eb_tensor pa = *a, pb = *b;
    if (a->rank == 1) {
        pa.rank = 2;
        pa.dims[0] = 1;
        pa.dims[1] = a->dims[0];
    }
    if (b->rank == 1) {
        pb.rank = 2;
        pb.dims[0] = b->dims[0];
        pb.dims[1] = 1;
    }
    int64_t k1 = pa.dims[pa.rank - 1], k2 = pb.dims[pb.rank - 2];
    if (k1 != k2) {
        eb__node_msg(g, n, msg, msg_len, "inner dimensions differ (%lld vs %lld)",
                     (long long)k1, (long long)k2);
        return EB_ERR_SHAPE;
    }
    eb_tensor ba = {.rank = pa.rank - 2}, bb = {.rank = pb.rank - 2};
    memcpy(ba.dims, pa.dims, sizeof(int64_t) * (size_t)ba.rank);
    memcpy(bb.dims, pb.dims, sizeof(int64_t) * (size_t)bb.rank);
    ba.name = a->name;
    bb.name = b->name;
    int64_t dims[EB_MAX_RANK];
    int r = eb__broadcast(g, n, &ba, &bb, dims, msg, msg_len);
    if (r < 0)
        return EB_ERR_SHAPE;
    if (a->rank > 1)
        dims[r++] = pa.dims[pa.rank - 2];
    if (b->rank > 1)
        dims[r++] = pb.dims[pb.rank - 1];
    eb_dtype dt = a->dtype;
    if (q) {
        const eb_tensor *yzp = eb_node_input(g, n, 7);
        dt = yzp ? yzp->dtype : EB_DT_U8;
    }
    return eb__set_output(g, n, 0, dt, r, dims, msg, msg_len);
}
