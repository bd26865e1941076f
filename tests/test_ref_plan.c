/* The ref backend's plan: the activation arena (placement never lets two
 * tensors that are live at the same step share bytes) and a plan with
 * memory reuse computing exactly what a plan with one buffer per tensor
 * computes, on the unfused QDQ model (many small steps), the float CNN and
 * a model of Concats, some written in place (ref_concat_place.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/ref/ref_arena.h"
#include "backends/ref/ref_backend.h"
#include "backends/ref/ref_plan.h"
#include "backends/ref/ref_plan_hooks.h"
#include "harness/model/model_load.h"

static uint32_t rng_state = 0x1234567u;

static int rnd_range(int lo, int hi)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return lo + (int)((rng_state >> 8) % (uint32_t)(hi - lo + 1));
}

static void test_arena_keeps_overlapping_lifetimes_apart(void **state)
{
    (void)state;
    for (int iter = 0; iter < 200; iter++) {
        int n = rnd_range(1, 40);
        eb_ref_live items[40];
        size_t sum = 0;
        for (int i = 0; i < n; i++) {
            int a = rnd_range(0, 30), b = rnd_range(0, 30);
            items[i] = (eb_ref_live){.bytes = (size_t)rnd_range(0, 5000),
                                     .first = a < b ? a : b, .last = a < b ? b : a};
            sum += (items[i].bytes + EB_REF_ARENA_ALIGN) & ~(size_t)(EB_REF_ARENA_ALIGN - 1);
        }
        size_t arena;
        assert_int_equal(eb_ref_arena_place(items, n, &arena), 0);
        assert_true(arena <= sum);
        for (int i = 0; i < n; i++) {
            size_t ei = items[i].offset + (items[i].bytes ? items[i].bytes : 1);
            assert_int_equal(items[i].offset % EB_REF_ARENA_ALIGN, 0);
            assert_true(ei <= arena);
            for (int j = 0; j < i; j++) {
                size_t ej = items[j].offset + (items[j].bytes ? items[j].bytes : 1);
                int live_together = items[i].first <= items[j].last &&
                                    items[j].first <= items[i].last;
                int share = items[i].offset < ej && items[j].offset < ei;
                if (live_together && share)
                    fail_msg("iteration %d: items %d and %d are live together and overlap", iter,
                             i, j);
            }
        }
    }
}

static void test_arena_reuses_memory_of_a_chain(void **state)
{
    (void)state;
    /* a -> b -> c -> d, each 1000 bytes: two buffers suffice */
    eb_ref_live items[4];
    for (int i = 0; i < 4; i++)
        items[i] = (eb_ref_live){.bytes = 1000, .first = i, .last = i + 1};
    size_t arena;
    assert_int_equal(eb_ref_arena_place(items, 4, &arena), 0);
    assert_int_equal(arena, 2 * 1024);
}

/* Run `model` on ref with the given options; returns the outputs
 * (concatenated) and the plan's memory figures. */
