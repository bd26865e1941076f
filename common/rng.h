/* The one seeded PRNG of edgebench: splitmix64 (for seeding and for
 * deriving independent seeds) and xoshiro256** seeded by it. Portable, so
 * the same seed gives the same stream on every machine and libc: random
 * inputs, transforms, dataset shuffles, the run-matrix shuffle and the
 * bootstrap all draw from it. */
#ifndef EB_RNG_H
#define EB_RNG_H

#include <stdint.h>

/* Advance *state and return the next splitmix64 output (Steele, Lea, Flood). */
uint64_t eb_splitmix64(uint64_t *state);

typedef struct eb_rng {
    uint64_t s[4];
} eb_rng;

void eb_rng_seed(eb_rng *r, uint64_t seed); /* the state from four splitmix64 outputs */
uint64_t eb_rng_next(eb_rng *r);            /* xoshiro256** */
double eb_rng_uniform(eb_rng *r);           /* [0, 1) */
double eb_rng_normal(eb_rng *r);            /* standard normal (Box-Muller) */

#endif
