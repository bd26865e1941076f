/* The onnxruntime delegate: ONNX Runtime's CPU execution provider, reached
 * through its C API in a libonnxruntime.so loaded at run time (dlopen), so
 * edgebench neither builds nor links against it.
 *
 * Where the library comes from: $EDGEBENCH_ONNXRUNTIME_LIB when set, else
 * onnxruntime/libonnxruntime.so.1 beside this plugin (where the build and
 * the install put the library they fetched, backends/onnxruntime/
 * CMakeLists.txt), else libonnxruntime.so(.1) on the dynamic loader's path;
 * the scenario option
 * `library` names another file for one cell. ONNX Runtime takes the model's
 * original bytes (eb_model.bytes) and runs it whole, so supports() only
 * refuses nodes of domains it does not know. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/delegate/delegate_glue.h"
#include "backends/onnxruntime/ort_api.h"
#include "edgebench/backend.h"

#define EB_ORT_EXPORT __attribute__((visibility("default")))

typedef struct ort_lib {
    void *dl;
    const ort_fn *api;
    const char *version;
    char path[512];
} ort_lib;

static ort_lib g_probed; /* the library probe() found; kept for the process */

struct eb_backend_ctx {
    ort_lib lib;          /* the library this ctx uses */
    int own_dl;           /* lib.dl was opened for this ctx (option library) */
    int threads, inter_threads, opt_level;
    OrtEnv *env;
    OrtMemoryInfo *mem;
    eb_glue_clock glue;
};

typedef struct bound {
    OrtValue *v;
    void *data;           /* buffer v wraps; rebuilt when the caller's changes */
} bound;

struct eb_plan {
    OrtSession *session;
    int n_in, n_out;
    const char **in_names, **out_names; /* point into the graph (valid until release) */
    bound *in, *out;
    OrtValue **in_v, **out_v;
};

/* Typed views of the slots used (signatures from the documentation). */
#define ORT_CALL(api, slot, type) ((type)(api)[slot])
typedef const char *(*fn_err_msg)(const OrtStatus *);
typedef int (*fn_err_code)(const OrtStatus *);
typedef void (*fn_release)(void *);
typedef OrtStatus *(*fn_create_env)(int, const char *, OrtEnv **);
typedef OrtStatus *(*fn_create_opts)(OrtSessionOptions **);
typedef OrtStatus *(*fn_opts_int)(OrtSessionOptions *, int);
typedef OrtStatus *(*fn_session_from_array)(const OrtEnv *, const void *, size_t,
                                            const OrtSessionOptions *, OrtSession **);
typedef OrtStatus *(*fn_cpu_mem)(int, int, OrtMemoryInfo **);
typedef OrtStatus *(*fn_tensor_with_data)(const OrtMemoryInfo *, void *, size_t, const int64_t *,
                                          size_t, int, OrtValue **);
typedef OrtStatus *(*fn_run)(OrtSession *, const OrtRunOptions *, const char *const *,
                             const OrtValue *const *, size_t, const char *const *, size_t,
                             OrtValue **);

/* Consume a status: EB_OK when NULL, else the message into msg. */
static eb_status take(const ort_fn *api, OrtStatus *s, const char *what, char *msg, size_t len)
{
    if (!s)
        return EB_OK;
    snprintf(msg, len, "onnxruntime: %s: %s", what, ORT_CALL(api, ORT_GetErrorMessage, fn_err_msg)(s));
    /* no kernel for an op or type: a refusal, not a failure of the run */
    int code = ORT_CALL(api, ORT_GetErrorCode, fn_err_code)(s);
    ORT_CALL(api, ORT_ReleaseStatus, fn_release)(s);
    return code == ORT_NOT_IMPLEMENTED ? EB_ERR_UNSUPPORTED : EB_ERR_BACKEND;
}

