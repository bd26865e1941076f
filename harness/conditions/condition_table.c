/* The one table of condition kinds (condition_table.h). A row here is a
 * scenario key, a typed value, a stored attribute and a documented
 * parameter at once; docs/conditions.md lists them. */
#include <stdint.h>
#include <string.h>

#include "harness/conditions/condition_table.h"

#define NUM(n, fl, lo, hi, d) \
    {.name = n, .type = EB_CP_NUM, .flags = (fl), .fmin = lo, .fmax = hi, .def_num = d}
#define INT(n, fl, lo, hi, d) \
    {.name = n, .type = EB_CP_INT, .flags = (fl), .imin = lo, .imax = hi, .def_int = d}
#define ENUM(n, ch, d) {.name = n, .type = EB_CP_ENUM, .choices = ch, .def_str = d}
#define STR(n, fl, len, d) {.name = n, .type = EB_CP_STR, .flags = (fl), .maxlen = len, .def_str = d}

/* Every transform also takes a seed (sample m's noise, patch and dead
 * sites are the same whenever it is made) and may drift one of its numbers
 * over the measured stream. */
static const char *const drift_shapes[] = {"linear", "step", NULL};
#define TRANSFORM_COMMON                                                                  \
    INT("seed", 0, 0, INT64_MAX, 0),                                                      \
    STR("drift.param", EB_CP_REQUIRED | EB_CP_NONEMPTY, 63, NULL),                        \
    NUM("drift.from", EB_CP_REQUIRED, -1e9, 1e9, 0),                                      \
    NUM("drift.to", EB_CP_REQUIRED, -1e9, 1e9, 0),                                        \
    ENUM("drift.shape", drift_shapes, "linear"),                                          \
    INT("drift.at", 0, 0, INT64_MAX, 0)
#define TF(n, lo, hi, d) NUM(n, EB_CP_SWEEP, lo, hi, d)

static const eb_cparam_def plain[] = {{0}};
static const eb_cparam_def noise[] = {TF("sigma", 0, 100, 0), TRANSFORM_COMMON, {0}};
static const eb_cparam_def salt_pepper[] = {TF("p", 0, 1, 0), TRANSFORM_COMMON, {0}};
static const eb_cparam_def dead_pixels[] = {TF("fraction", 0, 1, 0), TF("value", 0, 1, 0),
                                            TRANSFORM_COMMON, {0}};
static const eb_cparam_def brightness[] = {TF("delta", -1, 1, 0), TRANSFORM_COMMON, {0}};
static const eb_cparam_def contrast[] = {TF("factor", 0, 100, 1), TRANSFORM_COMMON, {0}};
static const eb_cparam_def bit_depth[] = {TF("bits", 1, 16, 8), TRANSFORM_COMMON, {0}};
static const eb_cparam_def blur[] = {TF("sigma", 0, 20, 0), TRANSFORM_COMMON, {0}};
static const eb_cparam_def occlusion[] = {TF("size", 0, 100000, 0), TF("value", 0, 1, 0),
                                          TRANSFORM_COMMON, {0}};
static const eb_cparam_def rotate[] = {TF("degrees", -360, 360, 0), TRANSFORM_COMMON, {0}};
static const eb_cparam_def translate[] = {TF("dx", -100000, 100000, 0),
                                          TF("dy", -100000, 100000, 0), TRANSFORM_COMMON, {0}};

/* Thermal set-ups (docs/sensors.md). */
static const char *const soak_loads[] = {"model", "cpu", NULL};
static const eb_cparam_def soak[] = {
    NUM("duration_s", EB_CP_SWEEP | EB_CP_ABOVE_MIN, 0, 86400, 60), ENUM("load", soak_loads, "model"),
    {0}};
static const eb_cparam_def cooldown[] = {STR("sensor", 0, 63, ""),
                                         NUM("below_c", EB_CP_SWEEP, -50, 200, 50),
                                         NUM("timeout_s", EB_CP_ABOVE_MIN, 0, 86400, 300), {0}};
static const char *const throttle_methods[] = {"signal", "cgroup", NULL};
static const eb_cparam_def throttle[] = {NUM("duty", EB_CP_SWEEP | EB_CP_ABOVE_MIN, 0, 1, 0.5),
                                         INT("period_ms", 0, 2, 10000, 100),
                                         ENUM("method", throttle_methods, "signal"), {0}};
static const char *const load_kinds[] = {"cpu", "fp", "memory", NULL};
static const eb_cparam_def background_load[] = {INT("load_threads", EB_CP_SWEEP, 1, 1024, 1),
                                                ENUM("load", load_kinds, "cpu"), {0}};

const eb_condition_kind eb_condition_kinds[] = {{"plain", EB_CC_PLAIN, plain},
                                                {"noise", EB_CC_TRANSFORM, noise},
                                                {"salt_pepper", EB_CC_TRANSFORM, salt_pepper},
                                                {"dead_pixels", EB_CC_TRANSFORM, dead_pixels},
                                                {"brightness", EB_CC_TRANSFORM, brightness},
                                                {"contrast", EB_CC_TRANSFORM, contrast},
                                                {"bit_depth", EB_CC_TRANSFORM, bit_depth},
                                                {"blur", EB_CC_TRANSFORM, blur},
                                                {"occlusion", EB_CC_TRANSFORM, occlusion},
                                                {"rotate", EB_CC_TRANSFORM, rotate},
                                                {"translate", EB_CC_TRANSFORM, translate},
                                                {"soak", EB_CC_THERMAL, soak},
                                                {"cooldown", EB_CC_THERMAL, cooldown},
                                                {"throttle", EB_CC_THERMAL, throttle},
                                                {"background_load", EB_CC_THERMAL, background_load},
                                                {0}};

const eb_condition_kind *eb_condition_kind_find(const char *name)
{
    for (const eb_condition_kind *k = eb_condition_kinds; name && k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

const eb_cparam_def *eb_condition_kind_param(const eb_condition_kind *k, const char *key)
{
    for (const eb_cparam_def *p = k ? k->params : NULL; p && p->name && key; p++)
        if (strcmp(p->name, key) == 0)
            return p;
    return NULL;
}
