/* The simd backend end to end on real models, against the ref backend on
 * the same seeded inputs: integer outputs byte for byte, float outputs
 * within 1e-3 of the output's largest magnitude (fp32 sums reordered and
 * fused into FMAs over a whole network). Every ISA cap the host allows (the
 * portable kernels, then the host's best) and one and two threads. Also:
 * the options, placement() (simd kernels really take the heavy nodes), and
 * profile(). Fixture models that are missing are skipped with a message. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backends/ref/ref_backend.h"
#include "backends/simd/simd_backend.h"
#include "backends/simd/simd_cache.h"
#include "backends/simd/simd_isa.h"
#include "devices/host_detect.h"
#include "harness/inputs/random_inputs.h"
#include "harness/model/model_load.h"

static const char *const models[] = {
    "models/quickstart_cnn.onnx",
    "tests/data/models/silu_se.onnx", /* Sigmoid, SiLU folded, squeeze-excite */
    "tests/data/qdq/qdq_convnet.onnx",
    "tests/data/qdq/qdq_residual.onnx",
    "tests/data/qdq/qdq_fallback.onnx",
    "tests/data/qdq/qlinear_convnet.onnx",
    /* channels-last depthwise split into channel blocks on two
     * threads below AVX-512; planes read in place with it
     * (tools/make_dw_split_test_models.py) */
    "tests/data/models/dw_split.onnx",
    "tests/data/qdq/qlinear_dw_split.onnx",
    /* one channels-last layer too large for one band on any host: the
     * rows that consecutive bands share are moved, not copied again */
    "tests/data/models/dw_bands.onnx",
    "tests/data/qdq/qlinear_dw_bands.onnx",
    /* pointwise + depthwise fused band by band, stride 1 and 2, asymmetric
     * padding, one pair not fused (tools/make_pwdw_test_model.py) */
    "tests/data/models/pw_dw_bands.onnx",
    /* the same in int8 QDQ groups, one pair over a 2 MiB L2
     * (tools/make_pwdw_q8_test_model.py) */
    "tests/data/qdq/qdq_pw_dw_bands.onnx",
    /* inverted-residual blocks fused on threads, fp32 and int8:
     * projection and residual Add in the step, either Add order, stride
     * 2, small planes, Adds and blocks not fused
     * (tools/make_blocks_test_model.py) */
    "tests/data/models/blocks.onnx",
    "tests/data/qdq/qdq_blocks.onnx",
    /* direct convolution (AVX-512 builds): a stem of 3 channels and
     * grouped convs of 16, 12 and 24 channels per group, both strides,
     * dilation; one too narrow, run as GEMM
     * (tools/make_direct_conv_test_model.py) */
    "tests/data/models/direct_conv.onnx",
    /* a direct stem and the max pool after it fused band by band (AVX-512
     * builds): 3x3/2 + Relu + 3x3/2 padded, 5x5/1 + Clip + 2x2/2 with
     * ceil_mode, one pair not fused (tools/make_convpool_test_model.py) */
    "tests/data/models/conv_pool_bands.onnx",
    /* planar depthwise over a batch of two: kernel calls take runs of one
     * image's channels (tools/make_dw_batch_test_model.py) */
    "tests/data/models/dw_batch.onnx",
    /* projections split along K on two to four threads (one, two and
     * three partial sums), after a planar depthwise step and Adds
     * (tools/make_k_split_test_model.py) */
    "tests/data/models/k_split.onnx",
    /* QLinearMatMul: 3-D, 1-D and one-row a, per-column and uint8 b
     * (tools/make_qlinear_matmul_test_model.py) */
    "tests/data/qdq/qlinear_matmul.onnx",
    /* int8 convolutions run over channel groups: channels not a multiple
     * of 4, asymmetric padding, dilation, groups, 1x3 / 5x5 / strided 1x1
     * windows, a batch of two, wide weights in the int16 pair format
     * (tools/make_qconv_groups_test_model.py) */
    "tests/data/qdq/qlinear_conv_groups.onnx",
    /* Concats written in place by their producers, nested, and the
     * ones that must still copy (tools/make_concat_test_model.py) */
    "tests/data/models/concat_place.onnx",
    "models/fashion/fp32.onnx",
    "models/fashion/int8.onnx",
    "models/mobilenet_v2/mobilenet_v2_050_96.onnx",
    "models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx",
};