static eb_status lib_open(const char *path, ort_lib *lib, char *why, size_t len)
{
    memset(lib, 0, sizeof *lib);
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *e = dlerror();
        snprintf(why, len, "%s", e ? e : "cannot load");
        return EB_ERR_UNAVAILABLE;
    }
    void *sym = dlsym(dl, "OrtGetApiBase");
    ort_get_api_base_fn get_base;
    memcpy(&get_base, &sym, sizeof get_base);
    const ort_api_base *base = sym ? get_base() : NULL;
    const ort_fn *api = base ? base->GetApi(EB_ORT_API_VERSION) : NULL;
    if (!api) {
        snprintf(why, len, "%s: %s", path,
                 !sym    ? "no OrtGetApiBase symbol (not an ONNX Runtime library)"
                 : !base ? "OrtGetApiBase() returned NULL"
                         : "the library does not serve C API version 11 (ONNX Runtime older than 1.11)");
        dlclose(dl);
        return EB_ERR_UNAVAILABLE;
    }
    lib->dl = dl;
    lib->api = api;
    lib->version = base->GetVersionString ? base->GetVersionString() : "";
    snprintf(lib->path, sizeof lib->path, "%s", path);
    return EB_OK;
}

/* <directory of this plugin>/onnxruntime/libonnxruntime.so.1, or 0. */
static int beside_plugin(char *out, size_t len)
{
    Dl_info self;
    out[0] = '\0';
    if (!dladdr((void *)&beside_plugin, &self) || !self.dli_fname)
        return 0;
    const char *slash = strrchr(self.dli_fname, '/');
    if (!slash)
        return 0;
    int n = snprintf(out, len, "%.*s/onnxruntime/libonnxruntime.so.1",
                     (int)(slash - self.dli_fname), self.dli_fname);
    return n > 0 && (size_t)n < len;
}

static eb_status ort_probe(const eb_host *host, char *why, size_t len)
{
    (void)host;
    if (g_probed.dl)
        return EB_OK;
    const char *env = getenv("EDGEBENCH_ONNXRUNTIME_LIB");
    char err[512] = "";
    if (env && *env) {
        if (lib_open(env, &g_probed, err, sizeof err) == EB_OK)
            return EB_OK;
        snprintf(why, len, "EDGEBENCH_ONNXRUNTIME_LIB=%s cannot be used: %s", env, err);
        return EB_ERR_UNAVAILABLE;
    }
    char beside[1024];
    if (beside_plugin(beside, sizeof beside) && access(beside, R_OK) == 0) {
        if (lib_open(beside, &g_probed, err, sizeof err) == EB_OK)
            return EB_OK;
        snprintf(why, len, "%s cannot be used: %s", beside, err);
        return EB_ERR_UNAVAILABLE;
    }
    static const char *const names[] = {"libonnxruntime.so", "libonnxruntime.so.1"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (lib_open(names[i], &g_probed, err, sizeof err) == EB_OK)
            return EB_OK;
    snprintf(why, len,
             "no %s, and libonnxruntime.so is not on the library path (%s); fix: build with "
             "access to the npm registry (the build fetches onnxruntime-node and puts the "
             "library there), or set EDGEBENCH_ONNXRUNTIME_LIB=/path/to/libonnxruntime.so.1 "
             "(docs/delegates.md)",
             beside[0] ? beside : "onnxruntime/libonnxruntime.so.1 beside the plugin", err);

    return EB_ERR_UNAVAILABLE;
}

static const char *ort_library_version(void) { return g_probed.version ? g_probed.version : ""; }

static eb_status ort_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    eb_backend_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, len, "onnxruntime: out of memory");
        return EB_ERR_NOMEM;
    }
    eb_status st = EB_ERR_INVALID_ARG;
    c->threads = o && o->threads > 0 ? o->threads : 1;
    c->inter_threads = 1;
    c->opt_level = ORT_ENABLE_ALL;
    const char *library = NULL;
    for (int i = 0; o && i < o->n_options; i++) {
        const char *k = o->keys[i], *v = o->values[i] ? o->values[i] : "";
        if (strcmp(k, "library") == 0) {
            library = v;
        } else if (strcmp(k, "graph_optimization") == 0) {
            c->opt_level = strcmp(v, "disable") == 0    ? ORT_DISABLE_ALL
                           : strcmp(v, "basic") == 0    ? ORT_ENABLE_BASIC
                           : strcmp(v, "extended") == 0 ? ORT_ENABLE_EXTENDED
                           : strcmp(v, "all") == 0      ? ORT_ENABLE_ALL
                                                        : -1;
            if (c->opt_level < 0) {
                snprintf(msg, len, "onnxruntime: graph_optimization takes disable, basic, "
                                   "extended or all, not '%s'", v);
                goto fail;
            }
        } else if (strcmp(k, "inter_op_threads") == 0) {
            c->inter_threads = atoi(v);
            if (c->inter_threads < 1) {
                snprintf(msg, len, "onnxruntime: inter_op_threads takes a count >= 1, not '%s'", v);
                goto fail;
            }
        } else {
            snprintf(msg, len, "onnxruntime: unknown option '%s' (onnxruntime takes library, "
                               "graph_optimization, inter_op_threads)", k);
            goto fail;
        }
    }
    if (library && *library) {
        char err[512];
        if (lib_open(library, &c->lib, err, sizeof err) != EB_OK) {
            snprintf(msg, len, "onnxruntime: option library=%s: %s", library, err);
            st = EB_ERR_UNAVAILABLE;
            goto fail;
        }
        c->own_dl = 1;
    } else if (g_probed.dl) {
        c->lib = g_probed;
    } else {
        snprintf(msg, len, "onnxruntime: no library loaded (probe failed)");
        st = EB_ERR_UNAVAILABLE;
        goto fail;
    }
    const ort_fn *api = c->lib.api;
    if ((st = take(api, ORT_CALL(api, ORT_CreateEnv, fn_create_env)(ORT_LOGGING_LEVEL_ERROR, "edgebench", &c->env),
                   "CreateEnv", msg, len)) != EB_OK)
        goto fail;
    if ((st = take(api, ORT_CALL(api, ORT_CreateCpuMemoryInfo, fn_cpu_mem)(ORT_ARENA_ALLOCATOR, ORT_MEM_TYPE_DEFAULT, &c->mem),
                   "CreateCpuMemoryInfo", msg, len)) != EB_OK)
        goto fail;
    eb_glue_init(&c->glue);
    *out = c;
    return EB_OK;
