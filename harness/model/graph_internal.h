/* Internal pieces of the loader shared between its files (not public API). */
#ifndef EB_GRAPH_INTERNAL_H
#define EB_GRAPH_INTERNAL_H

#include "edgebench/graph.h"
#include "harness/model/model_load.h"

/* Append a tensor named `name` (copied) with everything else zero/unknown
 * (rank -1, producer -1). Returns its index or -1 when out of memory. The
 * tensors array may move: re-fetch pointers after calling. */
int eb__graph_add_tensor(eb_graph *g, const char *name);

/* Set a tensor's dtype and shape and compute numel/nbytes with overflow
 * checks. `node` (may be NULL) names where the shape came from in messages. */
eb_status eb__tensor_set_shape(eb_graph *g, eb_tensor *t, eb_dtype dtype, int rank,
                               const int64_t *dims, const eb_node *node, char *msg,
                               size_t msg_len);

/* Order g->nodes topologically (stable: file order among ready nodes) and
 * fix producer indices. Fails naming a node on a cycle. */
eb_status eb__graph_topo_sort(eb_graph *g, char *msg, size_t msg_len);

/* Infer output dtypes and shapes of node n, and compute constant outputs
 * (Constant, Shape) whose values are known at load time. Returns
 * EB_ERR_UNSUPPORTED without a message when edgebench does not know the op
 * or the output shape depends on a value known only at run time (Reshape's
 * shape, Pad's pads, Squeeze's axes fed as inputs); other errors carry a
 * message naming the file and node. */
eb_status eb__infer_node(eb_graph *g, eb_node *n, char *msg, size_t msg_len);

/* Fill n->macs, flops, param_count, param_bytes (shapes must be known). */
void eb__node_cost(const eb_graph *g, eb_node *n);

/* Sum node costs into the graph's and count its parameters: constants read
 * by nodes, once each (values folded from shapes are not weights). */
void eb__graph_sum_costs(eb_graph *g);

/* The format loaders behind eb_graph_load_buffer (model_load.c picks one):
 * same contract. */
eb_status eb__onnx_load_buffer(const void *bytes, size_t n, const char *label,
                               const eb_load_options *opts, eb_graph **out, char *msg,
                               size_t msg_len);
eb_status eb__tflite_load_buffer(const void *bytes, size_t n, const char *label,
                                 const eb_load_options *opts, eb_graph **out, char *msg,
                                 size_t msg_len);

/* Attach quantisation parameters stated by Q/DQ/QLinear nodes to tensors. */
eb_status eb__graph_annotate_quant(eb_graph *g, char *msg, size_t msg_len);

/* "file: node 'name' (Op): " prefix followed by the formatted text. */
void eb__node_msg(const eb_graph *g, const eb_node *n, char *msg, size_t msg_len,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
