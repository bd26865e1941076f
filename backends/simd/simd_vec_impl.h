/* The vector helpers of the simd backend, written once in plain C and built
 * once per ISA (vec__c.c, vec__avx2.c, ...): each build is compiled with its
 * ISA's flags (backends/simd/CMakeLists.txt) so the compiler vectorises the
 * inner loops for that ISA. Loops are shaped for that: unit or constant
 * strides, no calls, integer work in int32 lanes.
 *
 * The includer defines EB_VEC_FN(name) (appends its ISA suffix),
 * EB_VEC_TABLE, EB_VEC_LABEL and EB_VEC_ISA. Every file is built with
 * -ffp-contract=off: the int8 paths must round exactly as requant_s32.h
 * says; the fp32 paths ask for fused multiply-adds explicitly (MADD).
 *
 * One header per kernel family, in this order (a later one may use what an
 * earlier one defines: the vector types, requant8):
 *   simd_vec_pack.h         GEMM operand packing
 *   simd_vec_dwconv.h       planar depthwise conv, fp32 and int8 (with
 *                           simd_vec_dwconv_avx2.h, AVX2's in-place kernel
 *                           for both, and simd_vec_dwconv_q8_tiny.h, VNNI's
 *                           int8 kernel for planes of at most 16 columns)
 *   simd_vec_requant.h      int32 -> int8 requantisation (rows, GEMM tiles)
 *   simd_vec_layout.h       planar -> channels-last copies, 8x8 transpose
 *   simd_vec_dwconv_nhwc.h  channels-last depthwise conv
 *   simd_vec_eltwise.h      QuantizeLinear, Add fp32 / int8
 *   simd_vec_pool.h         max and global average pooling
 *   simd_vec_conv_small.h   direct convolution of few-channel inputs (stems)
 *   simd_vec_conv_small_q8.h  the same for int8 with VNNI
 * and the table (simd_kernels.h: eb_simd_vec_kernels) that names them. */
#include <math.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_vnni.h"
#include "edgebench/window.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
#define MADD(a, b, c) fmaf((a), (b), (c))
#else
#define MADD(a, b, c) ((a) * (b) + (c))
#endif

#define MAX_NR 64

/* rint() for |v| < 2^22 in the default rounding mode, in a form every
 * vectoriser handles: adding 1.5 * 2^23 leaves no fraction bits, so the sum
 * is rounded to an integer half to even, and the subtraction is exact. */
static inline float round_half_even(float v)
{
    return (v + 12582912.0f) - 12582912.0f;
}

/* eb_ref_q_round with the bounds already relative to zp. Same result for
 * every non-NaN v: clamp first, then round. */
static inline int32_t q_round(float v, int32_t zp, float lo, float hi)
{
    v = !(v >= lo) ? lo : v;
    v = v > hi ? hi : v;
    return zp + (int32_t)round_half_even(v);
}

#include "backends/simd/simd_vec_pack.h"
#include "backends/simd/simd_vec_dwconv.h"
#include "backends/simd/simd_vec_requant.h"
#include "backends/simd/simd_vec_layout.h"
#include "backends/simd/simd_vec_dwconv_nhwc.h"
#include "backends/simd/simd_vec_eltwise.h"
#include "backends/simd/simd_vec_pool.h"
#include "backends/simd/simd_vec_conv_small.h"
#include "backends/simd/simd_vec_conv_small_q8.h"

const eb_simd_vec_kernels EB_VEC_TABLE = {
    .name = EB_VEC_LABEL,
    .isa = EB_VEC_ISA,
    .pack_b_f32 = EB_VEC_FN(pack_b_f32),
    .pack_b_q8 = EB_VEC_FN(pack_b_q8),
    .pack_b_q8_panels = EB_VEC_FN(pack_b_q8_panels),
    .dwconv_f32 = EB_VEC_FN(dwconv_f32),
#if DW_SMALL
    .dw_small_plane = dw_small_plane,
    .dw_small_plane_q8 = dw_small_plane,
#elif DW_AVX2
    .dw_small_plane = dw_avx2_small_plane,
    .dw_small_plane_q8 = dw_avx2_small_plane_q8,
#endif
    .dw_q8_planar_iw = DW_AVX2 || DW_SMALL ? 16 : 56,
#if defined(__AVX512VNNI__)
    .dw_q8_in_place = dw_vq_fits,
    .dw_q8_tiny_pack = dw_tq_pack,
    .dwconv_q8_tiny = EB_VEC_FN(dwconv_q8_tiny),
#endif
    .dwconv_q8 = EB_VEC_FN(dwconv_q8),
    .requant = EB_VEC_FN(requant),
    .add_f32 = EB_VEC_FN(add_f32),
    .scale_f32 = EB_VEC_FN(scale_f32),
    .add_q8 = EB_VEC_FN(add_q8),
    .maxpool_f32 = EB_VEC_FN(maxpool_f32),
    .gavgpool_f32 = EB_VEC_FN(gavgpool_f32),
    .to_nhwc_f32 = EB_VEC_FN(to_nhwc_f32),
    .to_nhwc_q8 = EB_VEC_FN(to_nhwc_q8),
    .dwconv_nhwc_f32 = EB_VEC_FN(dwconv_nhwc_f32),
    .dwconv_nhwc_q8 = EB_VEC_FN(dwconv_nhwc_q8),
    .requant_tile = EB_VEC_FN(requant_tile),
    .requant_cols = EB_VEC_FN(requant_cols),
    .quantize_f32 = EB_VEC_FN(quantize_f32),
    .dequantize_q8 = EB_VEC_FN(dequantize_q8),
    .maxpool_q8 = EB_VEC_FN(maxpool_q8),
#if CONV_SMALL
    .conv_small_f32 = conv_small_f32,
#endif
#if defined(__AVX512VNNI__)
    .conv_small_q8_pack = conv_small_q8_pack,
    .conv_small_q8 = EB_VEC_FN(conv_small_q8),
#endif
};
