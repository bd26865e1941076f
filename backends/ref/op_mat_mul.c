/* MatMul: numpy matmul, float32. Leading (batch) dims broadcast; a 1-D
 * operand is a row (A) or column (B) vector whose added dim the loader left
 * out of the output shape. Batches are walked with the broadcast helper,
 * treating each matrix as one element, and each product is eb_ref_gemm_f32. */
#include <stdlib.h>

#include "backends/ref/broadcast.h"
#include "backends/ref/gemm_f32.h"
#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

typedef struct matmul_plan {
    eb_ref_broadcast batch;
    int64_t m, n, k;
} matmul_plan;

typedef struct matmul_ctx {
    const matmul_plan *p;
    float *scratch;
} matmul_ctx;

static int plan(const eb_tensor *a, const eb_tensor *b, matmul_plan *p)
{
    p->m = a->rank >= 2 ? a->dims[a->rank - 2] : 1;
    p->k = a->dims[a->rank - 1];
    p->n = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
    int64_t kb = b->rank >= 2 ? b->dims[b->rank - 2] : b->dims[0];
    if (kb != p->k)
        return -1;
    int ra = a->rank >= 2 ? a->rank - 2 : 0, rb = b->rank >= 2 ? b->rank - 2 : 0;
    return eb_ref_broadcast_init(&p->batch, ra, a->dims, rb, b->dims);
}

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    if (!eb_ref_input_f32(g, n, 0, why, len) || !eb_ref_input_f32(g, n, 1, why, len))
        return 0;
    const eb_tensor *a = eb_node_input(g, n, 0), *b = eb_node_input(g, n, 1);
    matmul_plan p;
    if (a->rank < 1 || b->rank < 1 || plan(a, b, &p) != 0) {
        snprintf(why, len, "operand shapes do not multiply");
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    matmul_plan *p = malloc(sizeof *p);
    if (!p) {
        EB_REF_FAIL(msg, len, n, "out of memory");
        return EB_ERR_NOMEM;
    }
    if (plan(eb_node_input(g, n, 0), eb_node_input(g, n, 1), p) != 0) {
        free(p);
        EB_REF_FAIL(msg, len, n, "operand shapes do not multiply");
        return EB_ERR_SHAPE;
    }
    *scratch = eb_ref_gemm_f32_scratch_bytes(p->m, p->n, p->k);
    *state = p;
    return EB_OK;
}

/* `n` consecutive output matrices; a and b advance by one matrix per output
 * when their step is 1 and stay put when broadcast. */
static void batch_row(const void *a, int64_t sa, const void *b, int64_t sb, void *y, int64_t n,
                      void *ctx)
{
    const matmul_ctx *c = ctx;
    const matmul_plan *p = c->p;
    const float *fa = a, *fb = b;
    float *fy = y;
    for (int64_t i = 0; i < n; i++)
        eb_ref_gemm_f32(0, 0, p->m, p->n, p->k, 1.0f, fa + i * sa * p->m * p->k, p->k,
                        fb + i * sb * p->k * p->n, p->n, 0.0f, fy + i * p->m * p->n, p->n,
                        c->scratch);
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const matmul_plan *p = x->state;
    matmul_ctx c = {.p = p, .scratch = x->scratch};
    size_t fs = sizeof(float);
    eb_ref_broadcast_run(&p->batch, x->in[0]->data, (size_t)(p->m * p->k) * fs,
                         x->in[1]->data, (size_t)(p->k * p->n) * fs, x->out[0]->data,
                         (size_t)(p->m * p->n) * fs, batch_row, &c);
    return EB_OK;
}

const eb_ref_op eb_ref_op_mat_mul = {
    .op_type = "MatMul", .check = check, .prepare = prepare, .run = run, .release = free};
