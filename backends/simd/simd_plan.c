/* Building and running a simd plan (see simd_plan.h): the hook through
 * which simd takes steps of the ref plan as ref builds it
 * (backends/ref/ref_plan_hooks.h) and which family takes what
 * (simd_plan_impl.h lists the files). */
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

/* ---- the planning hook --------------------------------------------------- */

/* The Relu / Clip node that alone reads the claimed step's output, folded
 * into its epilogue: its index (ref then absorbs it), or -1. */
static int fold_activation(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *st,
                           char *where)
{
    float lo, hi;
    const int u = eb_simd__next_activation(b->g, site->runs_alone, site->node_index, &lo, &hi);
    if (u < 0)
        return -1;
    /* both bounds apply: a Relu after a Clip is not folded (one step folds
     * one activation) */
    st->lo = st->gf.lo = lo;
    st->hi = st->gf.hi = hi;
    snprintf(b->P->where[u], EB_SIMD_WHERE_LEN, "fused into '%.80s'", site->node->name);
    size_t used = strlen(where);
    snprintf(where + used, EB_SIMD_WHERE_LEN - used, " + %s", b->g->nodes[u].op_type);
    return u;
}

/* SiLU: the Mul that alone reads the claimed Sigmoid's output and
 * multiplies it by the Sigmoid's own input (either order, same shape),
 * absorbed: the step writes x * sigmoid(x) to the Mul's output, the product
 * ref computes. Its index, or -1. */
static int fold_silu(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *st,
                     char *where)
{
    const eb_graph *g = b->g;
    const eb_node *n = site->node;
    int t = n->outputs[0], xin = n->inputs[0];
    if (t < 0 || g->tensors[t].n_consumers != 1 || g->tensors[t].is_graph_output)
        return -1;
    for (int u = site->node_index + 1; u < g->n_nodes; u++) {
        const eb_node *m = &g->nodes[u];
        if (m->n_inputs < 2 || (m->inputs[0] != t && m->inputs[1] != t))
            continue;
        if (!site->runs_alone[u] || strcmp(m->op_type, "Mul") != 0 || m->domain[0] != '\0' ||
            m->n_inputs != 2 || m->outputs[0] < 0 ||
            !((m->inputs[0] == t && m->inputs[1] == xin) ||
              (m->inputs[1] == t && m->inputs[0] == xin)))
            return -1;
        const eb_tensor *y = eb_node_output(g, m, 0);
        if (!eb_simd__is_f32(y) || y->rank != g->tensors[t].rank ||
            memcmp(y->dims, g->tensors[t].dims, sizeof y->dims[0] * (size_t)y->rank) != 0)
            return -1;
        st->silu = 1;
        snprintf(b->P->where[u], EB_SIMD_WHERE_LEN, "fused into '%.80s'", n->name);
        size_t used = strlen(where);
        snprintf(where + used, EB_SIMD_WHERE_LEN - used, " + Mul (SiLU)");
        return u;
    }
    return -1;
}

/* A step's work in GEMM multiply-adds, to keep small steps off the pool:
 * handing a section to another thread and waiting for it costs tens of
 * microseconds on a busy machine, more than such a step takes. A
 * depthwise or pooling window element costs about 16 GEMM multiply-adds
 * (measured on MobileNet-v2@224, one AVX-512 thread: 1x1 GEMMs ran ~100
 * multiply-adds per ns, depthwise 4.5-5.4 per ns, its copies and planar
 * stores included); counting them as one kept MobileNet-v2@224's eleven
 * 14x14 and 7x7 depthwise layers and a 28x28 one on one thread, ~1.6 of
 * its ~6.5 ms, so two threads gained 1.1x. */
#define SERIAL_WORK ((int64_t)1 << 20)
#define WINDOW_COST 16
/* An element of an Add costs about 24 (fp32, one thread: 19 us for
 * MobileNet-v2@224's 75264-element Add, memory bound); at 4 the Adds all
 * ran on the caller, which read the half of each operand the other core
 * had just written: features.3's Add took 25-28 us on two threads, 16 us
 * shared. A QuantizeLinear element (a division) costs as much: the int8
 * model's input (150528 elements, 35-40 us) stayed on one thread at 4.
 * So do an element a GlobalAveragePool or a DequantizeLinear reads: on
 * the caller alone, MobileNet-v2@224's pool of the last 1280 x 7 x 7
 * (written by both threads) took 21 us on two threads against 13.5 on
 * one, the int8 model's DequantizeLinear before it 15 against 7.5. */
#define ADD_COST 24

