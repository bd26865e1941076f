/* The vector helpers (simd_vec_impl.h) built for "avx512vnni": the
 * avx512 build plus vpdpwssd, which fuses the int8 depthwise kernels'
 * int16-pair multiply-add with its accumulation (one micro-op for
 * vpmaddwd + vpaddd). The ISA flags come from backends/simd/CMakeLists.txt
 * by file name. */
#define EB_VEC_FN(name) name##__avx512vnni
#define EB_VEC_TABLE eb_simd_vec__avx512vnni
#define EB_VEC_LABEL "avx512vnni"
#define EB_VEC_ISA (EB_SIMD_ISA_AVX512 | EB_SIMD_ISA_AVX512VNNI)
#include "backends/simd/simd_vec_impl.h"
