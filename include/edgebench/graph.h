/* The graph IR: what a loaded model looks like to the harness and to backends.
 *
 * The loader (harness/model) builds an eb_graph from an ONNX file: tensors,
 * nodes in topological order, graph inputs/outputs, shapes inferred for every
 * op edgebench knows, and per-node cost (MACs, FLOPs, parameter bytes).
 *
 * Ownership: the graph owns every pointer reachable from it (names, dims,
 * constant data, attributes) until the harness destroys it
 * (harness/model/model_load.h). Backends receive a
 * const eb_graph * and must not keep pointers into it past release().
 *
 * The accessors at the end are static inline so a backend plugin loaded with
 * dlopen needs no symbol from the edgebench executable to read a graph.
 *
 * Layout rule (these structs cross the plugin boundary): eb_graph, eb_tensor
 * and eb_node only ever grow by members appended at the end, and the graph
 * says how big the harness's structs are (struct_size, tensor_size,
 * node_size). A plugin built against older headers keeps working with a
 * newer harness as long as it indexes g->tensors and g->nodes by those
 * strides (eb_graph_tensor, eb_graph_node), never as C arrays; a plugin
 * built against newer headers than the harness detects it with
 * eb_graph_layout_ok() in prepare() and refuses the graph instead of reading
 * past the harness's structs. eb_attr and eb_quant are not strided: changing
 * them needs a new EB_BACKEND_ABI_VERSION. Code built in the edgebench tree
 * (same headers as the harness) may index the arrays directly. */
#ifndef EDGEBENCH_GRAPH_H
#define EDGEBENCH_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "edgebench/dtype.h"
#include "edgebench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EB_MAX_RANK 8

/* Quantisation parameters of a tensor, where the model states them: the
 * tensor is the quantised input of a DequantizeLinear, the quantised output of
 * a QuantizeLinear, or a quantised operand of QLinearConv / QLinearMatMul.
 * real = (q - zero_point) * scale. count == 0 means "not quantised". */
typedef struct eb_quant {
    int axis;                  /* -1: per-tensor; else the channel axis */
    int count;                 /* number of scales: 1 or dims[axis] */
    const float *scale;        /* count entries, owned by the graph */
    const int32_t *zero_point; /* count entries, owned by the graph; NULL = 0 */
} eb_quant;

typedef enum eb_tensor_kind {
    EB_TENSOR_ACTIVATION = 0, /* produced by a node at run time */
    EB_TENSOR_INPUT = 1,      /* a graph input fed by the caller */
    EB_TENSOR_CONSTANT = 2    /* value known at load time (data != NULL) */
} eb_tensor_kind;

typedef struct eb_tensor {
    char *name;
    eb_dtype dtype;
    int rank;                  /* -1 when the shape could not be inferred */
    int64_t dims[EB_MAX_RANK]; /* row-major, dims[0] outermost */
    int64_t numel;             /* product of dims; -1 when rank < 0 */
    size_t nbytes;             /* numel * element size; 0 when unknown */
    /* Constant value, native byte order, packed row-major; non-NULL exactly
     * when the value is known at load time (initializers, Constant outputs).
     * A backend never needs to execute the producer of such a tensor. */
    void *data;
    eb_tensor_kind kind;
    int producer;              /* node index, -1 for inputs and initializers */
    int n_consumers;           /* nodes reading it (an input listed twice counts twice) */
    int is_graph_output;
    eb_quant quant;
} eb_tensor;

typedef enum eb_attr_type {
    EB_ATTR_UNDEFINED = 0,
    EB_ATTR_FLOAT = 1,
    EB_ATTR_INT = 2,
    EB_ATTR_STRING = 3,
    EB_ATTR_TENSOR = 4,
    EB_ATTR_FLOATS = 6,
    EB_ATTR_INTS = 7,
    EB_ATTR_STRINGS = 8
} eb_attr_type; /* values follow ONNX AttributeProto.AttributeType */

typedef struct eb_attr {
    char *name;
    eb_attr_type type;
    float f;
    int64_t i;
    char *s;           /* STRING: NUL-terminated copy */
    int n;             /* element count of FLOATS / INTS / STRINGS */
    float *floats;
    int64_t *ints;
    char **strings;
    int tensor;        /* TENSOR: index into graph->tensors (a constant) */
} eb_attr;

typedef struct eb_node {
    char *name;        /* never NULL: the file's name or "<op>_<index>" */
    char *op_type;
    char *domain;      /* "" for the default ONNX domain */
    int64_t opset;     /* opset version of the node's domain */
    int n_inputs;
    int *inputs;       /* tensor indices; -1 marks an omitted optional input */
    int n_outputs;
    int *outputs;      /* tensor indices; -1 marks an omitted optional output */
    int n_attrs;
    eb_attr *attrs;
    int shape_known;   /* 1 when edgebench inferred the output shapes */
    uint64_t macs;     /* multiply-accumulates of one execution */
    uint64_t flops;    /* floating / integer operations (a MAC counts 2) */
    uint64_t param_count; /* elements of constant inputs (weights, biases) */
    uint64_t param_bytes;
} eb_node;

typedef struct eb_graph {
    /* Layout of the harness that built the graph (see the top of this file):
     * sizeof(eb_graph), sizeof(eb_tensor) and sizeof(eb_node) as it was
     * compiled; eb_graph_set_layout() fills them. The element strides of
     * `tensors` and `nodes` are tensor_size and node_size bytes. */
    uint32_t struct_size;
    uint32_t tensor_size;
    uint32_t node_size;
    char *path;        /* file it was loaded from ("<memory>" for buffers) */
    char *name;
    char *producer;    /* "pytorch 1.13.1", "" when absent */
    int64_t ir_version;
    int64_t opset;     /* default-domain opset */
    int n_tensors;
    eb_tensor *tensors;
    int n_nodes;
    eb_node *nodes;    /* topologically ordered */
    int n_inputs;
    int *inputs;       /* graph inputs the caller feeds (initializers excluded) */
    int n_outputs;
    int *outputs;
    int n_unknown_ops; /* nodes whose op edgebench cannot infer shapes for */
    uint64_t macs, flops, param_count, param_bytes;
} eb_graph;

