/* eb_dataset_stream: dataset samples -> model inputs (see dataset_stream.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/inputs/dataset_stream.h"

struct eb_dataset_stream {
    eb_dataset *ds;
    eb_dataset_input in;
    eb_transform *tf;
    uint64_t *order;
    int sc, sh, sw;       /* sample as an image: channels, height, width */
    int mc, mh, mw;       /* model input */
    uint64_t nb;          /* samples per call: the model input's first dimension */
    eb_layout layout;
    eb_dtype dtype;
    float *img, *scratch; /* sc*sh*sw */
};


/* Model input geometry from its shape: [B, C, H, W], [B, H, W, C] or [B, N];
 * B samples per call (inputs.batch for a dynamic batch). */
static eb_status model_geometry(eb_dataset_stream *s, const eb_tensor *t, char *msg,
                                size_t msg_len)
{
    if (t->rank < 2 || t->dims[0] < 1) {
        snprintf(msg, msg_len, "model input '%s' has shape of rank %d with batch %lld: dataset "
                 "inputs feed [B, C, H, W], [B, H, W, C] or [B, N]",
                 t->name, t->rank, t->rank ? (long long)t->dims[0] : 0LL);
        return EB_ERR_INVALID_ARG;
    }
    s->nb = (uint64_t)t->dims[0];
    eb_layout l = s->in.layout;
    if (t->rank == 2) {
        s->mc = 1, s->mh = 1, s->mw = (int)t->dims[1];
        s->layout = EB_LAYOUT_NCHW;
        return EB_OK;
    }
    if (t->rank != 4) {
        snprintf(msg, msg_len, "model input '%s' has rank %d: dataset inputs feed rank 2 or 4",
                 t->name, t->rank);
        return EB_ERR_INVALID_ARG;
    }
    if (l == EB_LAYOUT_AUTO) /* channels are the small dimension */
        l = (t->dims[3] <= 4 && t->dims[1] > 4) ? EB_LAYOUT_NHWC : EB_LAYOUT_NCHW;
    s->layout = l;
    if (l == EB_LAYOUT_NCHW)
        s->mc = (int)t->dims[1], s->mh = (int)t->dims[2], s->mw = (int)t->dims[3];
    else
        s->mh = (int)t->dims[1], s->mw = (int)t->dims[2], s->mc = (int)t->dims[3];
    return EB_OK;
}

