/* The vector helpers (simd_vec_impl.h) built for "c"; the ISA flags come
 * from backends/simd/CMakeLists.txt by file name. */
#define EB_VEC_FN(name) name##__c
#define EB_VEC_TABLE eb_simd_vec__c
#define EB_VEC_LABEL "c"
#define EB_VEC_ISA 0
#include "backends/simd/simd_vec_impl.h"
