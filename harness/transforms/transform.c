/* The transform table, condition parameters, drift, and applying a
 * transform to sample m. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/transforms/transform_kinds.h"

/* splitmix64 of x: decorrelates the per-sample seeds (seed, m). */
static uint64_t mix(uint64_t x) { return eb_splitmix64(&x); }

/* Each transform kind's function; the kinds' parameters are the condition
 * table's (tests/test_transforms.c checks every transform kind there has
 * a row here). */
const eb_transform_kind eb_transform_kinds[] = {
    {"noise", eb_tf_noise},           {"salt_pepper", eb_tf_salt_pepper},
    {"dead_pixels", eb_tf_dead_pixels}, {"brightness", eb_tf_brightness},
    {"contrast", eb_tf_contrast},     {"bit_depth", eb_tf_bit_depth},
    {"blur", eb_tf_blur},             {"occlusion", eb_tf_occlusion},
    {"rotate", eb_tf_rotate},         {"translate", eb_tf_translate},
    {NULL, NULL}};

const eb_transform_kind *eb_transform_find(const char *name)
{
    for (const eb_transform_kind *k = eb_transform_kinds; name && k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

eb_status eb_transform_from_condition(const eb_condition *c, uint64_t span, eb_transform *out,
                                      char *msg, size_t msg_len)
{
    memset(out, 0, sizeof *out);
    const eb_transform_kind *k = eb_transform_find(c->kind);
    const eb_condition_kind *ck = eb_condition_kind_find(c->kind);
    if (!k || !ck || ck->cls != EB_CC_TRANSFORM) {
        snprintf(msg, msg_len, "'%s' is not an input transform", c->kind);
        return EB_ERR_NOT_FOUND;
    }
    out->kind = k;
    out->span = span;
    /* the kind's own parameters: its numbers outside a group (seed is an
     * integer, drift.* a group) */
    for (const eb_cparam_def *d = ck->params; d->name; d++)
        if (d->type == EB_CP_NUM && !strchr(d->name, '.') && out->n_p < EB_TRANSFORM_MAX_PARAMS) {
            out->names[out->n_p] = d->name;
            out->p[out->n_p++] = eb_condition_num(c, d->name);
        }
    int64_t seed = 0;
    if (eb_condition_integer(c, "seed", &seed))
        out->seed = (uint64_t)seed;
    const char *drift_param = eb_condition_string(c, "drift.param", NULL);
    out->drift = EB_DRIFT_NONE;
    if (!drift_param)
        return EB_OK;
    out->drift_param = -1;
    for (int i = 0; i < out->n_p; i++)
        if (strcmp(out->names[i], drift_param) == 0)
            out->drift_param = i;
    if (out->drift_param < 0) {
        snprintf(msg, msg_len, "condition kind %s: drift.param '%s' is not one of its "
                 "parameters", c->kind, drift_param);
        return EB_ERR_FORMAT;
    }
    if (!eb_condition_number(c, "drift.from", &out->from) ||
        !eb_condition_number(c, "drift.to", &out->to)) {
        snprintf(msg, msg_len, "condition kind %s: drift needs both from and to", c->kind);
        return EB_ERR_FORMAT;
    }
    int64_t at = 0;
    if (eb_condition_integer(c, "drift.at", &at)) {
        if (at < 0) {
            snprintf(msg, msg_len, "condition kind %s: drift.at %" PRId64 " is negative", c->kind,
                     at);
            return EB_ERR_FORMAT;
        }
        out->at = (uint64_t)at;
    }
    out->drift = strcmp(eb_condition_str(c, "drift.shape"), "step") == 0 ? EB_DRIFT_STEP
                                                                          : EB_DRIFT_LINEAR;
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
