/* The vector helpers (simd_vec_impl.h) built for "avx512"; the ISA flags come
 * from backends/simd/CMakeLists.txt by file name. */
#define EB_VEC_FN(name) name##__avx512
#define EB_VEC_TABLE eb_simd_vec__avx512
#define EB_VEC_LABEL "avx512"
#define EB_VEC_ISA EB_SIMD_ISA_AVX512
#include "backends/simd/simd_vec_impl.h"
