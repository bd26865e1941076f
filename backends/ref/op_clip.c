/* Clip: y = min(max(x, lo), hi), float32 and integer types.
 *
 * Opset < 11 takes float attributes min/max; opset >= 11 takes optional
 * scalar inputs of x's type (possibly fed at run time), an omitted bound
 * meaning the type's limit. lo > hi gives hi everywhere, as ONNX specifies. */
#include <float.h>
#include <stdint.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->rank < 0) {
        snprintf(why, len, "input has no known shape");
        return 0;
    }
    if (x->dtype != EB_DT_F32 && !eb_ref_is_int(x->dtype)) {
        snprintf(why, len, "%s input is not supported (float32 and integer types are)",
                 eb_dtype_name(x->dtype));
        return 0;
    }
    if (n->opset < 11) {
        if (x->dtype != EB_DT_F32) {
            snprintf(why, len, "opset %lld Clip takes float32 only", (long long)n->opset);
            return 0;
        }
        return 1;
    }
    for (int k = 1; k <= 2; k++) {
        const eb_tensor *b = eb_node_input(g, n, k);
        if (b && (b->dtype != x->dtype || b->numel != 1)) {
            snprintf(why, len, "bound '%s' must be one %s value", b->name,
                     eb_dtype_name(x->dtype));
            return 0;
        }
    }
    return 1;
}

#define CLIP_T(NAME, T, LOWEST, HIGHEST)                                                   \
    static void NAME(const eb_ref_exec *x)                                                 \
    {                                                                                      \
        T lo = LOWEST, hi = HIGHEST;                                                       \
        if (x->node->n_inputs > 1 && x->in[1])                                             \
            lo = *(const T *)x->in[1]->data;                                               \
        if (x->node->n_inputs > 2 && x->in[2])                                             \
            hi = *(const T *)x->in[2]->data;                                               \
        const T *in = x->in[0]->data;                                                      \
        T *out = x->out[0]->data;                                                          \
        size_t n = x->out[0]->nbytes / sizeof(T);                                          \
        for (size_t i = 0; i < n; i++) {                                                   \
            T v = in[i] < lo ? lo : in[i];                                                 \
            out[i] = v > hi ? hi : v;                                                      \
        }                                                                                  \
    }

CLIP_T(clip_u8, uint8_t, 0, UINT8_MAX)
CLIP_T(clip_i8, int8_t, INT8_MIN, INT8_MAX)
CLIP_T(clip_u16, uint16_t, 0, UINT16_MAX)
CLIP_T(clip_i16, int16_t, INT16_MIN, INT16_MAX)
CLIP_T(clip_u32, uint32_t, 0, UINT32_MAX)
CLIP_T(clip_i32, int32_t, INT32_MIN, INT32_MAX)
CLIP_T(clip_u64, uint64_t, 0, UINT64_MAX)
CLIP_T(clip_i64, int64_t, INT64_MIN, INT64_MAX)

static void clip_f32_bounds(const eb_ref_exec *x, float lo, float hi)
{
    const float *in = x->in[0]->data;
    float *out = x->out[0]->data;
    size_t n = x->out[0]->nbytes / sizeof(float);
    for (size_t i = 0; i < n; i++) {
        float v = in[i] < lo ? lo : in[i];
        out[i] = v > hi ? hi : v;
    }
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    const eb_node *n = x->node;
    switch (x->in[0]->dtype) {
    case EB_DT_F32: {
        float lo = -FLT_MAX, hi = FLT_MAX;
        if (n->opset < 11) {
            lo = eb_node_attr_float(n, "min", lo);
            hi = eb_node_attr_float(n, "max", hi);
        } else {
            if (n->n_inputs > 1 && x->in[1])
                lo = *(const float *)x->in[1]->data;
            if (n->n_inputs > 2 && x->in[2])
                hi = *(const float *)x->in[2]->data;
        }
        clip_f32_bounds(x, lo, hi);
        return EB_OK;
    }
    case EB_DT_U8: clip_u8(x); return EB_OK;
    case EB_DT_I8: clip_i8(x); return EB_OK;
    case EB_DT_U16: clip_u16(x); return EB_OK;
    case EB_DT_I16: clip_i16(x); return EB_OK;
    case EB_DT_U32: clip_u32(x); return EB_OK;
    case EB_DT_I32: clip_i32(x); return EB_OK;
    case EB_DT_U64: clip_u64(x); return EB_OK;
    case EB_DT_I64: clip_i64(x); return EB_OK;
    default:
        EB_REF_FAIL(msg, len, x->node, "unexpected dtype %s", eb_dtype_name(x->in[0]->dtype));
        return EB_ERR_UNSUPPORTED;
    }
}

const eb_ref_op eb_ref_op_clip = {.op_type = "Clip", .check = check, .run = run};
