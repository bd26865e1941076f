/* Seeded random input tensors and the portable PRNG behind them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputs/random_inputs.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void eb_rng_seed(eb_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t eb_rng_next(eb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double eb_rng_uniform(eb_rng *r) { return (double)(eb_rng_next(r) >> 11) * 0x1.0p-53; }

double eb_rng_normal(eb_rng *r)
{
    double u1 = eb_rng_uniform(r), u2 = eb_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

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