static int64_t step_work(const eb_simd_step *s)
{
    const eb_simd_gemm_shape *g = s->kind == K_CONV_F32 ? &s->gf.s
                                  : s->kind == K_GEMM_Q8 ? &s->gq.s
                                                         : NULL;
    if (g)
        return g->batch * g->groups * g->m * g->k * g->n;
    if (s->kind == K_DW_F32 || s->kind == K_DW_Q8 || s->kind == K_MAXPOOL_F32 ||
        s->kind == K_MAXPOOL_Q8)
        return s->planes * s->geom.oh * s->geom.ow * s->geom.kh * s->geom.kw * WINDOW_COST;
    if (s->kind == K_GAP_F32)
        return s->planes * s->in_plane * ADD_COST;
    if (s->kind == K_ADD_F32 || s->kind == K_ADD_Q8 || s->kind == K_QUANT ||
        s->kind == K_DEQUANT || s->kind == K_SCALE_F32)
        return s->count * ADD_COST;
    return s->count * 4;
}

static const eb_ref_op *op_of(eb_simd_step_kind kind)
{
    switch (kind) {
    case K_CONV_F32:
    case K_GEMM_Q8:
        return &eb_simd__gemm_op;
    case K_DW_F32:
    case K_DW_Q8:
        return &eb_simd__dw_op;
    case K_MAXPOOL_F32:
    case K_MAXPOOL_Q8:
    case K_GAP_F32:
        return &eb_simd__pool_op;
    case K_ADD_F32:
    case K_ADD_Q8:
    case K_QUANT:
    case K_DEQUANT:
    case K_SIGMOID_F32:
    case K_SCALE_F32:
        break;
    }
    return &eb_simd__eltwise_op;
}

/* The QDQ group kinds simd runs (ref_fuse_qdq.h); the group states begin
 * with their kernel's parameter struct (fused_conv_q8.c, fused_matmul_q8.c,
 * fused_eltwise_q8.c), which the kind names. */
static eb_simd_step *pick_group(eb_simd_builder *b, const eb_ref_fused *f, char *where)
{
    if (strcmp(f->kind, "conv") == 0)
        return eb_simd__conv_q8_group(b, f, where);
    if (strcmp(f->kind, "gemm") == 0 || strcmp(f->kind, "matmul") == 0)
        return eb_simd__gemm_q8_group(b, f, where);
    if (strcmp(f->kind, "maxpool") == 0)
        return eb_simd__maxpool_q8_group(b, f, where);
    if (strcmp(f->kind, "add") == 0)
        return eb_simd__add_q8_group(b, f, where);
    return NULL;
}

static eb_simd_step *pick_node(eb_simd_builder *b, const eb_node *n, char *where)
{
    /* an empty product (a zero dimension in a hostile file) is ref's: the
     * builders divide by its dimensions */
    if (eb_node_has_empty_tensor(b->g, n))
        return NULL;
    if (strcmp(n->op_type, "Conv") == 0)
        return eb_simd__conv_f32(b, n, where);
    if (strcmp(n->op_type, "QLinearConv") == 0)
        return eb_simd__qlinearconv(b, n, where);
    if (strcmp(n->op_type, "QLinearMatMul") == 0 && n->domain[0] == '\0')
        return eb_simd__qlinearmatmul(b, n, where);
    if (strcmp(n->op_type, "Gemm") == 0 || strcmp(n->op_type, "MatMul") == 0)
        return eb_simd__fc_f32(b, n, where);
    if (strcmp(n->op_type, "Add") == 0)
        return eb_simd__add_f32(b, n, where);
    if (strcmp(n->op_type, "MaxPool") == 0)
        return eb_simd__pool_f32(b, n, 0, where);
    if (strcmp(n->op_type, "GlobalAveragePool") == 0)
        return eb_simd__pool_f32(b, n, 1, where);
    if (strcmp(n->op_type, "QuantizeLinear") == 0 && n->domain[0] == '\0')
        return eb_simd__quantize(b, n, where);
    if (strcmp(n->op_type, "DequantizeLinear") == 0 && n->domain[0] == '\0')
        return eb_simd__dequantize(b, n, where);
    if (strcmp(n->op_type, "Sigmoid") == 0 && n->domain[0] == '\0')
        return eb_simd__sigmoid_f32(b, n, where);
    if (strcmp(n->op_type, "Mul") == 0 && n->domain[0] == '\0')
        return eb_simd__mul_f32(b, n, where);
    return NULL;
}

/* Whether step s, run on the plan's pool, splits its output between the
 * threads by channels: planar depthwise steps (by planes), the direct
 * fp32 convolution (by blocks of 16 channels, then rows; the int8 one
 * splits by rows), Adds (by element
 * ranges, i.e. planes), GEMMs whose driver splits by rows. A fused
 * pointwise + depthwise or stem + max-pool step splits by rows of the
 * image, as do the channels-last depthwise steps mostly. */