/* ---- layout ------------------------------------------------------------- */

/* Stamp a graph with the layout of these headers. Whoever builds an eb_graph
 * (the loader, a test, a backend's shallow view) calls it once the struct
 * exists; a copy (*view = *g) carries the stamp along. */
static inline void eb_graph_set_layout(eb_graph *g)
{
    g->struct_size = (uint32_t)sizeof(eb_graph);
    g->tensor_size = (uint32_t)sizeof(eb_tensor);
    g->node_size = (uint32_t)sizeof(eb_node);
}

/* Tensor i / node i of g, indexed by the graph's own stride so that a plugin
 * compiled with smaller (older) structs still lands on element i. A stride
 * of 0 (a graph built by hand without eb_graph_set_layout) falls back to this
 * header's size; eb_graph_layout_ok() refuses such a graph, so a plugin
 * never depends on the fallback. No bounds check: i in [0, n_tensors). */
static inline const eb_tensor *eb_graph_tensor(const eb_graph *g, int i)
{
    size_t stride = g->tensor_size ? g->tensor_size : sizeof(eb_tensor);
    return (const eb_tensor *)(const void *)((const char *)g->tensors + (size_t)i * stride);
}

static inline const eb_node *eb_graph_node(const eb_graph *g, int i)
{
    size_t stride = g->node_size ? g->node_size : sizeof(eb_node);
    return (const eb_node *)(const void *)((const char *)g->nodes + (size_t)i * stride);
}

/* Whether g holds at least every member the caller was compiled with: 1, or 0
 * with a one-line reason in why (why may be NULL). A plugin calls it at the
 * start of prepare() (and supports()) and fails with EB_ERR_ABI on 0: the
 * harness is older than the plugin's headers, so members the plugin would
 * read are missing. Larger structs (a newer harness) are fine. */
static inline int eb_graph_layout_ok(const eb_graph *g, char *why, size_t why_len)
{
    const char *what = NULL;
    size_t have = 0, need = 0;
    if (!g)
        what = "eb_graph (NULL)";
    else if (g->struct_size < sizeof(eb_graph))
        what = "eb_graph", have = g->struct_size, need = sizeof(eb_graph);
    else if (g->tensor_size < sizeof(eb_tensor))
        what = "eb_tensor", have = g->tensor_size, need = sizeof(eb_tensor);
    else if (g->node_size < sizeof(eb_node))
        what = "eb_node", have = g->node_size, need = sizeof(eb_node);
    if (!what)
        return 1;
    if (why && why_len)
        snprintf(why, why_len,
                 "graph layout: %s is %zu bytes in the harness, this plugin was built for %zu "
                 "(edgebench older than the plugin's SDK headers, or a graph built without "
                 "eb_graph_set_layout)",
                 what, have, need);
    return 0;
}

/* ---- inline accessors (usable from plugins) ---------------------------- */

static inline const eb_attr *eb_node_attr(const eb_node *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return &n->attrs[i];
    return NULL;
}

static inline int64_t eb_node_attr_int(const eb_node *n, const char *name, int64_t dflt)
{
    const eb_attr *a = eb_node_attr(n, name);
    return (a && a->type == EB_ATTR_INT) ? a->i : dflt;
}

static inline float eb_node_attr_float(const eb_node *n, const char *name, float dflt)
{
    const eb_attr *a = eb_node_attr(n, name);
    return (a && a->type == EB_ATTR_FLOAT) ? a->f : dflt;
}

static inline const char *eb_node_attr_string(const eb_node *n, const char *name, const char *dflt)
{
    const eb_attr *a = eb_node_attr(n, name);
    return (a && a->type == EB_ATTR_STRING) ? a->s : dflt;
}

/* INTS attribute: returns the count and sets *vals, or returns -1 when absent. */
static inline int eb_node_attr_ints(const eb_node *n, const char *name, const int64_t **vals)
{
    const eb_attr *a = eb_node_attr(n, name);
    if (!a || a->type != EB_ATTR_INTS)
        return -1;
    *vals = a->ints;
    return a->n;
}

/* Input i of node n, or NULL when absent / omitted. */
static inline const eb_tensor *eb_node_input(const eb_graph *g, const eb_node *n, int i)
{
    if (i < 0 || i >= n->n_inputs || n->inputs[i] < 0)
        return NULL;
    return eb_graph_tensor(g, n->inputs[i]);
}

static inline const eb_tensor *eb_node_output(const eb_graph *g, const eb_node *n, int i)
{
    if (i < 0 || i >= n->n_outputs || n->outputs[i] < 0)
        return NULL;
    return eb_graph_tensor(g, n->outputs[i]);
}

/* 1 when an input or output of node n has a known shape with a zero
 * dimension (no elements): a MatMul with K = 0, a conv with no output
 * channels. Such a node computes nothing, or only zeros; a builder that
 * divides by a dimension must not take it. */
static inline int eb_node_has_empty_tensor(const eb_graph *g, const eb_node *n)
{
    for (int i = 0; i < n->n_inputs + n->n_outputs; i++) {
        const eb_tensor *t = i < n->n_inputs ? eb_node_input(g, n, i)
                                             : eb_node_output(g, n, i - n->n_inputs);
        if (t && t->rank >= 0 && t->numel == 0)
            return 1;
    }
    return 0;
}

#ifdef __cplusplus
}
#endif
#endif
