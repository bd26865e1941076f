/* Cross-backend correctness of the vendor delegates: every fixture model
 * (fp32 and int8 QDQ) runs on every available delegate, at one and two
 * threads, with fallback=ref where the delegate takes options, and its
 * outputs are compared with the reference backend's on the same seeded
 * inputs.
 *
 * Tolerances (stated here, reported in docs/delegates.md):
 *   float32 outputs  |got - ref| <= 1e-4 * max(1, max|ref|) + 1e-3 * |ref|
 *                    (vendor kernels sum in another order, use FMA); for a
 *                    float output made by DequantizeLinear, the int8 rule
 *                    below in units of its scale when that is larger
 *   int8 / uint8     |got - ref| <= 2 quantisation steps and a mean
 *                    difference <= 0.5 step, where the delegate executes
 *                    the QDQ model as written (float arithmetic between
 *                    Quantize/DequantizeLinear: xnnpack int8=0, onednn
 *                    int8=0, onnxruntime with graph_optimization=basic), and
 *                    xnnpack int8=1 (its quantised operators take only the
 *                    few groups its 2022 release supports). ref rounds
 *                    once per fused group, the written form rounds the float
 *                    result: one step per layer, which can carry on.
 *                    Delegates running their own integer kernels (onednn's
 *                    int8 convolution at its default int8=1, onnxruntime's
 *                    QLinearConv & co. at its default graph_optimization=all)
 *                    requantise with their own rounding; one step in an
 *                    early layer grows through later layers (both give 89
 *                    where ref gives 96 on qdq_residual's last output):
 *                    those configurations are held to 8 steps.
 * A delegate that is not built or whose library is missing is skipped with
 * its reason printed; one that is available must run every model, or refuse
 * it at prepare with EB_ERR_UNSUPPORTED and a message (printed, counted). */
#include <glob.h>
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

#include "common/file_util.h"
#include "harness/backend/registry.h"
#include "harness/inputs/random_inputs.h"
#include "harness/model/model_load.h"

#define PLUGIN_DIR EB_BINARY_DIR "/backends/plugins"
#define ORT_NPM_LIB \
    EB_BINARY_DIR "/onnxruntime-npm/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"

/* Each delegate configuration compared, with its int8 tolerance. The
 * fallback=ref option is added for xnnpack and onednn. */
typedef struct config {
    const char *backend, *key, *value;
    double q_steps;
} config;

static const config configs[] = {
    {"xnnpack", "int8", "0", 2},
    {"xnnpack", "int8", "1", 2},
    {"onednn", "int8", "0", 2},
    {"onednn", "int8", "1", 8},
    {"onnxruntime", "graph_optimization", "basic", 2},
    {"onnxruntime", "graph_optimization", "all", 8},
};
#define N_CONFIGS 6

typedef struct outputs {
    int n;
    eb_value *v;
} outputs;

static void outputs_free(outputs *o)
{
    for (int i = 0; o->v && i < o->n; i++)
        free(o->v[i].data);
    free(o->v);
    o->v = NULL;
}

/* Run g on backend e; returns EB_OK or the failure with msg. */
static eb_status run_on(const eb_registry_entry *e, const config *cf, const eb_graph *g,
                        const void *bytes, size_t n, const char *path, int threads,
                        const eb_input_set *in, outputs *out, char *msg, size_t len)
{
    const eb_backend *be = &e->table;
    const char *keys[] = {cf ? cf->key : "", "fallback"}, *vals[] = {cf ? cf->value : "", "ref"};
    int n_opt = !cf ? 0 : strcmp(cf->backend, "onnxruntime") != 0 ? 2 : 1;
    eb_backend_options o = {.struct_size = sizeof o, .threads = threads,
                            .n_options = n_opt, .keys = keys, .values = vals};
    eb_backend_ctx *ctx = NULL;
    eb_plan *plan = NULL;
    eb_status st;
    out->n = g->n_outputs;
    out->v = calloc((size_t)g->n_outputs + 1, sizeof *out->v);
    for (int i = 0; i < g->n_outputs; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        out->v[i].dtype = t->dtype;
        out->v[i].rank = t->rank;
        memcpy(out->v[i].dims, t->dims, sizeof t->dims);
        out->v[i].nbytes = t->nbytes;
        out->v[i].data = calloc(1, t->nbytes + 1);
    }
    if ((st = be->open(&o, &ctx, msg, len)) != EB_OK)
        return st;
    eb_model m = {.struct_size = sizeof m, .graph = g, .path = path, .bytes = bytes, .nbytes = n};
    if ((st = eb_backend_check_graph(be, ctx, g, msg, len)) == EB_OK &&
        (st = be->prepare(ctx, &m, &plan, msg, len)) == EB_OK) {
        /* twice: a second run must not depend on state the first left */
        st = be->run(ctx, plan, in->values, in->n, out->v, out->n, msg, len);
        if (st == EB_OK)
            st = be->run(ctx, plan, in->values, in->n, out->v, out->n, msg, len);
        be->release(ctx, plan);
    }
    be->close(ctx);
    return st;
}

