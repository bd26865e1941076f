/* The stream of model inputs made from a dataset: sample order, the
 * condition's transform, resizing and normalisation into the model's input
 * tensor. Sample m of the stream is a pure function of (dataset, spec,
 * condition, m), so the accuracy pass rebuilds exactly what inference m saw.
 *
 * Per sample m:
 *   1. the sample is order[m mod n] (sequential, or a seeded shuffle of the
 *      first `limit` samples; samples cycle when m >= n);
 *   2. x = pixel * scale (the space transforms work in: [0, 1] for images);
 *   3. the condition's transform (harness/transforms), seeded by (seed, m);
 *   4. channels: a 1-channel image feeds a 3-channel model by replication;
 *      resized (bilinear or nearest) when its size differs from the model's;
 *   5. (x - mean[c]) / std[c], written in the model's layout and type
 *      (float32; uint8 / int8 inputs get the value rounded and saturated). */
#ifndef EB_DATASET_STREAM_H
#define EB_DATASET_STREAM_H

#include "edgebench/backend.h"
#include "edgebench/graph.h"
#include "harness/inputs/dataset.h"
#include "harness/transforms/transform.h"

typedef enum eb_layout { EB_LAYOUT_AUTO = 0, EB_LAYOUT_NCHW = 1, EB_LAYOUT_NHWC = 2 } eb_layout;
typedef enum eb_resize {
    EB_RESIZE_BILINEAR = 0, /* default: when the sizes differ */
    EB_RESIZE_NEAREST = 1,
    EB_RESIZE_NONE = 2      /* a size mismatch is an error */
} eb_resize;
typedef enum eb_sample_layout { EB_SAMPLE_HWC = 0, EB_SAMPLE_CHW = 1 } eb_sample_layout;

#define EB_PREP_MAX_CHANNELS 4

/* `inputs:` of kind dataset, as plain data (it crosses the cell pipe). */
typedef struct eb_dataset_input {
    eb_dataset_spec data;
    int shuffle;                 /* 0 sequential, 1 seeded shuffle */
    uint64_t seed;
    double scale;                /* default 1/255 */
    int n_mean, n_std;           /* 1 (all channels) or one per channel */
    double mean[EB_PREP_MAX_CHANNELS], std[EB_PREP_MAX_CHANNELS];
    eb_layout layout;            /* of the model input; auto: from its shape */
    eb_resize resize;
    eb_sample_layout sample_layout; /* of rank-3 samples in the file */
    eb_dtype dtype;              /* expected model input type; EB_DT_UNDEFINED: take the model's */
} eb_dataset_input;

typedef struct eb_dataset_stream eb_dataset_stream;

/* Open a stream feeding g's first input. transform may be NULL (no
 * condition); the stream borrows it. Errors name the file and the model
 * input ("t1k.gz: samples are 28x28 with 1 channel; model input 'x' wants
 * 3x224x224 and resize is none"). */
eb_status eb_dataset_stream_open(const eb_dataset_input *in, const eb_graph *g,
                                 eb_transform *transform, eb_dataset_stream **out, char *msg,
                                 size_t msg_len);
void eb_dataset_stream_close(eb_dataset_stream *s); /* NULL-safe */

/* Fill v (the model's first input, allocated by the caller with the input's
 * size) for call m: its B rows (B = eb_dataset_stream_batch, the input's
 * first dimension) get samples m*B .. m*B + B-1, each transformed as that
 * sample; with B = 1 call m is sample m. When transformed is 0 the
 * condition is skipped (warm-up inputs). */
void eb_dataset_stream_fill(eb_dataset_stream *s, uint64_t m, int transformed, eb_value *v);

/* Samples per call: the model input's first dimension (1 unless batched). */
uint64_t eb_dataset_stream_batch(const eb_dataset_stream *s);

/* Label of sample m (not call m); -1 when the dataset has no labels. */
int64_t eb_dataset_stream_label(const eb_dataset_stream *s, uint64_t m);
uint64_t eb_dataset_stream_size(const eb_dataset_stream *s); /* samples before cycling */
/* The dataset's index of sample m (not call m; inputs.order applied, cycling). */
uint64_t eb_dataset_stream_index(const eb_dataset_stream *s, uint64_t m);

#endif
