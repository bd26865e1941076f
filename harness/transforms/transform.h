/* Input transforms: the "noisy sensor" and "shifted world" conditions a
 * model meets in the field, applied to each input sample outside the timed
 * region.
 *
 * A transform works on an image in planar CHW layout whose values are in
 * [0, 1] (the dataset's pixels after the scenario's `scale`), and clamps its
 * result to [0, 1]. Every transform is deterministic given (seed, sample
 * index): sample m of a run is the same image whenever it is made, so the
 * accuracy pass can rebuild exactly what the timed inference saw.
 *
 * The kinds and their parameters are listed once, in the condition table
 * (harness/conditions/condition_table.c, class EB_CC_TRANSFORM); this module
 * keeps only each kind's apply function, keyed by kind name, in
 * eb_transform_kinds (tests/test_transforms.c checks that every transform
 * kind of the table has one). docs/conditions.md documents each. */
#ifndef EB_TRANSFORM_H
#define EB_TRANSFORM_H

#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"
#include "edgebench/status.h"
#include "harness/conditions/condition.h"

#define EB_TRANSFORM_MAX_PARAMS 3

typedef struct eb_image {
    int c, h, w;
    float *px; /* c * h * w values, planar */
} eb_image;

struct eb_transform;
/* Apply in place with parameter values p (drift applied). rng is seeded
 * for this sample; scratch holds c*h*w floats. */
typedef void (*eb_transform_fn)(const struct eb_transform *t, const double *p, eb_image *img,
                                eb_rng *rng, float *scratch);

typedef struct eb_transform_kind {
    const char *name;     /* condition kind, e.g. "noise" */
    eb_transform_fn apply;
} eb_transform_kind;

extern const eb_transform_kind eb_transform_kinds[]; /* ends with a {NULL} row */

const eb_transform_kind *eb_transform_find(const char *name); /* NULL: not a transform */

typedef enum eb_drift_shape { EB_DRIFT_NONE = 0, EB_DRIFT_LINEAR = 1, EB_DRIFT_STEP = 2 } eb_drift_shape;

/* A transform with its parameters, and the drift of one of them. */
typedef struct eb_transform {
    const eb_transform_kind *kind;
    const char *names[EB_TRANSFORM_MAX_PARAMS]; /* the kind's own numbers, table order */
    int n_p;
    double p[EB_TRANSFORM_MAX_PARAMS]; /* in names order */
    uint64_t seed;
    eb_drift_shape drift;
    int drift_param;      /* index into p */
    double from, to;
    uint64_t at;          /* step: first sample with `to` */
    uint64_t span;        /* linear: samples over which from -> to (the measured iterations) */
    /* dead_pixels: the fixed positions, chosen once from the seed */
    uint32_t *dead;
    size_t n_dead;
} eb_transform;

/* Build from a typed condition (the run matrix's, sweep applied): the
 * kind's own numbers (table defaults where c lacks one), seed, and drift.*
 * when present. span is the number of measured samples a linear drift
 * ramps over. EB_ERR_NOT_FOUND when c's kind is not a transform (e.g.
 * "plain"); EB_ERR_FORMAT with a message for a bad drift. */
eb_status eb_transform_from_condition(const eb_condition *c, uint64_t span, eb_transform *out,
                                      char *msg, size_t msg_len);
void eb_transform_free(eb_transform *t); /* the dead-pixel set; NULL-safe */

/* The value of parameter k for measured sample m (drift applied). */
double eb_transform_param(const eb_transform *t, int k, uint64_t m);

/* Transform img as sample m. scratch: c*h*w floats. */
void eb_transform_apply(eb_transform *t, eb_image *img, uint64_t m, float *scratch);

/* The drift progress of sample m in [0, 1] (0 without drift). */
double eb_transform_progress(const eb_transform *t, uint64_t m);

#endif
