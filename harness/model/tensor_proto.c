/* TensorProto -> packed native buffer, validating everything the file says.
 *
 * ONNX stores a tensor either as raw little-endian bytes (raw_data) or in one
 * of the typed repeated fields, whose choice depends on the element type
 * (int8/uint8/int16/uint16/bool/float16 all travel as int32_data, for
 * instance). Both are accepted; the element count must match the shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_util.h"
#include "harness/model/tensor_proto.h"

eb_status eb_dims_size(const int64_t *dims, int rank, eb_dtype dtype, int64_t *numel,
                       size_t *nbytes, const char *what, char *msg, size_t msg_len)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0) {
            snprintf(msg, msg_len, "%s: dimension %d is negative (%lld)", what, i,
                     (long long)dims[i]);
            return EB_ERR_FORMAT;
        }
        if (__builtin_mul_overflow(n, dims[i], &n)) {
            snprintf(msg, msg_len, "%s: element count overflows at dimension %d (%lld)", what,
                     i, (long long)dims[i]);
            return EB_ERR_OVERFLOW;
        }
    }
    size_t es = eb_dtype_size(dtype);
    uint64_t b;
    /* Cap at 2^48 bytes: no edge model is that large, and it keeps later
     * arithmetic on sizes far from overflow. */
    if (__builtin_mul_overflow((uint64_t)n, (uint64_t)es, &b) || b > (1ull << 48)) {
        snprintf(msg, msg_len, "%s: byte size overflows (%lld elements of %s)", what,
                 (long long)n, eb_dtype_name(dtype));
        return EB_ERR_OVERFLOW;
    }
    *numel = n;
    *nbytes = (size_t)b;
    return EB_OK;
}

static eb_status count_mismatch(const char *what, size_t have, int64_t want, const char *unit,
                                char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "%s: holds %zu %s but its shape needs %lld", what, have, unit,
             (long long)want);
    return EB_ERR_FORMAT;
}

