/* int8 GEMM micro-kernel, AVX-512 VNNI, 8 x 32 tile (simd_kernels.h), the
 * loop in simd_q8_tile_x32c4.h: sixteen accumulators. For output channel
 * counts that 6 x 32 panels pad by more than a tenth and eight-row ones
 * fit (MobileNet-v2 0.5@96's 8- and 16-channel projections: 12 and 18
 * rows on 6 x 32); eb_simd_q8_gemm_for picks it by padding. */
#define Q8X32_MR 8
#define Q8X32_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define Q8X32_PAIRS(X) X(0, 1) X(2, 3) X(4, 5) X(6, 7)
#define Q8X32_NAME eb_q8_gemm_8x32c4__avx512vnni
#include "backends/simd/simd_q8_tile_x32c4.h"
