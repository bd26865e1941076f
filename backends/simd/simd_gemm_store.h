/* Epilogue shared by the fp32 GEMM micro-kernels: a full MR x NR tile of
 * results (bias already added) goes to C clamped, only the valid part. */
#ifndef EB_SIMD_GEMM_STORE_H
#define EB_SIMD_GEMM_STORE_H

#include <stdint.h>

static inline void eb_simd_store_tile_f32(const float *tile, int nr_full, float *c, int64_t ldc,
                                          int mr, int nr, float lo, float hi)
{
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) {
            float v = tile[r * nr_full + j];
            v = v < lo ? lo : v;
            c[r * ldc + j] = v > hi ? hi : v;
        }
}

#endif
