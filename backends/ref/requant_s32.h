/* The requantisation rule of edgebench: how an int32 accumulator (or a float
 * value) becomes an int8 / uint8 output. Every kernel of the ref backend that
 * writes a quantised value goes through these functions, and every other
 * backend's int8 kernels must reproduce them bit for bit.
 *
 * THE RULE (float32 multiplier, round half to even, saturate):
 *
 *   multiplier  m = (s_x * s_w) / s_y      evaluated in float32, in that
 *                                           order: one rounding after the
 *                                           product, one after the quotient
 *   requant(acc) = q_round((float)acc * m)  int32 -> float32 with round to
 *                                           nearest even, one float32 product
 *   quantize(x)  = q_round(x / s_y)         QuantizeLinear: a float32 division,
 *                                           not a multiply by 1/s_y
 *   q_round(v)   = zp + rint(clamp(v, qmin - zp, qmax - zp))
 *                  rint: round half to even; the clamp happens first, on the
 *                  float value, so no float -> int conversion can overflow;
 *                  clamping before or after rounding gives the same result
 *                  because the bounds are integers.
 *
 * Why this rule: it is what ONNX Runtime's MLAS kernels compute (QLinearConv,
 * QLinearMatMul, QuantizeLinear), so models quantised for and checked with
 * ONNX Runtime give the same integers here, and the ONNX conformance tests
 * (whose expected outputs come from that arithmetic) pass exactly. It maps
 * one-to-one onto SIMD: cvtdq2ps / scvtf, mulps / fmul, max/min, cvtps2dq /
 * fcvtns (round to nearest even), integer add, pack with saturation.
 *
 * What an implementation must not do: contract the product into an FMA,
 * evaluate in double or with x87 excess precision, replace the division in
 * quantize() by a reciprocal multiply, or change the rounding mode (rint is
 * used with the default round-to-nearest-even mode; the ref backend is
 * compiled with -ffp-contract=off). Scales must be normal floats > 0; callers
 * validate constant scales at prepare.
 *
 * Accumulators are int32 and wrap modulo 2^32 on overflow, as a SIMD int32
 * add does; with 8-bit operands that needs more than 33,000 products in one
 * dot product. */
#ifndef EB_REF_REQUANT_S32_H
#define EB_REF_REQUANT_S32_H

#include <stdint.h>

/* m = (sx * sw) / sy in float32 (see above). */
float eb_ref_requant_multiplier(float sx, float sw, float sy);

/* zp + rint(clamp(v, qmin - zp, qmax - zp)); qmin <= zp <= qmax is not
 * required (a clamp range narrowed by a fused Relu may exclude zp).
 * NaN gives qmin, as SIMD max(v, lo) with v first does; finite inputs and
 * valid scales never produce one. */
int32_t eb_ref_q_round(float v, int32_t zp, int32_t qmin, int32_t qmax);

/* q_round((float)acc * m, zp, qmin, qmax): the requantisation of an int32
 * accumulator that already includes the bias. */
int32_t eb_ref_requant_s32(int32_t acc, float m, int32_t zp, int32_t qmin, int32_t qmax);

/* q_round(x / scale, zp, qmin, qmax): QuantizeLinear of one float32 value. */
int32_t eb_ref_quantize_f32(float x, float scale, int32_t zp, int32_t qmin, int32_t qmax);

#endif
