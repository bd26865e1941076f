/* The example backend's operators (see example_ops.h): Gemm, MatMul (2-D),
 * Add (with ONNX broadcasting), Relu, Flatten, Reshape; float32 only.
 * Checks refuse what the kernels do not implement, by name, so that
 * `edgebench` reports it instead of running it wrong. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "edgebench/dtype.h"
#include "example_ops.h"

static int refuse(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return 0;
}

/* Every tensor the node reads or writes (but input `skip`, -1 for none) is
 * float32 with a known shape. */
static int all_f32(const eb_graph *g, const eb_node *n, int skip, char *why, size_t len)
{
    for (int k = 0; k < n->n_inputs + n->n_outputs; k++) {
        int is_in = k < n->n_inputs;
        const eb_tensor *t = is_in ? eb_node_input(g, n, k) : eb_node_output(g, n, k - n->n_inputs);
        if (!t || (is_in && k == skip))
            continue;
        if (t->dtype != EB_DT_F32)
            return refuse(why, len, "%s '%s' is %s; the example backend runs float32 only",
                          is_in ? "input" : "output", t->name, eb_dtype_name(t->dtype));
        if (t->rank < 0)
            return refuse(why, len, "the shape of '%s' is not known at load time", t->name);
    }
    return 1;
}

/* ---- Gemm and MatMul: Y = alpha * op(A) op(B) + beta * C ----------------- */

typedef struct gemm_args {
    int64_t m, n, k;
    int trans_a, trans_b;
    float alpha, beta;
    const float *c;     /* NULL: no C */
    int64_t c_sm, c_sn; /* C's strides over Y's rows / columns (0: broadcast) */
} gemm_args;

static void gemm_f32(const gemm_args *a, const float *A, const float *B, float *Y)
{
    for (int64_t i = 0; i < a->m; i++)
        for (int64_t j = 0; j < a->n; j++) {
            float acc = 0.0f;
            for (int64_t p = 0; p < a->k; p++) {
                float x = a->trans_a ? A[p * a->m + i] : A[i * a->k + p];
                float w = a->trans_b ? B[j * a->k + p] : B[p * a->n + j];
                acc += x * w;
            }
            float y = a->alpha * acc;
            if (a->c)
                y += a->beta * a->c[i * a->c_sm + j * a->c_sn];
            Y[i * a->n + j] = y;
        }
}

/* M, N, K of a Gemm / MatMul node, checked against the inferred output. */
static int gemm_dims(const eb_graph *g, const eb_node *n, int trans_a, int trans_b, gemm_args *ga,
                     char *why, size_t len)
{
    const eb_tensor *A = eb_node_input(g, n, 0), *B = eb_node_input(g, n, 1);
    const eb_tensor *Y = eb_node_output(g, n, 0);
    if (!A || !B || !Y)
        return refuse(why, len, "needs inputs A and B and output Y");
    if (A->rank != 2 || B->rank != 2 || Y->rank != 2)
        return refuse(why, len, "only 2-D operands (A rank %d, B rank %d)", A->rank, B->rank);
    ga->m = trans_a ? A->dims[1] : A->dims[0];
    ga->k = trans_a ? A->dims[0] : A->dims[1];
    int64_t kb = trans_b ? B->dims[1] : B->dims[0];
    ga->n = trans_b ? B->dims[0] : B->dims[1];
    if (kb != ga->k || Y->dims[0] != ga->m || Y->dims[1] != ga->n)
        return refuse(why, len, "A, B and Y shapes do not agree");
    ga->trans_a = trans_a;
    ga->trans_b = trans_b;
    ga->alpha = 1.0f;
    ga->beta = 1.0f;
    ga->c = NULL;
    ga->c_sm = ga->c_sn = 0;
    return 1;
}

/* C broadcast to [M, N] (unidirectionally): its strides, or 0 when it does
 * not broadcast. */
static int gemm_c_strides(const eb_tensor *C, gemm_args *ga)
{
    int64_t cm = C->rank == 2 ? C->dims[0] : 1;
    int64_t cn = C->rank >= 1 ? C->dims[C->rank - 1] : 1;
    if (C->rank > 2 || (cm != 1 && cm != ga->m) || (cn != 1 && cn != ga->n))
        return 0;
    ga->c_sm = cm == 1 ? 0 : cn;
    ga->c_sn = cn == 1 ? 0 : 1;
    return 1;
}

static int gemm_setup(const eb_graph *g, const eb_node *n, gemm_args *ga, char *why, size_t len)
{
    if (!gemm_dims(g, n, (int)eb_node_attr_int(n, "transA", 0), (int)eb_node_attr_int(n, "transB", 0),
                   ga, why, len))
        return 0;
    ga->alpha = eb_node_attr_float(n, "alpha", 1.0f);
    ga->beta = eb_node_attr_float(n, "beta", 1.0f);
    const eb_tensor *C = eb_node_input(g, n, 2);
    if (C && !gemm_c_strides(C, ga))
        return refuse(why, len, "C '%s' does not broadcast to [%lld, %lld]", C->name,
                      (long long)ga->m, (long long)ga->n);
    return 1;
}

static int gemm_check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    gemm_args ga;
    return all_f32(g, n, -1, why, len) && gemm_setup(g, n, &ga, why, len);
}

static void gemm_run(const eb_graph *g, const eb_node *n, float *const *vals)
{
    gemm_args ga;
    gemm_setup(g, n, &ga, NULL, 0);
    if (n->n_inputs > 2 && n->inputs[2] >= 0)
        ga.c = vals[n->inputs[2]];
    gemm_f32(&ga, vals[n->inputs[0]], vals[n->inputs[1]], vals[n->outputs[0]]);
}

