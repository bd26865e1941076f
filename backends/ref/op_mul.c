/* Mul: y = a * b with numpy broadcasting, float32, float64 and integer types.
 * Integers wrap around like numpy's: the arithmetic is done in an unsigned
 * type (defined overflow) and narrowed back. */
#include <stdint.h>
#include <stdlib.h>

#include "backends/ref/binary.h"

EB_REF_BINARY_ROW(mul_f32, float, u * v)
EB_REF_BINARY_ROW(mul_f64, double, u * v)
EB_REF_BINARY_ROW(mul_u8, uint8_t, (uint32_t)u * (uint32_t)v)
EB_REF_BINARY_ROW(mul_i8, int8_t, (uint32_t)u * (uint32_t)v)
EB_REF_BINARY_ROW(mul_u16, uint16_t, (uint32_t)u * (uint32_t)v)
EB_REF_BINARY_ROW(mul_i16, int16_t, (uint32_t)u * (uint32_t)v)
EB_REF_BINARY_ROW(mul_u32, uint32_t, (uint32_t)u * (uint32_t)v)
EB_REF_BINARY_ROW(mul_i32, int32_t, (uint32_t)u * (uint32_t)v)
EB_REF_BINARY_ROW(mul_u64, uint64_t, (uint64_t)u * (uint64_t)v)
EB_REF_BINARY_ROW(mul_i64, int64_t, (uint64_t)u * (uint64_t)v)

static const eb_ref_binary_kernels kernels = {
    .f32 = mul_f32, .f64 = mul_f64, .u8 = mul_u8, .i8 = mul_i8, .u16 = mul_u16,
    .i16 = mul_i16, .u32 = mul_u32, .i32 = mul_i32, .u64 = mul_u64,
    .i64 = mul_i64};

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    return eb_ref_binary_run(x, &kernels, msg, len);
}

const eb_ref_op eb_ref_op_mul = {.op_type = "Mul",
                                  .check = eb_ref_binary_check,
                                  .prepare = eb_ref_binary_prepare,
                                  .run = run,
                                  .release = free};
