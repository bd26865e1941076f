/* The simd backend's table (see simd_backend.h, simd_plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_backend.h"
#include "backends/simd/simd_backend.h"
#include "backends/simd/simd_isa.h"
#include "backends/simd/simd_plan.h"
#include "backends/simd/simd_pool.h"
#include "edgebench/version.h"

struct eb_backend_ctx {
    unsigned isa;
    int qdq_fusion;
    int const_fold;
    eb_simd_pool *pool;
    /* placement() answers from one prepared plan of the last graph asked */
    const eb_graph *where_graph;
    eb_simd_plan *where_plan;
};

/* The environment variable that caps the ISA for every simd ctx (like
 * oneDNN's ONEDNN_MAX_CPU_ISA): lets the whole test suite and conformance
 * run on the portable or AVX2 kernels of a bigger machine. */
#define ISA_ENV "EB_SIMD_MAX_ISA"

/* The features probe() was told about; without probe() (a program opening
 * the backend directly) open() knows nothing of the CPU and uses only the
 * levels every CPU of the architecture has: simd does not detect the CPU
 * itself, the harness does (devices/host_detect.c). */
static uint64_t probed_features;
static int probed;

static eb_status simd_probe(const eb_host *host, char *why, size_t why_len)
{
    if (host) {
        probed_features = host->features;
        probed = 1;
    }
    (void)why;
    (void)why_len;
    /* Always usable: without vector units the portable variants run. */
    return EB_OK;
}

static eb_status parse_isa(const char *v, const char *from, unsigned *isa, char *msg,
                           size_t msg_len)
{
    unsigned cap;
    if (!eb_simd_isa_cap(v, &cap)) {
        snprintf(msg, msg_len,
                 "simd: %s '%s' is not an ISA level (c, avx2, avx512, avx512vnni, neon, "
                 "neondot)",
                 from, v);
        return EB_ERR_INVALID_ARG;
    }
    *isa &= cap;
    return EB_OK;
}

static eb_status simd_open(const eb_backend_options *opts, eb_backend_ctx **ctx_out, char *msg,
                           size_t msg_len)
{
    *ctx_out = NULL;
    eb_backend_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, msg_len, "simd: out of memory");
        return EB_ERR_NOMEM;
    }
    eb_host host = {.struct_size = sizeof host, .features = probed_features};
    c->isa = eb_simd_isa_from_host(probed ? &host : NULL);
    c->qdq_fusion = 1;
    c->const_fold = 1;
    eb_status st = EB_OK;
    const char *env = getenv(ISA_ENV);
    if (env && *env)
        st = parse_isa(env, ISA_ENV, &c->isa, msg, msg_len);
    for (int i = 0; st == EB_OK && opts && i < opts->n_options; i++) {
        const char *k = opts->keys[i], *v = opts->values[i] ? opts->values[i] : "";
        if (strcmp(k, "isa") == 0) {
            st = parse_isa(v, "option isa", &c->isa, msg, msg_len);
        } else if (strcmp(k, "qdq_fusion") == 0 || strcmp(k, "const_fold") == 0) {
            if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0) {
                *(k[0] == 'q' ? &c->qdq_fusion : &c->const_fold) = v[0] == '1';
            } else {
                snprintf(msg, msg_len, "simd: option %s takes 0 or 1, not '%s'", k, v);
                st = EB_ERR_INVALID_ARG;
            }
        } else {
            snprintf(msg, msg_len, "simd: unknown option '%s' (simd takes isa=LEVEL, qdq_fusion=0|1, const_fold=0|1)",
                     k);
            st = EB_ERR_INVALID_ARG;
        }
    }
    if (st != EB_OK) {
        free(c);
        return st;
    }
    /* threads 0: one, like ref, so an unstated count never oversubscribes a
     * machine shared with other cells */
    int threads = opts && opts->threads > 0 ? opts->threads : 1;
    c->pool = eb_simd_pool_create(threads);
    if (!c->pool) {
        snprintf(msg, msg_len, "simd: cannot start a pool of %d threads", threads);
        free(c);
        return EB_ERR_NOMEM;
    }
    *ctx_out = c;
    return EB_OK;
}

