/* Constants shared by the f32_sigmoid__<isa> kernels (simd_f32_sigmoid.inc).
 *
 * sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with
 * e = exp(z), z = -|x| (never overflows; the same split as ref's
 * op_sigmoid.c). exp(z) for z in [EB_SIG_ZMIN, 0]:
 *   n = round(z / ln2), r = z - n * ln2 (ln2 in two parts, Cody-Waite: the
 *   high part has few enough bits that n * LN2_HI is exact for |n| <= 151),
 *   |r| <= ln2 / 2, e^r by its degree-7 Taylor polynomial (truncation error
 *   below 3e-9 relative), then e = p * 2^(n + 64) * 2^-64: 2^(n + 64) is a
 *   normal float for every n >= -151, and the final multiply by 2^-64
 *   rounds once into the subnormal range, where e is tiny (z < -87.3).
 * Below EB_SIG_ZMIN exp(z) rounds to 0 in float32 anyway. */
#ifndef EB_SIMD_SIGMOID_COMMON_H
#define EB_SIMD_SIGMOID_COMMON_H

#define EB_SIG_ZMIN (-104.0f)
#define EB_SIG_LOG2E 1.44269504088896341f
#define EB_SIG_LN2_HI 0.693145751953125f       /* 0x3F317200 */
#define EB_SIG_LN2_LO 1.42860682030941723e-6f /* ln2 - LN2_HI */
#define EB_SIG_C2 (1.0f / 2.0f)
#define EB_SIG_C3 (1.0f / 6.0f)
#define EB_SIG_C4 (1.0f / 24.0f)
#define EB_SIG_C5 (1.0f / 120.0f)
#define EB_SIG_C6 (1.0f / 720.0f)
#define EB_SIG_C7 (1.0f / 5040.0f)
#define EB_SIG_TWO_M64 5.42101086242752217e-20f /* 2^-64 */

#endif
