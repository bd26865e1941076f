/* Loading a TensorFlow Lite file (.tflite) into the graph IR.
 *
 * The FlatBuffer is read through flatbuf.c (every offset and length checked
 * against the file), the first subgraph's tensors are checked (type, shape,
 * constant data of exactly the stated size, quantisation parameters), and
 * each operator is mapped to IR nodes by tflite_ops.c in the file's order,
 * which TFLite defines as execution order. The IR's own shape inference
 * then runs on the result and must reproduce every shape the file states,
 * so a file whose shapes disagree with its operators is refused instead of
 * run. Errors name the file and the tensor or operator. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/graph_internal.h"
#include "harness/model/tensor_proto.h"
#include "harness/model/tflite_build.h"
#include "harness/model/tflite_schema.h"

/* Ceilings on counts read from a file before anything is allocated per
 * entry; real models stay far below. */
#define TFL_MAX_TENSORS 1000000
#define TFL_MAX_OPS 1000000

static eb_status corrupt(eb_tfl *b, const char *what)
{
    snprintf(b->msg, b->msg_len, "%s: %s: %s (file truncated or corrupt)", b->g->path, what,
             b->fb.err ? b->fb.err : "invalid");
    return EB_ERR_FORMAT;
}

static eb_dtype dtype_of(int tfl_type)
{
    switch (tfl_type) {
    case TFL_FLOAT32: return EB_DT_F32;
    case TFL_FLOAT16: return EB_DT_F16;
    case TFL_INT32: return EB_DT_I32;
    case TFL_UINT8: return EB_DT_U8;
    case TFL_INT64: return EB_DT_I64;
    case TFL_BOOL: return EB_DT_BOOL;
    case TFL_INT16: return EB_DT_I16;
    case TFL_INT8: return EB_DT_I8;
    case TFL_FLOAT64: return EB_DT_F64;
    default: return EB_DT_UNDEFINED;
    }
}

static eb_status read_quant(eb_tfl *b, eb_tfl_tensor *t, const eb_fb_table *q)
{
    eb_fb_vec sv, zv;
    int32_t qdim;
    if (eb_fb_vector(q, TFL_QUANT_SCALE, 4, &sv) < 0 || eb_fb_vector(q, TFL_QUANT_ZERO_POINT, 8, &zv) < 0 ||
        eb_fb_i32(q, TFL_QUANT_DIMENSION, 0, &qdim) < 0)
        return corrupt(b, "quantisation parameters");
    if (sv.n == 0)
        return EB_OK; /* min/max only, or empty: not quantised */
    if (t->dtype != EB_DT_I8 && t->dtype != EB_DT_U8 && t->dtype != EB_DT_I32) {
        if (t->dtype == EB_DT_F32)
            return EB_OK; /* float tensors may carry calibration ranges; unused */
        snprintf(b->msg, b->msg_len, "%s: tensor '%s': quantised %s tensors are not supported "
                 "(int8, uint8, and int32 biases are)", b->g->path, t->name, eb_dtype_name(t->dtype));
        return EB_ERR_UNSUPPORTED;
    }
    if (zv.n != 0 && zv.n != sv.n) {
        snprintf(b->msg, b->msg_len, "%s: tensor '%s': %u zero points for %u scales", b->g->path,
                 t->name, zv.n, sv.n);
        return EB_ERR_FORMAT;
    }
    if (sv.n > 1 && (qdim < 0 || qdim >= t->rank || t->dims[qdim] != (int64_t)sv.n)) {
        snprintf(b->msg, b->msg_len, "%s: tensor '%s': %u scales do not match dimension %d of its "
                 "shape", b->g->path, t->name, sv.n, qdim);
        return EB_ERR_FORMAT;
    }
    t->scale = malloc((size_t)sv.n * sizeof *t->scale);
    t->zp = calloc(sv.n, sizeof *t->zp);
    if (!t->scale || !t->zp) {
        snprintf(b->msg, b->msg_len, "%s: out of memory", b->g->path);
        return EB_ERR_NOMEM;
    }
    int64_t lo = t->dtype == EB_DT_I8 ? -128 : t->dtype == EB_DT_U8 ? 0 : 0;
    int64_t hi = t->dtype == EB_DT_I8 ? 127 : t->dtype == EB_DT_U8 ? 255 : 0;
    for (uint32_t i = 0; i < sv.n; i++) {
        float s = eb_fb_vec_f32(&b->fb, &sv, i);
        int64_t z = zv.n ? eb_fb_vec_i64(&b->fb, &zv, i) : 0;
        if (!isfinite(s) || s <= 0.0f) {
            snprintf(b->msg, b->msg_len, "%s: tensor '%s': scale %g is not a positive finite "
                     "number", b->g->path, t->name, (double)s);
            return EB_ERR_FORMAT;
        }
        if (z < lo || z > hi) {
            snprintf(b->msg, b->msg_len, "%s: tensor '%s': zero point %lld is outside %lld..%lld",
                     b->g->path, t->name, (long long)z, (long long)lo, (long long)hi);
            return EB_ERR_FORMAT;
        }
        t->scale[i] = s;
        t->zp[i] = (int32_t)z;
    }
    t->nq = (int)sv.n;
    t->qdim = sv.n > 1 ? qdim : 0;
    return EB_OK;
}

