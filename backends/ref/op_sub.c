/* Sub: y = a - b with numpy broadcasting, float32, float64 and integer types.
 * Integers wrap around like numpy's: the arithmetic is done in an unsigned
 * type (defined overflow) and narrowed back. */
#include <stdint.h>
#include <stdlib.h>

#include "backends/ref/binary.h"

EB_REF_BINARY_ROW(sub_f32, float, u - v)
EB_REF_BINARY_ROW(sub_f64, double, u - v)
EB_REF_BINARY_ROW(sub_u8, uint8_t, (uint32_t)u - (uint32_t)v)
EB_REF_BINARY_ROW(sub_i8, int8_t, (uint32_t)u - (uint32_t)v)
EB_REF_BINARY_ROW(sub_u16, uint16_t, (uint32_t)u - (uint32_t)v)
EB_REF_BINARY_ROW(sub_i16, int16_t, (uint32_t)u - (uint32_t)v)
EB_REF_BINARY_ROW(sub_u32, uint32_t, (uint32_t)u - (uint32_t)v)
EB_REF_BINARY_ROW(sub_i32, int32_t, (uint32_t)u - (uint32_t)v)
EB_REF_BINARY_ROW(sub_u64, uint64_t, (uint64_t)u - (uint64_t)v)
EB_REF_BINARY_ROW(sub_i64, int64_t, (uint64_t)u - (uint64_t)v)

static const eb_ref_binary_kernels kernels = {
    .f32 = sub_f32, .f64 = sub_f64, .u8 = sub_u8, .i8 = sub_i8, .u16 = sub_u16,
    .i16 = sub_i16, .u32 = sub_u32, .i32 = sub_i32, .u64 = sub_u64,
    .i64 = sub_i64};

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    return eb_ref_binary_run(x, &kernels, msg, len);
}

const eb_ref_op eb_ref_op_sub = {.op_type = "Sub",
                                  .check = eb_ref_binary_check,
                                  .prepare = eb_ref_binary_prepare,
                                  .run = run,
                                  .release = free};