static unsigned char *run(const char *model, const char *const *keys, const char *const *vals,
                          int n_opts, const void *input, size_t input_bytes, size_t *out_bytes,
                          size_t *arena, size_t *activations)
{
    eb_graph *g = NULL;
    char msg[512];
    if (eb_graph_load(model, NULL, &g, msg, sizeof msg) != EB_OK)
        fail_msg("%s", msg);
    const eb_backend *be = eb_ref_backend();
    eb_backend_options bo = {.struct_size = sizeof bo, .n_options = n_opts, .keys = keys,
                             .values = vals};
    eb_backend_ctx *ctx = NULL;
    assert_int_equal(be->open(&bo, &ctx, msg, sizeof msg), EB_OK);
    eb_model m = {.struct_size = sizeof m, .graph = g, .path = model};
    eb_plan *plan = NULL;
    if (be->prepare(ctx, &m, &plan, msg, sizeof msg) != EB_OK) {
        be->close(ctx);
        eb_graph_destroy(g);
        print_message("skipped: %s\n", msg);
        return NULL;
    }
    eb_ref_plan_memory((const eb_ref_plan *)plan, arena, activations);
    const eb_tensor *xt = &g->tensors[g->inputs[0]];
    assert_true(input_bytes >= xt->nbytes);
    eb_value in = {.dtype = xt->dtype, .rank = xt->rank, .data = (void *)input,
                   .nbytes = xt->nbytes};
    memcpy(in.dims, xt->dims, sizeof in.dims);
    size_t total = 0;
    for (int i = 0; i < g->n_outputs; i++)
        total += g->tensors[g->outputs[i]].nbytes;
    unsigned char *all = calloc(1, total + 1);
    eb_value out[8];
    size_t at = 0;
    for (int i = 0; i < g->n_outputs && i < 8; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        out[i] = (eb_value){.dtype = t->dtype, .rank = t->rank, .data = all + at,
                            .nbytes = t->nbytes};
        at += t->nbytes;
    }
    /* twice: the second run finds the arena holding the first run's values */
    for (int r = 0; r < 2; r++)
        if (be->run(ctx, plan, &in, 1, out, g->n_outputs, msg, sizeof msg) != EB_OK)
            fail_msg("%s", msg);
    be->release(ctx, plan);
    be->close(ctx);
    eb_graph_destroy(g);
    *out_bytes = total;
    return all;
}

static void check_reuse_is_invisible(const char *model, const char *fusion)
{
    float x[1024];
    for (int i = 0; i < 1024; i++)
        x[i] = (float)((i * 37) % 101) / 25.0f - 2.0f;
    const char *keys[] = {"qdq_fusion", "memory_reuse"};
    const char *on[] = {fusion, "1"}, *off[] = {fusion, "0"};
    size_t n1, n2, arena1, act1, arena2, act2;
    unsigned char *a = run(model, keys, on, 2, x, sizeof x, &n1, &arena1, &act1);
    if (!a)
        skip();
    unsigned char *b = run(model, keys, off, 2, x, sizeof x, &n2, &arena2, &act2);
    assert_non_null(b);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    assert_int_equal(act1, act2);
    assert_true(arena1 < act1); /* reuse saved memory */
    free(a);
    free(b);
}

static void test_memory_reuse_does_not_change_qdq_results(void **state)
{
    (void)state;
    check_reuse_is_invisible(EB_SOURCE_DIR "/tests/data/qdq/qdq_convnet.onnx", "0");
}

static void test_memory_reuse_does_not_change_float_results(void **state)
{
    (void)state;
    check_reuse_is_invisible(EB_SOURCE_DIR "/tests/data/models/tiny_conv.onnx", "1");
}

/* Folding (ref_fold.h) on the MobileNet-v2 int8 fixture, whose quantiser
 * quantises most weights at run time (QuantizeLinear of a float
 * initializer, often behind an exporter's Identity): folded, every
 * convolution is an integer group; not folded, only those whose weights
 * are constants already (11 of 52), and the plan runs the Identity and
 * QuantizeLinear nodes as steps. The ref backend's option reaches the
 * plan, and a bad value is refused with the option's name. */
