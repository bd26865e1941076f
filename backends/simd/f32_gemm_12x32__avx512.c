/* fp32 GEMM micro-kernel, AVX-512F, 12 x 32 tile (simd_kernels.h), the
 * loop in simd_f32_tile_x32.h: 24 accumulators, so each k loads its two
 * vectors of B once per twelve rows of output instead of six. AVX-512's
 * general tile; eb_simd_f32_gemm_for takes the 6 x 32 one where
 * twelve-row panels would pad the rows by more than a tenth beyond it.
 * The _acc form starts from the tile already in c instead of the bias: a
 * K block after the first (the driver's K blocking, simd_gemm.c). */
#define F32X32_MR 12
#define F32X32_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define F32X32_NAME eb_f32_gemm_12x32__avx512
#include "backends/simd/simd_f32_tile_x32.h"
