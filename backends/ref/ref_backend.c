/* The ref backend: portable C kernels, fp32 and int8, no intrinsics.
 * It is the numerical truth every other backend is compared with. */
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_backend.h"
#include "backends/ref/ref_plan.h"
#include "edgebench/version.h"

struct eb_backend_ctx {
    int threads;
    eb_ref_plan_options plan;
};

/* "1"/"on"/"true" or "0"/"off"/"false"; -1 for anything else. */
static int parse_bool(const char *v)
{
    static const char *const yes[] = {"1", "on", "true", "yes"};
    static const char *const no[] = {"0", "off", "false", "no"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0)
            return 1;
        if (strcmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

static eb_status ref_probe(const eb_host *host, char *why, size_t why_len)
{
    (void)host;
    (void)why;
    (void)why_len;
    return EB_OK; /* portable C: runs wherever edgebench runs */
}

static eb_status ref_open(const eb_backend_options *opts, eb_backend_ctx **ctx_out, char *msg,
                          size_t msg_len)
{
    eb_backend_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, msg_len, "ref: out of memory");
        return EB_ERR_NOMEM;
    }
    c->threads = 1;
    c->plan = EB_REF_PLAN_DEFAULTS;
    for (int i = 0; opts && i < opts->n_options; i++) {
        /* qdq_fusion=0 runs QDQ models exactly as written (DQ -> float -> Q),
         * the semantic definition the fused integer execution is checked
         * against. memory_reuse=0 gives every activation its own buffer
         * instead of sharing an arena by lifetime (to compare memory, or to
         * rule the arena out when hunting a bug). const_fold=0 runs
         * Identity / QuantizeLinear nodes of constants at every inference
         * instead of once at prepare (ref_fold.h). */
        int *target = strcmp(opts->keys[i], "qdq_fusion") == 0     ? &c->plan.qdq_fusion
                      : strcmp(opts->keys[i], "memory_reuse") == 0 ? &c->plan.memory_reuse
                      : strcmp(opts->keys[i], "const_fold") == 0   ? &c->plan.const_fold
                                                                   : NULL;
        if (target) {
            int v = parse_bool(opts->values[i] ? opts->values[i] : "");
            if (v >= 0) {
                *target = v;
                continue;
            }
            snprintf(msg, msg_len, "ref: option %s takes 0 or 1, not '%s'", opts->keys[i],
                     opts->values[i] ? opts->values[i] : "");
        } else {
            snprintf(msg, msg_len,
                     "ref: unknown option '%s' (ref takes qdq_fusion=0|1, memory_reuse=0|1, "
                     "const_fold=0|1)",
                     opts->keys[i]);
        }
        free(c);
        return EB_ERR_INVALID_ARG;
    }
    *ctx_out = c;
    return EB_OK;
}

static void ref_close(eb_backend_ctx *ctx) { free(ctx); }

static int ref_supports(eb_backend_ctx *ctx, const eb_graph *g, int node, char *why,
                        size_t why_len)
{
    (void)ctx;
    const eb_node *n = &g->nodes[node];
    if (n->domain[0] != '\0') {
        snprintf(why, why_len, "domain '%s' is not supported", n->domain);
        return 0;
    }
    const eb_ref_op *op = eb_ref_find_op(n->op_type);
    if (!op) {
        snprintf(why, why_len, "op %s is not implemented by ref", n->op_type);
        return 0;
    }
    return op->check(g, n, why, why_len);
}

static eb_status ref_prepare(eb_backend_ctx *ctx, const eb_model *model, eb_plan **plan_out,
                             char *msg, size_t msg_len)
{
    /* eb_plan is opaque to the harness; ref's is an eb_ref_plan */
    eb_ref_plan *p = NULL;
    eb_status st = eb_ref_plan_create(model->graph, &ctx->plan, &p, msg, msg_len);
    *plan_out = (eb_plan *)p;
    return st;
}

static eb_status ref_run(eb_backend_ctx *ctx, eb_plan *plan, const eb_value *inputs,
                         int n_inputs, eb_value *outputs, int n_outputs, char *msg,
                         size_t msg_len)
{
    (void)ctx;
    return eb_ref_plan_run((eb_ref_plan *)plan, inputs, n_inputs, outputs, n_outputs, msg,
                           msg_len);
}

static void ref_release(eb_backend_ctx *ctx, eb_plan *plan)
{
    (void)ctx;
    eb_ref_plan_destroy((eb_ref_plan *)plan);
}

static eb_status ref_profile(eb_backend_ctx *ctx, eb_plan *plan, uint64_t *node_ns, int n_nodes)
{
    (void)ctx;
    eb_ref_plan_profile((const eb_ref_plan *)plan, node_ns, n_nodes);
    return EB_OK;
}

static eb_backend ref_backend;

const eb_backend *eb_ref_backend(void)
{
    ref_backend = (eb_backend){
        .abi_version = EB_BACKEND_ABI_VERSION,
        .struct_size = sizeof(eb_backend),
        .name = "ref",
        .version = EB_VERSION_STRING,
        .description = "portable C reference kernels (fp32, int8), the numerical truth",
        .probe = ref_probe,
        .library_version = NULL,
        .open = ref_open,
        .close = ref_close,
        .supports = ref_supports,
        .prepare = ref_prepare,
        .run = ref_run,
        .release = ref_release,
        .profile = ref_profile,
        .ops = eb_ref_op_names(),
    };
    return &ref_backend;
}
