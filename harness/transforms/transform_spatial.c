/* Spatial transforms: gaussian blur, occlusion, rotation, translation. */
#include <math.h>
#include <string.h>

#include "harness/transforms/transform_kinds.h"

#define PI 3.14159265358979323846

/* Separable gaussian, radius ceil(3 sigma), edges clamped (replicated). */
void eb_tf_blur(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *tmp)
{
    (void)t;
    (void)rng;
    double sigma = p[0];
    if (sigma <= 0)
        return;
    int r = (int)ceil(3 * sigma);
    if (r > 64)
        r = 64;
    double k[129], sum = 0;
    for (int i = -r; i <= r; i++)
        sum += k[i + r] = exp(-(double)(i * i) / (2 * sigma * sigma));
    for (int i = 0; i <= 2 * r; i++)
        k[i] /= sum;
    int h = img->h, w = img->w;
    for (int c = 0; c < img->c; c++) {
        float *x = img->px + (size_t)c * h * w, *y = tmp + (size_t)c * h * w;
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) {
                double acc = 0;
                for (int d = -r; d <= r; d++) {
                    int jj = j + d < 0 ? 0 : j + d >= w ? w - 1 : j + d;
                    acc += k[d + r] * x[(size_t)i * w + jj];
                }
                y[(size_t)i * w + j] = (float)acc;
            }
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) {
                double acc = 0;
                for (int d = -r; d <= r; d++) {
                    int ii = i + d < 0 ? 0 : i + d >= h ? h - 1 : i + d;
                    acc += k[d + r] * y[(size_t)ii * w + j];
                }
                x[(size_t)i * w + j] = (float)acc;
            }
    }
}

/* A size x size square at a random position (fully inside the image when
 * it fits), filled with `value`. */
void eb_tf_occlusion(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *s)
{
    (void)t;
    (void)s;
    int size = (int)llround(p[0]);
    if (size <= 0)
        return;
    int sh = size < img->h ? size : img->h, sw = size < img->w ? size : img->w;
    int top = (int)(eb_rng_uniform(rng) * (img->h - sh + 1));
    int left = (int)(eb_rng_uniform(rng) * (img->w - sw + 1));
    for (int c = 0; c < img->c; c++)
        for (int i = top; i < top + sh; i++)
            for (int j = left; j < left + sw; j++)
                img->px[((size_t)c * img->h + i) * img->w + j] = (float)p[1];
}

/* Inverse mapping with bilinear sampling: output (i, j) reads the source at
 * R(-angle) * ((i, j) - centre - (dy, dx)) + centre; outside is 0. */
static void warp(eb_image *img, float *tmp, double degrees, double dx, double dy)
{
    int h = img->h, w = img->w;
    double a = degrees * PI / 180.0, ca = cos(a), sa = sin(a);
    double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
    size_t plane = (size_t)h * w;
    memcpy(tmp, img->px, plane * img->c * sizeof *tmp);
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
            double y = i - cy - dy, x = j - cx - dx;
            double sy = ca * y - sa * x + cy, sx = sa * y + ca * x + cx;
            int y0 = (int)floor(sy), x0 = (int)floor(sx);
            double fy = sy - y0, fx = sx - x0;
            for (int c = 0; c < img->c; c++) {
                const float *src = tmp + (size_t)c * plane;
                double v = 0;
                for (int q = 0; q < 4; q++) {
                    int yy = y0 + (q >> 1), xx = x0 + (q & 1);
                    double wgt = ((q >> 1) ? fy : 1 - fy) * ((q & 1) ? fx : 1 - fx);
                    if (wgt != 0 && yy >= 0 && yy < h && xx >= 0 && xx < w)
                        v += wgt * src[(size_t)yy * w + xx];
                }
                img->px[(size_t)c * plane + (size_t)i * w + j] = (float)v;
            }
        }
}

void eb_tf_rotate(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *tmp)
{
    (void)t;
    (void)rng;
    if (p[0] != 0)
        warp(img, tmp, p[0], 0, 0);
}

void eb_tf_translate(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng, float *tmp)
{
    (void)t;
    (void)rng;
    if (p[0] != 0 || p[1] != 0)
        warp(img, tmp, 0, p[0], p[1]);
}
