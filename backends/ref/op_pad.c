/* Pad: constant, reflect and edge padding of any element type; negative pads
 * crop. Pads and the constant value come from attributes before opset 11 and
 * from inputs from opset 11 on (fed at run time in the ONNX tests, so they
 * are read at run and checked against the output shape).
 *
 * Work goes by output rows (the last axis): each row's source row is found by
 * mapping the outer coordinates (or the row is all constant), then the row is
 * left border + one memcpy + right border. Reflect is numpy's "reflect"
 * (edge not repeated), periodic when a pad exceeds the axis. */
#include <string.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

enum { MODE_CONSTANT, MODE_REFLECT, MODE_EDGE };

static int mode_of(const eb_node *n)
{
    const char *m = eb_node_attr_string(n, "mode", "constant");
    return strcmp(m, "constant") == 0 ? MODE_CONSTANT
           : strcmp(m, "reflect") == 0 ? MODE_REFLECT
           : strcmp(m, "edge") == 0    ? MODE_EDGE
                                       : -1;
}

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->rank < 0 || eb_dtype_size(x->dtype) == 0) {
        snprintf(why, len, "input needs a known shape and a numeric or bool type");
        return 0;
    }
    if (mode_of(n) < 0) {
        snprintf(why, len, "mode '%s' is not supported (constant, reflect, edge are)",
                 eb_node_attr_string(n, "mode", ""));
        return 0;
    }
    if (n->opset < 2) {
        snprintf(why, len, "opset %lld Pad (paddings attribute) is not supported",
                 (long long)n->opset);
        return 0;
    }
    if (n->opset >= 11) {
        const eb_tensor *p = eb_node_input(g, n, 1), *v = eb_node_input(g, n, 2);
        if (!p || (p->dtype != EB_DT_I64 && p->dtype != EB_DT_I32) ||
            p->numel != 2 * (int64_t)x->rank) {
            snprintf(why, len, "pads must be %d int64 values", 2 * x->rank);
            return 0;
        }
        if (v && (v->dtype != x->dtype || v->numel != 1)) {
            snprintf(why, len, "constant_value must be one %s value", eb_dtype_name(x->dtype));
            return 0;
        }
        if (eb_node_input(g, n, 3)) {
            snprintf(why, len, "the axes input (opset 18) is not supported");
            return 0;
        }
    }
    return eb_ref_outputs_known(g, n, why, len);
}

/* Scratch: one output row of the constant value. */
static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_tensor *y = eb_node_output(g, n, 0);
    *state = NULL;
    *scratch = y->rank > 0 ? (size_t)y->dims[y->rank - 1] * eb_dtype_size(y->dtype) : 0;
    return EB_OK;
}

/* Source coordinate of padded coordinate i (already shifted by the begin
 * pad) on an axis of n elements, or -1 for "the constant". */
static int64_t source(int64_t i, int64_t n, int mode)
{
    if (i >= 0 && i < n)
        return i;
    if (mode == MODE_CONSTANT || n == 0)
        return -1;
    if (mode == MODE_EDGE || n == 1)
        return i < 0 ? 0 : n - 1;
    int64_t period = 2 * (n - 1), m = i % period;
    if (m < 0)
        m += period;
    return m < n ? m : period - m;
}