eb_status eb_dataset_stream_open(const eb_dataset_input *in, const eb_graph *g,
                                 eb_transform *transform, eb_dataset_stream **out, char *msg,
                                 size_t msg_len)
{
    *out = NULL;
    if (g->n_inputs != 1) {
        snprintf(msg, msg_len, "%s: the model has %d inputs; dataset inputs feed models with one",
                 g->path, g->n_inputs);
        return EB_ERR_INVALID_ARG;
    }
    const eb_tensor *t = &g->tensors[g->inputs[0]];
    if (t->dtype != EB_DT_F32 && t->dtype != EB_DT_U8 && t->dtype != EB_DT_I8) {
        snprintf(msg, msg_len, "%s: model input '%s' is %s; dataset inputs feed float32, uint8 "
                 "or int8", g->path, t->name, eb_dtype_name(t->dtype));
        return EB_ERR_INVALID_ARG;
    }
    if (in->dtype != EB_DT_UNDEFINED && in->dtype != t->dtype) {
        snprintf(msg, msg_len, "%s: inputs.dtype is %s but model input '%s' is %s", g->path,
                 eb_dtype_name(in->dtype), t->name, eb_dtype_name(t->dtype));
        return EB_ERR_INVALID_ARG;
    }
    eb_dataset_stream *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    s->in = *in;
    s->tf = transform;
    s->dtype = t->dtype;
    eb_status st = model_geometry(s, t, msg, msg_len);
    if (st != EB_OK)
        goto fail;
    if ((st = eb_dataset_load(&in->data, &s->ds, msg, msg_len)) != EB_OK)
        goto fail;
    const eb_dataset *d = s->ds;
    if (d->rank == 1)
        s->sc = 1, s->sh = 1, s->sw = (int)d->dims[0];
    else if (d->rank == 2)
        s->sc = 1, s->sh = (int)d->dims[0], s->sw = (int)d->dims[1];
    else if (d->rank == 3 && in->sample_layout == EB_SAMPLE_HWC)
        s->sh = (int)d->dims[0], s->sw = (int)d->dims[1], s->sc = (int)d->dims[2];
    else if (d->rank == 3)
        s->sc = (int)d->dims[0], s->sh = (int)d->dims[1], s->sw = (int)d->dims[2];
    else {
        snprintf(msg, msg_len, "%s: samples of rank %d are not images (rank 1-3 are)",
                 in->data.path, d->rank);
        st = EB_ERR_FORMAT;
        goto fail;
    }
    /* a flat model input takes the sample flattened, if the counts agree */
    if (t->rank == 2) {
        if ((uint64_t)s->mw != d->sample_elems) {
            snprintf(msg, msg_len, "%s: samples have %llu values; model input '%s' wants %d",
                     in->data.path, (unsigned long long)d->sample_elems, t->name, s->mw);
            st = EB_ERR_INVALID_ARG;
            goto fail;
        }
        s->mc = s->sc, s->mh = s->sh, s->mw = s->sw;
    }
    int ch_ok = s->sc == s->mc || (s->sc == 1 && s->mc == 3);
    int size_ok = (s->sh == s->mh && s->sw == s->mw) || in->resize != EB_RESIZE_NONE;
    if (!ch_ok || !size_ok) {
        snprintf(msg, msg_len, "%s: samples are %dx%d with %d channel%s; model input '%s' wants "
                 "%dx%d with %d%s", in->data.path, s->sh, s->sw, s->sc, s->sc == 1 ? "" : "s",
                 t->name, s->mh, s->mw, s->mc,
                 !ch_ok ? " (only 1 -> 3 channels is converted)" : " and resize is none");
        st = EB_ERR_INVALID_ARG;
        goto fail;
    }
    if ((in->n_mean > 1 && in->n_mean != s->mc) || (in->n_std > 1 && in->n_std != s->mc)) {
        snprintf(msg, msg_len, "inputs.mean / inputs.std have %d / %d values; the model input "
                 "has %d channels (give one value, or one per channel)", in->n_mean, in->n_std,
                 s->mc);
        st = EB_ERR_INVALID_ARG;
        goto fail;
    }
    size_t simg = (size_t)s->sc * s->sh * s->sw;
    s->img = malloc(simg * sizeof *s->img);
    s->scratch = malloc(simg * sizeof *s->scratch);
    s->order = malloc(d->n * sizeof *s->order);
    if (!s->img || !s->scratch || !s->order) {
        snprintf(msg, msg_len, "out of memory");
        st = EB_ERR_NOMEM;
        goto fail;
    }
    for (uint64_t k = 0; k < d->n; k++)
        s->order[k] = k;
    if (in->shuffle) {
        eb_rng r;
        uint64_t seed = in->seed;
        eb_rng_seed(&r, eb_splitmix64(&seed));
        for (uint64_t k = d->n; k > 1; k--) {
            uint64_t j = eb_rng_next(&r) % k;
            uint64_t tmp = s->order[k - 1];
            s->order[k - 1] = s->order[j];
            s->order[j] = tmp;
        }
    }
    *out = s;
    return EB_OK;
fail:
    eb_dataset_stream_close(s);
    return st;
}

void eb_dataset_stream_close(eb_dataset_stream *s)
{
    if (!s)
        return;
    eb_dataset_free(s->ds);
    free(s->order);
    free(s->img);
    free(s->scratch);
    free(s);
}

uint64_t eb_dataset_stream_size(const eb_dataset_stream *s) { return s->ds->n; }

int64_t eb_dataset_stream_label(const eb_dataset_stream *s, uint64_t m)
{
    return s->ds->labels ? s->ds->labels[s->order[m % s->ds->n]] : -1;
}

/* Sample value at (c, y, x) of a planar image, with bilinear or nearest
 * sampling at the model's resolution (pixel centres aligned, as
 * align_corners=False does). */
