/* Single-precision matrix multiply shared by the ref backend's Conv, Gemm and
 * MatMul (defined in gemm_f32.c). */
#ifndef EB_REF_GEMM_F32_H
#define EB_REF_GEMM_F32_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of packing scratch eb_ref_gemm_f32 needs for an m x n x k product.
 * Bounded by the cache blocking, so it stays small for large products. */
size_t eb_ref_gemm_f32_scratch_bytes(int64_t m, int64_t n, int64_t k);

/* C = alpha * op(A) * op(B) + beta * C, all row-major.
 *
 * op(A) is m x k: A is m x k (lda >= k) or, with trans_a, k x m (lda >= m).
 * op(B) is k x n: B is k x n (ldb >= n) or, with trans_b, n x k (ldb >= k).
 * C is m x n with ldc >= n. With beta == 0, C is written without being read
 * (it may hold NaN or garbage). `scratch` holds at least
 * eb_ref_gemm_f32_scratch_bytes(m, n, k) bytes, suitably aligned for float;
 * it must not alias A, B or C. m, n or k of 0 is allowed (k == 0 scales C by
 * beta). */
void eb_ref_gemm_f32(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                     const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                     float *c, int64_t ldc, float *scratch);

#endif