typedef struct outputs {
    int n;
    eb_value *v;
} outputs;

static void outputs_alloc(const eb_graph *g, outputs *o)
{
    o->n = g->n_outputs;
    o->v = calloc((size_t)o->n + 1, sizeof *o->v);
    assert_non_null(o->v);
    for (int i = 0; i < o->n; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        o->v[i].nbytes = t->nbytes;
        o->v[i].data = calloc(1, t->nbytes + 1);
        assert_non_null(o->v[i].data);
    }
}

static void outputs_free(outputs *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->v[i].data);
    free(o->v);
}

/* be's outputs on g, with one option key=val (none where val is NULL) */
static void run_backend_opt(const eb_backend *be, const eb_graph *g, const eb_input_set *in,
                            int threads, const char *key, const char *val, outputs *out)
{
    const char *keys[1] = {key}, *vals[1] = {val};
    eb_backend_options o = {.struct_size = sizeof o, .threads = threads, .n_options = val ? 1 : 0,
                            .keys = keys, .values = vals};
    eb_backend_ctx *ctx = NULL;
    eb_plan *plan = NULL;
    char msg[1024] = "";
    if (be->open(&o, &ctx, msg, sizeof msg) != EB_OK)
        fail_msg("%s: open: %s", be->name, msg);
    eb_model m = {.struct_size = sizeof m, .graph = g, .path = g->path};
    if (be->prepare(ctx, &m, &plan, msg, sizeof msg) != EB_OK)
        fail_msg("%s: prepare %s: %s", be->name, g->path, msg);
    outputs_alloc(g, out);
    /* twice: a second run on the same plan must not depend on the first */
    for (int r = 0; r < 2; r++)
        if (be->run(ctx, plan, in->values, in->n, out->v, out->n, msg, sizeof msg) != EB_OK)
            fail_msg("%s: run %s: %s", be->name, g->path, msg);
    if (be->profile) {
        uint64_t *ns = malloc((size_t)g->n_nodes * sizeof *ns + 8);
        assert_int_equal(be->profile(ctx, plan, ns, g->n_nodes), EB_OK);
        free(ns);
    }
    be->release(ctx, plan);
    be->close(ctx);
}

static void run_backend(const eb_backend *be, const eb_graph *g, const eb_input_set *in,
                        int threads, const char *isa, outputs *out)
{
    run_backend_opt(be, g, in, threads, "isa", isa, out);
}

static void compare(const eb_graph *g, const outputs *want, const outputs *got, const char *what)
{
    for (int i = 0; i < want->n; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        if (t->dtype != EB_DT_F32) {
            if (memcmp(want->v[i].data, got->v[i].data, t->nbytes) != 0)
                fail_msg("%s: %s output '%s' differs from ref (integer: must be exact)", g->path,
                         what, t->name);
            continue;
        }
        const float *a = want->v[i].data, *b = got->v[i].data;
        double mag = 0;
        for (int64_t k = 0; k < t->numel; k++)
            mag = fmax(mag, fabs(a[k]));
        for (int64_t k = 0; k < t->numel; k++)
            if (!(fabs((double)a[k] - b[k]) <= 1e-3 * mag + 1e-6))
                fail_msg("%s: %s output '%s'[%lld] = %.9g, ref %.9g", g->path, what, t->name,
                         (long long)k, (double)b[k], (double)a[k]);
    }
}