eb_status eb_tensor_proto_decode(const Onnx__TensorProto *tp, const char *what,
                                 eb_decoded_tensor *out, char *msg, size_t msg_len)
{
    memset(out, 0, sizeof *out);
    if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        const char *loc = "?";
        for (size_t i = 0; i < tp->n_external_data; i++)
            if (tp->external_data[i]->key && strcmp(tp->external_data[i]->key, "location") == 0)
                loc = tp->external_data[i]->value;
        snprintf(msg, msg_len,
                 "%s: stored in external data file '%s'; external data is not supported "
                 "(save the model with all tensors inside the .onnx file)",
                 what, loc);
        return EB_ERR_UNSUPPORTED;
    }
    if (tp->segment) {
        snprintf(msg, msg_len, "%s: segmented tensors are not supported", what);
        return EB_ERR_UNSUPPORTED;
    }
    int dt = tp->has_data_type ? tp->data_type : 0;
    if (dt == EB_DT_STRING || eb_dtype_size(dt) == 0) {
        snprintf(msg, msg_len, "%s: element type %d (%s) is not supported", what, dt,
                 eb_dtype_name(dt));
        return EB_ERR_UNSUPPORTED;
    }
    if (tp->n_dims > EB_MAX_RANK) {
        snprintf(msg, msg_len, "%s: rank %zu exceeds the supported maximum %d", what,
                 tp->n_dims, EB_MAX_RANK);
        return EB_ERR_UNSUPPORTED;
    }
    out->dtype = (eb_dtype)dt;
    out->rank = (int)tp->n_dims;
    for (size_t i = 0; i < tp->n_dims; i++)
        out->dims[i] = tp->dims[i];
    eb_status st = eb_dims_size(out->dims, out->rank, out->dtype, &out->numel, &out->nbytes,
                                what, msg, msg_len);
    if (st != EB_OK)
        return st;
    int64_t n = out->numel;
    /* Check that the file holds what the shape claims before allocating:
     * a few bytes of protobuf must not make us allocate terabytes. */
    size_t have;
    const char *unit;
    if (tp->has_raw_data) {
        have = tp->raw_data.len;
        unit = "bytes";
        if (have != out->nbytes)
            return count_mismatch(what, have, (int64_t)out->nbytes, unit, msg, msg_len);
    } else {
        switch (out->dtype) {
        case EB_DT_F32: have = tp->n_float_data; unit = "float_data values"; break;
        case EB_DT_F64: have = tp->n_double_data; unit = "double_data values"; break;
        case EB_DT_I64: have = tp->n_int64_data; unit = "int64_data values"; break;
        case EB_DT_U32:
        case EB_DT_U64: have = tp->n_uint64_data; unit = "uint64_data values"; break;
        default: have = tp->n_int32_data; unit = "int32_data values"; break;
        }
        if ((int64_t)have != n)
            return count_mismatch(what, have, n, unit, msg, msg_len);
    }
    out->data = malloc(out->nbytes ? out->nbytes : 1);
    if (!out->data) {
        snprintf(msg, msg_len, "%s: out of memory (%zu bytes)", what, out->nbytes);
        return EB_ERR_NOMEM;
    }
    if (out->nbytes == 0)
        return EB_OK; /* an empty tensor: its payload pointers may be NULL */
    if (tp->has_raw_data) {
        memcpy(out->data, tp->raw_data.data, out->nbytes);
        return EB_OK;
    }
    switch (out->dtype) {
    case EB_DT_F32:
        memcpy(out->data, tp->float_data, out->nbytes);
        break;
    case EB_DT_F64:
        memcpy(out->data, tp->double_data, out->nbytes);
        break;
    case EB_DT_I64:
        memcpy(out->data, tp->int64_data, out->nbytes);
        break;
    case EB_DT_U32:
    case EB_DT_U64:
        for (int64_t i = 0; i < n; i++) {
            if (out->dtype == EB_DT_U32)
                ((uint32_t *)out->data)[i] = (uint32_t)tp->uint64_data[i];
            else
                ((uint64_t *)out->data)[i] = tp->uint64_data[i];
        }
        break;
    default: /* int32_data carries every narrower integer type and float16 */
        for (int64_t i = 0; i < n; i++) {
            int32_t v = tp->int32_data[i];
            switch (out->dtype) {
            case EB_DT_I32: ((int32_t *)out->data)[i] = v; break;
            case EB_DT_I16: ((int16_t *)out->data)[i] = (int16_t)v; break;
            case EB_DT_U16:
            case EB_DT_F16:
            case EB_DT_BF16: ((uint16_t *)out->data)[i] = (uint16_t)v; break;
            case EB_DT_I8: ((int8_t *)out->data)[i] = (int8_t)v; break;
            case EB_DT_U8:
            case EB_DT_BOOL: ((uint8_t *)out->data)[i] = (uint8_t)v; break;
            default:
                snprintf(msg, msg_len, "%s: element type %s has no typed payload", what,
                         eb_dtype_name(out->dtype));
                st = EB_ERR_UNSUPPORTED;
                goto fail;
            }
        }
        break;
    }
    return EB_OK;
fail:
    free(out->data);
    out->data = NULL;
    return st;
}

eb_status eb_tensor_proto_read_file(const char *path, eb_decoded_tensor *out, char *name,
                                    size_t name_len, char *msg, size_t msg_len)
{
    size_t n = 0;
    void *bytes = NULL;
    eb_status st = eb_read_file(path, &bytes, &n, msg, msg_len);
    if (st != EB_OK)
        return st;
    Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, n, bytes);
    free(bytes);
    if (!tp) {
        snprintf(msg, msg_len, "%s: not a valid serialized TensorProto (truncated or corrupt)",
                 path);
        return EB_ERR_FORMAT;
    }
    if (name)
        snprintf(name, name_len, "%s", tp->name ? tp->name : "");
    st = eb_tensor_proto_decode(tp, path, out, msg, msg_len);
    onnx__tensor_proto__free_unpacked(tp, NULL);
    return st;
}
