/* Gemm: Y = alpha * op(A) * op(B) + beta * C, float32, op = optional
 * transpose (transA, transB), C optional and broadcast to M x N
 * (scalar, [N], [1, N], [M, 1], [M, N]). Runs on eb_ref_gemm_f32. */
#include "backends/ref/gemm_f32.h"
#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static void dims_of(const eb_node *n, const eb_value *a, const eb_value *b, int64_t *m,
                    int64_t *nn, int64_t *k)
{
    int ta = eb_node_attr_int(n, "transA", 0) != 0, tb = eb_node_attr_int(n, "transB", 0) != 0;
    *m = ta ? a->dims[1] : a->dims[0];
    *k = ta ? a->dims[0] : a->dims[1];
    *nn = tb ? b->dims[0] : b->dims[1];
}

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!eb_ref_input_f32(g, n, 0, why, len) || !eb_ref_input_f32(g, n, 1, why, len))
        return 0;
    const eb_tensor *a = eb_node_input(g, n, 0), *b = eb_node_input(g, n, 1);
    if (a->rank != 2 || b->rank != 2) {
        snprintf(why, len, "A and B must be matrices");
        return 0;
    }
    const eb_tensor *c = eb_node_input(g, n, 2);
    if (c && !eb_ref_input_f32(g, n, 2, why, len))
        return 0;
    if (c && c->rank > 2) {
        snprintf(why, len, "C must have rank <= 2");
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_tensor *a = eb_node_input(g, n, 0), *b = eb_node_input(g, n, 1);
    eb_value va = {.rank = 2, .dims = {a->dims[0], a->dims[1]}};
    eb_value vb = {.rank = 2, .dims = {b->dims[0], b->dims[1]}};
    int64_t m, nn, k;
    dims_of(n, &va, &vb, &m, &nn, &k);
    *state = NULL;
    *scratch = eb_ref_gemm_f32_scratch_bytes(m, nn, k);
    return EB_OK;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    const eb_node *n = x->node;
    const eb_value *a = x->in[0], *b = x->in[1];
    const eb_value *c = n->n_inputs > 2 ? x->in[2] : NULL;
    int64_t m, nn, k;
    dims_of(n, a, b, &m, &nn, &k);
    const float alpha = eb_node_attr_float(n, "alpha", 1.0f);
    float beta = eb_node_attr_float(n, "beta", 1.0f);
    float *y = x->out[0]->data;
    if (c && beta != 0.0f) {
        /* Y = C broadcast, then the GEMM accumulates onto beta * Y. */
        int64_t rs = 0, cs = 0;
        if (c->rank >= 1 && c->dims[c->rank - 1] != 1)
            cs = 1;
        if (c->rank == 2 && c->dims[0] != 1)
            rs = c->dims[1];
        if ((cs && c->dims[c->rank - 1] != nn) || (rs && c->dims[0] != m)) {
            EB_REF_FAIL(msg, len, n, "C does not broadcast to %lldx%lld", (long long)m,
                        (long long)nn);
            return EB_ERR_SHAPE;
        }
        const float *cv = c->data;
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < nn; j++)
                y[i * nn + j] = cv[i * rs + j * cs];
    } else {
        beta = 0.0f;
    }
    eb_ref_gemm_f32(eb_node_attr_int(n, "transA", 0) != 0, eb_node_attr_int(n, "transB", 0) != 0,
                    m, nn, k, alpha, a->data, a->dims[1], b->data, b->dims[1], beta, y, nn,
                    x->scratch);
    return EB_OK;
}

const eb_ref_op eb_ref_op_gemm = {
    .op_type = "Gemm", .check = check, .prepare = prepare, .run = run};
