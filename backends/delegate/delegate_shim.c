/* The plugin file edgebench loads for a delegate whose implementation links
 * a vendor library (xnnpack, onednn): it has no vendor dependency itself and
 * opens the implementation (EB_SHIM_IMPL, next to this file) when the
 * loader asks for the table. If that fails — the vendor library is missing
 * or broken — it hands out a table whose probe reports the dynamic loader's
 * reason, so `edgebench backends` lists the delegate as unavailable with the
 * missing library named, instead of a plugin that did not load.
 *
 * Built once per delegate with EB_SHIM_NAME ("xnnpack") and EB_SHIM_IMPL
 * ("libedgebench_delegate_xnnpack.so"). */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "edgebench/backend.h"

#ifndef EB_SHIM_NAME
#error "EB_SHIM_NAME must name the delegate"
#endif
#ifndef EB_SHIM_IMPL
#error "EB_SHIM_IMPL must name the implementation's file"
#endif
#ifndef EB_SHIM_FIX
#define EB_SHIM_FIX "" /* how to get the vendor library, e.g. "apt-get install libdnnl2" */
#endif

static char g_why[512];

static eb_status shim_probe(const eb_host *host, char *why, size_t len)
{
    (void)host;
    snprintf(why, len, "%s", g_why);
    return EB_ERR_UNAVAILABLE;
}

static eb_status shim_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    (void)o;
    *out = NULL;
    snprintf(msg, len, "%s: %s", EB_SHIM_NAME, g_why);
    return EB_ERR_UNAVAILABLE;
}

static void shim_close(eb_backend_ctx *c) { (void)c; }

static int shim_supports(eb_backend_ctx *c, const eb_graph *g, int node, char *why, size_t len)
{
    (void)c;
    (void)g;
    (void)node;
    snprintf(why, len, "%s", g_why);
    return 0;
}

static eb_status shim_prepare(eb_backend_ctx *c, const eb_model *m, eb_plan **out, char *msg,
                              size_t len)
{
    (void)c;
    (void)m;
    *out = NULL;
    snprintf(msg, len, "%s: %s", EB_SHIM_NAME, g_why);
    return EB_ERR_UNAVAILABLE;
}

static eb_status shim_run(eb_backend_ctx *c, eb_plan *p, const eb_value *in, int n_in,
                          eb_value *out, int n_out, char *msg, size_t len)
{
    (void)c;
    (void)p;
    (void)in;
    (void)n_in;
    (void)out;
    (void)n_out;
    snprintf(msg, len, "%s: %s", EB_SHIM_NAME, g_why);
    return EB_ERR_UNAVAILABLE;
}

static void shim_release(eb_backend_ctx *c, eb_plan *p)
{
    (void)c;
    (void)p;
}

static const char *const no_ops[] = {NULL};

static const eb_backend unavailable = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = EB_SHIM_NAME,
    .version = "1",
    .description = "vendor delegate whose implementation could not be loaded",
    .probe = shim_probe,
    .open = shim_open,
    .close = shim_close,
    .supports = shim_supports,
    .prepare = shim_prepare,
    .run = shim_run,
    .release = shim_release,
    .ops = no_ops,
};

__attribute__((visibility("default"))) const eb_backend *edgebench_backend_entry(void)
{
    static const eb_backend *table;
    if (table)
        return table;
    /* the implementation lives next to this file */
    char path[1024];
    Dl_info self;
    const char *slash = NULL;
    if (dladdr((void *)&unavailable, &self) && self.dli_fname)
        slash = strrchr(self.dli_fname, '/');
    if (slash)
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - self.dli_fname), self.dli_fname,
                 EB_SHIM_IMPL);
    else
        snprintf(path, sizeof path, "%s", EB_SHIM_IMPL);
    dlerror();
    /* kept open for the process: the table's functions live there */
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *e = dlerror();
        snprintf(g_why, sizeof g_why, "vendor library missing or unusable: %.380s%s%s",
                 e ? e : "cannot load " EB_SHIM_IMPL, EB_SHIM_FIX[0] ? "; fix: " : "",
                 EB_SHIM_FIX);
        return table = &unavailable;
    }
    void *sym = dlsym(dl, EB_BACKEND_ENTRY_SYMBOL);
    eb_backend_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry);
    const eb_backend *impl = sym ? entry() : NULL;
    if (!impl) {
        snprintf(g_why, sizeof g_why, "%.400s: no usable %s", path, EB_BACKEND_ENTRY_SYMBOL);
        return table = &unavailable;
    }
    return table = impl;
}
