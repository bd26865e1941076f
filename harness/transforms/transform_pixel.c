/* Per-pixel transforms: sensor noise, salt-and-pepper, dead pixels,
 * brightness, contrast and bit-depth reduction. */
#include <math.h>
#include <stdlib.h>

#include "harness/transforms/transform_kinds.h"

static float clamp01(double v) { return v < 0 ? 0.0f : v > 1 ? 1.0f : (float)v; }

static size_t count(const eb_image *img) { return (size_t)img->c * img->h * img->w; }

void eb_tf_noise(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *s)
{
    (void)t;
    (void)s;
    double sigma = p[0];
    if (sigma <= 0)
        return;
    for (size_t k = 0, n = count(img); k < n; k++)
        img->px[k] = clamp01(img->px[k] + sigma * eb_rng_normal(rng));
}

/* Each pixel position (all channels together, as a sensor site) becomes
 * 0 or 1 with probability p, black and white equally likely. */
void eb_tf_salt_pepper(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *s)
{
    (void)t;
    (void)s;
    size_t plane = (size_t)img->h * img->w;
    for (size_t k = 0; k < plane; k++) {
        if (eb_rng_uniform(rng) >= p[0])
            continue;
        float v = eb_rng_uniform(rng) < 0.5 ? 0.0f : 1.0f;
        for (int c = 0; c < img->c; c++)
            img->px[(size_t)c * plane + k] = v;
    }
}

/* The same sites on every sample (a sensor's defects do not move): the
 * positions were drawn once from the condition's seed. */
void eb_tf_dead_pixels(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *s)
{
    (void)rng;
    (void)s;
    size_t plane = (size_t)img->h * img->w;
    size_t n = (size_t)llround(p[0] * (double)plane);
    if (n > t->n_dead)
        n = t->n_dead; /* t->dead holds a full permutation prefix when drifting */
    for (size_t k = 0; k < n; k++)
        for (int c = 0; c < img->c; c++)
            img->px[(size_t)c * plane + t->dead[k] % plane] = (float)p[1];
}

void eb_tf_brightness(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *s)
{
    (void)t;
    (void)rng;
    (void)s;
    for (size_t k = 0, n = count(img); k < n; k++)
        img->px[k] = clamp01(img->px[k] + p[0]);
}

/* Scale each channel's deviation from its own mean. */
void eb_tf_contrast(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *s)
{
    (void)t;
    (void)rng;
    (void)s;
    size_t plane = (size_t)img->h * img->w;
    for (int c = 0; c < img->c; c++) {
        float *x = img->px + (size_t)c * plane;
        double mean = 0;
        for (size_t k = 0; k < plane; k++)
            mean += x[k];
        mean /= (double)plane;
        for (size_t k = 0; k < plane; k++)
            x[k] = clamp01(mean + p[0] * (x[k] - mean));
    }
}

/* 2^bits levels, as a sensor with a coarser ADC would deliver. */
void eb_tf_bit_depth(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *s)
{
    (void)t;
    (void)rng;
    (void)s;
    int bits = (int)llround(p[0]);
    if (bits < 1)
        bits = 1;
    if (bits >= 24)
        return;
    double levels = (double)((1u << bits) - 1);
    for (size_t k = 0, n = count(img); k < n; k++)
        img->px[k] = (float)(nearbyint(img->px[k] * levels) / levels);
}
