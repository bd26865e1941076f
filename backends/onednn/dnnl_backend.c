/* The onednn delegate: oneDNN (DNNL) primitives for convolution, inner
 * product, pooling and eltwise (plus binary, softmax and reorders), fp32,
 * each run of supported nodes one segment; with fallback=ref the other nodes
 * run on the reference backend (delegate_plan.h). Threads: Debian's oneDNN
 * uses OpenMP, so the thread count is OpenMP's. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/delegate/delegate_backend.h"
#include "backends/onednn/dnnl_internal.h"
#include "backends/onednn/dnnl_op_table.h"

#define EB_DNNL_EXPORT __attribute__((visibility("default")))

static const eb_delegate_desc dnnl_delegate = {
    .name = "onednn",
    .node_supported = eb_dnnl_node_supported,
    .ops = {.prepare = eb_dnnl_segment_prepare,
            .run = eb_dnnl_segment_run,
            .release = eb_dnnl_segment_release,
            .profile = eb_dnnl_segment_profile},
};

static char g_version[64];

static eb_status dnnl_probe(const eb_host *host, char *why, size_t len)
{
    (void)host;
    const dnnl_version_t *v = dnnl_version();
    int hash = v->hash && v->hash[0] && strcmp(v->hash, "N/A") != 0;
    snprintf(g_version, sizeof g_version, "%d.%d.%d%s%s%s", v->major, v->minor, v->patch,
             hash ? " (" : "", hash ? v->hash : "", hash ? ")" : "");
    dnnl_engine_t e;
    if (dnnl_engine_get_count(dnnl_cpu) < 1 || dnnl_engine_create(&e, dnnl_cpu, 0) != dnnl_success) {
        snprintf(why, len, "oneDNN %s has no CPU engine here", g_version);
        return EB_ERR_UNAVAILABLE;
    }
    dnnl_engine_destroy(e);
    return EB_OK;
}

static const char *dnnl_library_version(void) { return g_version; }

/* The highest ISA oneDNN may dispatch to. Debian's oneDNN 2.6 segfaults in
 * its AMX int8 1x1 convolution (jit_1x1:avx512_core_amx_int8) on the
 * MobileNet-v2 int8 fixture on a Sapphire Rapids host, and runs it below
 * AMX (docs/delegates.md), so the default stops below AMX; max_isa=all
 * opts in. $ONEDNN_MAX_CPU_ISA, when set, is the user's choice and wins
 * over the default. The setting is per process (the cell's), and oneDNN
 * takes it only before its first kernel: it is applied once. */
typedef struct isa_name {
    const char *name;
    dnnl_cpu_isa_t isa;
} isa_name;

static const isa_name isa_names[] = {
    {"all", dnnl_cpu_isa_all},
    {"avx2", dnnl_cpu_isa_avx2},
    {"avx2_vnni", dnnl_cpu_isa_avx2_vnni},
    {"avx512_core", dnnl_cpu_isa_avx512_core},
    {"avx512_core_vnni", dnnl_cpu_isa_avx512_core_vnni},
    {"avx512_core_bf16", dnnl_cpu_isa_avx512_core_bf16},
    {"avx512_core_amx", dnnl_cpu_isa_avx512_core_amx},
};
#define DNNL_DEFAULT_MAX_ISA "avx512_core_bf16"

static const isa_name *find_isa(const char *v)
{
    for (size_t i = 0; i < sizeof isa_names / sizeof isa_names[0]; i++)
        if (strcmp(isa_names[i].name, v) == 0)
            return &isa_names[i];
    return NULL;
}

static eb_status apply_max_isa(const char *want, int explicit_choice, char *msg, size_t len)
{
    static const isa_name *applied; /* what this process set */
    if (!explicit_choice && getenv("ONEDNN_MAX_CPU_ISA"))
        return EB_OK;
    const isa_name *in = find_isa(want);
    if (!in) {
        snprintf(msg, len, "onednn: max_isa does not take '%s' (all, avx2, avx2_vnni, avx512_core, "
                           "avx512_core_vnni, avx512_core_bf16, avx512_core_amx)", want);
        return EB_ERR_INVALID_ARG;
    }
    if (applied == in)
        return EB_OK;
    if (dnnl_set_max_cpu_isa(in->isa) != dnnl_success) {
        snprintf(msg, len, "onednn: max_isa=%s cannot be set: oneDNN already dispatched kernels "
                           "in this process%s%s", want, applied ? " with max_isa=" : "",
                 applied ? applied->name : "");
        return EB_ERR_INVALID_ARG;
    }
    applied = in;
    return EB_OK;
}

