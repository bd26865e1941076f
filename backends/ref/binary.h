/* The shared frame of the element-wise binary ops Add, Sub, Mul, Div
 * (defined in binary.c): check, broadcast planning at prepare, and dtype
 * dispatch to per-op row kernels at run. */
#ifndef EB_REF_BINARY_H
#define EB_REF_BINARY_H

#include "backends/ref/broadcast.h"
#include "backends/ref/ref_op.h"

/* One row kernel per supported element type; ctx of each call points at an
 * int the kernel sets to 1 on an integer division by zero. */
typedef struct eb_ref_binary_kernels {
    eb_ref_broadcast_row f32, f64, u8, i8, u16, i16, u32, i32, u64, i64;
} eb_ref_binary_kernels;

/* Row kernel NAME of element type T computing y = EXPR from u (element of a)
 * and v (element of b); the four step combinations get separate loops so
 * each is a plain loop a compiler can vectorise. `ctx` is in scope in EXPR. */
#define EB_REF_BINARY_ROW(NAME, T, EXPR)                                                     \
    static void NAME(const void *a_, int64_t sa, const void *b_, int64_t sb, void *y_,      \
                     int64_t n, void *ctx)                                                  \
    {                                                                                       \
        const T *a = a_, *b = b_;                                                           \
        T *y = y_;                                                                          \
        (void)ctx;                                                                          \
        if (sa && sb) {                                                                     \
            for (int64_t i = 0; i < n; i++) {                                               \
                const T u = a[i], v = b[i];                                                 \
                y[i] = (T)(EXPR);                                                           \
            }                                                                               \
        } else if (sa) {                                                                    \
            const T v = b[0];                                                               \
            for (int64_t i = 0; i < n; i++) {                                               \
                const T u = a[i];                                                           \
                y[i] = (T)(EXPR);                                                           \
            }                                                                               \
        } else if (sb) {                                                                    \
            const T u = a[0];                                                               \
            for (int64_t i = 0; i < n; i++) {                                               \
                const T v = b[i];                                                           \
                y[i] = (T)(EXPR);                                                           \
            }                                                                               \
        } else {                                                                            \
            const T u = a[0], v = b[0];                                                     \
            const T r = (T)(EXPR);                                                          \
            for (int64_t i = 0; i < n; i++)                                                 \
                y[i] = r;                                                                   \
        }                                                                                   \
    }

/* check(): float32, float64 or an integer type on both sides, shapes that broadcast,
 * and no pre-opset-7 axis broadcasting that differs from numpy's. */
int eb_ref_binary_check(const eb_graph *g, const eb_node *n, char *why, size_t why_len);

/* prepare(): plans the broadcast (state is an eb_ref_broadcast; free()). */
eb_status eb_ref_binary_prepare(const eb_graph *g, const eb_node *n, void **state,
                                size_t *scratch_bytes, char *msg, size_t msg_len);

/* run(): the kernel for the inputs' dtype over the planned broadcast. A NULL
 * kernel is a dtype check() should have refused. */
eb_status eb_ref_binary_run(const eb_ref_exec *x, const eb_ref_binary_kernels *k, char *msg,
                            size_t msg_len);

#endif
