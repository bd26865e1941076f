/* QLinearMatMul: numpy-style matmul (1-D operands promoted, batch dims
 * broadcast) of uint8 / int8 operands; a per tensor, b per tensor or per
 * column (b_scale with N values), as ONNX Runtime accepts.
 *
 * As in QLinearConv, constant b and parameters are centred and turned into
 * multipliers once at prepare; run-time ones into scratch at every run. */
#include <stdlib.h>

#include "backends/ref/ref_op.h"
#include "backends/ref/ref_q8.h"

enum { A, A_SCALE, A_ZP, B, B_SCALE, B_ZP, Y_SCALE, Y_ZP };

typedef struct qmatmul_state {
    eb_ref_matmul_q8_params p; /* per-matrix dims and types; b/mult when constant */
    int constant;
    int64_t n_batch;           /* matrices in the output */
    int64_t *a_off, *b_off;    /* per output matrix: index of its a and b matrix */
    int64_t b_matrices;        /* matrices in b */
    size_t mult_offset;        /* scratch layout when not constant */
    int16_t *b_owned;
    float *mult_owned;
} qmatmul_state;

static int is_q8(const eb_tensor *t) { return t && (t->dtype == EB_DT_U8 || t->dtype == EB_DT_I8); }

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *a = eb_node_input(g, n, A), *b = eb_node_input(g, n, B);
    const eb_tensor *y = eb_node_output(g, n, 0);
    if (!is_q8(a) || !is_q8(b) || !is_q8(y)) {
        snprintf(why, len, "a, b and y must be uint8 or int8");
        return 0;
    }
    static const int scalar[] = {A_SCALE, A_ZP, Y_SCALE, Y_ZP};
    for (int i = 0; i < 4; i++) {
        const eb_tensor *t = eb_node_input(g, n, scalar[i]);
        if (t && t->numel != 1) {
            snprintf(why, len, "'%s' must be a scalar (per-tensor)", t->name);
            return 0;
        }
    }
    int64_t cols = b->rank == 1 ? 1 : b->dims[b->rank - 1];
    const eb_tensor *bs = eb_node_input(g, n, B_SCALE), *bz = eb_node_input(g, n, B_ZP);
    if (!bs || bs->dtype != EB_DT_F32 || (bs->numel != 1 && bs->numel != cols) ||
        (bz && bz->numel != 1 && bz->numel != bs->numel)) {
        snprintf(why, len, "b_scale / b_zero_point must have 1 or %lld values", (long long)cols);
        return 0;
    }
    const eb_tensor *as = eb_node_input(g, n, A_SCALE), *ys = eb_node_input(g, n, Y_SCALE);
    if (!as || !ys || as->dtype != EB_DT_F32 || ys->dtype != EB_DT_F32) {
        snprintf(why, len, "a_scale and y_scale must be float32");
        return 0;
    }
    return 1;
}

static void bake(const eb_value *const *in, int n_inputs, const qmatmul_state *s, int16_t *b_out,
                 float *mult_out)
{
    eb_ref_qparams bq;
    eb_ref_qparams_values(in[B_SCALE], n_inputs > B_ZP ? in[B_ZP] : NULL, 0, &bq);
    /* zero points run along the columns: b is [matrices * K][N] */
    eb_ref_q8_center(in[B]->data, in[B]->dtype, s->b_matrices * s->p.k, s->p.n, 1, &bq, b_out);
    float sa = *(const float *)in[A_SCALE]->data, sy = *(const float *)in[Y_SCALE]->data;
    for (int64_t c = 0; c < s->p.n; c++)
        mult_out[c] = eb_ref_requant_multiplier(sa, eb_ref_qp_scale(&bq, c), sy);
}

static int32_t zp_of(const eb_value *v) { return v ? eb_ref_q8_get(v->data, v->dtype, 0) : 0; }

/* Batch bookkeeping: which a and b matrix each output matrix reads. */
static int plan_batches(const eb_tensor *a, const eb_tensor *b, qmatmul_state *s)
{
    int ab = a->rank > 2 ? a->rank - 2 : 0, bb = b->rank > 2 ? b->rank - 2 : 0;
    int ob = ab > bb ? ab : bb;
    int64_t od[EB_MAX_RANK], ad[EB_MAX_RANK], bd[EB_MAX_RANK];
    s->n_batch = 1;
    s->b_matrices = 1;
    for (int i = 0; i < ob; i++) {
        /* right-aligned batch dims; a missing dim broadcasts like a 1 */
        ad[i] = i - (ob - ab) >= 0 ? a->dims[i - (ob - ab)] : 1;
        bd[i] = i - (ob - bb) >= 0 ? b->dims[i - (ob - bb)] : 1;
        od[i] = ad[i] > bd[i] ? ad[i] : bd[i];
        s->n_batch *= od[i];
        s->b_matrices *= bd[i];
    }
    s->a_off = malloc((size_t)s->n_batch * sizeof *s->a_off + 1);
    s->b_off = malloc((size_t)s->n_batch * sizeof *s->b_off + 1);
    if (!s->a_off || !s->b_off)
        return 0;
    for (int64_t o = 0; o < s->n_batch; o++) {
        int64_t rem = o, ai = 0, bi = 0, astride = 1, bstride = 1;
        for (int i = ob - 1; i >= 0; i--) {
            int64_t idx = rem % od[i];
            rem /= od[i];
            ai += (ad[i] == 1 ? 0 : idx) * astride;
            bi += (bd[i] == 1 ? 0 : idx) * bstride;
            astride *= ad[i];
            bstride *= bd[i];
        }
        s->a_off[o] = ai;
        s->b_off[o] = bi;
    }
    return 1;
}

