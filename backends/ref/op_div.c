/* Div: y = a / b with numpy broadcasting, float32, float64 and integer types.
 *
 * Integer division truncates toward zero (C, and ONNX Runtime; the ONNX
 * tests only use non-negative operands, where this equals numpy's floor).
 * Dividing an integer by zero fails the run instead of trapping, and
 * INT_MIN / -1 wraps to INT_MIN instead of overflowing. */
#include <stdint.h>
#include <stdlib.h>

#include "backends/ref/binary.h"

#define DIV_UNSIGNED(T)                                                                      \
    static T div_##T(T u, T v, void *ctx)                                                   \
    {                                                                                       \
        if (v == 0) {                                                                       \
            *(int *)ctx = 1;                                                                \
            return 0;                                                                       \
        }                                                                                   \
        return (T)(u / v);                                                                  \
    }
#define DIV_SIGNED(T, MIN)                                                                   \
    static T div_##T(T u, T v, void *ctx)                                                   \
    {                                                                                       \
        if (v == 0) {                                                                       \
            *(int *)ctx = 1;                                                                \
            return 0;                                                                       \
        }                                                                                   \
        if (v == -1)                                                                        \
            return u == MIN ? u : (T)-u;                                                    \
        return (T)(u / v);                                                                  \
    }

DIV_UNSIGNED(uint8_t)
DIV_UNSIGNED(uint16_t)
DIV_UNSIGNED(uint32_t)
DIV_UNSIGNED(uint64_t)
DIV_SIGNED(int8_t, INT8_MIN)
DIV_SIGNED(int16_t, INT16_MIN)
DIV_SIGNED(int32_t, INT32_MIN)
DIV_SIGNED(int64_t, INT64_MIN)

EB_REF_BINARY_ROW(div_f32, float, u / v)
EB_REF_BINARY_ROW(div_f64, double, u / v)
EB_REF_BINARY_ROW(div_u8, uint8_t, div_uint8_t(u, v, ctx))
EB_REF_BINARY_ROW(div_i8, int8_t, div_int8_t(u, v, ctx))
EB_REF_BINARY_ROW(div_u16, uint16_t, div_uint16_t(u, v, ctx))
EB_REF_BINARY_ROW(div_i16, int16_t, div_int16_t(u, v, ctx))
EB_REF_BINARY_ROW(div_u32, uint32_t, div_uint32_t(u, v, ctx))
EB_REF_BINARY_ROW(div_i32, int32_t, div_int32_t(u, v, ctx))
EB_REF_BINARY_ROW(div_u64, uint64_t, div_uint64_t(u, v, ctx))
EB_REF_BINARY_ROW(div_i64, int64_t, div_int64_t(u, v, ctx))

static const eb_ref_binary_kernels kernels = {
    .f32 = div_f32, .f64 = div_f64, .u8 = div_u8, .i8 = div_i8, .u16 = div_u16,
    .i16 = div_i16, .u32 = div_u32, .i32 = div_i32, .u64 = div_u64,
    .i64 = div_i64};

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    return eb_ref_binary_run(x, &kernels, msg, len);
}

const eb_ref_op eb_ref_op_div = {.op_type = "Div",
                                  .check = eb_ref_binary_check,
                                  .prepare = eb_ref_binary_prepare,
                                  .run = run,
                                  .release = free};
