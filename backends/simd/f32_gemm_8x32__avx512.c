/* fp32 GEMM micro-kernel, AVX-512F, 8 x 32 tile (simd_kernels.h), the
 * loop in simd_f32_tile_x32.h: 16 accumulators. For row counts that
 * 12 x 32 panels pad by more than a tenth and 8 x 32 ones fit better (64
 * output channels: ResNet-18's first stage, 72 rows on 12 x 32; 16 and 40:
 * MobileNet-v2's and EfficientNet's narrow projections), where 6 x 32
 * loads B once per six rows; eb_simd_f32_gemm_for picks it by padding.
 * The _acc form starts from the tile already in c instead of the bias: a
 * K block after the first (the driver's K blocking, simd_gemm.c). */
#define F32X32_MR 8
#define F32X32_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define F32X32_NAME eb_f32_gemm_8x32__avx512
#include "backends/simd/simd_f32_tile_x32.h"