static void release(void *state)
{
    qmatmul_state *s = state;
    if (!s)
        return;
    free(s->a_off);
    free(s->b_off);
    free(s->b_owned);
    free(s->mult_owned);
    free(s);
}

static eb_status prepare(const eb_graph *g, const eb_node *n, void **state, size_t *scratch,
                         char *msg, size_t len)
{
    const eb_tensor *a = eb_node_input(g, n, A), *b = eb_node_input(g, n, B);
    qmatmul_state *s = calloc(1, sizeof *s);
    if (!s || !plan_batches(a, b, s))
        goto nomem;
    eb_ref_matmul_q8_params *p = &s->p;
    p->m = a->rank == 1 ? 1 : a->dims[a->rank - 2];
    p->k = a->dims[a->rank - 1];
    p->n = b->rank == 1 ? 1 : b->dims[b->rank - 1];
    p->a_dtype = a->dtype;
    p->y_dtype = eb_node_output(g, n, 0)->dtype;
    eb_ref_q8_range(p->y_dtype, &p->y_min, &p->y_max);
    s->constant = b->data != NULL;
    for (int k = A_SCALE; k <= Y_ZP; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (t && !t->data)
            s->constant = 0;
    }
    size_t b_count = (size_t)b->numel;
    if (s->constant) {
        eb_value v[Y_ZP + 1] = {{0}};
        const eb_value *in[Y_ZP + 1] = {0};
        for (int k = A_SCALE; k <= Y_ZP; k++) {
            const eb_tensor *t = eb_node_input(g, n, k);
            if (!t)
                continue;
            v[k] = (eb_value){.dtype = t->dtype, .rank = t->rank, .data = t->data};
            for (int d = 0; d < t->rank; d++)
                v[k].dims[d] = t->dims[d];
            in[k] = &v[k];
        }
        static const int scales[] = {A_SCALE, B_SCALE, Y_SCALE};
        for (int i = 0; i < 3; i++) {
            eb_ref_qparams q;
            eb_ref_qparams_values(in[scales[i]], NULL, 0, &q);
            if (!eb_ref_qparams_valid(&q)) {
                EB_REF_FAIL(msg, len, n, "scales must be positive normal floats");
                release(s);
                return EB_ERR_INVALID_ARG;
            }
        }
        s->b_owned = malloc(b_count * sizeof *s->b_owned + 1);
        s->mult_owned = malloc((size_t)p->n * sizeof *s->mult_owned + 1);
        if (!s->b_owned || !s->mult_owned)
            goto nomem;
        bake(in, Y_ZP + 1, s, s->b_owned, s->mult_owned);
        p->a_zp = zp_of(in[A_ZP]);
        p->y_zp = zp_of(in[Y_ZP]);
        p->b = s->b_owned;
        p->mult = s->mult_owned;
        *scratch = 0;
    } else {
        s->mult_offset = (b_count * sizeof(int16_t) + 15) & ~(size_t)15;
        *scratch = s->mult_offset + (size_t)p->n * sizeof(float);
    }
    *state = s;
    return EB_OK;
nomem:
    release(s);
    EB_REF_FAIL(msg, len, n, "out of memory");
    return EB_ERR_NOMEM;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const qmatmul_state *s = x->state;
    eb_ref_matmul_q8_params p = s->p;
    const eb_value *const *in = (const eb_value *const *)x->in;
    int n_in = x->node->n_inputs;
    const int16_t *b_all = p.b;
    if (!s->constant) {
        int16_t *bw = x->scratch;
        float *mult = (float *)((char *)x->scratch + s->mult_offset);
        bake(in, n_in, s, bw, mult);
        p.a_zp = zp_of(n_in > A_ZP ? in[A_ZP] : NULL);
        p.y_zp = zp_of(n_in > Y_ZP ? in[Y_ZP] : NULL);
        p.mult = mult;
        b_all = bw;
    }
    size_t a_size = eb_dtype_size(p.a_dtype), y_size = eb_dtype_size(p.y_dtype);
    const char *a = in[A]->data;
    char *y = x->out[0]->data;
    for (int64_t o = 0; o < s->n_batch; o++) {
        p.b = b_all + s->b_off[o] * p.k * p.n;
        eb_ref_matmul_q8(&p, a + (size_t)(s->a_off[o] * p.m * p.k) * a_size,
                         y + (size_t)(o * p.m * p.n) * y_size);
    }
    return EB_OK;
}

const eb_ref_op eb_ref_op_qlinearmatmul = {.op_type = "QLinearMatMul",
                                           .check = check,
                                           .prepare = prepare,
                                           .run = run,
                                           .release = release};