static double get(const eb_value *v, int64_t i)
{
    switch (v->dtype) {
    case EB_DT_F32: return ((const float *)v->data)[i];
    case EB_DT_I8: return ((const int8_t *)v->data)[i];
    case EB_DT_U8: return ((const uint8_t *)v->data)[i];
    case EB_DT_I32: return ((const int32_t *)v->data)[i];
    case EB_DT_I64: return (double)((const int64_t *)v->data)[i];
    default: return NAN;
    }
}

/* 0 when within tolerance; else 1 with the worst element in msg. */
/* The quantisation step of a float output made by DequantizeLinear (an int8
 * model's dequantised logits), else 0. */
static double dq_step(const eb_graph *g, int t)
{
    int p = g->tensors[t].producer;
    if (p >= 0 && strcmp(g->nodes[p].op_type, "Identity") == 0 && g->nodes[p].inputs[0] >= 0)
        return dq_step(g, g->nodes[p].inputs[0]);
    if (p < 0 || strcmp(g->nodes[p].op_type, "DequantizeLinear") != 0)
        return 0;
    const eb_tensor *q = eb_node_input(g, &g->nodes[p], 0);
    return q && q->quant.count == 1 ? q->quant.scale[0] : 0;
}

static int compare(const char *name, const eb_value *got, const eb_value *ref, double q_steps,
                   double step, char *msg, size_t len)
{
    int64_t n = (int64_t)(ref->nbytes / eb_dtype_size(ref->dtype));
    double maxref = 0, worst = 0, sum = 0;
    int64_t at = -1;
    for (int64_t i = 0; i < n; i++)
        maxref = fmax(maxref, fabs(get(ref, i)));
    for (int64_t i = 0; i < n; i++) {
        double r = get(ref, i), g = get(got, i), d = fabs(g - r);
        double tol = ref->dtype == EB_DT_F32
                         ? fmax(1e-4 * fmax(1.0, maxref) + 1e-3 * fabs(r), q_steps * step * 1.0001)
                         : q_steps;
        sum += d;
        if (!(d <= tol) && (at < 0 || d > worst)) {
            worst = d;
            at = i;
        }
    }
    if (at >= 0) {
        snprintf(msg, len, "output '%s' element %lld: got %.7g, ref %.7g", name, (long long)at,
                 get(got, at), get(ref, at));
        return 1;
    }
    if (ref->dtype != EB_DT_F32 && q_steps <= 2 && n && sum / (double)n > 0.5) {
        snprintf(msg, len, "output '%s': mean difference %.3g quantisation steps (> 0.5)", name,
                 sum / (double)n);
        return 1;
    }
    return 0;
}

static int fixture_models(glob_t *gl)
{
    memset(gl, 0, sizeof *gl);
    static const char *const pats[] = {
        EB_SOURCE_DIR "/models/quickstart_cnn.onnx", EB_SOURCE_DIR "/models/fashion/*.onnx",
        EB_SOURCE_DIR "/models/mobilenet_v2/*.onnx", EB_SOURCE_DIR "/tests/data/qdq/*.onnx"};
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
        glob(pats[i], i ? GLOB_APPEND : 0, NULL, gl);
    return (int)gl->gl_pathc;
}

