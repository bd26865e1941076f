/* The project's seeded PRNG (see rng.h). */
#include <math.h>

#include "common/rng.h"

uint64_t eb_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void eb_rng_seed(eb_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = eb_splitmix64(&seed);
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
