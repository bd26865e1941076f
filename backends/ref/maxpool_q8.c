/* eb_ref_maxpool_q8: max pooling on quantised values, 1 to 3 spatial dims.
 * Max commutes with the monotone dequantisation, so with equal input and
 * output parameters this equals DequantizeLinear -> MaxPool -> QuantizeLinear
 * exactly. */
#include <assert.h>

#include "backends/ref/ref_q8.h"

void eb_ref_maxpool_q8(const eb_ref_maxpool_q8_params *p, const void *x, void *y)
{
    const eb_window *w = &p->win;
    assert(w->n_spatial >= 1 && w->n_spatial <= 3);
    int64_t in[3], out[3], k[3], st[3], dl[3], pad[3];
    int lead = 3 - w->n_spatial;
    for (int d = 0; d < 3; d++) {
        int s = d - lead;
        in[d] = s < 0 ? 1 : w->in[s];
        out[d] = s < 0 ? 1 : w->out[s];
        k[d] = s < 0 ? 1 : w->kernel[s];
        st[d] = s < 0 ? 1 : w->stride[s];
        dl[d] = s < 0 ? 1 : w->dilation[s];
        pad[d] = s < 0 ? 0 : w->pad_begin[s];
    }
    int32_t qmin, qmax;
    eb_ref_q8_range(p->dtype, &qmin, &qmax);
    const int64_t in_plane = in[0] * in[1] * in[2];
    int64_t yi = 0;
    for (int64_t nc = 0; nc < p->batch * p->channels; nc++) {
        const int64_t xc = nc * in_plane;
        for (int64_t o0 = 0; o0 < out[0]; o0++)
            for (int64_t o1 = 0; o1 < out[1]; o1++)
                for (int64_t o2 = 0; o2 < out[2]; o2++, yi++) {
                    int32_t best = qmin;
                    for (int64_t k0 = 0; k0 < k[0]; k0++) {
                        int64_t i0 = o0 * st[0] - pad[0] + k0 * dl[0];
                        if (i0 < 0 || i0 >= in[0])
                            continue;
                        for (int64_t k1 = 0; k1 < k[1]; k1++) {
                            int64_t i1 = o1 * st[1] - pad[1] + k1 * dl[1];
                            if (i1 < 0 || i1 >= in[1])
                                continue;
                            for (int64_t k2 = 0; k2 < k[2]; k2++) {
                                int64_t i2 = o2 * st[2] - pad[2] + k2 * dl[2];
                                if (i2 < 0 || i2 >= in[2])
                                    continue;
                                int32_t v = eb_ref_q8_get(x, p->dtype,
                                                          xc + (i0 * in[1] + i1) * in[2] + i2);
                                if (v > best)
                                    best = v;
                            }
                        }
                    }
                    eb_ref_q8_put(y, p->dtype, yi, best);
                }
    }
}
