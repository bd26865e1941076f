/* fp32 GEMM micro-kernel, AVX-512F, 6 x 32 tile (simd_kernels.h), the
 * loop in simd_f32_tile_x32.h. Where twelve- and eight-row panels would
 * pad the rows by more than a tenth beyond six-row ones (18 rows),
 * eb_simd_f32_gemm_for runs this one in place of 12 x 32.
 * The _acc form starts from the tile already in c instead of the bias: a
 * K block after the first (the driver's K blocking, simd_gemm.c). */
#define F32X32_MR 6
#define F32X32_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define F32X32_NAME eb_f32_gemm_6x32__avx512
#include "backends/simd/simd_f32_tile_x32.h"
