/* Helpers shared by the per-family shape inference files. */
#ifndef EB_SHAPE_COMMON_H
#define EB_SHAPE_COMMON_H

#include "harness/model/graph_internal.h"

typedef eb_status (*eb_shape_fn)(eb_graph *g, eb_node *n, char *msg, size_t msg_len);

/* Input k of n with a known shape, or NULL (and a message) when missing. */
const eb_tensor *eb__need_input(const eb_graph *g, const eb_node *n, int k, char *msg,
                                size_t msg_len);

/* Set output k's dtype and shape (no-op when the output is omitted). */
eb_status eb__set_output(eb_graph *g, eb_node *n, int k, eb_dtype dtype, int rank,
                         const int64_t *dims, char *msg, size_t msg_len);

/* Output k = same dtype and shape as tensor t. */
eb_status eb__same_as(eb_graph *g, eb_node *n, int k, const eb_tensor *t, char *msg,
                      size_t msg_len);

/* Read a constant integer tensor (int64 or int32) into vals; returns the
 * count, -1 (with message) when the tensor has the wrong type or is too long,
 * or EB_SHAPE_RUNTIME (no message) when its value is only known at run time
 * (a graph input, or computed by a node). The caller then returns
 * EB_ERR_UNSUPPORTED without a message: the loader falls back to the output
 * shape the file declares, and a backend that cannot run the node refuses it. */
#define EB_SHAPE_RUNTIME (-2)
int eb__const_ints(const eb_graph *g, const eb_node *n, const eb_tensor *t, int64_t *vals,
                   int max, const char *what, char *msg, size_t msg_len);

/* Normalise axis a for rank r (negative counts from the end); -1 + message
 * when out of range. */
int eb__norm_axis(const eb_graph *g, const eb_node *n, int64_t a, int r, char *msg,
                  size_t msg_len);

/* numpy-style broadcast of shapes a and b into out; -1 + message on mismatch. */
int eb__broadcast(const eb_graph *g, const eb_node *n, const eb_tensor *a, const eb_tensor *b,
                  int64_t *out, char *msg, size_t msg_len);

/* Per-family inference functions. */
eb_status eb__shape_unary(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_binary(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_cast(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_batchnorm(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_conv(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_pool(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_global_pool(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_reduce(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_gather(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_slice(eb_graph *g, eb_node *n, char *msg, size_t msg_len);

/* After a node's shapes are inferred: when it is integer shape arithmetic
 * on constants (Concat, Unsqueeze, Add, Div, ... of Shape's output), give
 * its output the value (shape_fold.c). EB_OK when there is nothing to do. */
eb_status eb__fold_node(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_gemm(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_matmul(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_flatten(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_reshape(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_transpose(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_concat(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_squeeze(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_unsqueeze(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_pad(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_constant(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_shape(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_quantize(eb_graph *g, eb_node *n, char *msg, size_t msg_len);
eb_status eb__shape_dequantize(eb_graph *g, eb_node *n, char *msg, size_t msg_len);

#endif