static eb_status read_tensor(eb_tfl *b, uint32_t i, const eb_fb_table *tt, const eb_fb_vec *buffers)
{
    eb_tfl_tensor *t = &b->t[i];
    const char *s;
    size_t sn;
    char what[64];
    snprintf(what, sizeof what, "tensor %u", i);
    int r = eb_fb_string(tt, TFL_TENSOR_NAME, &s, &sn);
    if (r < 0)
        return corrupt(b, what);
    if (r == 0 || sn == 0) {
        s = what;
        sn = strlen(what);
    }
    if (sn > 1024)
        sn = 1024; /* names are for people; a longer one is cut */
    if (!(t->name = malloc(sn + 1)))
        return EB_ERR_NOMEM;
    memcpy(t->name, s, sn);
    t->name[sn] = '\0';
    for (size_t k = 0; k < sn; k++) /* names go into messages and reports: no control bytes */
        if ((unsigned char)t->name[k] < 0x20)
            t->name[k] = '?';
    uint8_t type;
    uint32_t buf;
    eb_fb_vec shape;
    if (eb_fb_u8(tt, TFL_TENSOR_TYPE, 0, &type) < 0 || eb_fb_u32(tt, TFL_TENSOR_BUFFER, 0, &buf) < 0 ||
        eb_fb_vector(tt, TFL_TENSOR_SHAPE, 4, &shape) < 0)
        return corrupt(b, what);
    t->dtype = dtype_of(type);
    if (t->dtype == EB_DT_UNDEFINED) {
        snprintf(b->msg, b->msg_len, "%s: tensor '%s' has type %u, which edgebench does not "
                 "support (string, complex)", b->g->path, t->name, type);
        return EB_ERR_UNSUPPORTED;
    }
    if (shape.n > EB_MAX_RANK) {
        snprintf(b->msg, b->msg_len, "%s: tensor '%s' has rank %u, more than the supported %d",
                 b->g->path, t->name, shape.n, EB_MAX_RANK);
        return EB_ERR_UNSUPPORTED;
    }
    t->rank = (int)shape.n;
    for (uint32_t d = 0; d < shape.n; d++) {
        t->dims[d] = eb_fb_vec_i32(&b->fb, &shape, d);
        if (t->dims[d] < 0) {
            snprintf(b->msg, b->msg_len, "%s: tensor '%s' has negative dimension %lld at %u",
                     b->g->path, t->name, (long long)t->dims[d], d);
            return EB_ERR_FORMAT;
        }
    }
    char tw[1100];
    snprintf(tw, sizeof tw, "%s: tensor '%s'", b->g->path, t->name);
    int64_t numel;
    size_t nbytes;
    eb_status st = eb_dims_size(t->dims, t->rank, t->dtype, &numel, &nbytes, tw, b->msg, b->msg_len);
    if (st != EB_OK)
        return st;
    if (buf >= buffers->n) {
        snprintf(b->msg, b->msg_len, "%s: tensor '%s' names buffer %u of %u", b->g->path, t->name,
                 buf, buffers->n);
        return EB_ERR_FORMAT;
    }
    eb_fb_table bt;
    eb_fb_vec data;
    uint64_t ext_off, ext_size;
    if (eb_fb_vec_table(&b->fb, buffers, buf, &bt) < 0 || eb_fb_vector(&bt, TFL_BUFFER_DATA, 1, &data) < 0 ||
        eb_fb_u64(&bt, TFL_BUFFER_OFFSET, 0, &ext_off) < 0 || eb_fb_u64(&bt, TFL_BUFFER_SIZE, 0, &ext_size) < 0)
        return corrupt(b, what);
    if (ext_off > 1 || ext_size) {
        snprintf(b->msg, b->msg_len, "%s: tensor '%s': buffers stored after the FlatBuffer (offset "
                 "and size, models over 2 GB) are not supported", b->g->path, t->name);
        return EB_ERR_UNSUPPORTED;
    }
    if (data.n) {
        if (data.n != nbytes) {
            snprintf(b->msg, b->msg_len, "%s: tensor '%s' of shape and type needing %zu bytes has "
                     "a buffer of %u", b->g->path, t->name, nbytes, data.n);
            return EB_ERR_FORMAT;
        }
        t->data = b->fb.buf + data.pos;
        t->nbytes = nbytes;
        t->available = 1;
    }
    eb_fb_table q;
    r = eb_fb_table_field(tt, TFL_TENSOR_QUANTIZATION, &q);
    if (r < 0)
        return corrupt(b, what);
    return r ? read_quant(b, t, &q) : EB_OK;
}