static int accelerated_nodes(const eb_graph *g, const char *isa)
{
    const eb_backend *be = eb_simd_backend();
    const char *keys[1] = {"isa"}, *vals[1] = {isa};
    eb_backend_options o = {.struct_size = sizeof o, .threads = 1, .n_options = 1, .keys = keys,
                            .values = vals};
    eb_backend_ctx *ctx = NULL;
    char msg[512], where[256];
    assert_int_equal(be->open(&o, &ctx, msg, sizeof msg), EB_OK);
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        assert_int_equal(be->placement(ctx, g, i, where, sizeof where), 1);
        n += strncmp(where, "simd ", 5) == 0;
    }
    be->close(ctx);
    return n;
}

/* Random inputs in [-1, 1] leave an int8 / uint8 input only the bytes
 * -1, 0 and 1: every byte value instead (seeded), so quantised models
 * meet the whole range, the zero point and the type's limits included. */
static void full_range_bytes(eb_input_set *in)
{
    uint32_t r = 12345;
    for (int i = 0; i < in->n; i++) {
        eb_value *v = &in->values[i];
        if (v->dtype != EB_DT_U8 && v->dtype != EB_DT_I8)
            continue;
        for (size_t k = 0; k < v->nbytes; k++) {
            r = r * 1664525u + 1013904223u;
            ((uint8_t *)v->data)[k] = (uint8_t)(r >> 24);
        }
    }
}

/* The model at rel (below the source tree) loaded, its path in path. */
static eb_graph *load_model(const char *rel, char *path, size_t path_len)
{
    char msg[1024];
    snprintf(path, path_len, "%s/%s", EB_SOURCE_DIR, rel);
    eb_graph *g = NULL;
    if (eb_graph_load(path, NULL, &g, msg, sizeof msg) != EB_OK)
        fail_msg("%s", msg);
    return g;
}

/* The QLinearMatMul fixture runs on simd's GEMM kernels, not on ref. */
static void test_qlinear_matmul_runs_on_simd(void **state)
{
    (void)state;
    char path[1024], msg[1024], where[256];
    eb_graph *g = load_model("tests/data/qdq/qlinear_matmul.onnx", path, sizeof path);
    const eb_backend *be = eb_simd_backend();
    eb_backend_options o = {.struct_size = sizeof o, .threads = 1};
    eb_backend_ctx *ctx = NULL;
    assert_int_equal(be->open(&o, &ctx, msg, sizeof msg), EB_OK);
    for (int i = 0; i < g->n_nodes; i++) {
        assert_int_equal(be->placement(ctx, g, i, where, sizeof where), 1);
        if (strncmp(where, "simd ", 5) != 0 || !strstr(where, "QLinearMatMul"))
            fail_msg("%s: node '%s' runs as '%s'", path, g->nodes[i].name, where);
    }
    be->close(ctx);
    eb_graph_destroy(g);
}

/* On two or more threads the K-split fixture's three projections run
 * split along K, on the portable kernels and the host's best (their
 * inputs are written by a planar depthwise step and Adds, split by
 * channels); on one thread none does. */
static void test_projections_split_along_k_on_threads(void **state)
{
    (void)state;
    char path[1024], msg[1024], where[256];
    eb_graph *g = load_model("tests/data/models/k_split.onnx", path, sizeof path);
    const eb_backend *be = eb_simd_backend();
    const char *isas[2] = {"c", NULL};
    for (int c = 0; c < 2; c++)
        for (int threads = 1; threads <= 3; threads++) {
            const char *keys[1] = {"isa"}, *vals[1] = {isas[c]};
            eb_backend_options o = {.struct_size = sizeof o, .threads = threads,
                                    .n_options = isas[c] ? 1 : 0, .keys = keys, .values = vals};
            eb_backend_ctx *ctx = NULL;
            assert_int_equal(be->open(&o, &ctx, msg, sizeof msg), EB_OK);
            int split = 0;
            for (int i = 0; i < g->n_nodes; i++) {
                if (strncmp(g->nodes[i].name, "proj", 4) != 0)
                    continue;
                assert_int_equal(be->placement(ctx, g, i, where, sizeof where), 1);
                printf("  threads=%d isa=%s %s: %s\n", threads, isas[c] ? isas[c] : "host",
                       g->nodes[i].name, where);
                split += strstr(where, "1x1 conv as GEMM, split along K") != NULL;
            }
            assert_int_equal(split, threads > 1 ? 3 : 0);
            be->close(ctx);
        }
    eb_graph_destroy(g);
}

