/* Quantised types and quantisation parameters (see ref_q8.h). */
#include <math.h>

#include "backends/ref/ref_q8.h"

int eb_ref_q8_range(eb_dtype dt, int32_t *qmin, int32_t *qmax)
{
    switch (dt) {
    case EB_DT_U8: *qmin = 0; *qmax = 255; return 1;
    case EB_DT_I8: *qmin = -128; *qmax = 127; return 1;
    case EB_DT_I32: *qmin = INT32_MIN; *qmax = INT32_MAX; return 1;
    default: return 0;
    }
}

int eb_ref_qparams_const(const eb_graph *g, const eb_node *n, int ks, int kz, int rank,
                         eb_ref_qparams *q)
{
    const eb_tensor *s = eb_node_input(g, n, ks);
    const eb_tensor *z = eb_node_input(g, n, kz);
    if (!s || !s->data || s->dtype != EB_DT_F32 || s->numel < 1)
        return 0;
    int32_t lo, hi;
    if (z && (!z->data || (z->numel != s->numel && z->numel != 1) ||
              !eb_ref_q8_range(z->dtype, &lo, &hi)))
        return 0;
    q->count = s->numel;
    q->axis = -1;
    q->scale = s->data;
    q->zp = z ? z->data : NULL;
    q->zp_count = z ? z->numel : 1;
    q->zp_dtype = z ? z->dtype : EB_DT_U8;
    if (s->numel > 1) {
        if (s->rank != 1)
            return 0;
        int64_t axis = eb_node_attr_int(n, "axis", 1);
        if (axis < 0)
            axis += rank;
        if (axis < 0 || axis >= rank)
            return 0;
        q->axis = (int)axis;
    }
    return 1;
}

void eb_ref_qparams_values(const eb_value *scale, const eb_value *zp, int axis,
                           eb_ref_qparams *q)
{
    int64_t count = 1;
    for (int d = 0; d < scale->rank; d++)
        count *= scale->dims[d];
    q->count = count;
    q->axis = count > 1 ? axis : -1;
    q->scale = scale->data;
    q->zp = zp ? zp->data : NULL;
    q->zp_count = 1;
    for (int d = 0; zp && d < zp->rank; d++)
        q->zp_count *= zp->dims[d];
    q->zp_dtype = zp ? zp->dtype : EB_DT_U8;
}

int eb_ref_qparams_valid(const eb_ref_qparams *q)
{
    for (int64_t i = 0; i < q->count; i++)
        if (!isnormal(q->scale[i]) || !(q->scale[i] > 0.0f))
            return 0;
    return 1;
}

void eb_ref_q8_center(const void *src, eb_dtype dt, int64_t outer, int64_t channels,
                      int64_t inner, const eb_ref_qparams *zp, int16_t *dst)
{
    int64_t i = 0;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t c = 0; c < channels; c++) {
            int32_t z = eb_ref_qp_zp(zp, c);
            for (int64_t k = 0; k < inner; k++, i++)
                dst[i] = (int16_t)(eb_ref_q8_get(src, dt, i) - z);
        }
}