fail:
    if (c->mem)
        ORT_CALL(c->lib.api, ORT_ReleaseMemoryInfo, fn_release)(c->mem);
    if (c->env)
        ORT_CALL(c->lib.api, ORT_ReleaseEnv, fn_release)(c->env);
    if (c->own_dl)
        dlclose(c->lib.dl);
    free(c);
    return st;
}

static void ort_close(eb_backend_ctx *c)
{
    if (!c)
        return;
    eb_glue_report(&c->glue, "onnxruntime");
    ORT_CALL(c->lib.api, ORT_ReleaseMemoryInfo, fn_release)(c->mem);
    ORT_CALL(c->lib.api, ORT_ReleaseEnv, fn_release)(c->env);
    if (c->own_dl)
        dlclose(c->lib.dl);
    free(c);
}

static int ort_supports(eb_backend_ctx *c, const eb_graph *g, int node, char *why, size_t len)
{
    (void)c;
    const eb_node *n = &g->nodes[node];
    /* The CPU execution provider implements the default domain and
     * Microsoft's contrib ops; a kernel missing for an op or type is
     * reported by prepare (session creation) with ONNX Runtime's message. */
    if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0 && strcmp(n->domain, "com.microsoft") != 0) {
        snprintf(why, len, "domain '%s' is not served by ONNX Runtime's CPU provider", n->domain);
        return 0;
    }
    return 1;
}

static void release_bound(const ort_fn *api, bound *b, int n)
{
    for (int i = 0; b && i < n; i++)
        if (b[i].v)
            ORT_CALL(api, ORT_ReleaseValue, fn_release)(b[i].v);
}

static void ort_release(eb_backend_ctx *c, eb_plan *p)
{
    if (!p)
        return;
    release_bound(c->lib.api, p->in, p->n_in);
    release_bound(c->lib.api, p->out, p->n_out);
    if (p->session)
        ORT_CALL(c->lib.api, ORT_ReleaseSession, fn_release)(p->session);
    free(p->in_names);
    free(p->out_names);
    free(p->in);
    free(p->out);
    free(p->in_v);
    free(p->out_v);
    free(p);
}

