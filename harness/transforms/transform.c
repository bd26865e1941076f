/* The transform table, condition parameters, drift, and applying a
 * transform to sample m. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/transforms/transform_kinds.h"

/* splitmix64 of x: decorrelates the per-sample seeds (seed, m). */
static uint64_t mix(uint64_t x) { return eb_splitmix64(&x); }

/* Listed once: the scenario schema's condition kinds of these names take
 * exactly these parameters (checked by tests/test_transforms.c). */
const eb_transform_kind eb_transform_kinds[] = {
    {"noise", {"sigma", NULL}, {0}, eb_tf_noise},
    {"salt_pepper", {"p", NULL}, {0}, eb_tf_salt_pepper},
    {"dead_pixels", {"fraction", "value", NULL}, {0, 0}, eb_tf_dead_pixels},
    {"brightness", {"delta", NULL}, {0}, eb_tf_brightness},
    {"contrast", {"factor", NULL}, {1}, eb_tf_contrast},
    {"bit_depth", {"bits", NULL}, {8}, eb_tf_bit_depth},
    {"blur", {"sigma", NULL}, {0}, eb_tf_blur},
    {"occlusion", {"size", "value", NULL}, {0, 0}, eb_tf_occlusion},
    {"rotate", {"degrees", NULL}, {0}, eb_tf_rotate},
    {"translate", {"dx", "dy", NULL}, {0, 0}, eb_tf_translate},
    {NULL, {NULL}, {0}, NULL}};

const eb_transform_kind *eb_transform_find(const char *name)
{
    for (const eb_transform_kind *k = eb_transform_kinds; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

static int param_index(const eb_transform_kind *k, const char *name)
{
    for (int i = 0; i < EB_TRANSFORM_MAX_PARAMS && k->params[i]; i++)
        if (strcmp(k->params[i], name) == 0)
            return i;
    return -1;
}

static int parse_num(const char *v, double *out)
{
    char *end;
    *out = strtod(v, &end);
    return end != v && *end == '\0' && isfinite(*out);
}

eb_status eb_transform_parse(const char *kind, const char *params, uint64_t span,
                             eb_transform *out, char *msg, size_t msg_len)
{
    memset(out, 0, sizeof *out);
    const eb_transform_kind *k = eb_transform_find(kind);
    if (!k) {
        snprintf(msg, msg_len, "'%s' is not an input transform", kind);
        return EB_ERR_NOT_FOUND;
    }
    out->kind = k;
    memcpy(out->p, k->defaults, sizeof out->p);
    out->span = span;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", params ? params : "");
    char *save = NULL, *drift_param = NULL;
    int have_from = 0, have_to = 0;
    for (char *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *key = kv, *val = eq + 1;
        double v = 0;
        int idx = param_index(k, key);
        if (idx >= 0) {
            if (!parse_num(val, &v))
                goto bad;
            out->p[idx] = v;
        } else if (strcmp(key, "seed") == 0) {
            out->seed = strtoull(val, NULL, 10);
        } else if (strcmp(key, "drift.param") == 0) {
            drift_param = eq + 1;
        } else if (strcmp(key, "drift.shape") == 0) {
            if (strcmp(val, "linear") == 0)
                out->drift = EB_DRIFT_LINEAR;
            else if (strcmp(val, "step") == 0)
                out->drift = EB_DRIFT_STEP;
            else
                goto bad;
        } else if (strcmp(key, "drift.from") == 0) {
            if (!parse_num(val, &out->from))
                goto bad;
            have_from = 1;
        } else if (strcmp(key, "drift.to") == 0) {
            if (!parse_num(val, &out->to))
                goto bad;
            have_to = 1;
        } else if (strcmp(key, "drift.at") == 0) {
            if (!parse_num(val, &v) || v < 0)
                goto bad;
            out->at = (uint64_t)v;
        }
        /* other keys belong to other parts of the condition */
        continue;
    bad:
        snprintf(msg, msg_len, "condition kind %s: bad value '%s' for '%s'", kind, val, key);
        return EB_ERR_FORMAT;
    }
    if (drift_param) {
        out->drift_param = param_index(k, drift_param);
        if (out->drift_param < 0) {
            snprintf(msg, msg_len, "condition kind %s: drift.param '%s' is not one of its "
                     "parameters", kind, drift_param);
            return EB_ERR_FORMAT;
        }
        if (!have_from || !have_to) {
            snprintf(msg, msg_len, "condition kind %s: drift needs both from and to", kind);
            return EB_ERR_FORMAT;
        }
        if (out->drift == EB_DRIFT_NONE)
            out->drift = EB_DRIFT_LINEAR;
    } else {
        out->drift = EB_DRIFT_NONE;
    }
    return EB_OK;
}

void eb_transform_free(eb_transform *t)
{
    if (!t)
        return;
    free(t->dead);
    t->dead = NULL;
    t->n_dead = 0;
}

double eb_transform_progress(const eb_transform *t, uint64_t m)
{
    switch (t->drift) {
    case EB_DRIFT_LINEAR:
        if (t->span <= 1)
            return 1;
        return m >= t->span - 1 ? 1.0 : (double)m / (double)(t->span - 1);
    case EB_DRIFT_STEP:
        return m >= t->at ? 1.0 : 0.0;
    default:
        return 0;
    }
}

double eb_transform_param(const eb_transform *t, int k, uint64_t m)
{
    if (t->drift == EB_DRIFT_NONE || k != t->drift_param)
        return t->p[k];
    return t->from + (t->to - t->from) * eb_transform_progress(t, m);
}


void eb_transform_apply(eb_transform *t, eb_image *img, uint64_t m, float *scratch)
{
    size_t plane = (size_t)img->h * img->w;
    if (t->kind->apply == eb_tf_dead_pixels && t->n_dead != plane) {
        /* a seeded permutation of the sites: a growing fraction (drift)
         * keeps the sites already dead */
        free(t->dead);
        t->dead = malloc(plane * sizeof *t->dead);
        t->n_dead = t->dead ? plane : 0;
        eb_rng r;
        eb_rng_seed(&r, mix(t->seed ^ 0xdeadull));
        for (size_t k = 0; k < t->n_dead; k++)
            t->dead[k] = (uint32_t)k;
        for (size_t k = t->n_dead; k > 1; k--) {
            size_t j = (size_t)(eb_rng_uniform(&r) * (double)k);
            uint32_t tmp = t->dead[k - 1];
            t->dead[k - 1] = t->dead[j];
            t->dead[j] = tmp;
        }
    }
    double p[EB_TRANSFORM_MAX_PARAMS];
    for (int k = 0; k < EB_TRANSFORM_MAX_PARAMS; k++)
        p[k] = eb_transform_param(t, k, m);
    eb_rng rng;
    eb_rng_seed(&rng, mix(t->seed) ^ mix(m + 1));
    t->kind->apply(t, p, img, &rng, scratch);
}
