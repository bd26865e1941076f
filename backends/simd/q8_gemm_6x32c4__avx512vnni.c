/* int8 GEMM micro-kernel, AVX-512 VNNI, 6 x 32 tile (simd_kernels.h), the
 * loop in simd_q8_tile_x32c4.h: twelve accumulators. The general int8
 * tile with VNNI; eb_simd_q8_gemm_for takes 8 x 32 where six-row panels
 * pad the output channels by more than a tenth beyond eight-row ones. */
#define Q8X32_MR 6
#define Q8X32_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define Q8X32_PAIRS(X) X(0, 1) X(2, 3) X(4, 5)
#define Q8X32_NAME eb_q8_gemm_6x32c4__avx512vnni
#include "backends/simd/simd_q8_tile_x32c4.h"