static void test_delegates_match_ref_on_fixture_models(void **state)
{
    (void)state;
    setenv("EDGEBENCH_BACKEND_PATH", PLUGIN_DIR, 1);
    if (!getenv("EDGEBENCH_ONNXRUNTIME_LIB") && access(ORT_NPM_LIB, R_OK) == 0)
        setenv("EDGEBENCH_ONNXRUNTIME_LIB", ORT_NPM_LIB, 1);
    eb_registry *r;
    assert_int_equal(eb_registry_create(&r), EB_OK);
    const eb_registry_entry *ref = eb_registry_find(r, "ref");
    assert_non_null(ref);
    const eb_registry_entry *use[N_CONFIGS];
    int n_avail = 0;
    for (int d = 0; d < N_CONFIGS; d++) {
        const eb_registry_entry *e = eb_registry_find(r, configs[d].backend);
        use[d] = e && e->available ? e : NULL;
        if (!use[d])
            printf("SKIP %s: %s\n", configs[d].backend,
                   !e ? "plugin not built here (vendor dev package missing at build time)" : e->why);
        else {
            n_avail++;
            printf("using %s %s=%s (library %s)\n", configs[d].backend, configs[d].key,
                   configs[d].value, e->table.library_version ? e->table.library_version() : "");
        }
    }
    if (!n_avail) {
        eb_registry_destroy(r);
        /* 77: ctest's skip code for this test (tests/CMakeLists.txt) */
        printf("skipped: no vendor delegate is available in this build\n");
        fflush(stdout);
        exit(77);
    }
    glob_t gl;
    assert_true(fixture_models(&gl) > 0);
    int failures = 0, checked = 0, refused = 0;
    for (size_t mi = 0; mi < gl.gl_pathc; mi++) {
        const char *path = gl.gl_pathv[mi];
        char msg[1024];
        void *bytes = NULL;
        size_t nb = 0;
        eb_graph *g = NULL;
        assert_int_equal(eb_read_file(path, &bytes, &nb, msg, sizeof msg), EB_OK);
        if (eb_graph_load_buffer(bytes, nb, path, NULL, &g, msg, sizeof msg) != EB_OK) {
            printf("FAIL %s: cannot load: %s\n", path, msg);
            failures++;
            free(bytes);
            continue;
        }
        eb_random_spec spec = {.seed = 7, .dist = EB_DIST_UNIFORM, .a = 0.0, .b = 1.0};
        eb_input_set in = {0};
        assert_int_equal(eb_random_inputs(g, &spec, &in, msg, sizeof msg), EB_OK);
        outputs want = {0};
        if (run_on(ref, NULL, g, bytes, nb, path, 1, &in, &want, msg, sizeof msg) != EB_OK) {
            printf("FAIL %s on ref: %s\n", path, msg);
            failures++;
        } else {
            for (int d = 0; d < N_CONFIGS; d++) {
                for (int threads = 1; use[d] && threads <= 2; threads++) {
                    outputs got = {0};
                    eb_status st = run_on(use[d], &configs[d], g, bytes, nb, path, threads, &in,
                                          &got, msg, sizeof msg);
                    int bad = st != EB_OK && st != EB_ERR_UNSUPPORTED;
                    for (int i = 0; st == EB_OK && !bad && i < g->n_outputs; i++)
                        bad = compare(g->tensors[g->outputs[i]].name, &got.v[i], &want.v[i],
                                      configs[d].q_steps, dq_step(g, g->outputs[i]), msg, sizeof msg);
                    printf("%s %-11s %s=%-5s %d thread%s %s%s%s\n",
                           bad ? "FAIL" : st != EB_OK ? "REFUSED" : "ok  ", configs[d].backend,
                           configs[d].key, configs[d].value, threads, threads > 1 ? "s" : " ",
                           path + strlen(EB_SOURCE_DIR) + 1, bad || st ? ": " : "",
                           bad || st ? msg : "");
                    /* a refusal must say why */
                    if (st == EB_ERR_UNSUPPORTED && !msg[0])
                        bad = 1;
                    failures += bad;
                    refused += st == EB_ERR_UNSUPPORTED;
                    checked++;
                    outputs_free(&got);
                }
            }
        }
        outputs_free(&want);
        eb_input_set_free(&in);
        eb_graph_destroy(g);
        free(bytes);
    }
    globfree(&gl);
    eb_registry_destroy(r);
    printf("%d delegate runs: %d matched ref, %d refused with a reason, %d failed\n", checked,
           checked - failures - refused, refused, failures);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delegates_match_ref_on_fixture_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
