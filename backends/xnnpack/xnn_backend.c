/* The xnnpack delegate: each run of supported nodes becomes one XNNPACK
 * subgraph (fp32; QuantizeLinear / DequantizeLinear as XNNPACK converts),
 * threaded through XNNPACK's pthreadpool; with fallback=ref the other nodes
 * run on the reference backend (delegate_plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/delegate/delegate_backend.h"
#include "backends/xnnpack/xnn_internal.h"
#include "backends/xnnpack/xnn_op_table.h"

#ifndef EB_XNNPACK_VERSION
#define EB_XNNPACK_VERSION "unknown"
#endif

#define EB_XNN_EXPORT __attribute__((visibility("default")))

static const eb_delegate_desc xnn_delegate = {
    .name = "xnnpack",
    .node_supported = eb_xnn_node_supported,
    .ops = {.prepare = eb_xnn_segment_prepare,
            .run = eb_xnn_segment_run,
            .release = eb_xnn_segment_release},
};

static eb_status xnn_probe(const eb_host *host, char *why, size_t len)
{
    (void)host;
    /* xnn_initialize is reference-counted and cheap after the first call */
    enum xnn_status s = xnn_initialize(NULL);
    if (s == xnn_status_success)
        return EB_OK;
    snprintf(why, len, "xnn_initialize failed (status %d)%s", (int)s,
             s == xnn_status_unsupported_hardware ? ": this CPU lacks what XNNPACK needs" : "");
    return EB_ERR_UNAVAILABLE;
}

/* XNNPACK has no version call: this is the Debian package the plugin was
 * built against (libxnnpack0 is versioned with the same upstream commit). */
static const char *xnn_library_version(void) { return EB_XNNPACK_VERSION; }

static eb_status xnn_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    eb_backend_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, len, "xnnpack: out of memory");
        return EB_ERR_NOMEM;
    }
    c->threads = o && o->threads > 0 ? o->threads : 1;
    c->int8 = 1;
    for (int i = 0; o && i < o->n_options; i++) {
        const char *k = o->keys[i], *v = o->values[i] ? o->values[i] : "";
        if (strcmp(k, "fallback") == 0 && eb_delegate_parse_fallback(v) >= 0) {
            c->fallback_ref = eb_delegate_parse_fallback(v);
            continue;
        }
        if (strcmp(k, "int8") == 0 && (!strcmp(v, "0") || !strcmp(v, "1"))) {
            c->int8 = v[0] == '1';
            continue;
        }
        if (strcmp(k, "fallback") == 0)
            snprintf(msg, len, "xnnpack: fallback takes ref or none, not '%s'", v);
        else if (strcmp(k, "int8") == 0)
            snprintf(msg, len, "xnnpack: int8 takes 0 or 1, not '%s'", v);
        else
            snprintf(msg, len, "xnnpack: unknown option '%s' (xnnpack takes fallback=ref|none, int8=0|1)", k);
        free(c);
        return EB_ERR_INVALID_ARG;
    }
    if (xnn_initialize(NULL) != xnn_status_success) {
        snprintf(msg, len, "xnnpack: xnn_initialize failed");
        free(c);
        return EB_ERR_UNAVAILABLE;
    }
    if (c->threads > 1 && !(c->pool = pthreadpool_create((size_t)c->threads))) {
        snprintf(msg, len, "xnnpack: cannot create a pool of %d threads", c->threads);
        xnn_deinitialize();
        free(c);
        return EB_ERR_BACKEND;
    }
    eb_glue_init(&c->glue);
    *out = c;
    return EB_OK;
}

static void xnn_close(eb_backend_ctx *c)
{
    if (!c)
        return;
    eb_glue_report(&c->glue, "xnnpack");
    if (c->pool)
        pthreadpool_destroy(c->pool);
    xnn_deinitialize(); /* balances open's xnn_initialize (reference-counted) */
    free(c);
}

static int xnn_supports(eb_backend_ctx *c, const eb_graph *g, int node, char *why, size_t len)
{
    return eb_delegate_supports(&xnn_delegate, c->fallback_ref, g, node, why, len);
}

static eb_status xnn_prepare(eb_backend_ctx *c, const eb_model *m, eb_plan **out, char *msg,
                             size_t len)
{
    return eb_delegate_prepare(&xnn_delegate, c, c->threads, m, out, msg, len);
}

static eb_status xnn_run(eb_backend_ctx *c, eb_plan *p, const eb_value *in, int n_in,
                         eb_value *out, int n_out, char *msg, size_t len)
{
    return eb_delegate_run(&c->glue, p, in, n_in, out, n_out, msg, len);
}

static void xnn_release(eb_backend_ctx *c, eb_plan *p)
{
    (void)c;
    eb_delegate_release(p);
}

static eb_backend xnn_backend = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = "xnnpack",
    .version = "1",
    .description = "XNNPACK subgraph runtime (NHWC, fp32; Q/DQ as converts), pthreadpool threads",
    .probe = xnn_probe,
    .library_version = xnn_library_version,
    .open = xnn_open,
    .close = xnn_close,
    .supports = xnn_supports,
    .prepare = xnn_prepare,
    .run = xnn_run,
    .release = xnn_release,
    /* .ops: the op table's names, set by the entry point */
};

EB_XNN_EXPORT const eb_backend *edgebench_backend_entry(void)
{
    xnn_backend.ops = eb_xnn_op_names();
    return &xnn_backend;
}
