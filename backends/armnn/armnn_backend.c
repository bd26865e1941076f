/* The armnn delegate: Arm NN (Debian's 20.08 release, libarmnn22) runs a
 * .tflite model whole, read by Arm NN's own TfLite parser from the file's
 * bytes (eb_model.bytes), on the first Arm NN backend of CpuAcc (Arm's
 * Compute Library, Arm CPUs) and CpuRef (Arm NN's portable reference) that
 * this process has registered, or on the one the option `backend` names.
 * The version and the backend chosen are the run's library_version
 * ("22.0.0, CpuRef"); the C++ API is reached through armnn_shim.cpp.
 *
 * edgebench's own import of the same file gives the graph the harness
 * feeds and checks, so `armnn` against `ref` on one .tflite compares two
 * independent readers and kernel sets (tests/cli/test_armnn.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/armnn/armnn_precheck.h"
#include "backends/armnn/armnn_shim.h"
#include "backends/delegate/delegate_glue.h"
#include "edgebench/backend.h"

static char g_auto[32];       /* backend picked by probe: CpuAcc, else CpuRef */
static char g_libversion[96]; /* "22.0.0, CpuRef" */

struct eb_backend_ctx {
    char backend[32];
    eb_glue_clock glue;
};

struct eb_plan {
    eb_armnn_net *net;
    int n_in, n_out;
    const void **in;
    void **out;
};

static int registered(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(list, name); p; p = strstr(p + 1, name))
        if ((p == list || p[-1] == ' ' || p[-1] == ',') && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return 1;
    return 0;
}

static eb_status armnn_probe(const eb_host *host, char *why, size_t len)
{
    (void)host;
    char list[256];
    if (eb_armnn_backends(list, sizeof list) != 0) {
        snprintf(why, len, "Arm NN's backend registry failed: %s", list);
        return EB_ERR_UNAVAILABLE;
    }
    const char *pick = registered(list, "CpuAcc") ? "CpuAcc" : registered(list, "CpuRef") ? "CpuRef" : NULL;
    if (!pick) {
        snprintf(why, len, "Arm NN %s has neither CpuAcc nor CpuRef registered (it has: %s); fix: "
                 "apt-get install libarmnn-cpuref-backend22", eb_armnn_version(), list[0] ? list : "none");
        return EB_ERR_UNAVAILABLE;
    }
    snprintf(g_auto, sizeof g_auto, "%s", pick);
    snprintf(g_libversion, sizeof g_libversion, "%s, %s", eb_armnn_version(), pick);
    return EB_OK;
}

static const char *armnn_library_version(void) { return g_libversion; }

static eb_status armnn_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    eb_backend_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, len, "armnn: out of memory");
        return EB_ERR_NOMEM;
    }
    snprintf(c->backend, sizeof c->backend, "%s", g_auto[0] ? g_auto : "CpuRef");
    for (int i = 0; o && i < o->n_options; i++) {
        const char *k = o->keys[i], *v = o->values[i] ? o->values[i] : "";
        if (strcmp(k, "backend") == 0 && (strcmp(v, "CpuAcc") == 0 || strcmp(v, "CpuRef") == 0)) {
            snprintf(c->backend, sizeof c->backend, "%s", v);
        } else if (strcmp(k, "backend") == 0 && strcmp(v, "auto") == 0) {
            /* the probe's choice */
        } else {
            snprintf(msg, len, strcmp(k, "backend") == 0
                                   ? "armnn: backend takes auto, CpuAcc or CpuRef, not '%s'"
                                   : "armnn: unknown option '%s' (armnn takes backend)",
                     strcmp(k, "backend") == 0 ? v : k);
            free(c);
            return EB_ERR_INVALID_ARG;
        }
    }
    eb_glue_init(&c->glue);
    *out = c;
    return EB_OK;
}

static void armnn_close(eb_backend_ctx *c)
{
    if (!c)
        return;
    eb_glue_report(&c->glue, "armnn");
    free(c);
}

/* The DequantizeLinear producing tensor t, or NULL. */
static const eb_node *dq_of(const eb_graph *g, int t)
{
    if (t < 0 || eb_graph_tensor(g, t)->producer < 0)
        return NULL;
    const eb_node *n = eb_graph_node(g, eb_graph_tensor(g, t)->producer);
    return strcmp(n->op_type, "DequantizeLinear") == 0 ? n : NULL;
}

static int armnn_supports(eb_backend_ctx *c, const eb_graph *g, int node, char *why, size_t len)
{
    (void)c;
    if (!eb_graph_layout_ok(g, why, len))
        return 0;
    if (strncmp(g->producer ? g->producer : "", "tflite", 6) != 0) {
        snprintf(why, len, "armnn runs .tflite models only (Arm NN's TfLite parser reads the file)");
        return 0;
    }
    const eb_node *n = eb_graph_node(g, node);
    /* Arm NN 20.08 limits found by running it, refused here so they are a
     * refusal instead of its assertion (abort) or parse error: */
    if ((strcmp(n->op_type, "Conv") == 0 || strcmp(n->op_type, "Gemm") == 0) && n->n_inputs < 3) {
        snprintf(why, len, "Arm NN 20.08's TfLite parser needs the bias input (omitted here)");
        return 0;
    }
    if (strcmp(n->op_type, "Gemm") == 0) {
        const eb_node *dq = n->n_inputs > 1 ? dq_of(g, n->inputs[1]) : NULL;
        const eb_tensor *w = dq && dq->n_inputs > 0 && dq->inputs[0] >= 0 ? eb_graph_tensor(g, dq->inputs[0]) : NULL;
        if (w && w->quant.count > 1) {
            snprintf(why, len, "Arm NN 20.08 aborts on per-channel quantised fully-connected weights");
            return 0;
        }
    }
    return 1;
}

