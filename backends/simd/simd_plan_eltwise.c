/* Element-wise steps in the simd plan: same-shape fp32 Add, QDQ add
 * groups, QuantizeLinear of fp32 and DequantizeLinear of int8 per tensor
 * (simd_vec_eltwise.h), fp32 Sigmoid / SiLU (simd_f32_sigmoid.inc), over
 * ranges of elements; and fp32 Mul by one value per channel, over planes. */
#include <math.h>

#include "backends/simd/simd_plan_impl.h"

typedef struct add_job {
    const eb_simd_step *s;
    const void *a, *b;
    void *y;
    int64_t per_task;
} add_job;

static void add_task(void *arg, int t, int thread)
{
    (void)thread;
    const add_job *J = arg;
    const eb_simd_step *s = J->s;
    int64_t i0, i1;
    eb_simd__task_range(t, J->per_task, s->count, &i0, &i1);
    if (s->kind == K_ADD_F32)
        s->vec->add_f32(J->a, J->b, s->lo, s->hi, J->y, i0, i1);
    else if (s->kind == K_QUANT)
        s->vec->quantize_f32(J->a, s->qscale, s->qzp, s->qmin, s->qmax, J->y, i0, i1);
    else if (s->kind == K_DEQUANT)
        s->vec->dequantize_q8(J->a, s->pool_dtype, s->qzp, s->qscale, J->y, i0, i1);
    else if (s->kind == K_SIGMOID_F32)
        s->sig->fn(i1 - i0, (const float *)J->a + i0, (float *)J->y + i0, s->silu);
    else
        s->vec->add_q8(&s->addq, J->a, J->b, J->y, i0, i1);
}

static int same_shape(const eb_tensor *a, const eb_tensor *b)
{
    if (a->rank != b->rank)
        return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d])
            return 0;
    return 1;
}

eb_simd_step *eb_simd__add_f32(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_tensor *a = eb_node_input(b->g, n, 0), *c = eb_node_input(b->g, n, 1);
    const eb_tensor *y = eb_node_output(b->g, n, 0);
    if (!eb_simd__is_f32(a) || !eb_simd__is_f32(c) || !eb_simd__is_f32(y) || !same_shape(a, c) ||
        !same_shape(a, y))
        return NULL;
    eb_simd_step *s = eb_simd__step_new(b, K_ADD_F32);
    if (!s)
        return NULL;
    s->count = a->numel;
    s->lo = -INFINITY;
    s->hi = INFINITY;
    snprintf(where, EB_SIMD_WHERE_LEN, "simd f32_add__%s", b->vec->name);
    return s;
}

/* The constant per-tensor scale and zero point of a Quantize- or
 * DequantizeLinear node n whose integer side has type int_dt and whose
 * input has the given rank: 1 and *q when they are, and not blocked. */
static int const_per_tensor(const eb_simd_builder *b, const eb_node *n, eb_dtype int_dt, int rank,
                            eb_ref_qparams *q)
{
    const eb_tensor *sc = eb_node_input(b->g, n, 1), *zp = eb_node_input(b->g, n, 2);
    return sc && sc->data && sc->dtype == EB_DT_F32 &&
           (!zp || (zp->data && zp->dtype == int_dt)) &&
           eb_node_attr_int(n, "block_size", 0) == 0 &&
           eb_ref_qparams_const(b->g, n, 1, 2, rank, q) && q->count == 1;
}

/* QuantizeLinear of a float32 tensor with constant per-tensor scale and
 * zero point (a model's input, in QDQ models), element-wise. */
eb_simd_step *eb_simd__quantize(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_tensor *x = eb_node_input(b->g, n, 0), *y = eb_node_output(b->g, n, 0);
    eb_ref_qparams q;
    if (!eb_simd__is_f32(x) || !y || (y->dtype != EB_DT_U8 && y->dtype != EB_DT_I8) ||
        !const_per_tensor(b, n, y->dtype, x->rank, &q) || !eb_ref_qparams_valid(&q))
        return NULL;
    eb_simd_step *s = eb_simd__step_new(b, K_QUANT);
    if (!s)
        return NULL;
    s->count = x->numel;
    s->qscale = eb_ref_qp_scale(&q, 0);
    s->qzp = eb_ref_qp_zp(&q, 0);
    eb_ref_q8_range(y->dtype, &s->qmin, &s->qmax);
    snprintf(where, EB_SIMD_WHERE_LEN, "simd quantize_f32__%s", b->vec->name);
    return s;
}

/* DequantizeLinear of an int8 / uint8 tensor with constant per-tensor
 * scale and zero point to float32 (where a QDQ model leaves the integer
 * domain outside a fused group: MobileNet-v2's last activation before its
 * float GlobalAveragePool, 63k elements, took 80-110 us on ref). */
eb_simd_step *eb_simd__dequantize(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_tensor *x = eb_node_input(b->g, n, 0), *y = eb_node_output(b->g, n, 0);
    eb_ref_qparams q;
    if (!x || (x->dtype != EB_DT_U8 && x->dtype != EB_DT_I8) || !y || !eb_simd__is_f32(y) ||
        y->numel != x->numel || !const_per_tensor(b, n, x->dtype, x->rank, &q))
        return NULL;
    eb_simd_step *s = eb_simd__step_new(b, K_DEQUANT);
    if (!s)
        return NULL;
    s->count = x->numel;
    s->qscale = eb_ref_qp_scale(&q, 0);
    s->qzp = (int32_t)eb_ref_qp_zp(&q, 0);
    s->pool_dtype = x->dtype;
    snprintf(where, EB_SIMD_WHERE_LEN, "simd dequantize_q8__%s", b->vec->name);
    return s;
}

