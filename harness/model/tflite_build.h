/* Building the graph IR from a .tflite file: the state the reader
 * (tflite_load.c) and the operator mappers (tflite_ops.c) share, and the
 * helpers that emit IR nodes (tflite_build.c).
 *
 * TFLite is NHWC with OHWI conv weights; the IR's conv and pool ops are
 * ONNX's, NCHW with OIHW weights. Each TFLite tensor therefore has up to
 * four IR forms, made on demand and then reused:
 *
 *            raw (as stored: int8/uint8 when quantised)   float (dequantised)
 *   NHWC     the tensor as the file means it              DequantizeLinear of it
 *   NCHW     Transpose of the other layout (rank 4)       DequantizeLinear of it
 *
 * A quantised tensor is kept quantised between operators and every float
 * operator is wrapped as DQ -> op -> Q (the IR's QDQ form), transposes moving
 * the quantised bytes, so the ref backend's QDQ fusion finds its conv, gemm,
 * add and pool groups and runs them by the project's requantisation rule.
 * A conv's output stays NCHW until a consumer needs NHWC, so conv -> pool ->
 * conv chains carry no transposes between them. */
#ifndef EB_TFLITE_BUILD_H
#define EB_TFLITE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/graph.h"
#include "harness/model/flatbuf.h"

enum { EB_TFL_NHWC = 0, EB_TFL_NCHW = 1 }; /* layout of an IR form */
enum { EB_TFL_RAW = 0, EB_TFL_FLOAT = 1 };  /* stored or dequantised */

/* One tensor of the file's subgraph, as read and checked. */
typedef struct eb_tfl_tensor {
    char *name;
    eb_dtype dtype;
    int rank;
    int64_t dims[EB_MAX_RANK];
    const uint8_t *data;   /* constant bytes inside the file buffer, NULL otherwise */
    size_t nbytes;         /* of data: numel * element size, checked */
    int available;         /* graph input, constant, or written by an earlier operator */
    int nq;                /* quantisation: number of scales, 0 when none */
    float *scale;          /* nq entries, owned */
    int32_t *zp;           /* nq entries, owned */
    int qdim;              /* channel axis when nq > 1 */
    int scale_t, zp_t;     /* IR constants of scale / zero point, -1 until made */
    int view[2][2];        /* IR tensor per [layout][raw|float], -1 until made */
} eb_tfl_tensor;

/* An operator of the file, its tensor indices checked. */
typedef struct eb_tfl_op {
    int code;              /* BuiltinOperator */
    int n_in, n_out;
    const int32_t *in;     /* tensor indices, -1: optional input omitted */
    const int32_t *out;
    int has_options;
    int options_type;      /* BuiltinOptions union type */
    eb_fb_table options;
} eb_tfl_op;

typedef struct eb_tfl {
    eb_graph *g;
    eb_fb fb;
    int n_t;
    eb_tfl_tensor *t;
    int op_index;          /* operator being mapped (names, messages) */
    const char *op_name;
    int op_seq;            /* nodes emitted for it so far */
    eb_status st;          /* why the last helper returned -1 */
    char *msg;
    size_t msg_len;
} eb_tfl;

/* Message "<file>: operator <i> (<NAME>): <text>", stores st; returns st. */
eb_status eb__tfl_fail(eb_tfl *b, eb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append an IR node `op` reading in[0..n_in) with one new output tensor
 * called `out_name`. Returns the output's index, or -1 (b->st, message). */
int eb__tfl_node(eb_tfl *b, const char *op, const int *in, int n_in, const char *out_name);

/* Attributes of the node appended last. 0, or -1 out of memory. */
int eb__tfl_attr_int(eb_tfl *b, const char *name, int64_t v);
int eb__tfl_attr_float(eb_tfl *b, const char *name, float v);
int eb__tfl_attr_ints(eb_tfl *b, const char *name, const int64_t *v, int n);

/* A constant IR tensor; `data` (malloc'd, numel * size bytes) becomes the
 * graph's even on failure. Returns its index or -1. */
int eb__tfl_const(eb_tfl *b, const char *name, eb_dtype dt, int rank, const int64_t *dims,
                  void *data);
int eb__tfl_const_i64(eb_tfl *b, const char *name, const int64_t *v, int n);
int eb__tfl_const_f32(eb_tfl *b, const char *name, float v);

/* The IR forms of file tensor ti (see the top): -1 with b->st and a message
 * when ti is not available yet, or the form cannot exist (NCHW of a tensor
 * that is not rank 4, float of a per-channel quantised activation). */
int eb__tfl_raw(eb_tfl *b, int ti, int layout);
int eb__tfl_float(eb_tfl *b, int ti, int layout);

/* DequantizeLinear of IR tensor x with the parameters of file tensor ti,
 * per-channel along `axis` (ignored for per-tensor). */
int eb__tfl_dq(eb_tfl *b, int ti, int x, int axis, const char *name);

/* A constant weight, re-laid out: out dim i is the file's dim perm[i]. Float
 * weights stay float; quantised ones become DQ(int8 constant) with the
 * channel axis moved along. Returns the float IR tensor, or -1. */
int eb__tfl_weight(eb_tfl *b, int ti, const int *perm, int rank);

/* Operator result y (float, `layout`) becomes file tensor ti: the fused
 * activation applied, then QuantizeLinear when ti is quantised. */
eb_status eb__tfl_finish(eb_tfl *b, int ti, int layout, int y, int activation);

/* Map one operator (tflite_ops.c): EB_OK, or a status with a message naming
 * the operator; an operator not mapped is EB_ERR_UNSUPPORTED naming it. */
eb_status eb__tfl_map_op(eb_tfl *b, const eb_tfl_op *op);

/* "%s<suffix>" of tensor ti's name into buf. */
const char *eb__tfl_name(const eb_tfl *b, int ti, const char *suffix, char *buf, size_t len);

#endif