static void test_const_fold_makes_weights_quantised_at_run_time_groups(void **state)
{
    (void)state;
    const char *path = EB_SOURCE_DIR "/models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx";
    eb_graph *g = NULL;
    char msg[512];
    if (eb_graph_load(path, NULL, &g, msg, sizeof msg) != EB_OK) {
        print_message("skipped: %s\n", msg);
        skip();
    }
    int convs = 0;
    for (int i = 0; i < g->n_nodes; i++)
        convs += strcmp(g->nodes[i].op_type, "Conv") == 0;
    assert_true(convs >= 10);
    int groups[2] = {0, 0}, conv_groups[2] = {0, 0}, steps[2] = {0, 0};
    for (int fold = 0; fold < 2; fold++) {
        eb_ref_plan_options o = EB_REF_PLAN_DEFAULTS;
        o.const_fold = fold;
        eb_ref_plan *p = NULL;
        if (eb_ref_plan_create(g, &o, &p, msg, sizeof msg) != EB_OK)
            fail_msg("const_fold=%d: %s", fold, msg);
        groups[fold] = eb_ref_plan_fused_groups(p);
        for (int i = 0; i < groups[fold]; i++)
            conv_groups[fold] += strcmp(eb_ref_plan_fused_kind(p, i), "conv") == 0;
        steps[fold] = eb_ref_plan_steps(p);
        eb_ref_plan_destroy(p);
    }
    assert_int_equal(conv_groups[1], convs);
    assert_true(conv_groups[0] + 10 <= conv_groups[1]);
    assert_true(steps[1] < steps[0]);
    const eb_backend *be = eb_ref_backend();
    const char *keys[1] = {"const_fold"}, *bad[1] = {"2"};
    eb_backend_options bo = {.struct_size = sizeof bo, .n_options = 1, .keys = keys,
                             .values = bad};
    eb_backend_ctx *ctx = NULL;
    assert_int_equal(be->open(&bo, &ctx, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_null(ctx);
    assert_non_null(strstr(msg, "const_fold takes 0 or 1"));
    eb_graph_destroy(g);
}

/* Concats written in place: the parts' bytes inside the output are what a
 * copy would have put there, whatever the nesting, and a graph output that
 * is a part is copied out whole. */
static void test_concats_in_place_do_not_change_results(void **state)
{
    (void)state;
    check_reuse_is_invisible(EB_SOURCE_DIR "/tests/data/models/concat_place.onnx", "1");
}

/* Which Concats of concat_place.onnx the plan elides (the generator,
 * tools/make_concat_test_model.py, says why each does or does not). */
static void test_concats_elided_only_where_parts_fit(void **state)
{
    (void)state;
    eb_graph *g = NULL;
    char msg[512];
    const char *path = EB_SOURCE_DIR "/tests/data/models/concat_place.onnx";
    if (eb_graph_load(path, NULL, &g, msg, sizeof msg) != EB_OK)
        fail_msg("%s", msg);
    static const struct {
        const char *node;
        int elided;
    } want[] = {{"c1", 1}, {"c2", 1}, {"m", 1}, {"e", 0}, {"f", 0},
                {"g", 0},  {"h", 0},  {"k", 0}, {"conv_d", 0}};
    for (int reuse = 0; reuse <= 1; reuse++) {
        eb_ref_plan_options o = {.qdq_fusion = 1, .memory_reuse = reuse};
        eb_ref_plan *p = NULL;
        assert_int_equal(eb_ref_plan_create(g, &o, &p, msg, sizeof msg), EB_OK);
        for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
            int node = -1;
            for (int i = 0; i < g->n_nodes; i++)
                if (strcmp(g->nodes[i].name, want[w].node) == 0)
                    node = i;
            assert_true(node >= 0);
            if (eb_ref_plan_node_elided(p, node) != (reuse && want[w].elided))
                fail_msg("memory_reuse=%d: node %s elided %d, expected %d", reuse, want[w].node,
                         eb_ref_plan_node_elided(p, node), reuse && want[w].elided);
        }
        eb_ref_plan_destroy(p);
    }
    eb_graph_destroy(g);
}

/* ---- a hook's claim absorbing several later nodes ------------------------ */

/* tiny_conv.onnx: conv, relu, pool (2x2 / 2), flatten, fc, softmax. The
 * hook claims relu and absorbs pool and flatten, computing all three. */
typedef struct absorb_case {
    int absorb[EB_REF_ABSORB_MAX + 1];
    int n_absorb;
    int runs; /* the claimed step's runs */
} absorb_case;

static absorb_case *running_case;

static eb_status relu_pool_flatten(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const float *in = x->in[0]->data; /* 1 x 4 x 8 x 8 */
    float *out = x->out[0]->data;     /* 1 x 64 */
    for (int c = 0; c < 4; c++)
        for (int oy = 0; oy < 4; oy++)
            for (int ox = 0; ox < 4; ox++) {
                float m = 0.0f; /* relu: the maximum of max(v, 0) */
                for (int t = 0; t < 4; t++) {
                    const float v = in[c * 64 + (2 * oy + t / 2) * 8 + 2 * ox + t % 2];
                    m = v > m ? v : m;
                }
                out[c * 16 + oy * 4 + ox] = m;
            }
    running_case->runs++;
    return EB_OK;
}

static const eb_ref_op relu_pool_flatten_op = {.op_type = "test relu+pool+flatten",
                                               .run = relu_pool_flatten};

static int claim_relu(void *ctx, const eb_ref_plan_site *site, eb_ref_step_claim *out,
                      char *msg, size_t msg_len)
{
    (void)msg;
    (void)msg_len;
    absorb_case *c = ctx;
    if (strcmp(site->node->name, "relu") != 0)
        return 0;
    out->op = &relu_pool_flatten_op;
    out->n_absorb = c->n_absorb;
    for (int k = 0; k < c->n_absorb && k < EB_REF_ABSORB_MAX; k++)
        out->absorb[k] = c->absorb[k];
    return 1;
}

/* Loads the model at rel (under the source tree), plans it with o (the
 * hook, QDQ fusion) and runs it once on a fixed input, into y (its first
 * output, at most 10 floats); node_ns gets the per-node times (n_ns).
 * Returns the plan's status, msg set on failure. */
static eb_status run_hooked(const char *rel, const eb_ref_plan_options *o, float *y,
                            uint64_t *node_ns, int n_ns, char *msg, size_t msg_len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", EB_SOURCE_DIR, rel);
    eb_graph *g = NULL;
    if (eb_graph_load(path, NULL, &g, msg, msg_len) != EB_OK)
        fail_msg("%s", msg);
    eb_ref_plan *p = NULL;
    eb_status st = eb_ref_plan_create(g, o, &p, msg, msg_len);
    if (st == EB_OK) {
        const eb_tensor *xt = &g->tensors[g->inputs[0]], *yt = &g->tensors[g->outputs[0]];
        float x[1024];
        assert_true(xt->nbytes <= sizeof x && yt->nbytes <= 10 * sizeof(float));
        for (int i = 0; i < 1024; i++)
            x[i] = (float)((i * 37) % 101) / 25.0f - 2.0f;
        eb_value in = {.dtype = xt->dtype, .rank = xt->rank, .data = x, .nbytes = xt->nbytes};
        memcpy(in.dims, xt->dims, sizeof in.dims);
        eb_value out = {.dtype = yt->dtype, .rank = yt->rank, .data = y, .nbytes = yt->nbytes};
        memcpy(out.dims, yt->dims, sizeof out.dims);
        st = eb_ref_plan_run(p, &in, 1, &out, 1, msg, msg_len);
        if (node_ns)
            eb_ref_plan_profile(p, node_ns, n_ns);
    }
    eb_ref_plan_destroy(p);
    eb_graph_destroy(g);
    return st;
}

/* Runs tiny_conv.onnx with the hook (NULL case: without), into prob[10]. */
static eb_status run_absorbing(absorb_case *c, float *prob, uint64_t *node_ns, char *msg,
                               size_t msg_len)
{
    eb_ref_plan_hooks hooks = {.ctx = c, .claim = claim_relu};
    eb_ref_plan_options o = EB_REF_PLAN_DEFAULTS;
    o.hooks = c ? &hooks : NULL;
    running_case = c;
    return run_hooked("tests/data/models/tiny_conv.onnx", &o, prob, node_ns, 6, msg, msg_len);
}

static void test_claim_absorbing_two_nodes_writes_the_last_ones_output(void **state)
{
    (void)state;
    char msg[512];
    float want[10], got[10];
    assert_int_equal(run_absorbing(NULL, want, NULL, msg, sizeof msg), EB_OK);
    absorb_case c = {.absorb = {2, 3}, .n_absorb = 2};
    uint64_t ns[6];
    assert_int_equal(run_absorbing(&c, got, ns, msg, sizeof msg), EB_OK);
    assert_int_equal(c.runs, 1);
    assert_memory_equal(want, got, sizeof want);
    /* the absorbed nodes never ran on their own; the nodes around them did */
    assert_true(ns[2] == UINT64_MAX && ns[3] == UINT64_MAX);
    assert_true(ns[0] != UINT64_MAX && ns[4] != UINT64_MAX);
}

static void test_claim_absorbing_out_of_order_or_too_many_is_refused(void **state)
{
    (void)state;
    char msg[512];
    float got[10];
    const absorb_case bad[] = {
        {.absorb = {3, 2}, .n_absorb = 2},  /* not increasing */
        {.absorb = {0}, .n_absorb = 1},     /* before the claimed node */
        {.absorb = {2, 2}, .n_absorb = 2},  /* the same node twice */
        {.absorb = {2, 3, 4, 5, 5}, .n_absorb = EB_REF_ABSORB_MAX + 1},
        {.absorb = {2, 6}, .n_absorb = 2},  /* no such node */
        {.absorb = {3}, .n_absorb = 1},     /* flatten reads the pool's output: not the step's */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        absorb_case c = bad[i];
        msg[0] = '\0';
        assert_int_equal(run_absorbing(&c, got, NULL, msg, sizeof msg), EB_ERR_INVALID_ARG);
        assert_non_null(strstr(msg, "tiny_conv.onnx"));
        assert_non_null(strstr(msg, "'relu'"));
        assert_int_equal(c.runs, 0);
    }
}

/* ---- a claim absorbing a later fused QDQ group ---------------------------- */

/* qdq_convnet.onnx (fused): conv1, conv2 and conv3 (depthwise) groups, ...
 * The hook claims conv2's group and absorbs the group named by absorb_at
 * (a node index, -1: conv3's position), running both groups' ref kernels
 * itself through a buffer of its own: the absorbed group never runs, the
 * step writes its output. */
typedef struct group_case {
    int absorb_at;
    int runs;
    const eb_ref_fused *first, *second; /* the plan's: valid while it lives */
    int first_anchor, second_anchor, second_position; /* -1: none */
} group_case;

static group_case *running_group;

static eb_status two_groups(const eb_ref_exec *x, char *msg, size_t len)
{
    const group_case *c = running_group;
    const eb_graph *g = x->g;
    const eb_tensor *mid = &g->tensors[c->first->out_tensor];
    eb_value tmp = {.dtype = mid->dtype, .rank = mid->rank, .nbytes = mid->nbytes};
    memcpy(tmp.dims, mid->dims, sizeof tmp.dims);
    const size_t scratch = c->first->scratch_bytes > c->second->scratch_bytes
                               ? c->first->scratch_bytes
                               : c->second->scratch_bytes;
    tmp.data = malloc(mid->nbytes + 1);
    void *sc = malloc(scratch + 1);
    eb_value *mid_in[1] = {&tmp}, *mid_out[1] = {&tmp};
    eb_ref_exec a = {.g = g, .node = &g->nodes[c->first->anchor],
                     .node_index = c->first->anchor, .in = x->in, .out = mid_out,
                     .state = c->first->state, .scratch = sc};
    eb_ref_exec b = {.g = g, .node = &g->nodes[c->second->anchor],
                     .node_index = c->second->anchor, .in = mid_in, .out = x->out,
                     .state = c->second->state, .scratch = sc};
    eb_status st = !tmp.data || !sc ? EB_ERR_NOMEM : c->first->op->run(&a, msg, len);
    if (st == EB_OK)
        st = c->second->op->run(&b, msg, len);
    free(tmp.data);
    free(sc);
    running_group->runs++;
    return st;
}

static const eb_ref_op two_groups_op = {.op_type = "test two groups", .run = two_groups};

static int node_named(const eb_graph *g, const char *name)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return i;
    return -1;
}

