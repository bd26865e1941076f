/* fp32 GEMM micro-kernel, portable C, 4 x 8 tile (simd_kernels.h). */
#include "backends/simd/simd_gemm_store.h"
#include "backends/simd/simd_kernels.h"

void eb_f32_gemm_4x8__c(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                            int64_t ldc,
                        int mr, int nr, const float *bias, float lo, float hi)
{
    float acc[4 * 8];
    for (int r = 0; r < 4; r++)
        for (int j = 0; j < 8; j++)
            acc[r * 8 + j] = bias ? bias[r] : 0.0f;
    for (int64_t p = 0; p < k; p++, a += 4, b += ldb)
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 8; j++)
                acc[r * 8 + j] += a[r] * b[j];
    eb_simd_store_tile_f32(acc, 8, c, ldc, mr, nr, lo, hi);
}