static void simd_close(eb_backend_ctx *ctx)
{
    if (!ctx)
        return;
    eb_simd_plan_destroy(ctx->where_plan);
    eb_simd_pool_destroy(ctx->pool);
    free(ctx);
}

static int simd_supports(eb_backend_ctx *ctx, const eb_graph *g, int node, char *why,
                         size_t why_len)
{
    (void)ctx;
    /* what simd does not accelerate runs on the ref kernels, so it takes
     * exactly what ref takes */
    return eb_ref_backend()->supports(NULL, g, node, why, why_len);
}

static eb_status simd_prepare(eb_backend_ctx *ctx, const eb_model *model, eb_plan **plan_out,
                              char *msg, size_t msg_len)
{
    eb_simd_plan_options o = {.isa = ctx->isa, .qdq_fusion = ctx->qdq_fusion,
                             .const_fold = ctx->const_fold, .pool = ctx->pool};
    eb_simd_plan *p = NULL;
    eb_status st = eb_simd_plan_create(model->graph, &o, &p, msg, msg_len);
    /* eb_plan is opaque to the harness; ours is an eb_simd_plan */
    *plan_out = (eb_plan *)p;
    return st;
}

static eb_status simd_run(eb_backend_ctx *ctx, eb_plan *plan, const eb_value *inputs,
                          int n_inputs, eb_value *outputs, int n_outputs, char *msg,
                          size_t msg_len)
{
    (void)ctx;
    return eb_simd_plan_run((eb_simd_plan *)plan, inputs, n_inputs, outputs, n_outputs, msg,
                            msg_len);
}

static void simd_release(eb_backend_ctx *ctx, eb_plan *plan)
{
    (void)ctx;
    eb_simd_plan_destroy((eb_simd_plan *)plan);
}

static eb_status simd_profile(eb_backend_ctx *ctx, eb_plan *plan, uint64_t *node_ns,
                              int n_nodes)
{
    (void)ctx;
    eb_simd_plan_profile((const eb_simd_plan *)plan, node_ns, n_nodes);
    return EB_OK;
}

static int simd_placement(eb_backend_ctx *ctx, const eb_graph *g, int node, char *where,
                          size_t where_len)
{
    if (ctx->where_graph != g) {
        eb_simd_plan_destroy(ctx->where_plan);
        ctx->where_plan = NULL;
        ctx->where_graph = g;
        eb_simd_plan_options o = {.isa = ctx->isa, .qdq_fusion = ctx->qdq_fusion,
                                  .const_fold = ctx->const_fold, .pool = ctx->pool};
        char msg[512];
        if (eb_simd_plan_create(g, &o, &ctx->where_plan, msg, sizeof msg) != EB_OK)
            ctx->where_plan = NULL;
    }
    if (!ctx->where_plan)
        return 0;
    snprintf(where, where_len, "%s", eb_simd_plan_where(ctx->where_plan, node));
    return 1;
}

static eb_backend simd_backend;

const eb_backend *eb_simd_backend(void)
{
    simd_backend = (eb_backend){
        .abi_version = EB_BACKEND_ABI_VERSION,
        .struct_size = sizeof(eb_backend),
        .name = "simd",
        .version = EB_VERSION_STRING,
        .description = "vectorised kernels (AVX2/AVX-512 on x86-64, NEON/dotprod on aarch64), "
                       "fp32 and int8, ref fallback",
        .probe = simd_probe,
        .library_version = NULL,
        .open = simd_open,
        .close = simd_close,
        .supports = simd_supports,
        .prepare = simd_prepare,
        .run = simd_run,
        .release = simd_release,
        .profile = simd_profile,
        .ops = eb_ref_backend()->ops,
        .placement = simd_placement,
    };
    return &simd_backend;
}
