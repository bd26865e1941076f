/* The builder that turns one segment into oneDNN primitives, shared by the
 * files of the onednn delegate: dnnl_build.c (memories, reorders, steps),
 * dnnl_ops_f32.c (one emitter per op), dnnl_ops_q8.c (int8 QDQ groups),
 * dnnl_segment.c (prepare / run / release). Internal to this plugin. */
#ifndef EB_DNNL_BUILDER_H
#define EB_DNNL_BUILDER_H

#include <string.h>

#include "backends/delegate/delegate_q8.h"
#include "backends/onednn/dnnl_internal.h"

typedef struct step {
    dnnl_primitive_t prim;
    int nargs;
    dnnl_exec_arg_t args[5];
    int node;             /* the segment node it was made for (-1: none), for profiles */
} step;

typedef struct binding {
    dnnl_memory_t mem;    /* plain memory over a caller's buffer */
    int output;           /* 0: inputs[idx], 1: outputs[idx] */
    int idx;
    void *last;           /* handle set last run */
} binding;

typedef struct dnnl_seg {
    int n_steps, cap_steps;
    step *steps;
    int n_mems, cap_mems;
    dnnl_memory_t *mems;  /* every memory object made, destroyed at release */
    int n_binds, cap_binds;
    binding *binds;
    uint64_t *step_ns;    /* each step's time in the last run (the profile hook) */
    int timed;            /* set by the first profile call: only then are steps timed */
} dnnl_seg;

typedef struct builder {
    const eb_graph *full; /* the whole graph: where constant weights came from */
    const eb_graph *g;
    eb_backend_ctx *c;
    dnnl_seg *s;
    dnnl_memory_t *mem;   /* per tensor: where its value is (any layout) */
    int *out_idx;         /* per tensor: index in g->outputs, or -1 */
    unsigned char *skip;  /* per node: folded into another primitive */
    char *msg;
    size_t len;
    int n_q8, n_q8_refused; /* int8 groups run as int8 kernels / as written */
    int cur_node;         /* the node being emitted: its steps are timed as its own */
} builder;


#define EB_DNNL_GROW(arr, n, cap)                                              \
    do {                                                                       \
        if ((n) == (cap)) {                                                    \
            int nc_ = (cap) ? (cap) * 2 : 16;                                  \
            void *g_ = realloc((arr), (size_t)nc_ * sizeof *(arr));            \
            if (!g_)                                                           \
                return EB_ERR_NOMEM;                                           \
            (arr) = g_;                                                        \
            (cap) = nc_;                                                       \
        }                                                                      \
    } while (0)

static inline int eb_dnnl__is_op(const eb_node *n, const char *op) { return strcmp(n->op_type, op) == 0; }

/* dnnl_build.c */
eb_status eb_dnnl__dfail(builder *b, dnnl_status_t ds, const char *what, const eb_node *n);
eb_status eb_dnnl__add_step(builder *b, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args);
dnnl_format_tag_t eb_dnnl__plain_tag(int rank);
void eb_dnnl__dims_of(const eb_tensor *t, dnnl_dims_t d, int *rank);
dnnl_data_type_t eb_dnnl__dnnl_type(eb_dtype dt);
eb_status eb_dnnl__plain_md(builder *b, const eb_tensor *t, dnnl_memory_desc_t *md);
eb_status eb_dnnl__new_mem(builder *b, const dnnl_memory_desc_t *md, void *handle, dnnl_memory_t *m);
eb_status eb_dnnl__bind(builder *b, dnnl_memory_t m, int output, int idx);
const dnnl_memory_desc_t *eb_dnnl__md_of(dnnl_memory_t m);
eb_status eb_dnnl__reorder(builder *b, dnnl_memory_t from, dnnl_memory_t to);
eb_status eb_dnnl__src_as(builder *b, int t, const dnnl_memory_desc_t *want, dnnl_memory_t *m);
eb_status eb_dnnl__dst_for(builder *b, int t, const dnnl_memory_desc_t *md, dnnl_memory_t *m);
eb_status eb_dnnl__finish_output(builder *b, int t);
eb_status eb_dnnl__const_mem(builder *b, const void *data, const dnnl_memory_desc_t *user, const dnnl_memory_desc_t *want, dnnl_memory_t *m);
int eb_dnnl__fusable_eltwise(builder *b, int t);
float eb_dnnl__const_scalar(const eb_graph *g, const eb_node *n, int k, float dflt);
void eb_dnnl__clip_bounds(const eb_graph *g, const eb_node *n, float *lo, float *hi);
eb_status eb_dnnl__post_op_attr(builder *b, int f, dnnl_primitive_attr_t *attr);
eb_status eb_dnnl__make_pd(builder *b, const void *op_desc, dnnl_primitive_attr_t attr, const eb_node *n, dnnl_primitive_desc_t *pd);
eb_status eb_dnnl__finish_prim(builder *b, dnnl_primitive_desc_t pd, int nargs, dnnl_exec_arg_t *a, const eb_node *n, int out_t);

/* dnnl_ops_f32.c */
int eb_dnnl__conv_geometry(const eb_node *n, const eb_tensor *w, dnnl_dims_t wd, dnnl_dims_t st,
                           dnnl_dims_t dl, dnnl_dims_t pl, dnnl_dims_t pr);
/* The emitters of the op table (dnnl_op_table.h); arg as listed there. */
eb_status eb_dnnl__emit_conv(builder *b, const eb_node *n, int arg);
eb_status eb_dnnl__emit_pool(builder *b, const eb_node *n, int flags);
eb_status eb_dnnl__emit_eltwise(builder *b, const eb_node *n, int which);
eb_status eb_dnnl__emit_ip(builder *b, const eb_node *n, int gemm);
eb_status eb_dnnl__emit_binary(builder *b, const eb_node *n, int which);
eb_status eb_dnnl__emit_softmax(builder *b, const eb_node *n, int arg);
eb_status eb_dnnl__emit_qdq(builder *b, const eb_node *n, int quant);
eb_status eb_dnnl__emit_reshape(builder *b, const eb_node *n, int arg);

/* dnnl_ops_q8.c: a DQ -> Conv|Gemm|MatMul [-> Relu|Clip] -> Q group
 * (delegate_q8.h) that oneDNN runs as one int8 primitive */
typedef eb_q8_group q8_group;
int eb_dnnl__match_q8(builder *b, int i, q8_group *m);
eb_status eb_dnnl__emit_conv_q8(builder *b, const eb_node *n, const q8_group *m);
eb_status eb_dnnl__emit_mm_q8(builder *b, const eb_node *n, const q8_group *m);
void eb_dnnl__skip_group_dqs(builder *b);

#endif