static int claim_conv2_group(void *ctx, const eb_ref_plan_site *site, eb_ref_step_claim *out,
                             char *msg, size_t msg_len)
{
    (void)msg;
    (void)msg_len;
    group_case *c = ctx;
    if (!site->group || strcmp(site->node->name, "conv2_31_node") != 0)
        return 0;
    const int conv3 = node_named(site->g, "conv3_45_node");
    int at = c->absorb_at;
    for (int j = 0; at < 0 && j < site->g->n_nodes; j++)
        if (site->group_at[j] >= 0 && site->groups[site->group_at[j]].anchor == conv3)
            at = j;
    c->first = site->group;
    c->second = at >= 0 && site->group_at[at] >= 0 ? &site->groups[site->group_at[at]] : NULL;
    c->first_anchor = c->first->anchor;
    c->second_anchor = c->second ? c->second->anchor : -1;
    c->second_position = c->second ? c->second->position : -1;
    out->op = &two_groups_op;
    out->absorb[0] = at;
    out->n_absorb = 1;
    return 1;
}

/* Runs qdq_convnet.onnx with QDQ fusion (c NULL: without the hook), into
 * y (its 1 x 10 output). */
static eb_status run_groups(group_case *c, float *y, uint64_t *node_ns, int n_ns, char *msg,
                            size_t msg_len)
{
    eb_ref_plan_hooks hooks = {.ctx = c, .claim = claim_conv2_group};
    eb_ref_plan_options o = EB_REF_PLAN_DEFAULTS;
    o.qdq_fusion = 1;
    o.hooks = c ? &hooks : NULL;
    running_group = c;
    return run_hooked("tests/data/qdq/qdq_convnet.onnx", &o, y, node_ns, n_ns, msg, msg_len);
}