static int parse_bool(const char *v)
{
    if (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"))
        return 1;
    if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "false"))
        return 0;
    return -1;
}

static eb_status dnnl_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    eb_backend_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, len, "onednn: out of memory");
        return EB_ERR_NOMEM;
    }
    c->threads = o && o->threads > 0 ? o->threads : 1;
    c->fuse_eltwise = 1;
    c->int8 = 1;
    const char *max_isa = DNNL_DEFAULT_MAX_ISA;
    int isa_chosen = 0;
    for (int i = 0; o && i < o->n_options; i++) {
        const char *k = o->keys[i], *v = o->values[i] ? o->values[i] : "";
        int val = -1;
        if (strcmp(k, "max_isa") == 0) {
            max_isa = v;
            isa_chosen = 1;
            continue;
        }
        if (strcmp(k, "fallback") == 0 && (val = eb_delegate_parse_fallback(v)) >= 0) {
            c->fallback_ref = val;
            continue;
        }
        if (strcmp(k, "fuse") == 0 && (val = parse_bool(v)) >= 0) {
            c->fuse_eltwise = val;
            continue;
        }
        if (strcmp(k, "int8") == 0 && (val = parse_bool(v)) >= 0) {
            c->int8 = val;
            continue;
        }
        if (strcmp(k, "fallback") == 0 || strcmp(k, "fuse") == 0 || strcmp(k, "int8") == 0)
            snprintf(msg, len, "onednn: option %s does not take '%s' (fallback=ref|none, fuse=0|1, int8=0|1)", k, v);
        else
            snprintf(msg, len, "onednn: unknown option '%s' (onednn takes fallback=ref|none, fuse=0|1, int8=0|1, max_isa=ISA|all)", k);
        free(c);
        return EB_ERR_INVALID_ARG;
    }
    eb_status ist = apply_max_isa(max_isa, isa_chosen, msg, len);
    if (ist != EB_OK) {
        free(c);
        return ist;
    }
    /* the cell runs in its own process: setting OpenMP's count is local to it */
    omp_set_num_threads(c->threads);
    if (dnnl_engine_create(&c->engine, dnnl_cpu, 0) != dnnl_success ||
        dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags) != dnnl_success) {
        snprintf(msg, len, "onednn: cannot create the CPU engine / stream");
        if (c->engine)
            dnnl_engine_destroy(c->engine);
        free(c);
        return EB_ERR_BACKEND;
    }
    eb_glue_init(&c->glue);
    *out = c;
    return EB_OK;
}

static void dnnl_close(eb_backend_ctx *c)
{
    if (!c)
        return;
    eb_glue_report(&c->glue, "onednn");
    dnnl_stream_destroy(c->stream);
    dnnl_engine_destroy(c->engine);
    free(c);
}

static int dnnl_supports(eb_backend_ctx *c, const eb_graph *g, int node, char *why, size_t len)
{
    return eb_delegate_supports(&dnnl_delegate, c->fallback_ref, g, node, why, len);
}

static eb_status dnnl_prepare(eb_backend_ctx *c, const eb_model *m, eb_plan **out, char *msg,
                              size_t len)
{
    return eb_delegate_prepare(&dnnl_delegate, c, c->threads, m, out, msg, len);
}

static eb_status dnnl_run(eb_backend_ctx *c, eb_plan *p, const eb_value *in, int n_in,
                          eb_value *out, int n_out, char *msg, size_t len)
{
    return eb_delegate_run(&c->glue, p, in, n_in, out, n_out, msg, len);
}

/* per node: its oneDNN primitives' time; fallback nodes: ref's */
static eb_status dnnl_profile(eb_backend_ctx *c, eb_plan *p, uint64_t *node_ns, int n_nodes)
{
    (void)c;
    return eb_delegate_profile(p, node_ns, n_nodes);
}

static void dnnl_release(eb_backend_ctx *c, eb_plan *p)
{
    (void)c;
    eb_delegate_release(p);
}

static eb_backend dnnl_backend = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = "onednn",
    .version = "1",
    .description = "oneDNN primitives (conv, inner product, pooling, eltwise; fp32, int8 QDQ groups), OpenMP threads",
    .probe = dnnl_probe,
    .library_version = dnnl_library_version,
    .open = dnnl_open,
    .close = dnnl_close,
    .supports = dnnl_supports,
    .prepare = dnnl_prepare,
    .run = dnnl_run,
    .release = dnnl_release,
    .profile = dnnl_profile,
    /* .ops: the op table's names, set by the entry point */
};

EB_DNNL_EXPORT const eb_backend *edgebench_backend_entry(void)
{
    dnnl_backend.ops = eb_dnnl_op_names();
    return &dnnl_backend;
}