/* The int8 pointwise + depthwise groups of qdq_pw_dw_bands.onnx run as one
 * step on two threads (each over 256 KiB), and on one thread where the
 * pointwise output is over the host's L2; never pw_c, whose output is
 * also a graph output, nor pw_d, whose output another group reads too. */
static void test_int8_pointwise_depthwise_fused_on_threads(void **state)
{
    (void)state;
    char path[1024], msg[1024], where[256];
    eb_graph *g = load_model("tests/data/qdq/qdq_pw_dw_bands.onnx", path, sizeof path);
    const eb_backend *be = eb_simd_backend();
    const size_t l2 = eb_simd_cache_bytes(2);
    static const struct {
        const char *pw, *dw;
        size_t bytes; /* the pointwise output */
    } pairs[] = {{"pw_a", "dw_a", 512 * 63 * 67}, {"pw_b", "dw_b", 512 * 63 * 67},
                 {"pw_c", "dw_c", 0}, {"pw_d", "dw_d", 0}};
    for (int threads = 1; threads <= 2; threads++) {
        eb_backend_options o = {.struct_size = sizeof o, .threads = threads};
        eb_backend_ctx *ctx = NULL;
        assert_int_equal(be->open(&o, &ctx, msg, sizeof msg), EB_OK);
        for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
            const int fused = pairs[k].bytes && (threads > 1 || (l2 && pairs[k].bytes > l2));
            for (int i = 0; i < g->n_nodes; i++) {
                const int is_pw = strcmp(g->nodes[i].name, pairs[k].pw) == 0;
                if (!is_pw && strcmp(g->nodes[i].name, pairs[k].dw) != 0)
                    continue;
                assert_int_equal(be->placement(ctx, g, i, where, sizeof where), 1);
                printf("  threads=%d %s: %s\n", threads, g->nodes[i].name, where);
                if (is_pw)
                    assert_int_equal(strstr(where, ", then QDQ depthwise 3x3/") != NULL, fused);
                else
                    assert_int_equal(strncmp(where, "fused into", 10) == 0, fused);
            }
        }
        be->close(ctx);
    }
    eb_graph_destroy(g);
}

/* On two threads the blocks of blocks.onnx and qdq_blocks.onnx with at
 * least 6 depthwise output rows per thread (and a planar depthwise) run as
 * one step: pointwise, depthwise, the projection, and the residual Add
 * where it adds the block's own input (a, b, h); not d's Add (its other
 * input is another block's) nor e's (the projection output is also a graph
 * output); nothing of g (8 rows). On one thread no projection joins.
 * `proj` and `add` are what the pointwise node's line then says. */
