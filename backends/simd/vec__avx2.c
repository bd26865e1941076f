/* The vector helpers (simd_vec_impl.h) built for "avx2"; the ISA flags come
 * from backends/simd/CMakeLists.txt by file name. */
#define EB_VEC_FN(name) name##__avx2
#define EB_VEC_TABLE eb_simd_vec__avx2
#define EB_VEC_LABEL "avx2"
#define EB_VEC_ISA EB_SIMD_ISA_AVX2
#include "backends/simd/simd_vec_impl.h"
