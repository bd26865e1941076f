/* Checks of every simd kernel variant against the reference, shared by the
 * cmocka test (tests/test_simd_kernels.c) and the small static driver that
 * runs under qemu-aarch64 (simd_kernel_main.c). Plain C, no test framework,
 * no HDF5 / YAML: it links only the SDK, ref and simd sources.
 *
 * Shapes are random (fixed seed) with ragged edges: channel counts, widths
 * and depths that are not multiples of any tile or vector length. int8
 * results must equal the ref backend's bytes; fp32 results must lie within
 * EB_SIMD_CHECK_RTOL of the sum of the absolute values of the products
 * (the error bound of a reordered fp32 sum), plus 1e-6. */
#ifndef EB_SIMD_KERNEL_CHECKS_H
#define EB_SIMD_KERNEL_CHECKS_H

#include <stddef.h>

#include "backends/simd/simd_kernels.h"

#define EB_SIMD_CHECK_RTOL 1e-4

/* Each returns 0 when every case matched, else 1 with the first mismatch in
 * msg. threads > 1 runs the drivers on a pool of that many threads. */
int eb_simd_check_f32_gemm(const eb_simd_f32_gemm_variant *v, const eb_simd_vec_kernels *vec,
                           int threads, char *msg, size_t len);
int eb_simd_check_q8_gemm(const eb_simd_q8_gemm_variant *v, const eb_simd_vec_kernels *vec,
                          int threads, char *msg, size_t len);
int eb_simd_check_vec(const eb_simd_vec_kernels *vec, char *msg, size_t len);
int eb_simd_check_pool(char *msg, size_t len);

/* fp32 sigmoid / SiLU against ref's Sigmoid (and Sigmoid then Mul) on edge
 * values (0, subnormals, large |x|, infinities, NaN) and a sweep, lengths
 * that are not multiples of the vector width: relative error at most
 * EB_SIMD_SIGMOID_RTOL (plus two subnormal units). *max_rel / *max_abs: the
 * largest errors seen (relative over results of at least 1e-30, below which
 * SiLU multiplies a subnormal sigmoid). */
#define EB_SIMD_SIGMOID_RTOL 1e-6
int eb_simd_check_f32_sigmoid(const eb_simd_f32_sigmoid_variant *v, double *max_rel,
                              double *max_abs, char *msg, size_t len);

/* Run every check for every listed variant the ISA mask allows, printing one
 * line per variant ("ok", "skip: ..." or "FAIL: ..."). Returns the number
 * of failures; *ran counts the variants checked. */
int eb_simd_check_everything(unsigned isa, int *ran);

#endif