static float sample_at(const eb_dataset_stream *s, int c, int y, int x)
{
    const float *p = s->img + (size_t)(s->sc == 1 ? 0 : c) * s->sh * s->sw;
    if (s->sh == s->mh && s->sw == s->mw)
        return p[(size_t)y * s->sw + x];
    double fy = (y + 0.5) * s->sh / s->mh - 0.5, fx = (x + 0.5) * s->sw / s->mw - 0.5;
    if (s->in.resize == EB_RESIZE_NEAREST) {
        int yy = (int)floor(fy + 0.5), xx = (int)floor(fx + 0.5);
        yy = yy < 0 ? 0 : yy >= s->sh ? s->sh - 1 : yy;
        xx = xx < 0 ? 0 : xx >= s->sw ? s->sw - 1 : xx;
        return p[(size_t)yy * s->sw + xx];
    }
    if (fy < 0)
        fy = 0;
    if (fx < 0)
        fx = 0;
    int y0 = (int)fy, x0 = (int)fx;
    int y1 = y0 + 1 < s->sh ? y0 + 1 : y0, x1 = x0 + 1 < s->sw ? x0 + 1 : x0;
    double wy = fy - y0, wx = fx - x0;
    return (float)((1 - wy) * ((1 - wx) * p[(size_t)y0 * s->sw + x0] + wx * p[(size_t)y0 * s->sw + x1]) +
                   wy * ((1 - wx) * p[(size_t)y1 * s->sw + x0] + wx * p[(size_t)y1 * s->sw + x1]));
}

uint64_t eb_dataset_stream_batch(const eb_dataset_stream *s) { return s->nb; }

/* Sample m into row `row` of v. */
static void fill_one(eb_dataset_stream *s, uint64_t m, int transformed, eb_value *v, uint64_t row)
{
    const eb_dataset *d = s->ds;
    const float *src = d->data + s->order[m % d->n] * d->sample_elems;
    size_t plane = (size_t)s->sh * s->sw;
    /* to planar CHW in transform space */
    for (int c = 0; c < s->sc; c++)
        for (size_t k = 0; k < plane; k++) {
            size_t from = d->rank == 3 && s->in.sample_layout == EB_SAMPLE_HWC
                              ? k * s->sc + c
                              : (size_t)c * plane + k;
            s->img[(size_t)c * plane + k] = (float)(src[from] * s->in.scale);
        }
    if (transformed && s->tf) {
        eb_image im = {.c = s->sc, .h = s->sh, .w = s->sw, .px = s->img};
        eb_transform_apply(s->tf, &im, m, s->scratch);
    }
    size_t mplane = (size_t)s->mh * s->mw;
    size_t base = (size_t)row * s->mc * mplane;
    for (int c = 0; c < s->mc; c++) {
        double mean = s->in.n_mean > 1 ? s->in.mean[c] : s->in.n_mean ? s->in.mean[0] : 0;
        double sd = s->in.n_std > 1 ? s->in.std[c] : s->in.n_std ? s->in.std[0] : 1;
        for (int y = 0; y < s->mh; y++)
            for (int x = 0; x < s->mw; x++) {
                double val = ((double)sample_at(s, c, y, x) - mean) / sd;
                size_t at = base + (s->layout == EB_LAYOUT_NHWC
                                       ? ((size_t)y * s->mw + x) * s->mc + c
                                       : (size_t)c * mplane + (size_t)y * s->mw + x);
                if (s->dtype == EB_DT_F32) {
                    ((float *)v->data)[at] = (float)val;
                } else {
                    double r = nearbyint(val);
                    double lo = s->dtype == EB_DT_U8 ? 0 : -128, hi = s->dtype == EB_DT_U8 ? 255 : 127;
                    r = r < lo ? lo : r > hi ? hi : r;
                    if (s->dtype == EB_DT_U8)
                        ((uint8_t *)v->data)[at] = (uint8_t)r;
                    else
                        ((int8_t *)v->data)[at] = (int8_t)r;
                }
            }
    }
}

void eb_dataset_stream_fill(eb_dataset_stream *s, uint64_t m, int transformed, eb_value *v)
{
    /* call m holds samples m*B .. m*B + B-1, each transformed as itself */
    for (uint64_t b = 0; b < s->nb; b++)
        fill_one(s, m * s->nb + b, transformed, v, b);
}

uint64_t eb_dataset_stream_index(const eb_dataset_stream *s, uint64_t m)
{
    return s->order[m % s->ds->n];
}
