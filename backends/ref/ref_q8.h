/* The int8 side of the ref backend: quantised element access, quantisation
 * parameters, and the integer kernels that both the QLinear ops and the fused
 * QDQ groups (ref_fuse_qdq.c) call.
 *
 * "q8" means int8 or uint8 storage; every kernel reads either and writes
 * either, widening to int32 internally. Accumulation is int32, and every
 * output goes through the rule in requant_s32.h.
 *
 * Kernels return void and never allocate: the caller owns every buffer and
 * has validated shapes (ops at check/prepare, the fusion pass when matching).
 * Layouts are those of ONNX: activations NC + spatial, row-major. */
#ifndef EB_REF_Q8_H
#define EB_REF_Q8_H

#include <stdint.h>

#include "backends/ref/requant_s32.h"
#include "edgebench/backend.h"
#include "edgebench/window.h"

/* ---- element access ---------------------------------------------------- */

/* Representable range of a quantised type: uint8, int8 (and int32 for
 * DequantizeLinear inputs and biases). Returns 0 for any other type. */
int eb_ref_q8_range(eb_dtype dt, int32_t *qmin, int32_t *qmax);

static inline int32_t eb_ref_q8_get(const void *p, eb_dtype dt, int64_t i)
{
    switch (dt) {
    case EB_DT_U8: return ((const uint8_t *)p)[i];
    case EB_DT_I8: return ((const int8_t *)p)[i];
    case EB_DT_I32: return ((const int32_t *)p)[i];
    default: return 0;
    }
}

/* v must already lie in dt's range (the requantisation saturated it). */
static inline void eb_ref_q8_put(void *p, eb_dtype dt, int64_t i, int32_t v)
{
    if (dt == EB_DT_U8)
        ((uint8_t *)p)[i] = (uint8_t)v;
    else
        ((int8_t *)p)[i] = (int8_t)v;
}

/* ---- quantisation parameters ------------------------------------------- */

/* Scales and zero points of one quantised operand: real = (q - zp) * scale.
 * Pointers are borrowed (graph constants or run-time values). */
typedef struct eb_ref_qparams {
    int64_t count;        /* 1 (per tensor) or the size of the channel axis */
    int axis;             /* channel axis, normalised; -1 per tensor */
    const float *scale;   /* count entries */
    const void *zp;       /* zp_count entries of zp_dtype; NULL means 0 */
    int64_t zp_count;     /* 1 or count */
    eb_dtype zp_dtype;
} eb_ref_qparams;

static inline float eb_ref_qp_scale(const eb_ref_qparams *q, int64_t c)
{
    return q->scale[q->count == 1 ? 0 : c];
}

static inline int32_t eb_ref_qp_zp(const eb_ref_qparams *q, int64_t c)
{
    return q->zp ? eb_ref_q8_get(q->zp, q->zp_dtype, q->zp_count == 1 ? 0 : c) : 0;
}

/* Parameters of node n's operand whose scale is input ks and zero point input
 * kz (may be omitted), for a quantised tensor of rank `rank`; the channel axis
 * comes from the node's "axis" attribute (default 1) when the scale has more
 * than one value. Returns 1 when scale and zero point are load-time constants
 * of a consistent shape, else 0 (run-time parameters, or a bad shape). */
int eb_ref_qparams_const(const eb_graph *g, const eb_node *n, int ks, int kz, int rank,
                         eb_ref_qparams *q);

/* Same from run-time values; `axis` as stated by the node (normalised). The
 * loader has checked the shapes. */
void eb_ref_qparams_values(const eb_value *scale, const eb_value *zp, int axis,
                           eb_ref_qparams *q);

/* 1 when every scale is a normal float32 > 0 (finite, not subnormal): the
 * rule is only defined there, and Q(DQ(q)) == q needs it. */
int eb_ref_qparams_valid(const eb_ref_qparams *q);

/* dst[i] = src[i] - zp[channel of i] as int16 for a tensor viewed as
 * [outer][channels][inner] whose zero points run along `channels` (a single
 * zero point when zp->count == 1). Weights centred once let the kernels
 * accumulate (x - x_zp) * w_centred with no zero-point correction terms. */
void eb_ref_q8_center(const void *src, eb_dtype dt, int64_t outer, int64_t channels,
                      int64_t inner, const eb_ref_qparams *zp, int16_t *dst);

/* ---- kernels ----------------------------------------------------------- */

/* Convolution, 1 to 3 spatial dims, groups (depthwise = group == C).
 * y[n][m][o...] = requant(bias[m] + sum (x - x_zp) * w[m][c][k...]),
 * with multiplier mult[m] and clamp [y_min, y_max]. Positions in the
 * padding contribute nothing (they hold x_zp, i.e. real 0). */
typedef struct eb_ref_conv_q8_params {
    eb_window win;           /* from eb_window_resolve; n_spatial 1..3 */
    int64_t batch, in_channels, out_channels, group;
    eb_dtype x_dtype, y_dtype;
    int32_t x_zp;
    const int16_t *w;        /* [M][C/group][kernel...], centred */
    const int32_t *bias;     /* [M] or NULL */
    const float *mult;       /* [M]: (s_x * s_w[m]) / s_y */
    int32_t y_zp, y_min, y_max;
} eb_ref_conv_q8_params;

/* Scratch eb_ref_conv_q8 needs: an int16 im2col matrix of one group of one
 * image plus an int32 row of accumulators. */
size_t eb_ref_conv_q8_scratch_bytes(const eb_ref_conv_q8_params *p);

void eb_ref_conv_q8(const eb_ref_conv_q8_params *p, const void *x, void *y, void *scratch);

/* y[m][n] = requant(bias[n] + sum_k (a[m][k] - a_zp) * b[k][n]) with
 * multiplier mult[n] and clamp [y_min, y_max]; a is M x K row-major. */
typedef struct eb_ref_matmul_q8_params {
    int64_t m, k, n;
    eb_dtype a_dtype, y_dtype;
    int32_t a_zp;
    const int16_t *b;        /* [K][N], centred */
    const int32_t *bias;     /* [N] or NULL */
    const float *mult;       /* [N] */
    int32_t y_zp, y_min, y_max;
} eb_ref_matmul_q8_params;

void eb_ref_matmul_q8(const eb_ref_matmul_q8_params *p, const void *a, void *y);

/* Element-wise sum of two quantised tensors of the same shape:
 *   v = (float)(a - a_zp) * a_mult + (float)(b - b_zp) * b_mult
 *   y = q_round(v, y_zp, y_min, y_max)
 * with a_mult = s_a / s_y and b_mult = s_b / s_y in float32, two products
 * rounded separately, then one float32 sum (no FMA). The same float rule as
 * ONNX Runtime's QLinearAdd. */
typedef struct eb_ref_add_q8_params {
    int64_t count;
    eb_dtype a_dtype, b_dtype, y_dtype;
    int32_t a_zp, b_zp, y_zp, y_min, y_max;
    float a_mult, b_mult;
} eb_ref_add_q8_params;

void eb_ref_add_q8(const eb_ref_add_q8_params *p, const void *a, const void *b, void *y);

/* Max pooling on quantised values (exact: max commutes with the monotone
 * dequantisation), 1 to 3 spatial dims; padding never wins. A window lying
 * wholly in the padding gives the type's minimum, as -inf quantises to. */
typedef struct eb_ref_maxpool_q8_params {
    eb_window win;
    int64_t batch, channels;
    eb_dtype dtype;
} eb_ref_maxpool_q8_params;

void eb_ref_maxpool_q8(const eb_ref_maxpool_q8_params *p, const void *x, void *y);

#endif
