/* Loading an ONNX or TensorFlow Lite model into an eb_graph (edgebench/graph.h), and the
 * harness's helpers on a loaded graph. Harness only: a plugin receives a
 * loaded graph and links the SDK alone, so these are not in the public
 * headers. */
#ifndef EB_MODEL_LOAD_H
#define EB_MODEL_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/graph.h"
#include "edgebench/status.h"

/* Options for loading; pass NULL for defaults. */
typedef struct eb_load_options {
    /* Value given to symbolic or unknown input dimensions (ONNX dim_param,
     * e.g. a batch named "N"). Default 1. */
    int64_t default_dim;
} eb_load_options;

/* Load a model file: TFLite (.tflite, or the FlatBuffer identifier "TFL3";
 * docs/tflite.md) or ONNX (anything else). On failure returns a status, writes a message naming the
 * file, node and problem into msg, and leaves *out NULL. */
eb_status eb_graph_load(const char *path, const eb_load_options *opts, eb_graph **out,
                        char *msg, size_t msg_len);

/* Same from bytes in memory; `label` names the source in messages. */
eb_status eb_graph_load_buffer(const void *bytes, size_t n, const char *label,
                               const eb_load_options *opts, eb_graph **out, char *msg,
                               size_t msg_len);

/* Whether bytes (n of them, from a file named label) are read as TFLite. */
int eb_model_is_tflite(const void *bytes, size_t n, const char *label);

void eb_graph_destroy(eb_graph *g); /* NULL is a no-op */

/* Index of the tensor named `name`, or -1. */
int eb_graph_find_tensor(const eb_graph *g, const char *name);

/* "1x3x224x224" (or "?" when unknown) into buf; returns buf. */
char *eb_shape_str(const eb_tensor *t, char *buf, size_t len);

/* Zero elements of the graph's weight tensors (graph_weights.c says which
 * tensors are weights): *zeros of *total. Returns 0, or -1 out of memory. */
int eb_graph_weight_zeros(const eb_graph *g, uint64_t *zeros, uint64_t *total);

#endif
