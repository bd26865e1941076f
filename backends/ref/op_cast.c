/* Cast between the numeric types (and bool): float16 weights stored to halve
 * a model's size are read through Cast(to float). Float to integer truncates
 * toward zero and saturates (ONNX leaves out-of-range values undefined;
 * saturating keeps the C conversion defined). */
#include <math.h>
#include <stdint.h>

#include "backends/ref/ref_op.h"

static int castable(eb_dtype t)
{
    switch (t) {
    case EB_DT_F32: case EB_DT_F64: case EB_DT_F16: case EB_DT_U8: case EB_DT_I8:
    case EB_DT_U16: case EB_DT_I16: case EB_DT_I32: case EB_DT_I64: case EB_DT_BOOL:
    case EB_DT_U32: case EB_DT_U64:
        return 1;
    default:
        return 0;
    }
}

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);
    if (!x || !y || !castable(x->dtype) || !castable(y->dtype)) {
        snprintf(why, len, "Cast between %s and %s is not supported",
                 x ? eb_dtype_name(x->dtype) : "?", y ? eb_dtype_name(y->dtype) : "?");
        return 0;
    }
    return 1;
}

static double load(const void *p, eb_dtype t, size_t i)
{
    switch (t) {
    case EB_DT_F32: return ((const float *)p)[i];
    case EB_DT_F64: return ((const double *)p)[i];
    case EB_DT_F16: return eb_f16_to_f32(((const unsigned short *)p)[i]);
    case EB_DT_U8: return ((const uint8_t *)p)[i];
    case EB_DT_BOOL: return ((const uint8_t *)p)[i] != 0;
    case EB_DT_I8: return ((const int8_t *)p)[i];
    case EB_DT_U16: return ((const uint16_t *)p)[i];
    case EB_DT_I16: return ((const int16_t *)p)[i];
    case EB_DT_I32: return ((const int32_t *)p)[i];
    case EB_DT_U32: return ((const uint32_t *)p)[i];
    case EB_DT_I64: return (double)((const int64_t *)p)[i];
    case EB_DT_U64: return (double)((const uint64_t *)p)[i];
    default: return 0;
    }
}

static double sat(double v, double lo, double hi)
{
    if (isnan(v))
        return 0;
    v = trunc(v);
    return v < lo ? lo : v > hi ? hi : v;
}

static void store(void *p, eb_dtype t, size_t i, double v)
{
    switch (t) {
    case EB_DT_F32: ((float *)p)[i] = (float)v; break;
    case EB_DT_F64: ((double *)p)[i] = v; break;
    case EB_DT_F16: ((unsigned short *)p)[i] = eb_f32_to_f16((float)v); break;
    case EB_DT_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    case EB_DT_U8: ((uint8_t *)p)[i] = (uint8_t)sat(v, 0, UINT8_MAX); break;
    case EB_DT_I8: ((int8_t *)p)[i] = (int8_t)sat(v, INT8_MIN, INT8_MAX); break;
    case EB_DT_U16: ((uint16_t *)p)[i] = (uint16_t)sat(v, 0, UINT16_MAX); break;
    case EB_DT_I16: ((int16_t *)p)[i] = (int16_t)sat(v, INT16_MIN, INT16_MAX); break;
    case EB_DT_I32: ((int32_t *)p)[i] = (int32_t)sat(v, INT32_MIN, INT32_MAX); break;
    case EB_DT_U32: ((uint32_t *)p)[i] = (uint32_t)sat(v, 0, UINT32_MAX); break;
    /* 2^63 and 2^64 are exact doubles: the largest in-range values below them */
    case EB_DT_I64: ((int64_t *)p)[i] = (int64_t)sat(v, -9223372036854775808.0, 9223372036854774784.0); break;
    case EB_DT_U64: ((uint64_t *)p)[i] = (uint64_t)sat(v, 0, 18446744073709549568.0); break;
    default: break;
    }
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    eb_dtype ti = x->in[0]->dtype, to = x->out[0]->dtype;
    size_t n = x->out[0]->nbytes / eb_dtype_size(to);
    if (ti == EB_DT_F16 && to == EB_DT_F32) { /* the common case, without the double detour */
        const unsigned short *s = x->in[0]->data;
        float *d = x->out[0]->data;
        for (size_t i = 0; i < n; i++)
            d[i] = eb_f16_to_f32(s[i]);
        return EB_OK;
    }
    for (size_t i = 0; i < n; i++)
        store(x->out[0]->data, to, i, load(x->in[0]->data, ti, i));
    return EB_OK;
}

const eb_ref_op eb_ref_op_cast = {.op_type = "Cast", .check = check, .run = run};
