/* The host's data cache sizes, as the simd plan and GEMM driver size
 * their blocks and bands by them (the L1 for a few-column product's weight
 * blocks, simd_gemm.c; the L2 for the band buffers, simd_plan_dwconv.c).
 * From the C library (sysconf); what it does not say is 0, and each caller
 * keeps its own measured fallback. */
#ifndef EB_SIMD_CACHE_H
#define EB_SIMD_CACHE_H

#include <stddef.h>

/* Bytes of the level-1 data cache (level 1) or the level-2 cache (level
 * 2) of the core this runs on; 0 when unknown. */
size_t eb_simd_cache_bytes(int level);

#endif
