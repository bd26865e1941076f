/* The ops of the onednn delegate, listed once: each with the check that
 * says whether a oneDNN primitive takes a node (dnnl_support.c) and the
 * emitter that makes it (dnnl_ops_f32.c). The backend's op list, its
 * supports() and the segment builder all read this table
 * (dnnl_op_table.c). Internal to this plugin. */
#ifndef EB_DNNL_OP_TABLE_H
#define EB_DNNL_OP_TABLE_H

#include "backends/onednn/dnnl_builder.h"

/* Which operator of a family an entry is (passed to check and emit). */
enum {
    DNNL_ELT_RELU, DNNL_ELT_LEAKY_RELU, DNNL_ELT_CLIP, DNNL_ELT_SIGMOID, DNNL_ELT_TANH,
    DNNL_ELT_ELU, DNNL_ELT_HARDSWISH, DNNL_ELT_ABS, DNNL_ELT_SQRT, DNNL_ELT_EXP, DNNL_ELT_LOG,
};
enum { DNNL_BIN_ADD, DNNL_BIN_MUL, DNNL_BIN_SUB, DNNL_BIN_DIV };
#define DNNL_POOL_MAX 1    /* pooling arg bits */
#define DNNL_POOL_GLOBAL 2

typedef struct eb_dnnl_op {
    const char *op;
    /* 1: the node's own dtypes are checked by `check` (QuantizeLinear,
     * DequantizeLinear); 0: input 0 and output 0 must be float32 first */
    int any_dtype;
    /* 1 when oneDNN takes node `node` of g, else 0 with the reason; NULL:
     * nothing beyond the float32 rule */
    int (*check)(const eb_graph *g, int node, int arg, char *why, size_t len);
    eb_status (*emit)(builder *b, const eb_node *n, int arg);
    int arg;
} eb_dnnl_op;

/* The entry of op type `op`, or NULL. */
const eb_dnnl_op *eb_dnnl_op_find(const char *op);

/* The op names, NULL-terminated (the backend's `ops`). */
const char *const *eb_dnnl_op_names(void);

/* Checks (dnnl_support.c); arg as in the table. */
int eb_dnnl__check_qdq(const eb_graph *g, int node, int quantize, char *why, size_t len);
int eb_dnnl__check_conv(const eb_graph *g, int node, int arg, char *why, size_t len);
int eb_dnnl__check_pool(const eb_graph *g, int node, int flags, char *why, size_t len);
int eb_dnnl__check_clip(const eb_graph *g, int node, int arg, char *why, size_t len);
int eb_dnnl__check_gemm(const eb_graph *g, int node, int arg, char *why, size_t len);
int eb_dnnl__check_matmul(const eb_graph *g, int node, int arg, char *why, size_t len);
int eb_dnnl__check_binary(const eb_graph *g, int node, int arg, char *why, size_t len);
int eb_dnnl__check_softmax(const eb_graph *g, int node, int arg, char *why, size_t len);
int eb_dnnl__check_reshape(const eb_graph *g, int node, int arg, char *why, size_t len);

#endif