static int matmul_check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    gemm_args ga;
    return all_f32(g, n, -1, why, len) && gemm_dims(g, n, 0, 0, &ga, why, len);
}

static void matmul_run(const eb_graph *g, const eb_node *n, float *const *vals)
{
    gemm_args ga;
    gemm_dims(g, n, 0, 0, &ga, NULL, 0);
    gemm_f32(&ga, vals[n->inputs[0]], vals[n->inputs[1]], vals[n->outputs[0]]);
}

/* ---- Add: multidirectional (numpy) broadcasting ------------------------- */

/* Strides of input x over the output's dims (right-aligned, 0 where x
 * broadcasts); 0 when x does not broadcast to y. */
static int bcast_strides(const eb_tensor *x, const eb_tensor *y, int64_t *strides)
{
    if (x->rank > y->rank)
        return 0;
    int64_t s = 1;
    for (int d = y->rank - 1; d >= 0; d--) {
        int xd = d - (y->rank - x->rank);
        int64_t dim = xd >= 0 ? x->dims[xd] : 1;
        if (dim != 1 && dim != y->dims[d])
            return 0;
        strides[d] = dim == 1 ? 0 : s;
        s *= dim;
    }
    return 1;
}

static int add_check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!all_f32(g, n, -1, why, len))
        return 0;
    const eb_tensor *y = eb_node_output(g, n, 0);
    int64_t st[EB_MAX_RANK];
    for (int k = 0; k < 2; k++) {
        const eb_tensor *x = eb_node_input(g, n, k);
        if (!x || !y)
            return refuse(why, len, "needs two inputs and an output");
        if (!bcast_strides(x, y, st))
            return refuse(why, len, "'%s' does not broadcast to the output", x->name);
    }
    return 1;
}

static void add_run(const eb_graph *g, const eb_node *n, float *const *vals)
{
    const eb_tensor *y = eb_node_output(g, n, 0);
    int64_t sa[EB_MAX_RANK], sb[EB_MAX_RANK], idx[EB_MAX_RANK] = {0};
    bcast_strides(eb_node_input(g, n, 0), y, sa);
    bcast_strides(eb_node_input(g, n, 1), y, sb);
    const float *a = vals[n->inputs[0]], *b = vals[n->inputs[1]];
    float *out = vals[n->outputs[0]];
    int64_t ia = 0, ib = 0;
    for (int64_t e = 0; e < y->numel; e++) {
        out[e] = a[ia] + b[ib];
        /* odometer over the output's dims, moving both input offsets */
        for (int d = y->rank - 1; d >= 0; d--) {
            ia += sa[d];
            ib += sb[d];
            if (++idx[d] < y->dims[d])
                break;
            ia -= sa[d] * y->dims[d];
            ib -= sb[d] * y->dims[d];
            idx[d] = 0;
        }
    }
}

/* ---- Relu, and the ops that only relabel the bytes ----------------------- */

static int same_numel(const eb_graph *g, const eb_node *n, int skip, char *why, size_t len)
{
    if (!all_f32(g, n, skip, why, len))
        return 0;
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);
    if (!x || !y || x->numel != y->numel)
        return refuse(why, len, "input and output sizes differ");
    return 1;
}

static int relu_check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    return same_numel(g, n, -1, why, len);
}

static void relu_run(const eb_graph *g, const eb_node *n, float *const *vals)
{
    const float *x = vals[n->inputs[0]];
    float *y = vals[n->outputs[0]];
    for (int64_t e = 0, ne = eb_node_output(g, n, 0)->numel; e < ne; e++)
        y[e] = x[e] > 0.0f ? x[e] : 0.0f;
}

/* Flatten and Reshape keep the row-major order: the output is the input's
 * bytes under the shape the loader inferred. Reshape's shape (input 1) is
 * int64 and only matters to that inference. */
static int flatten_check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    return same_numel(g, n, -1, why, len);
}

static int reshape_check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    return same_numel(g, n, 1, why, len);
}

static void copy_run(const eb_graph *g, const eb_node *n, float *const *vals)
{
    if (vals[n->outputs[0]] != vals[n->inputs[0]])
        memcpy(vals[n->outputs[0]], vals[n->inputs[0]], eb_node_output(g, n, 0)->nbytes);
}

/* The ops, listed once: the lookup and the table's `ops` both read it. */
#define EX_OP_LIST(X)                                                                     \
    X("Gemm", gemm_check, gemm_run)                                                       \
    X("MatMul", matmul_check, matmul_run)                                                 \
    X("Add", add_check, add_run)                                                          \
    X("Relu", relu_check, relu_run)                                                       \
    X("Flatten", flatten_check, copy_run)                                                 \
    X("Reshape", reshape_check, copy_run)

#define EX_ROW(name, check, run) {name, check, run},
#define EX_NAME(name, check, run) name,
static const ex_op ex_ops[] = {EX_OP_LIST(EX_ROW)};
const char *const ex_op_names[] = {EX_OP_LIST(EX_NAME) NULL};

const ex_op *ex_op_find(const char *domain, const char *op_type)
{
    if (domain && domain[0] && strcmp(domain, "ai.onnx") != 0)
        return NULL;
    for (size_t i = 0; i < sizeof ex_ops / sizeof ex_ops[0]; i++)
        if (strcmp(ex_ops[i].op_type, op_type) == 0)
            return &ex_ops[i];
    return NULL;
}