/* Indices of a subgraph or operator list: each -1 (where allowed) or a tensor. */
static eb_status read_indices(eb_tfl *b, const eb_fb_vec *v, int allow_omitted, int32_t **out,
                              const char *what)
{
    *out = malloc(((size_t)v->n + 1) * sizeof **out);
    if (!*out)
        return EB_ERR_NOMEM;
    for (uint32_t k = 0; k < v->n; k++) {
        int32_t x = eb_fb_vec_i32(&b->fb, v, k);
        if (x >= b->n_t || x < (allow_omitted ? -1 : 0)) {
            snprintf(b->msg, b->msg_len, "%s: %s: tensor index %d is outside 0..%d", b->g->path,
                     what, x, b->n_t - 1);
            return EB_ERR_FORMAT;
        }
        (*out)[k] = x;
    }
    return EB_OK;
}

static eb_status read_inputs(eb_tfl *b, const eb_fb_table *sg)
{
    eb_fb_vec v;
    int32_t *idx = NULL;
    if (eb_fb_vector(sg, TFL_SUBGRAPH_INPUTS, 4, &v) < 0)
        return corrupt(b, "subgraph inputs");
    eb_status st = read_indices(b, &v, 0, &idx, "subgraph inputs");
    eb_graph *g = b->g;
    if (st == EB_OK && !(g->inputs = calloc((size_t)v.n + 1, sizeof *g->inputs)))
        st = EB_ERR_NOMEM;
    for (uint32_t k = 0; st == EB_OK && k < v.n; k++) {
        eb_tfl_tensor *t = &b->t[idx[k]];
        if (t->available) {
            snprintf(b->msg, b->msg_len, "%s: input '%s' is listed twice or is a constant",
                     g->path, t->name);
            st = EB_ERR_FORMAT;
            break;
        }
        int x = eb__graph_add_tensor(g, t->name);
        if (x < 0) {
            st = EB_ERR_NOMEM;
            break;
        }
        g->tensors[x].kind = EB_TENSOR_INPUT;
        st = eb__tensor_set_shape(g, &g->tensors[x], t->dtype, t->rank, t->dims, NULL, b->msg,
                                  b->msg_len);
        g->inputs[g->n_inputs++] = x;
        t->view[EB_TFL_NHWC][EB_TFL_RAW] = x;
        t->available = 1;
    }
    free(idx);
    return st;
}

