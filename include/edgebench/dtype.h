/* Element types of tensors.
 *
 * The numeric values are those of ONNX's TensorProto.DataType so a value read
 * from a model file maps to an eb_dtype without a table, and an unknown value
 * is detectable (eb_dtype_size returns 0). */
#ifndef EDGEBENCH_DTYPE_H
#define EDGEBENCH_DTYPE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum eb_dtype {
    EB_DT_UNDEFINED = 0,
    EB_DT_F32 = 1,
    EB_DT_U8 = 2,
    EB_DT_I8 = 3,
    EB_DT_U16 = 4,
    EB_DT_I16 = 5,
    EB_DT_I32 = 6,
    EB_DT_I64 = 7,
    EB_DT_STRING = 8, /* recognised so it can be refused by name */
    EB_DT_BOOL = 9,
    EB_DT_F16 = 10,
    EB_DT_F64 = 11,
    EB_DT_U32 = 12,
    EB_DT_U64 = 13,
    EB_DT_BF16 = 16
} eb_dtype;

/* Bytes per element; 0 for EB_DT_UNDEFINED, EB_DT_STRING and unknown values. */
size_t eb_dtype_size(int dtype);

/* Lower-case name ("float32", "int8", ...); "unknown" for unknown values. */
const char *eb_dtype_name(int dtype);

/* Conversions for IEEE half and bfloat16 stored as uint16_t bit patterns. */
float eb_f16_to_f32(unsigned short h);
unsigned short eb_f32_to_f16(float f);
float eb_bf16_to_f32(unsigned short h);

#ifdef __cplusplus
}
#endif
#endif
