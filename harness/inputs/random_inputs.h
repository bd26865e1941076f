/* Seeded random input tensors shaped from the model's graph inputs.
 *
 * The generator is a portable PRNG (splitmix64 seeding xoshiro256**), so the
 * same seed gives the same tensors on every machine and libc. Later input
 * kinds (datasets) fill the same eb_input_set. */
#ifndef EB_RANDOM_INPUTS_H
#define EB_RANDOM_INPUTS_H

#include <stdint.h>

#include "common/rng.h"
#include "edgebench/backend.h"

typedef enum eb_random_dist { EB_DIST_UNIFORM = 0, EB_DIST_NORMAL = 1 } eb_random_dist;

typedef struct eb_random_spec {
    uint64_t seed;
    eb_random_dist dist;
    double a, b; /* uniform: low, high; normal: mean, std */
} eb_random_spec;

/* One set of values for every graph input, in graph->inputs order. */
typedef struct eb_input_set {
    int n;
    eb_value *values; /* data owned by the set */
} eb_input_set;

/* Fill a new input set for g. Float inputs get the distribution; integer
 * inputs get values clamped to their type's range (rounded). */
eb_status eb_random_inputs(const eb_graph *g, const eb_random_spec *spec, eb_input_set *out,
                           char *msg, size_t msg_len);

void eb_input_set_free(eb_input_set *s); /* NULL-safe */


#endif
