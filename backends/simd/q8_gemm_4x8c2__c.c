/* int8 GEMM micro-kernel, portable C, 4 x 8 tile, int16 operands in pairs
 * of k (the layout of the AVX2 kernel, so packing is tested here too). */
#include "backends/simd/simd_kernels.h"

void eb_q8_gemm_4x8c2__c(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const int16_t *pa = a, *pb = b;
    uint32_t acc[4 * 8] = {0}; /* wraps like a SIMD add (requant_s32.h) */
    for (int64_t q = 0; q < kq; q++, pa += 4 * 2, pb += 8 * 2)
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 8; j++)
                acc[r * 8 + j] += (uint32_t)(pa[r * 2] * pb[j * 2] + pa[r * 2 + 1] * pb[j * 2 + 1]);
    for (int i = 0; i < 4 * 8; i++)
        tile[i] = (int32_t)acc[i];
}