/* Sigmoid of a float32 tensor, element-wise; the plan may absorb the Mul
 * of SiLU into it (simd_plan.c, fold_silu). */
eb_simd_step *eb_simd__sigmoid_f32(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_tensor *x = eb_node_input(b->g, n, 0), *y = eb_node_output(b->g, n, 0);
    if (!eb_simd__is_f32(x) || !y || !eb_simd__is_f32(y) || !same_shape(x, y))
        return NULL;
    eb_simd_step *s = eb_simd__step_new(b, K_SIGMOID_F32);
    if (!s)
        return NULL;
    s->sig = eb_simd_pick_f32_sigmoid(b->isa);
    s->count = x->numel;
    snprintf(where, EB_SIMD_WHERE_LEN, "simd %s", s->sig->name);
    return s;
}

/* Mul of an fp32 tensor x of 1 x C x ... by one whose dimensions after
 * the channel one are all 1 (right-aligned): every plane
 * times one value, the squeeze-excite scaling of EfficientNet and
 * MnasNet, which ref's broadcasting loop ran element by element (5 % of
 * EfficientNet-b0). Either operand order; the same product as ref's. */
eb_simd_step *eb_simd__mul_f32(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_tensor *in[2] = {eb_node_input(b->g, n, 0), eb_node_input(b->g, n, 1)};
    const eb_tensor *y = eb_node_output(b->g, n, 0);
    if (n->n_inputs != 2 || !eb_simd__is_f32(in[0]) || !eb_simd__is_f32(in[1]) || !y ||
        !eb_simd__is_f32(y))
        return NULL;
    for (int k = 0; k < 2; k++) {
        const eb_tensor *x = in[k], *sc = in[1 - k];
        if (x->rank < 3 || !same_shape(x, y) || sc->rank > x->rank || sc->rank < x->rank - 1)
            continue;
        /* one image (per-image scales of a batch stay ref's); sc's dims
         * against x's, right-aligned: 1 after the channel, C at it */
        const int lead = x->rank - sc->rank;
        int ok = x->dims[0] == 1 && sc->dims[1 - lead] == x->dims[1] &&
                 (lead == 1 || sc->dims[0] == 1);
        for (int d = 2; d < x->rank && ok; d++)
            ok = sc->dims[d - lead] == 1;
        if (!ok || x->numel == 0)
            continue;
        eb_simd_step *s = eb_simd__step_new(b, K_SCALE_F32);
        if (!s)
            return NULL;
        s->scale_in = 1 - k;
        s->planes = x->dims[1];
        s->in_plane = x->numel / s->planes;
        s->count = x->numel;
        snprintf(where, EB_SIMD_WHERE_LEN, "simd f32_scale__%s: Mul by one value per channel",
                 b->vec->name);
        return s;
    }
    return NULL;
}

typedef struct scale_job {
    const eb_simd_step *s;
    const float *x, *sc;
    float *y;
    int64_t per_task; /* planes */
} scale_job;

static void scale_task(void *arg, int t, int thread)
{
    (void)thread;
    const scale_job *J = arg;
    const eb_simd_step *s = J->s;
    int64_t p0, p1;
    eb_simd__task_range(t, J->per_task, s->planes, &p0, &p1);
    for (int64_t p = p0; p < p1; p++)
        s->vec->scale_f32(J->x + p * s->in_plane, J->sc[p], J->y + p * s->in_plane,
                          s->in_plane);
}

eb_simd_step *eb_simd__add_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where)
{
    const eb_ref_add_q8_params *q = f->state;
    if (q->count != b->g->tensors[f->in_tensor[0]].numel)
        return NULL;
    eb_simd_step *s = eb_simd__step_new(b, K_ADD_Q8);
    if (!s)
        return NULL;
    s->addq = *q;
    s->count = q->count;
    snprintf(where, EB_SIMD_WHERE_LEN, "simd q8_add__%s: QDQ add", b->vec->name);
    return s;
}

static eb_status eltwise_run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const eb_simd_step *s = x->state;
    if (s->kind == K_SCALE_F32) {
        scale_job J = {.s = s, .x = x->in[1 - s->scale_in]->data, .sc = x->in[s->scale_in]->data,
                       .y = x->out[0]->data};
        /* planes of at least 4096 elements per task */
        J.per_task = eb_simd__per_task(s, s->planes, (4096 + s->in_plane - 1) / s->in_plane);
        eb_simd_pool_run(eb_simd__step_pool(s), (int)((s->planes + J.per_task - 1) / J.per_task),
                         scale_task, &J);
        return EB_OK;
    }
    int unary = s->kind == K_QUANT || s->kind == K_DEQUANT || s->kind == K_SIGMOID_F32;
    add_job J = {.s = s, .a = x->in[0]->data, .b = unary ? NULL : x->in[1]->data,
                 .y = x->out[0]->data};
    /* whole cache lines per task */
    J.per_task = (eb_simd__per_task(s, s->count, 4096) + 63) & ~(int64_t)63;
    eb_simd_pool_run(eb_simd__step_pool(s), (int)((s->count + J.per_task - 1) / J.per_task),
                     add_task, &J);
    return EB_OK;
}

const eb_ref_op eb_simd__eltwise_op = {.op_type = "simd element-wise", .run = eltwise_run,
                                       .release = eb_simd__step_free};