static int splits_channels(const eb_simd_step *s)
{
    const int threads = eb_simd_pool_threads(s->plan->o.pool);
    if (threads < 2 || s->serial)
        return 0;
    switch (s->kind) {
    case K_DW_F32:
    case K_DW_Q8:
        return !s->nhwc;
    case K_ADD_F32:
        return 1;
    case K_CONV_F32:
        if (s->direct)
            return !s->mp;
        return !s->dw && eb_simd_gemm_f32_by_rows(&s->gf, threads);
    default:
        return 0;
    }
}

/* An fp32 GEMM step reading tensor x: split along K on the pool when x
 * was written split by channels and the product suits (simd_gemm.c); its
 * scratch grows by the partial, and `where` says so. Not int8: there a
 * partial (int32) is four times the bytes of the input it saves reading
 * from the other core, and MobileNet-v2@224's int8 28x28 and 14x14
 * projections took 1.1-1.6x their time split along K. */
static void k_split_from(eb_simd_builder *b, eb_simd_step *s, int x, char *where)
{
    if (s->kind != K_CONV_F32 || s->direct)
        return;
    s->gf.in_by_channels = b->by_channels && x >= 0 && b->by_channels[x];
    eb_simd__need_scratch(b, eb_simd_gemm_f32_scratch(&s->gf));
    if (eb_simd_gemm_f32_k_split(&s->gf, eb_simd_pool_threads(b->P->o.pool))) {
        const size_t used = strlen(where);
        snprintf(where + used, EB_SIMD_WHERE_LEN - used, ", split along K");
    }
}

/* eb_ref_plan_hooks.claim: ref asks for every step in order; a step no
 * family takes stays ref's (the fallback, with ref's exact semantics). */
static int claim(void *ctx, const eb_ref_plan_site *site, eb_ref_step_claim *out, char *msg,
                 size_t msg_len)
{
    (void)msg;
    (void)msg_len;
    eb_simd_builder *b = ctx;
    eb_simd_plan *P = b->P;
    const eb_ref_fused *f = site->group;
    char *where = P->where[site->node_index];
    if (f)
        for (int k = 0; k < f->n_nodes; k++)
            if (f->nodes[k] != f->anchor)
                snprintf(P->where[f->nodes[k]], EB_SIMD_WHERE_LEN, "fused into '%.80s'",
                         site->node->name);
    char w[EB_SIMD_WHERE_LEN] = "";
    eb_simd_step *mine = f ? pick_group(b, f, w) : pick_node(b, site->node, w);
    if (!mine) {
        if (f)
            snprintf(where, EB_SIMD_WHERE_LEN, "ref: %s group", f->op->op_type);
        else
            snprintf(where, EB_SIMD_WHERE_LEN, "ref");
        return 0;
    }
    mine->plan = P;
    P->accelerated++;
    mine->serial = step_work(mine) < SERIAL_WORK;
    if (!mine->serial)
        k_split_from(b, mine, f ? f->in_tensor[0] : site->node->inputs[0], w);
    out->op = op_of(mine->kind);
    out->state = mine;
    int last = -1;
    if (mine->kind == K_CONV_F32 || mine->kind == K_DW_F32 || mine->kind == K_ADD_F32)
        last = fold_activation(b, site, mine, w);
    if (mine->kind == K_SIGMOID_F32)
        last = fold_silu(b, site, mine, w);
    if (last >= 0)
        out->absorb[out->n_absorb++] = last;
    /* a pointwise convolution's depthwise one after it, a stem's max pool
     * after it, band by band */
    int fused_out = -1; /* an absorbed group's output */
    if (mine->kind == K_CONV_F32 && mine->direct)
        eb_simd__fuse_pool(b, site, mine, last >= 0 ? last : site->node_index, out, w);
    else if (mine->kind == K_CONV_F32)
        eb_simd__fuse_dw(b, site, mine, last >= 0 ? last : site->node_index, out, w);
    else if (mine->kind == K_GEMM_Q8 &&
             (fused_out = eb_simd__fuse_dw_q8(b, site, mine, out, w)) >= 0)
        out->op = &eb_simd__pwdw_q8_op;
    snprintf(where, EB_SIMD_WHERE_LEN, "%s", w);
    const eb_node *last_node = &b->g->nodes[out->n_absorb ? out->absorb[out->n_absorb - 1]
                                                          : site->node_index];
    const int wrote = fused_out >= 0 ? fused_out
                      : f            ? f->out_tensor
                      : last_node->n_outputs > 0 ? last_node->outputs[0]
                                                 : -1;
    if (b->by_channels && wrote >= 0)
        b->by_channels[wrote] = (unsigned char)splits_channels(mine);
    return 1;
}

/* ---- create / run / destroy ------------------------------------------------ */

/* What every node shows before ref asks about it: nodes ref never asks
 * about are not executed. */
