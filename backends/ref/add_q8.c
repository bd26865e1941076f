/* eb_ref_add_q8: sum of two quantised tensors of one shape (rule in ref_q8.h). */
#include "backends/ref/ref_q8.h"

void eb_ref_add_q8(const eb_ref_add_q8_params *p, const void *a, const void *b, void *y)
{
    for (int64_t i = 0; i < p->count; i++) {
        /* Separate statements: each product is rounded to float32 before the
         * sum, so no FMA can change the result (requant_s32.h). */
        float va = (float)(eb_ref_q8_get(a, p->a_dtype, i) - p->a_zp) * p->a_mult;
        float vb = (float)(eb_ref_q8_get(b, p->b_dtype, i) - p->b_zp) * p->b_mult;
        float v = va + vb;
        eb_ref_q8_put(y, p->y_dtype, i, eb_ref_q_round(v, p->y_zp, p->y_min, p->y_max));
    }
}
