/* Test-only plugin linked against a vendor library (libeb_test_vendor.so)
 * and packaged the way the xnnpack and onednn delegates are (a shim the
 * loader finds, this implementation next to it): without the library
 * `edgebench backends` must list it unavailable, naming the missing library;
 * with it the plugin is available and reports the vendor's version. It runs
 * nothing useful (outputs zero-filled), claiming no ops. */
#include <stdlib.h>
#include <string.h>

#include "edgebench/backend.h"

const char *eb_test_vendor_version(void);

struct eb_backend_ctx {
    int unused;
};
struct eb_plan {
    int unused;
};

static eb_status nv_probe(const eb_host *h, char *why, size_t len)
{
    (void)h;
    (void)why;
    (void)len;
    return EB_OK;
}

static const char *nv_library_version(void) { return eb_test_vendor_version(); }

static eb_status nv_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    (void)o;
    (void)msg;
    (void)len;
    *out = calloc(1, sizeof **out);
    return *out ? EB_OK : EB_ERR_NOMEM;
}

static void nv_close(eb_backend_ctx *c) { free(c); }

static int nv_supports(eb_backend_ctx *c, const eb_graph *g, int node, char *why, size_t len)
{
    (void)c;
    (void)g;
    (void)node;
    (void)why;
    (void)len;
    return 1;
}

static eb_status nv_prepare(eb_backend_ctx *c, const eb_model *m, eb_plan **out, char *msg, size_t len)
{
    (void)c;
    (void)m;
    (void)msg;
    (void)len;
    *out = calloc(1, sizeof **out);
    return *out ? EB_OK : EB_ERR_NOMEM;
}

static eb_status nv_run(eb_backend_ctx *c, eb_plan *p, const eb_value *in, int n_in, eb_value *out,
                        int n_out, char *msg, size_t len)
{
    (void)c;
    (void)p;
    (void)in;
    (void)n_in;
    (void)msg;
    (void)len;
    for (int i = 0; i < n_out; i++)
        memset(out[i].data, 0, out[i].nbytes);
    return EB_OK;
}

static void nv_release(eb_backend_ctx *c, eb_plan *p)
{
    (void)c;
    free(p);
}

static const char *const nv_ops[] = {NULL};

static const eb_backend needs_vendor = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = "needs_vendor",
    .version = "1",
    .description = "test-only plugin linked against a separately installed vendor library",
    .probe = nv_probe,
    .library_version = nv_library_version,
    .open = nv_open,
    .close = nv_close,
    .supports = nv_supports,
    .prepare = nv_prepare,
    .run = nv_run,
    .release = nv_release,
    .ops = nv_ops,
};

__attribute__((visibility("default"))) const eb_backend *edgebench_backend_entry(void)
{
    return &needs_vendor;
}