static void check_blocks(const char *model, const char *proj_says, const char *add_says)
{
    char path[1024], msg[1024], where[256];
    eb_graph *g = load_model(model, path, sizeof path);
    const eb_backend *be = eb_simd_backend();
    static const struct {
        const char *block;
        int proj, add; /* on two threads: the projection, the Add in the step */
    } blocks[] = {{"a", 1, 1}, {"b", 1, 1}, {"c", 1, 0}, {"d", 1, 0},
                  {"e", 1, 0}, {"f", 1, 0}, {"g", 0, 0}, {"h", 1, 1}};
    /* per block: its depthwise runs planar on one thread (fused only
     * then; channels-last on builds that keep planes of f's 34 columns or
     * h's 14 channels-last, as NEON's) */
    int planar[sizeof blocks / sizeof blocks[0]];
    for (int threads = 1; threads <= 2; threads++) {
        eb_backend_options o = {.struct_size = sizeof o, .threads = threads};
        eb_backend_ctx *ctx = NULL;
        assert_int_equal(be->open(&o, &ctx, msg, sizeof msg), EB_OK);
        for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
            if (threads == 1) {
                char dw[16];
                snprintf(dw, sizeof dw, "dw_%s", blocks[k].block);
                int i = 0;
                while (i < g->n_nodes && strcmp(g->nodes[i].name, dw) != 0)
                    i++;
                assert_true(i < g->n_nodes);
                assert_int_equal(be->placement(ctx, g, i, where, sizeof where), 1);
                planar[k] = strstr(where, "channels-last") == NULL;
            }
            const int proj = threads > 1 && blocks[k].proj && planar[k];
            const int add = proj && blocks[k].add;
            char anchor[32];
            snprintf(anchor, sizeof anchor, "fused into 'pw_%s'", blocks[k].block);
            static const char *const parts[] = {"pw_", "pj_", "add_"};
            for (int part = 0; part < 3; part++) {
                char name[16];
                snprintf(name, sizeof name, "%s%s", parts[part], blocks[k].block);
                int i = 0;
                while (i < g->n_nodes && strcmp(g->nodes[i].name, name) != 0)
                    i++;
                if (i == g->n_nodes) {
                    assert_int_equal(part, 2); /* blocks c, f, g have no Add */
                    continue;
                }
                assert_int_equal(be->placement(ctx, g, i, where, sizeof where), 1);
                printf("  threads=%d %s: %s\n", threads, name, where);
                if (part == 0) {
                    assert_int_equal(strstr(where, proj_says) != NULL, proj);
                    assert_int_equal(strstr(where, add_says) != NULL, add);
                } else {
                    assert_int_equal(strcmp(where, anchor) == 0, part == 1 ? proj : add);
                }
            }
        }
        be->close(ctx);
    }
    eb_graph_destroy(g);
}

static void test_int8_blocks_fused_on_threads(void **state)
{
    (void)state;
    check_blocks("tests/data/qdq/qdq_blocks.onnx", ", then QDQ 1x1 conv to ",
                 " + QDQ add of the input");
}

static void test_fp32_blocks_fused_on_threads(void **state)
{
    (void)state;
    check_blocks("tests/data/models/blocks.onnx", ", then 1x1 conv to ", " + Add of the input");
}

/* int8 3x3 depthwise planes from 16 wide run planar on the AVX2 and
 * AVX-512 builds, not channels-last (dw_q8_planar_iw): MobileNet-v2
 * 0.5@96's 24x24 layer, on each of the two levels the host has. */
static void test_int8_depthwise_planar_from_16_wide(void **state)
{
    (void)state;
#if EB_SIMD_X86
    char path[1024], msg[1024], where[256];
    snprintf(path, sizeof path, "%s/models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx",
             EB_SOURCE_DIR);
    if (access(path, R_OK) != 0)
        skip();
    eb_graph *g = load_model("models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx", path,
                             sizeof path);
    eb_host host;
    eb_host_detect(&host);
    const unsigned isa = eb_simd_isa_from_host(&host);
    const eb_backend *be = eb_simd_backend();
    static const struct {
        const char *cap;
        unsigned bit;
    } levels[] = {{"avx2", EB_SIMD_ISA_AVX2}, {"avx512", EB_SIMD_ISA_AVX512}};
    int node = -1;
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, "/features/features.3/conv/conv.1/conv.1.0/Conv") == 0)
            node = i;
    assert_true(node >= 0);
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        if (!(isa & levels[l].bit))
            continue;
        const char *keys[1] = {"isa"}, *vals[1] = {levels[l].cap};
        eb_backend_options o = {.struct_size = sizeof o, .threads = 1, .n_options = 1,
                                .keys = keys, .values = vals};
        eb_backend_ctx *ctx = NULL;
        assert_int_equal(be->open(&o, &ctx, msg, sizeof msg), EB_OK);
        assert_int_equal(be->placement(ctx, g, node, where, sizeof where), 1);
        printf("  isa=%s features.3 depthwise: %s\n", levels[l].cap, where);
        assert_non_null(strstr(where, "QDQ depthwise 3x3/1"));
        assert_null(strstr(where, "channels-last"));
        be->close(ctx);
    }
    eb_graph_destroy(g);
#endif
}