static eb_status ort_prepare(eb_backend_ctx *c, const eb_model *m, eb_plan **out, char *msg,
                             size_t len)
{
    const ort_fn *api = c->lib.api;
    const eb_graph *g = m->graph;
    if (!m->bytes || !m->nbytes) {
        snprintf(msg, len, "onnxruntime: %s: the model's bytes are needed", g->path);
        return EB_ERR_INVALID_ARG;
    }
    eb_plan *p = calloc(1, sizeof *p);
    OrtSessionOptions *so = NULL;
    eb_status st = EB_ERR_NOMEM;
    if (!p)
        goto fail;
    p->n_in = g->n_inputs;
    p->n_out = g->n_outputs;
    p->in_names = calloc((size_t)p->n_in + 1, sizeof *p->in_names);
    p->out_names = calloc((size_t)p->n_out + 1, sizeof *p->out_names);
    p->in = calloc((size_t)p->n_in + 1, sizeof *p->in);
    p->out = calloc((size_t)p->n_out + 1, sizeof *p->out);
    p->in_v = calloc((size_t)p->n_in + 1, sizeof *p->in_v);
    p->out_v = calloc((size_t)p->n_out + 1, sizeof *p->out_v);
    if (!p->in_names || !p->out_names || !p->in || !p->out || !p->in_v || !p->out_v)
        goto fail;
    for (int i = 0; i < p->n_in; i++)
        p->in_names[i] = g->tensors[g->inputs[i]].name;
    for (int i = 0; i < p->n_out; i++)
        p->out_names[i] = g->tensors[g->outputs[i]].name;
    if ((st = take(api, ORT_CALL(api, ORT_CreateSessionOptions, fn_create_opts)(&so), "CreateSessionOptions", msg, len)) ||
        (st = take(api, ORT_CALL(api, ORT_SetIntraOpNumThreads, fn_opts_int)(so, c->threads), "SetIntraOpNumThreads", msg, len)) ||
        (st = take(api, ORT_CALL(api, ORT_SetInterOpNumThreads, fn_opts_int)(so, c->inter_threads), "SetInterOpNumThreads", msg, len)) ||
        (st = take(api, ORT_CALL(api, ORT_SetSessionExecutionMode, fn_opts_int)(so, ORT_SEQUENTIAL), "SetSessionExecutionMode", msg, len)) ||
        (st = take(api, ORT_CALL(api, ORT_SetSessionGraphOptimizationLevel, fn_opts_int)(so, c->opt_level),
                   "SetSessionGraphOptimizationLevel", msg, len)))
        goto fail;
    char m2[900];
    if ((st = take(api, ORT_CALL(api, ORT_CreateSessionFromArray, fn_session_from_array)(c->env, m->bytes, m->nbytes, so, &p->session),
                   "creating the session", m2, sizeof m2)) != EB_OK) {
        snprintf(msg, len, "%s: %s", g->path, m2);
        goto fail;
    }
    ORT_CALL(api, ORT_ReleaseSessionOptions, fn_release)(so);
    *out = p;
    return EB_OK;
fail:
    if (st == EB_ERR_NOMEM)
        snprintf(msg, len, "onnxruntime: out of memory");
    if (so)
        ORT_CALL(api, ORT_ReleaseSessionOptions, fn_release)(so);
    ort_release(c, p);
    return st;
}

/* Wrap the caller's buffer in an OrtValue, reusing last run's when the
 * buffer is the same (the timing loop passes the same buffers each time). */
static eb_status bind(eb_backend_ctx *c, bound *b, const eb_value *v, char *msg, size_t len)
{
    if (b->v && b->data == v->data)
        return EB_OK;
    const ort_fn *api = c->lib.api;
    if (b->v)
        ORT_CALL(api, ORT_ReleaseValue, fn_release)(b->v);
    b->v = NULL;
    eb_status st = take(api, ORT_CALL(api, ORT_CreateTensorWithDataAsOrtValue, fn_tensor_with_data)(
                                 c->mem, v->data, v->nbytes, v->dims, (size_t)v->rank, (int)v->dtype, &b->v),
                        "CreateTensorWithDataAsOrtValue", msg, len);
    b->data = st == EB_OK ? v->data : NULL;
    return st;
}