static eb_status read_operators(eb_tfl *b, const eb_fb_table *sg, const eb_fb_vec *opcodes)
{
    eb_fb_vec ops;
    if (eb_fb_vector(sg, TFL_SUBGRAPH_OPERATORS, 4, &ops) < 0)
        return corrupt(b, "operators");
    if (ops.n > TFL_MAX_OPS) {
        snprintf(b->msg, b->msg_len, "%s: %u operators, more than %d", b->g->path, ops.n, TFL_MAX_OPS);
        return EB_ERR_UNSUPPORTED;
    }
    for (uint32_t i = 0; i < ops.n; i++) {
        char what[64], unnamed[32];
        snprintf(what, sizeof what, "operator %u", i);
        eb_fb_table ot, ct;
        uint32_t opcode;
        eb_fb_vec iv, ov;
        if (eb_fb_vec_table(&b->fb, &ops, i, &ot) < 0 || eb_fb_u32(&ot, TFL_OP_OPCODE_INDEX, 0, &opcode) < 0 ||
            eb_fb_vector(&ot, TFL_OP_INPUTS, 4, &iv) < 0 || eb_fb_vector(&ot, TFL_OP_OUTPUTS, 4, &ov) < 0)
            return corrupt(b, what);
        if (opcode >= opcodes->n) {
            snprintf(b->msg, b->msg_len, "%s: operator %u: operator code %u of %u", b->g->path, i,
                     opcode, opcodes->n);
            return EB_ERR_FORMAT;
        }
        uint8_t dep;
        int32_t code;
        if (eb_fb_vec_table(&b->fb, opcodes, opcode, &ct) < 0 ||
            eb_fb_u8(&ct, TFL_OPCODE_DEPRECATED_BUILTIN, 0, &dep) < 0 ||
            eb_fb_i32(&ct, TFL_OPCODE_BUILTIN, 0, &code) < 0)
            return corrupt(b, what);
        /* schema 3a: builtin codes past 127 live in builtin_code, older
         * files only fill the byte: the larger of the two is the operator */
        if ((int8_t)dep > code)
            code = (int8_t)dep;
        b->op_index = (int)i;
        b->op_seq = 0;
        b->op_name = eb__tflite_op_name(code);
        if (!b->op_name) {
            snprintf(unnamed, sizeof unnamed, "BUILTIN_%d", code);
            b->op_name = unnamed;
        }
        if (code == TFL_CUSTOM) {
            const char *s = "";
            size_t sn = 0;
            if (eb_fb_string(&ct, TFL_OPCODE_CUSTOM, &s, &sn) < 0)
                return corrupt(b, what);
            snprintf(b->msg, b->msg_len, "%s: operator %u: custom operator '%.*s' is not supported",
                     b->g->path, i, (int)(sn > 200 ? 200 : sn), s);
            for (char *p = b->msg; *p; p++)
                if ((unsigned char)*p < 0x20)
                    *p = '?';
            return EB_ERR_UNSUPPORTED;
        }
        eb_tfl_op op = {.code = code, .n_in = (int)iv.n, .n_out = (int)ov.n};
        uint8_t otype;
        int r;
        if (eb_fb_u8(&ot, TFL_OP_OPTIONS_TYPE, 0, &otype) < 0 ||
            (r = eb_fb_table_field(&ot, TFL_OP_OPTIONS, &op.options)) < 0)
            return corrupt(b, what);
        op.has_options = r;
        op.options_type = otype;
        int32_t *in = NULL, *out = NULL;
        eb_status st = read_indices(b, &iv, 1, &in, what);
        if (st == EB_OK)
            st = read_indices(b, &ov, 0, &out, what);
        if (st == EB_OK) {
            op.in = in;
            op.out = out;
            st = eb__tfl_map_op(b, &op);
        }
        free(in);
        free(out);
        if (st != EB_OK)
            return st;
    }
    b->op_name = NULL;
    return EB_OK;
}