static void label_nodes(eb_simd_plan *P)
{
    const eb_graph *g = P->g;
    for (int i = 0; i < g->n_nodes; i++) {
        int out = g->nodes[i].n_outputs > 0 ? g->nodes[i].outputs[0] : -1;
        int folded = P->fold.g && out >= 0 && g->tensors[out].data != NULL &&
                     eb_ref_foldable(&g->nodes[i]);
        snprintf(P->where[i], EB_SIMD_WHERE_LEN, "%s",
                 folded ? "not executed: folded into a constant at prepare"
                        : "not executed: constant, or only feeds a fused group");
    }
}

static eb_status nomem(eb_simd_plan *P, const eb_graph *g, const char *what, char *msg,
                       size_t msg_len)
{
    eb_simd_plan_destroy(P);
    snprintf(msg, msg_len, "%s: out of memory %s", g->path, what);
    return EB_ERR_NOMEM;
}

eb_status eb_simd_plan_create(const eb_graph *g, const eb_simd_plan_options *o,
                              eb_simd_plan **out, char *msg, size_t msg_len)
{
    *out = NULL;
    eb_simd_plan *P = calloc(1, sizeof *P);
    if (!P)
        return nomem(P, g, "preparing the simd plan", msg, msg_len);
    P->o = *o;
    eb_status st = EB_OK;
    /* folded here, not by ref's plan below: the builder reads the folded
     * graph's constants while ref builds the plan */
    if (o->const_fold && (st = eb_ref_fold_constants(g, &P->fold, &g, msg, msg_len)) != EB_OK) {
        if (st == EB_ERR_NOMEM)
            return nomem(P, g, "folding constants", msg, msg_len);
        eb_simd_plan_destroy(P);
        return st;
    }
    P->g = g;
    P->where = calloc((size_t)g->n_nodes + 1, sizeof *P->where);
    if (!P->where)
        return nomem(P, g, "preparing the simd plan", msg, msg_len);
    label_nodes(P);
    eb_simd_builder b = {.g = g, .P = P, .isa = o->isa, .vec = eb_simd_pick_vec(o->isa),
                         .f32k = eb_simd_pick_f32_gemm(o->isa),
                         .by_channels = calloc((size_t)g->n_tensors + 1, 1)};
    eb_ref_plan_hooks hooks = {.ctx = &b, .claim = claim};
    /* activations by lifetime in ref's arena, 64-byte aligned with slack
     * for whole-vector loads (ref_plan_hooks.h) */
    eb_ref_plan_options ro = {
        .qdq_fusion = o->qdq_fusion, .memory_reuse = 1, .const_fold = 0, .hooks = &hooks};
    st = eb_ref_plan_create(g, &ro, &P->ref, msg, msg_len);
    free(b.by_channels);
    if (st != EB_OK) {
        eb_simd_plan_destroy(P);
        return st;
    }
    for (int i = 0; i < g->n_nodes; i++)
        if (eb_ref_plan_node_elided(P->ref, i))
            snprintf(P->where[i], EB_SIMD_WHERE_LEN,
                     "elided: its inputs are written in place inside its output");
    P->scratch.threads = eb_simd_pool_threads(o->pool);
    P->scratch.bytes = (b.scratch + 63) & ~(size_t)63;
    if (P->scratch.bytes) {
        void *base = NULL;
        if (posix_memalign(&base, 64, P->scratch.bytes * (size_t)P->scratch.threads) != 0)
            return nomem(P, g, "for the simd scratch", msg, msg_len);
        /* defined from the start: lanes past a depthwise step's real
         * channels in its band (never stored) read what is there */
        memset(base, 0, P->scratch.bytes * (size_t)P->scratch.threads);
        P->scratch.base = base;
    }
    *out = P;
    return EB_OK;
}

eb_status eb_simd_plan_run(eb_simd_plan *p, const eb_value *inputs, int n_inputs,
                           eb_value *outputs, int n_outputs, char *msg, size_t msg_len)
{
    return eb_ref_plan_run(p->ref, inputs, n_inputs, outputs, n_outputs, msg, msg_len);
}

void eb_simd_plan_destroy(eb_simd_plan *p)
{
    if (!p)
        return;
    eb_ref_plan_destroy(p->ref); /* releases our claimed steps */
    eb_ref_folded_free(&p->fold);
    free(p->where);
    free(p->scratch.base);
    free(p);
}

const char *eb_simd_plan_where(const eb_simd_plan *p, int node)
{
    return p && p->ref && node >= 0 && node < p->g->n_nodes ? p->where[node] : "";
}

int eb_simd_plan_accelerated(const eb_simd_plan *p) { return p ? p->accelerated : 0; }

void eb_simd_plan_profile(const eb_simd_plan *p, uint64_t *node_ns, int n_nodes)
{
    /* absorbed activations are never executed: UINT64_MAX like the rest */
    eb_ref_plan_profile(p->ref, node_ns, n_nodes);
}
