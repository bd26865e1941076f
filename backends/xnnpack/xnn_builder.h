/* The builder that turns one segment into an XNNPACK subgraph, shared by the
 * files of the xnnpack delegate: xnn_build.c (values, constants),
 * xnn_ops_f32.c (one emitter per op), xnn_ops_q8.c (int8 QDQ groups),
 * xnn_segment.c (prepare / run / release, the layout glue). Internal to
 * this plugin. */
#ifndef EB_XNN_BUILDER_H
#define EB_XNN_BUILDER_H

#include <string.h>

#include "backends/delegate/delegate_q8.h"
#include "backends/xnnpack/xnn_internal.h"

typedef struct ext_io {
    int tensor;
    int nhwc;             /* rank 4 (C, H*W > 1): transposed NCHW <-> NHWC by the glue */
    int64_t dims[4];      /* NCHW dims when nhwc */
    size_t esize;
    void *staging;        /* NHWC buffer when nhwc */
} ext_io;

typedef struct xnn_seg {
    xnn_runtime_t rt;
    int n_in, n_out;
    ext_io *in, *out;
    struct xnn_external_value *ext; /* n_in + n_out, in order */
    int set_up;
    void **owned;         /* static data the runtime reads (weights, constants) */
    int n_owned, cap_owned;
} xnn_seg;

typedef struct builder {
    const eb_graph *full; /* the whole graph: where constant weights came from */
    const eb_graph *g;
    int int8;             /* option int8: QDQ groups as XNNPACK quantised operators */
    unsigned char *skip;  /* per node: part of an int8 group emitted elsewhere */
    int n_q8;             /* groups emitted as quantised operators */
    xnn_subgraph_t sg;
    uint32_t *ids;        /* per tensor; XNN_INVALID_VALUE_ID when not defined yet */
    xnn_seg *s;
    char *msg;
    size_t len;
} builder;

static inline int eb_xnn__is_op(const eb_node *n, const char *op) { return strcmp(n->op_type, op) == 0; }

/* xnn_build.c */
void *eb_xnn__keep(builder *b, size_t bytes);
size_t eb_xnn__xdims(const eb_tensor *t, size_t d[4]);
eb_status eb_xnn__xfail(builder *b, enum xnn_status xs, const char *what, const eb_node *n);
eb_status eb_xnn__define_value(builder *b, int t, uint32_t ext_id, uint32_t flags);
eb_status eb_xnn__value(builder *b, int t, uint32_t *id);
const float *eb_xnn__const_f32(builder *b, int t);
eb_status eb_xnn__const_operand(builder *b, int t, int out_rank, uint32_t *id);
eb_status eb_xnn__static_f32(builder *b, const float *data, size_t rank, const size_t *d, uint32_t *id);

/* xnn_ops_f32.c */
const eb_tensor *eb_xnn__nhwc_flattened(const eb_graph *g, int t);
float eb_xnn__const_scalar(const eb_graph *g, const eb_node *n, int k, float dflt);
eb_status eb_xnn__emit_node(builder *b, int i);

/* xnn_ops_q8.c: QDQ groups (delegate_q8.h) XNNPACK runs as one operator */
typedef eb_q8_group q8_group;
int eb_xnn__match_q8(builder *b, int i, q8_group *m);
eb_status eb_xnn__emit_q8(builder *b, const eb_node *n, const q8_group *m);
void eb_xnn__skip_group_dqs(builder *b);

#endif