/* The constant as x's element type (value is float before opset 11). */
static void constant_bytes(const eb_ref_exec *x, unsigned char *out, size_t es)
{
    memset(out, 0, es);
    const eb_node *n = x->node;
    if (n->opset >= 11) {
        if (n->n_inputs > 2 && x->in[2])
            memcpy(out, x->in[2]->data, es);
        return;
    }
    float f = eb_node_attr_float(n, "value", 0.0f);
    switch (x->in[0]->dtype) {
    case EB_DT_F32: memcpy(out, &f, es); break;
    case EB_DT_F64: { double d = f; memcpy(out, &d, es); } break;
    case EB_DT_U8: case EB_DT_BOOL: out[0] = (unsigned char)f; break;
    case EB_DT_I8: { signed char v = (signed char)f; memcpy(out, &v, 1); } break;
    case EB_DT_I32: { int32_t v = (int32_t)f; memcpy(out, &v, es); } break;
    case EB_DT_I64: { int64_t v = (int64_t)f; memcpy(out, &v, es); } break;
    default: break; /* other types: 0 */
    }
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    const eb_node *n = x->node;
    const eb_value *v = x->in[0], *y = x->out[0];
    const int r = v->rank, mode = mode_of(n);
    const size_t es = eb_dtype_size(v->dtype);
    int64_t pads[2 * EB_MAX_RANK];
    if (n->opset < 11) {
        const int64_t *a = NULL;
        if (eb_node_attr_ints(n, "pads", &a) != 2 * r) {
            EB_REF_FAIL(msg, len, n, "pads attribute must have %d values", 2 * r);
            return EB_ERR_SHAPE;
        }
        memcpy(pads, a, sizeof(int64_t) * (size_t)(2 * r));
    } else {
        const eb_value *p = x->in[1];
        for (int i = 0; i < 2 * r; i++)
            pads[i] = p->dtype == EB_DT_I64 ? ((const int64_t *)p->data)[i]
                                            : ((const int32_t *)p->data)[i];
    }
    for (int i = 0; i < r; i++)
        if (v->dims[i] + pads[i] + pads[r + i] != y->dims[i]) {
            EB_REF_FAIL(msg, len, n, "pads give axis %d size %lld, the output has %lld", i,
                        (long long)(v->dims[i] + pads[i] + pads[r + i]), (long long)y->dims[i]);
            return EB_ERR_SHAPE;
        }
    if (r == 0) {
        memcpy(y->data, v->data, es);
        return EB_OK;
    }
    int64_t numel = 1;
    for (int i = 0; i < r; i++)
        numel *= y->dims[i];
    if (numel == 0)
        return EB_OK;
    const int last = r - 1;
    const int64_t ol = y->dims[last], nl = v->dims[last], pb = pads[last];
    unsigned char cval[16];
    constant_bytes(x, cval, es);
    unsigned char *crow = x->scratch;
    for (int64_t j = 0; j < ol; j++)
        memcpy(crow + (size_t)j * es, cval, es);
    int64_t in_stride[EB_MAX_RANK];
    int64_t s = 1;
    for (int i = r - 1; i >= 0; i--) {
        in_stride[i] = s;
        s *= v->dims[i];
    }
    int64_t lo = pb > 0 ? pb : 0, hi = pb + nl < ol ? pb + nl : ol;
    if (hi < lo)
        hi = lo;
    int64_t o[EB_MAX_RANK] = {0};
    unsigned char *dst = y->data;
    const unsigned char *in = v->data;
    for (int64_t done = 0; done < numel; done += ol, dst += (size_t)ol * es) {
        int64_t off = 0;
        int constant = nl == 0 && mode == MODE_CONSTANT;
        for (int i = 0; i < last && !constant; i++) {
            int64_t q = source(o[i] - pads[i], v->dims[i], mode);
            if (q < 0)
                constant = 1;
            else
                off += q * in_stride[i];
        }
        if (constant) {
            memcpy(dst, crow, (size_t)ol * es);
        } else {
            const unsigned char *src = in + (size_t)off * es;
            for (int64_t j = 0; j < ol; j++) {
                if (j == lo && hi > lo) { /* the copied middle */
                    memcpy(dst + (size_t)lo * es, src + (size_t)(lo - pb) * es,
                           (size_t)(hi - lo) * es);
                    j = hi - 1;
                    continue;
                }
                int64_t q = source(j - pb, nl, mode);
                memcpy(dst + (size_t)j * es, q < 0 ? cval : src + (size_t)q * es, es);
            }
        }
        for (int i = last - 1; i >= 0; i--) {
            if (++o[i] < y->dims[i])
                break;
            o[i] = 0;
        }
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_pad = {.op_type = "Pad", .check = check, .prepare = prepare, .run = run};
