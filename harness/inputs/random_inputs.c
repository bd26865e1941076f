/* Seeded random input tensors and the portable PRNG behind them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/inputs/random_inputs.h"


static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

eb_status eb_random_inputs(const eb_graph *g, const eb_random_spec *spec, eb_input_set *out,
                           char *msg, size_t msg_len)
{
    memset(out, 0, sizeof *out);
    out->values = calloc((size_t)g->n_inputs + 1, sizeof *out->values);
    if (!out->values) {
        snprintf(msg, msg_len, "%s: out of memory for inputs", g->path);
        return EB_ERR_NOMEM;
    }
    eb_rng rng;
    eb_rng_seed(&rng, spec->seed);
    for (int i = 0; i < g->n_inputs; i++) {
        const eb_tensor *t = &g->tensors[g->inputs[i]];
        eb_value *v = &out->values[i];
        v->dtype = t->dtype;
        v->rank = t->rank;
        memcpy(v->dims, t->dims, sizeof v->dims);
        v->nbytes = t->nbytes;
        v->data = malloc(t->nbytes ? t->nbytes : 1);
        out->n = i + 1;
        if (!v->data) {
            snprintf(msg, msg_len, "%s: out of memory for input '%s' (%zu bytes)", g->path,
                     t->name, t->nbytes);
            eb_input_set_free(out);
            return EB_ERR_NOMEM;
        }
        for (int64_t k = 0; k < t->numel; k++) {
            double x = spec->dist == EB_DIST_NORMAL ? spec->a + spec->b * eb_rng_normal(&rng)
                                                    : spec->a + (spec->b - spec->a) * eb_rng_uniform(&rng);
            switch (t->dtype) {
            case EB_DT_F32: ((float *)v->data)[k] = (float)x; break;
            case EB_DT_F64: ((double *)v->data)[k] = x; break;
            case EB_DT_F16: ((uint16_t *)v->data)[k] = eb_f32_to_f16((float)x); break;
            case EB_DT_U8: ((uint8_t *)v->data)[k] = (uint8_t)clampd(nearbyint(x), 0, 255); break;
            case EB_DT_I8: ((int8_t *)v->data)[k] = (int8_t)clampd(nearbyint(x), -128, 127); break;
            case EB_DT_BOOL: ((uint8_t *)v->data)[k] = x > 0.5; break;
            case EB_DT_I32: ((int32_t *)v->data)[k] = (int32_t)clampd(nearbyint(x), -2147483648.0, 2147483647.0); break;
            case EB_DT_I64: ((int64_t *)v->data)[k] = (int64_t)nearbyint(x); break;
            default:
                snprintf(msg, msg_len, "%s: input '%s' has type %s, which random inputs cannot fill",
                         g->path, t->name, eb_dtype_name(t->dtype));
                eb_input_set_free(out);
                return EB_ERR_UNSUPPORTED;
            }
        }
    }
    return EB_OK;
}

void eb_input_set_free(eb_input_set *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        free(s->values[i].data);
    free(s->values);
    s->values = NULL;
    s->n = 0;
}