static void test_simd_matches_ref_on_every_model(void **state)
{
    (void)state;
    const eb_backend *ref = eb_ref_backend(), *simd = eb_simd_backend();
    char host_isa[32] = "c";
    eb_host host;
    eb_host_detect(&host);
    unsigned isa = eb_simd_isa_from_host(&host);
#if EB_SIMD_X86
    if (isa & EB_SIMD_ISA_AVX512VNNI)
        snprintf(host_isa, sizeof host_isa, "avx512vnni");
    else if (isa & EB_SIMD_ISA_AVX512)
        snprintf(host_isa, sizeof host_isa, "avx512");
    else if (isa & EB_SIMD_ISA_AVX2)
        snprintf(host_isa, sizeof host_isa, "avx2");
#elif EB_SIMD_ARM64
    snprintf(host_isa, sizeof host_isa, isa & EB_SIMD_ISA_NEONDOT ? "neondot" : "neon");
#endif
    /* the portable kernels, the host's best, AVX2 on an AVX-512 host (the
     * two levels choose differently between planar and channels-last
     * depthwise: small planes read in place on AVX-512 only), and AVX-512
     * without VNNI on a VNNI host (int8 on int16 pairs: the 6 x 32 and
     * 32 x 7 tiles of q8_gemm_*c2__avx512) */
    const char *caps[4] = {"c", host_isa, "avx2", "avx512"};
    int n_caps = 2;
#if EB_SIMD_X86
    if ((isa & EB_SIMD_ISA_AVX2) && strcmp(host_isa, "avx2") != 0)
        n_caps = 3;
    if (isa & EB_SIMD_ISA_AVX512VNNI)
        n_caps = 4;
#endif
    int ran = 0;
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        char path[1024], msg[1024];
        snprintf(path, sizeof path, "%s/%s", EB_SOURCE_DIR, models[m]);
        if (access(path, R_OK) != 0) {
            printf("  skip %s: not present\n", models[m]);
            continue;
        }
        eb_graph *g = load_model(models[m], path, sizeof path);
        eb_input_set in = {0};
        eb_random_spec spec = {.seed = 7, .dist = EB_DIST_UNIFORM, .a = -1.0, .b = 1.0};
        assert_int_equal(eb_random_inputs(g, &spec, &in, msg, sizeof msg), EB_OK);
        full_range_bytes(&in);
        outputs want;
        run_backend(ref, g, &in, 1, NULL, &want);
        const int max_threads = strstr(models[m], "k_split") ? 4 : 2;
        for (int c = 0; c < n_caps; c++)
            for (int threads = 1; threads <= max_threads; threads++) {
                outputs got;
                char what[64];
                snprintf(what, sizeof what, "simd isa=%s threads=%d", caps[c], threads);
                run_backend(simd, g, &in, threads, caps[c], &got);
                compare(g, &want, &got, what);
                outputs_free(&got);
            }
        /* the convolutions of every CNN here really run on simd kernels */
        int acc = accelerated_nodes(g, host_isa);
        printf("  %s: ref and simd agree; %d node(s) on simd kernels\n", models[m], acc);
        assert_true(acc >= 1);
        outputs_free(&want);
        eb_input_set_free(&in);
        eb_graph_destroy(g);
        ran++;
    }
    assert_true(ran >= 3); /* the in-tree models at least */
}

static void test_bad_options_are_refused_with_a_reason(void **state)
{
    (void)state;
    const eb_backend *be = eb_simd_backend();
    const char *k1[1] = {"isa"}, *v1[1] = {"sse9"};
    const char *k2[1] = {"tiles"}, *v2[1] = {"4"};
    const char *k3[1] = {"qdq_fusion"}, *v3[1] = {"maybe"};
    const char *const *keys[3] = {k1, k2, k3}, *const *vals[3] = {v1, v2, v3};
    const char *expect[3] = {"not an ISA level", "unknown option 'tiles'", "takes 0 or 1"};
    for (int i = 0; i < 3; i++) {
        eb_backend_options o = {.struct_size = sizeof o, .threads = 1, .n_options = 1,
                                .keys = keys[i], .values = vals[i]};
        eb_backend_ctx *ctx = NULL;
        char msg[512] = "";
        assert_int_equal(be->open(&o, &ctx, msg, sizeof msg), EB_ERR_INVALID_ARG);
        assert_null(ctx);
        if (!strstr(msg, expect[i]))
            fail_msg("message '%s' lacks '%s'", msg, expect[i]);
    }
}

