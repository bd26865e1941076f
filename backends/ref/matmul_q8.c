/* eb_ref_matmul_q8: quantised matrix product, the plain triple loop. */
#include "backends/ref/ref_q8.h"

void eb_ref_matmul_q8(const eb_ref_matmul_q8_params *p, const void *a, void *y)
{
    for (int64_t i = 0; i < p->m; i++)
        for (int64_t j = 0; j < p->n; j++) {
            /* uint32: int32 accumulation that wraps instead of being
             * undefined, like a SIMD add (requant_s32.h). */
            uint32_t acc = p->bias ? (uint32_t)p->bias[j] : 0u;
            for (int64_t k = 0; k < p->k; k++) {
                int32_t av = eb_ref_q8_get(a, p->a_dtype, i * p->k + k) - p->a_zp;
                acc += (uint32_t)(av * p->b[k * p->n + j]);
            }
            int32_t q = eb_ref_requant_s32((int32_t)acc, p->mult[j], p->y_zp, p->y_min, p->y_max);
            eb_ref_q8_put(y, p->y_dtype, i * p->n + j, q);
        }
}