static eb_status read_outputs(eb_tfl *b, const eb_fb_table *sg)
{
    eb_fb_vec v;
    int32_t *idx = NULL;
    eb_graph *g = b->g;
    if (eb_fb_vector(sg, TFL_SUBGRAPH_OUTPUTS, 4, &v) < 0)
        return corrupt(b, "subgraph outputs");
    if (v.n == 0) {
        snprintf(b->msg, b->msg_len, "%s: the subgraph has no outputs", g->path);
        return EB_ERR_FORMAT;
    }
    eb_status st = read_indices(b, &v, 0, &idx, "subgraph outputs");
    if (st == EB_OK && !(g->outputs = calloc((size_t)v.n + 1, sizeof *g->outputs)))
        st = EB_ERR_NOMEM;
    b->op_name = "output";
    for (uint32_t k = 0; st == EB_OK && k < v.n; k++) {
        b->op_index = (int)k;
        if (!b->t[idx[k]].available) {
            snprintf(b->msg, b->msg_len, "%s: output '%s' is never written by an operator, nor "
                     "a graph input or a constant", g->path, b->t[idx[k]].name);
            st = EB_ERR_FORMAT;
            break;
        }
        int x = eb__tfl_raw(b, idx[k], EB_TFL_NHWC);
        if (x < 0) {
            st = b->st;
            break;
        }
        eb_tensor *t = &g->tensors[x];
        if (t->kind != EB_TENSOR_ACTIVATION || t->is_graph_output) {
            /* an input, constant or repeated output: its own tensor for the output */
            x = eb__tfl_node(b, "Identity", &x, 1, b->t[idx[k]].name);
            if (x < 0) {
                st = b->st;
                break;
            }
        }
        g->tensors[x].is_graph_output = 1;
        g->outputs[g->n_outputs++] = x;
    }
    free(idx);
    return st;
}

/* Shapes: the IR infers every node; the result must be what the file says. */
static eb_status infer_and_check(eb_tfl *b)
{
    eb_graph *g = b->g;
    eb_status st = eb__graph_topo_sort(g, b->msg, b->msg_len);
    for (int i = 0; st == EB_OK && i < g->n_nodes; i++) {
        eb_node *n = &g->nodes[i];
        b->msg[0] = '\0';
        st = eb__infer_node(g, n, b->msg, b->msg_len);
        if (st != EB_OK) {
            if (!b->msg[0])
                eb__node_msg(g, n, b->msg, b->msg_len, "shape could not be inferred from its "
                             "inputs (the file's shapes do not fit the operator)");
            return st == EB_ERR_UNSUPPORTED ? EB_ERR_FORMAT : st;
        }
        n->shape_known = 1;
        eb__node_cost(g, n);
    }
    for (int i = 0; st == EB_OK && i < b->n_t; i++) {
        const eb_tfl_tensor *t = &b->t[i];
        int x = t->view[EB_TFL_NHWC][EB_TFL_RAW];
        if (x < 0 || t->data)
            continue;
        const eb_tensor *y = &g->tensors[x];
        if (y->rank != t->rank || memcmp(y->dims, t->dims, (size_t)t->rank * sizeof *t->dims) != 0 ||
            y->dtype != t->dtype) {
            char a[128], c[128];
            eb_tensor want = {.rank = t->rank};
            memcpy(want.dims, t->dims, sizeof want.dims);
            snprintf(b->msg, b->msg_len, "%s: tensor '%s': the file states %s %s, its operator "
                     "computes %s %s", g->path, t->name, eb_dtype_name(t->dtype),
                     eb_shape_str(&want, a, sizeof a), eb_dtype_name(y->dtype),
                     eb_shape_str(y, c, sizeof c));
            return EB_ERR_FORMAT;
        }
    }
    return st;
}