static void test_byte_exact_with_ref_folded_or_not(void **state)
{
    (void)state;
    /* ref folds constants as simd does (ref_fold.h), so on the MobileNet-v2
     * int8 fixture (weights quantised at run time, behind Identity nodes)
     * both run the same integer groups and agree byte for byte with
     * folding on (the default), and again with it off. The two settings
     * differ from each other on this input (a tested fact: otherwise the
     * check of the default could not tell whether ref folds). */
    char path[1024], msg[1024];
    const char *rel = "models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx";
    snprintf(path, sizeof path, "%s/%s", EB_SOURCE_DIR, rel);
    if (access(path, R_OK) != 0)
        rel = "tests/data/qdq/qdq_residual.onnx";
    eb_graph *g = load_model(rel, path, sizeof path);
    int differ = 0;
    /* a few inputs: the two settings' results differ only where a
     * rounding does (on this fixture, on one of these four) */
    for (unsigned seed = 1; seed <= 4; seed++) {
        eb_input_set in = {0};
        eb_random_spec spec = {.seed = seed, .dist = EB_DIST_UNIFORM, .a = -3.0, .b = 3.0};
        assert_int_equal(eb_random_inputs(g, &spec, &in, msg, sizeof msg), EB_OK);
        outputs want[2], got;
        for (int fold = 0; fold < 2; fold++) {
            run_backend_opt(eb_ref_backend(), g, &in, 1, "const_fold", fold ? "1" : "0",
                            &want[fold]);
            for (int threads = 1; threads <= 2; threads++) {
                run_backend_opt(eb_simd_backend(), g, &in, threads, "const_fold",
                                fold ? "1" : "0", &got);
                for (int i = 0; i < want[fold].n; i++)
                    if (memcmp(want[fold].v[i].data, got.v[i].data, want[fold].v[i].nbytes))
                        fail_msg("seed %u, const_fold=%d, %d thread(s): output %d differs "
                                 "from ref's", seed, fold, threads, i);
                outputs_free(&got);
            }
        }
        for (int i = 0; i < want[0].n; i++)
            differ += memcmp(want[0].v[i].data, want[1].v[i].data, want[0].v[i].nbytes) != 0;
        outputs_free(&want[0]);
        outputs_free(&want[1]);
        eb_input_set_free(&in);
    }
    print_message("  inputs on which folding changes ref's and simd's result: %d of 4\n", differ);
    if (strstr(rel, "mobilenet"))
        assert_true(differ > 0);
    eb_graph_destroy(g);
}

/* As the registry does: the harness detects the CPU and tells simd, which
 * otherwise runs only the portable kernels. */
static int probe_host(void **state)
{
    (void)state;
    eb_host host;
    eb_host_detect(&host);
    char why[256];
    return eb_simd_backend()->probe(&host, why, sizeof why) == EB_OK ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_options_are_refused_with_a_reason),
        cmocka_unit_test(test_simd_matches_ref_on_every_model),
        cmocka_unit_test(test_qlinear_matmul_runs_on_simd),
        cmocka_unit_test(test_projections_split_along_k_on_threads),
        cmocka_unit_test(test_int8_pointwise_depthwise_fused_on_threads),
        cmocka_unit_test(test_int8_blocks_fused_on_threads),
        cmocka_unit_test(test_fp32_blocks_fused_on_threads),
        cmocka_unit_test(test_int8_depthwise_planar_from_16_wide),
        cmocka_unit_test(test_byte_exact_with_ref_folded_or_not),
    };
    return cmocka_run_group_tests(tests, probe_host, NULL);
}