static eb_status ort_run(eb_backend_ctx *c, eb_plan *p, const eb_value *in, int n_in,
                         eb_value *out, int n_out, char *msg, size_t len)
{
    uint64_t t0 = eb_glue_now(&c->glue);
    if (n_in != p->n_in || n_out != p->n_out) {
        snprintf(msg, len, "onnxruntime: %d inputs / %d outputs given, the session has %d / %d",
                 n_in, n_out, p->n_in, p->n_out);
        return EB_ERR_INVALID_ARG;
    }
    eb_status st;
    for (int i = 0; i < n_in; i++) {
        if ((st = bind(c, &p->in[i], &in[i], msg, len)) != EB_OK)
            return st;
        p->in_v[i] = p->in[i].v;
    }
    for (int i = 0; i < n_out; i++) {
        if ((st = bind(c, &p->out[i], &out[i], msg, len)) != EB_OK)
            return st;
        p->out_v[i] = p->out[i].v;
    }
    uint64_t t1 = eb_glue_now(&c->glue);
    /* Outputs pre-bound to the caller's buffers: ONNX Runtime writes into
     * them, no copy afterwards. */
    OrtStatus *s = ORT_CALL(c->lib.api, ORT_Run, fn_run)(p->session, NULL, p->in_names, (const OrtValue *const *)p->in_v,
                                                        (size_t)n_in, p->out_names, (size_t)n_out, p->out_v);
    uint64_t t2 = eb_glue_now(&c->glue);
    st = take(c->lib.api, s, "Run", msg, len);
    if (c->glue.on) {
        uint64_t t3 = eb_glue_now(&c->glue);
        c->glue.runs++;
        c->glue.total_ns += t3 - t0;
        c->glue.vendor_ns += t2 - t1;
    }
    return st;
}

/* The op types conformance runs ONNX Runtime on: the standard ops of the
 * default domain its CPU provider implements. */
static const char *const ort_ops[] = {
    "Abs", "Acos", "Acosh", "Add", "And", "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atanh",
    "AveragePool", "BatchNormalization", "BitShift", "Cast", "Ceil", "Celu", "Clip", "Compress",
    "Concat", "Constant", "ConstantOfShape", "Conv", "ConvInteger", "ConvTranspose", "Cos", "Cosh",
    "CumSum", "DepthToSpace", "DequantizeLinear", "Det", "Div", "Dropout", "DynamicQuantizeLinear",
    "Einsum", "Elu", "Equal", "Erf", "Exp", "Expand", "EyeLike", "Flatten", "Floor", "GRU",
    "Gather", "GatherElements", "GatherND", "Gemm", "GlobalAveragePool", "GlobalMaxPool",
    "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish", "Hardmax", "Identity", "If",
    "InstanceNormalization", "IsInf", "IsNaN", "LRN", "LSTM", "LeakyRelu", "Less", "LessOrEqual",
    "Log", "LogSoftmax", "MatMul", "MatMulInteger", "Max", "MaxPool", "MaxRoiPool", "MaxUnpool",
    "Mean", "MeanVarianceNormalization", "Min", "Mod", "Mul", "Neg", "NonMaxSuppression", "NonZero",
    "Not", "OneHot", "Or", "PRelu", "Pad", "Pow", "QLinearConv", "QLinearMatMul", "QuantizeLinear",
    "RNN", "Range", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
    "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "Relu",
    "Reshape", "Resize", "ReverseSequence", "RoiAlign", "Round", "Scatter", "ScatterElements",
    "ScatterND", "Selu", "Shape", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Size", "Slice",
    "Softmax", "Softplus", "Softsign", "SpaceToDepth", "Split", "Sqrt", "Squeeze", "Sub", "Sum",
    "Tan", "Tanh", "ThresholdedRelu", "Tile", "TopK", "Transpose", "Trilu", "Unique", "Unsqueeze",
    "Upsample", "Where", "Xor", NULL};

static const eb_backend ort_backend = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = "onnxruntime",
    .version = "1",
    .description = "ONNX Runtime CPU execution provider (C API, libonnxruntime.so loaded at run time)",
    .probe = ort_probe,
    .library_version = ort_library_version,
    .open = ort_open,
    .close = ort_close,
    .supports = ort_supports,
    .prepare = ort_prepare,
    .run = ort_run,
    .release = ort_release,
    .ops = ort_ops,
};

EB_ORT_EXPORT const eb_backend *edgebench_backend_entry(void) { return &ort_backend; }