static void test_claim_absorbing_a_group_writes_its_output(void **state)
{
    (void)state;
    char msg[512];
    float want[10] = {0}, got[10] = {0};
    assert_int_equal(run_groups(NULL, want, NULL, 0, msg, sizeof msg), EB_OK);
    group_case c = {.absorb_at = -1};
    uint64_t ns[64];
    assert_int_equal(run_groups(&c, got, ns, 64, msg, sizeof msg), EB_OK);
    assert_true(c.second_anchor >= 0);
    assert_int_equal(c.runs, 1);
    assert_memory_equal(want, got, sizeof want);
    /* conv3's group never ran as a step of its own; conv2's step and the
     * steps after it did */
    assert_true(ns[c.second_anchor] == UINT64_MAX);
    assert_true(ns[c.first_anchor] != UINT64_MAX && ns[c.second_position + 2] != UINT64_MAX);
}

static void test_claim_absorbing_a_non_group_or_earlier_group_is_refused(void **state)
{
    (void)state;
    char msg[512];
    float got[10];
    /* 13: a DequantizeLinear only its group reads (dead, not a group's
     * position); 12: conv2's own group; 6: conv1's group, before it; 23:
     * the Gemm's group, which reads the Flatten's output: neither the
     * step's output so far nor its input */
    const int bad[] = {13, 12, 6, 23};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        group_case c = {.absorb_at = bad[i]};
        msg[0] = '\0';
        assert_int_equal(run_groups(&c, got, NULL, 0, msg, sizeof msg), EB_ERR_INVALID_ARG);
        assert_non_null(strstr(msg, "qdq_convnet.onnx"));
        assert_non_null(strstr(msg, "cannot absorb"));
        assert_int_equal(c.runs, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_keeps_overlapping_lifetimes_apart),
        cmocka_unit_test(test_arena_reuses_memory_of_a_chain),
        cmocka_unit_test(test_memory_reuse_does_not_change_qdq_results),
        cmocka_unit_test(test_memory_reuse_does_not_change_float_results),
        cmocka_unit_test(test_const_fold_makes_weights_quantised_at_run_time_groups),
        cmocka_unit_test(test_concats_in_place_do_not_change_results),
        cmocka_unit_test(test_concats_elided_only_where_parts_fit),
        cmocka_unit_test(test_claim_absorbing_two_nodes_writes_the_last_ones_output),
        cmocka_unit_test(test_claim_absorbing_out_of_order_or_too_many_is_refused),
        cmocka_unit_test(test_claim_absorbing_a_group_writes_its_output),
        cmocka_unit_test(test_claim_absorbing_a_non_group_or_earlier_group_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
