/* The vector helpers (simd_vec_impl.h) built for "neon"; the ISA flags come
 * from backends/simd/CMakeLists.txt by file name. */
#define EB_VEC_FN(name) name##__neon
#define EB_VEC_TABLE eb_simd_vec__neon
#define EB_VEC_LABEL "neon"
#define EB_VEC_ISA EB_SIMD_ISA_NEON
#include "backends/simd/simd_vec_impl.h"
