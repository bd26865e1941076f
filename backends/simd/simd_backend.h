/* The simd backend: edgebench's own vectorised kernels (AVX2 / AVX-512 on
 * x86-64, NEON / dot product on aarch64), chosen at run time from the CPU's
 * features, with the ref kernels as the fallback for everything else.
 * Built into the edgebench executable like ref. */
#ifndef EB_SIMD_BACKEND_H
#define EB_SIMD_BACKEND_H

#include "edgebench/backend.h"

const eb_backend *eb_simd_backend(void);

#endif
