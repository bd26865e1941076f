/* eb_ref_fused_bias: the bias of a fused conv / gemm in accumulator units
 * (rule in ref_fuse_qdq.h). */
#include <math.h>

#include "backends/ref/ref_fuse_qdq.h"

static int32_t round_to_acc(float real, float acc_scale)
{
    double r = rint((double)real / (double)acc_scale);
    return r >= 2147483647.0 ? INT32_MAX : r <= -2147483648.0 ? INT32_MIN : (int32_t)r;
}

int eb_ref_fused_bias(const eb_graph *g, const eb_ref_qdq_match *m, int64_t channels,
                      int32_t *bias_out)
{
    const float sx = m->xq[0].scale[0];
    if (!m->dq_b) {
        const float *b = m->bias->data; /* float32 constant, checked by the matcher */
        for (int64_t c = 0; c < channels; c++) {
            float acc_scale = sx * eb_ref_qp_scale(&m->wq, c);
            bias_out[c] = round_to_acc(b[c], acc_scale);
        }
        return 1;
    }
    const eb_tensor *bq = eb_node_input(g, m->dq_b, 0);
    int32_t lo, hi;
    if (!bq || !bq->data || bq->numel != channels || !eb_ref_q8_range(bq->dtype, &lo, &hi))
        return 0;
    eb_ref_qparams bp;
    if (!eb_ref_qparams_const(g, m->dq_b, 1, 2, bq->rank, &bp) || !eb_ref_qparams_valid(&bp) ||
        (bp.count != 1 && bp.count != channels))
        return 0;
    for (int64_t c = 0; c < channels; c++) {
        /* the float32 product, as the quantiser computed it */
        float acc_scale = sx * eb_ref_qp_scale(&m->wq, c);
        int32_t v = eb_ref_q8_get(bq->data, bq->dtype, c);
        int32_t zp = eb_ref_qp_zp(&bp, c);
        if (bq->dtype == EB_DT_I32 && zp == 0 && eb_ref_qp_scale(&bp, c) == acc_scale) {
            bias_out[c] = v;
        } else {
            /* DequantizeLinear's own arithmetic, then into accumulator units */
            float real = (float)((int64_t)v - zp) * eb_ref_qp_scale(&bp, c);
            bias_out[c] = round_to_acc(real, acc_scale);
        }
    }
    return 1;
}