static eb_status load(eb_tfl *b)
{
    eb_graph *g = b->g;
    eb_fb_table root, sg;
    uint32_t version;
    if (eb_fb_root(&b->fb, &root) < 0 || eb_fb_u32(&root, TFL_MODEL_VERSION, 0, &version) < 0)
        return corrupt(b, "model header");
    if (version != 3) {
        snprintf(b->msg, b->msg_len, "%s: TFLite schema version %u, edgebench reads version 3",
                 g->path, version);
        return EB_ERR_UNSUPPORTED;
    }
    eb_fb_vec opcodes, subgraphs, buffers, tensors;
    if (eb_fb_vector(&root, TFL_MODEL_OPERATOR_CODES, 4, &opcodes) < 0 ||
        eb_fb_vector(&root, TFL_MODEL_SUBGRAPHS, 4, &subgraphs) < 0 ||
        eb_fb_vector(&root, TFL_MODEL_BUFFERS, 4, &buffers) < 0)
        return corrupt(b, "model tables");
    if (subgraphs.n == 0) {
        snprintf(b->msg, b->msg_len, "%s: the model has no subgraph", g->path);
        return EB_ERR_FORMAT;
    }
    const char *desc = "";
    size_t dn = 0;
    if (eb_fb_string(&root, TFL_MODEL_DESCRIPTION, &desc, &dn) < 0)
        return corrupt(b, "model description");
    char prod[160];
    snprintf(prod, sizeof prod, "tflite%s%.*s", dn ? " " : "", (int)(dn > 100 ? 100 : dn), desc);
    for (char *p = prod; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = '?';
    if (!(g->producer = strdup(prod)))
        return EB_ERR_NOMEM;
    /* Subgraph 0 is the model; others are bodies of control flow (IF,
     * WHILE, CALL), which are refused as operators. */
    if (eb_fb_vec_table(&b->fb, &subgraphs, 0, &sg) < 0 ||
        eb_fb_vector(&sg, TFL_SUBGRAPH_TENSORS, 4, &tensors) < 0)
        return corrupt(b, "subgraph 0");
    const char *sname = "";
    size_t sn = 0;
    if (eb_fb_string(&sg, TFL_SUBGRAPH_NAME, &sname, &sn) < 0)
        return corrupt(b, "subgraph name");
    if (!(g->name = strndup(sname, sn > 256 ? 256 : sn)))
        return EB_ERR_NOMEM;
    if (tensors.n > TFL_MAX_TENSORS) {
        snprintf(b->msg, b->msg_len, "%s: %u tensors, more than %d", g->path, tensors.n,
                 TFL_MAX_TENSORS);
        return EB_ERR_UNSUPPORTED;
    }
    b->n_t = (int)tensors.n;
    if (!(b->t = calloc((size_t)b->n_t + 1, sizeof *b->t)))
        return EB_ERR_NOMEM;
    for (int i = 0; i < b->n_t; i++) {
        b->t[i].scale_t = b->t[i].zp_t = -1;
        for (int l = 0; l < 2; l++)
            b->t[i].view[l][0] = b->t[i].view[l][1] = -1;
    }
    for (uint32_t i = 0; i < tensors.n; i++) {
        eb_fb_table tt;
        if (eb_fb_vec_table(&b->fb, &tensors, i, &tt) < 0) {
            char what[64];
            snprintf(what, sizeof what, "tensor %u", i);
            return corrupt(b, what);
        }
        eb_status st = read_tensor(b, i, &tt, &buffers);
        if (st != EB_OK)
            return st;
    }
    eb_status st;
    if ((st = read_inputs(b, &sg)) != EB_OK || (st = read_operators(b, &sg, &opcodes)) != EB_OK ||
        (st = read_outputs(b, &sg)) != EB_OK || (st = infer_and_check(b)) != EB_OK ||
        (st = eb__graph_annotate_quant(g, b->msg, b->msg_len)) != EB_OK)
        return st;
    eb__graph_sum_costs(g);
    return EB_OK;
}

eb_status eb__tflite_load_buffer(const void *bytes, size_t n, const char *label,
                                 const eb_load_options *opts, eb_graph **out, char *msg,
                                 size_t msg_len)
{
    (void)opts; /* TFLite shapes are concrete: no symbolic dimension to fill */
    *out = NULL;
    if (msg_len)
        msg[0] = '\0';
    if (n == 0) {
        snprintf(msg, msg_len, "%s: file is empty, not a TFLite model", label);
        return EB_ERR_FORMAT;
    }
    eb_tfl b = {.fb = {.buf = bytes, .len = n}, .msg = msg, .msg_len = msg_len};
    eb_graph *g = calloc(1, sizeof *g);
    eb_status st = EB_ERR_NOMEM;
    if (g && (g->path = strdup(label))) {
        eb_graph_set_layout(g);
        g->opset = 13; /* the nodes are built with ONNX opset 13 semantics */
        b.g = g;
        st = load(&b);
    }
    if (st == EB_ERR_NOMEM)
        snprintf(msg, msg_len, "%s: out of memory while loading", label);
    for (int i = 0; i < b.n_t; i++) {
        free(b.t[i].name);
        free(b.t[i].scale);
        free(b.t[i].zp);
    }
    free(b.t);
    if (st != EB_OK) {
        eb_graph_destroy(g);
        return st;
    }
    if (!g->name)
        g->name = strdup("");
    *out = g;
    return EB_OK;
}
