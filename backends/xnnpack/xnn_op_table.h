/* The ops of the xnnpack delegate, listed once: each with the check that
 * says whether XNNPACK takes a node (xnn_support.c) and the emitter that
 * defines it in the subgraph (xnn_ops_f32.c). The backend's op list, its
 * supports() and the subgraph builder all read this table
 * (xnn_op_table.c), so an op cannot be claimed without a check or checked
 * without an emitter. Internal to this plugin. */
#ifndef EB_XNN_OP_TABLE_H
#define EB_XNN_OP_TABLE_H

#include "backends/xnnpack/xnn_builder.h"

/* Which operator of a family an entry is (passed to its emitter). */
enum {
    XNN_UN_RELU, XNN_UN_SIGMOID, XNN_UN_HARDSWISH, XNN_UN_LEAKY_RELU, XNN_UN_ELU, XNN_UN_ABS,
    XNN_UN_NEG, XNN_UN_FLOOR, XNN_UN_CEIL, XNN_UN_SQRT, XNN_UN_CLIP, XNN_UN_SOFTMAX,
    XNN_UN_GLOBAL_AVG, XNN_UN_CONVERT,
};
enum { XNN_BIN_ADD, XNN_BIN_MUL, XNN_BIN_SUB, XNN_BIN_DIV, XNN_BIN_MAX, XNN_BIN_MIN };
enum { XNN_POOL_MAX, XNN_POOL_AVG };

typedef struct eb_xnn_op {
    const char *op;
    /* 1: the node's own dtypes are checked by `check` (QuantizeLinear,
     * DequantizeLinear); 0: input 0 and output 0 must be float32 first */
    int any_dtype;
    /* 1 when XNNPACK takes node `node` of g, else 0 with the reason;
     * NULL: nothing beyond the float32 rule */
    int (*check)(const eb_graph *g, int node, char *why, size_t len);
    /* define the node, its output value already defined as `out` */
    eb_status (*emit)(builder *b, const eb_node *n, int arg, uint32_t out);
    int arg;
} eb_xnn_op;

/* The entry of op type `op`, or NULL. */
const eb_xnn_op *eb_xnn_op_find(const char *op);

/* The op names, NULL-terminated (the backend's `ops`). */
const char *const *eb_xnn_op_names(void);

/* Checks (xnn_support.c). */
int eb_xnn__check_quantize(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_dequantize(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_conv(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_maxpool(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_avgpool(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_global_avgpool(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_clip(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_binary(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_gemm(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_matmul(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_reshape(const eb_graph *g, int node, char *why, size_t len);
int eb_xnn__check_softmax(const eb_graph *g, int node, char *why, size_t len);

/* Emitters (xnn_ops_f32.c). */
eb_status eb_xnn__emit_conv(builder *b, const eb_node *n, int arg, uint32_t out);
eb_status eb_xnn__emit_pool(builder *b, const eb_node *n, int arg, uint32_t out);
eb_status eb_xnn__emit_fc(builder *b, const eb_node *n, int arg, uint32_t out);
eb_status eb_xnn__emit_binary(builder *b, const eb_node *n, int arg, uint32_t out);
eb_status eb_xnn__emit_unary(builder *b, const eb_node *n, int arg, uint32_t out);
eb_status eb_xnn__emit_reshape(builder *b, const eb_node *n, int arg, uint32_t out);

#endif
