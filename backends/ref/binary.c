/* eb_ref_binary_check / _prepare / _run: what Add, Sub, Mul and Div share. */
#include <stdlib.h>

#include "backends/ref/binary.h"
#include "backends/ref/ref_check.h"

int eb_ref_binary_check(const eb_graph *g, const eb_node *n, char *why, size_t why_len)
{
    const eb_tensor *a = eb_node_input(g, n, 0), *b = eb_node_input(g, n, 1);
    if (!a || !b || a->rank < 0 || b->rank < 0) {
        snprintf(why, why_len, "both operands need known shapes");
        return 0;
    }
    if (a->dtype != b->dtype) {
        snprintf(why, why_len, "operands differ in type (%s, %s)", eb_dtype_name(a->dtype),
                 eb_dtype_name(b->dtype));
        return 0;
    }
    if (a->dtype != EB_DT_F32 && a->dtype != EB_DT_F64 && !eb_ref_is_int(a->dtype)) {
        snprintf(why, why_len,
                 "%s operands are not supported (float32, float64 and integer types are)",
                 eb_dtype_name(a->dtype));
        return 0;
    }
    if (!eb_ref_outputs_known(g, n, why, why_len))
        return 0;
    if (n->opset < 7 && eb_node_attr_int(n, "broadcast", 0)) {
        /* Legacy broadcasting aligns b at `axis`; numpy aligns it at the end. */
        const eb_attr *ax = eb_node_attr(n, "axis");
        int64_t axis = ax ? ax->i : a->rank - b->rank;
        if (axis < 0)
            axis += a->rank;
        if (axis != a->rank - b->rank) {
            snprintf(why, why_len, "legacy broadcast at axis %lld (not numpy-aligned) is not "
                     "supported", (long long)axis);
            return 0;
        }
    }
    eb_ref_broadcast bc;
    if (eb_ref_broadcast_init(&bc, a->rank, a->dims, b->rank, b->dims) != 0) {
        snprintf(why, why_len, "operand shapes do not broadcast");
        return 0;
    }
    return 1;
}

eb_status eb_ref_binary_prepare(const eb_graph *g, const eb_node *n, void **state,
                                size_t *scratch_bytes, char *msg, size_t msg_len)
{
    const eb_tensor *a = eb_node_input(g, n, 0), *b = eb_node_input(g, n, 1);
    *scratch_bytes = 0;
    eb_ref_broadcast *bc = malloc(sizeof *bc);
    if (!bc) {
        EB_REF_FAIL(msg, msg_len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    if (eb_ref_broadcast_init(bc, a->rank, a->dims, b->rank, b->dims) != 0) {
        free(bc);
        EB_REF_FAIL(msg, msg_len, n, "operand shapes do not broadcast");
        return EB_ERR_SHAPE;
    }
    *state = bc;
    return EB_OK;
}

eb_status eb_ref_binary_run(const eb_ref_exec *x, const eb_ref_binary_kernels *k, char *msg,
                            size_t msg_len)
{
    eb_ref_broadcast_row row = NULL;
    switch (x->in[0]->dtype) {
    case EB_DT_F32: row = k->f32; break;
    case EB_DT_F64: row = k->f64; break;
    case EB_DT_U8: row = k->u8; break;
    case EB_DT_I8: row = k->i8; break;
    case EB_DT_U16: row = k->u16; break;
    case EB_DT_I16: row = k->i16; break;
    case EB_DT_U32: row = k->u32; break;
    case EB_DT_I32: row = k->i32; break;
    case EB_DT_U64: row = k->u64; break;
    case EB_DT_I64: row = k->i64; break;
    default: break;
    }
    if (!row) {
        EB_REF_FAIL(msg, msg_len, x->node, "no kernel for %s", eb_dtype_name(x->in[0]->dtype));
        return EB_ERR_UNSUPPORTED;
    }
    size_t es = eb_dtype_size(x->in[0]->dtype);
    int div_by_zero = 0;
    eb_ref_broadcast_run(x->state, x->in[0]->data, es, x->in[1]->data, es, x->out[0]->data, es,
                         row, &div_by_zero);
    if (div_by_zero) {
        EB_REF_FAIL(msg, msg_len, x->node, "integer division by zero");
        return EB_ERR_BACKEND;
    }
    return EB_OK;
}