static void armnn_release(eb_backend_ctx *c, eb_plan *p)
{
    (void)c;
    if (!p)
        return;
    eb_armnn_free(p->net);
    free(p->in);
    free(p->out);
    free(p);
}

static eb_status armnn_prepare(eb_backend_ctx *c, const eb_model *m, eb_plan **out, char *msg,
                               size_t len)
{
    const eb_graph *g = m->graph;
    const unsigned char *b = m->bytes;
    if (!b || m->nbytes < 8 || memcmp(b + 4, "TFL3", 4) != 0) {
        snprintf(msg, len, "armnn: %s is not a .tflite file (Arm NN's TfLite parser reads the file)",
                 g->path);
        return EB_ERR_UNSUPPORTED;
    }
    /* What would crash or abort Arm NN (and with it this cell's process) is
     * refused here, with the reason, before its parser sees the file. */
    char why[400];
    if (eb_armnn_precheck(b, m->nbytes, why, sizeof why) != 0) {
        snprintf(msg, len, "armnn: %s: %s", g->path, why);
        return EB_ERR_UNSUPPORTED;
    }
    eb_plan *p = calloc(1, sizeof *p);
    if (!p || !(p->in = calloc((size_t)g->n_inputs + 1, sizeof *p->in)) ||
        !(p->out = calloc((size_t)g->n_outputs + 1, sizeof *p->out))) {
        armnn_release(c, p);
        snprintf(msg, len, "armnn: out of memory");
        return EB_ERR_NOMEM;
    }
    p->n_in = g->n_inputs;
    p->n_out = g->n_outputs;
    char m2[900];
    if (eb_armnn_load(m->bytes, m->nbytes, c->backend, &p->net, m2, sizeof m2) != 0) {
        snprintf(msg, len, "%s: %s", g->path, m2);
        armnn_release(c, p);
        return EB_ERR_BACKEND;
    }
    /* bound by the TFLite names edgebench's import keeps for inputs and outputs */
    for (int i = 0; i < g->n_inputs + g->n_outputs; i++) {
        int is_in = i < g->n_inputs;
        const eb_tensor *t = eb_graph_tensor(g, is_in ? g->inputs[i] : g->outputs[i - g->n_inputs]);
        if (eb_armnn_bind(p->net, is_in, t->name, t->nbytes, m2, sizeof m2) != 0) {
            snprintf(msg, len, "%s: %s", g->path, m2);
            armnn_release(c, p);
            return EB_ERR_BACKEND;
        }
    }
    *out = p;
    return EB_OK;
}

static eb_status armnn_run(eb_backend_ctx *c, eb_plan *p, const eb_value *in, int n_in,
                           eb_value *out, int n_out, char *msg, size_t len)
{
    uint64_t t0 = eb_glue_now(&c->glue);
    if (n_in != p->n_in || n_out != p->n_out) {
        snprintf(msg, len, "armnn: %d inputs / %d outputs given, the network has %d / %d", n_in,
                 n_out, p->n_in, p->n_out);
        return EB_ERR_INVALID_ARG;
    }
    for (int i = 0; i < n_in; i++)
        p->in[i] = in[i].data;
    for (int i = 0; i < n_out; i++)
        p->out[i] = out[i].data;
    uint64_t t1 = eb_glue_now(&c->glue);
    int r = eb_armnn_run(p->net, p->in, p->out, msg, len);
    if (c->glue.on) {
        uint64_t t2 = eb_glue_now(&c->glue);
        c->glue.runs++;
        c->glue.total_ns += t2 - t0;
        c->glue.vendor_ns += t2 - t1;
    }
    return r == 0 ? EB_OK : EB_ERR_BACKEND;
}

static int armnn_placement(eb_backend_ctx *c, const eb_graph *g, int node, char *where, size_t len)
{
    (void)g;
    (void)node;
    snprintf(where, len, "armnn %s (the whole file, Arm NN's TfLite parser)", c->backend);
    return 1;
}

/* The IR op types edgebench's TFLite import emits, all of which stand for
 * TFLite operators Arm NN 20.08's parser maps. */
static const char *const armnn_ops[] = {
    "Add", "AveragePool", "Clip", "Concat", "Conv", "DequantizeLinear", "Gemm",
    "GlobalAveragePool", "HardSwish", "Identity", "MaxPool", "Mul", "Pad", "QuantizeLinear",
    "Relu", "Reshape", "Sigmoid", "Softmax", "Tanh", "Transpose", NULL};

static const eb_backend armnn_backend = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = "armnn",
    .version = "1",
    .description = "Arm NN (CpuAcc, else CpuRef) running .tflite files through its TfLite parser",
    .probe = armnn_probe,
    .library_version = armnn_library_version,
    .open = armnn_open,
    .close = armnn_close,
    .supports = armnn_supports,
    .prepare = armnn_prepare,
    .run = armnn_run,
    .release = armnn_release,
    .ops = armnn_ops,
    .placement = armnn_placement,
};

EB_BACKEND_EXPORT const eb_backend *edgebench_backend_entry(void) { return &armnn_backend; }
