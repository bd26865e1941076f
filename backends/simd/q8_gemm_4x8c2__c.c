/* int8 GEMM micro-kernel, portable C, 4 x 8 tile, int16 operands in pairs
 * of k (the layout of the AVX2 kernel, so packing is tested here too); the
 * `_rq` entry point requantises the tile as it stores it (simd_q8_store.h). */
#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"

static void acc_4x8(int64_t kq, const int16_t *pa, const int16_t *pb, uint32_t acc[4 * 8])
{
    for (int i = 0; i < 4 * 8; i++)
        acc[i] = 0; /* wraps like a SIMD add (requant_s32.h) */
    for (int64_t q = 0; q < kq; q++, pa += 4 * 2, pb += 8 * 2)
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 8; j++)
                acc[r * 8 + j] += (uint32_t)(pa[r * 2] * pb[j * 2] + pa[r * 2 + 1] * pb[j * 2 + 1]);
}

void eb_q8_gemm_4x8c2__c(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    uint32_t acc[4 * 8];
    acc_4x8(kq, a, b, acc);
    for (int i = 0; i < 4 * 8; i++)
        tile[i] = (int32_t)acc[i];
}

void eb_q8_gemm_4x8c2__c_rq(int64_t kq, const void *a, const void *b, const int32_t *add,
                            const float *mult, const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy,
                            int mr, int nr)
{
    uint32_t acc[4 * 8];
    acc_4x8(kq, a, b, acc);
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++)
            y[r * ldy + j] = eb_simd_q8_rq1((int32_t)acc[r * 8 + j], add[r], mult[r], p);
}
