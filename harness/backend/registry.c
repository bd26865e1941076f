/* Backend registry and plugin loader. */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/ref/ref_backend.h"
#include "backends/simd/simd_backend.h"
#include "devices/host_detect.h"
#include "harness/backend/registry.h"

#ifndef EB_PLUGIN_DIR
#define EB_PLUGIN_DIR "/usr/local/lib/edgebench/backends"
#endif
#ifndef EB_PLUGIN_REL_DIR
#define EB_PLUGIN_REL_DIR "../lib/edgebench/backends"
#endif
/* The build tree's plugin directory, relative to any program of the build
 * (harness/, tests/, bench/ are all one level below the build root). */
#define EB_BUILD_PLUGIN_REL_DIR "../backends/plugins"

/* Members every plugin must provide; a table shorter than the end of `ops`
 * (the last required member since ABI 1) is refused. */
#define EB_MIN_TABLE_SIZE (offsetof(eb_backend, ops) + sizeof(const char *const *))

static eb_status add_entry(eb_registry *r, eb_registry_entry **e)
{
    eb_registry_entry *grown = realloc(r->entries, ((size_t)r->n + 1) * sizeof *grown);
    if (!grown)
        return EB_ERR_NOMEM;
    r->entries = grown;
    *e = &r->entries[r->n++];
    memset(*e, 0, sizeof **e);
    return EB_OK;
}

static void probe_entry(eb_registry *r, eb_registry_entry *e)
{
    if (!e->loaded)
        return;
    e->why[0] = '\0';
    eb_status st = e->table.probe ? e->table.probe(&r->host, e->why, sizeof e->why) : EB_OK;
    e->available = st == EB_OK;
    if (!e->available && !e->why[0])
        snprintf(e->why, sizeof e->why, "probe failed: %s", eb_status_str(st));
}

eb_status eb_plugin_load(const char *path, eb_registry_entry *e)
{
    memset(e, 0, sizeof *e);
    snprintf(e->origin, sizeof e->origin, "%s", path);
    const char *base = strrchr(path, '/');
    snprintf(e->name, sizeof e->name, "%s", base ? base + 1 : path);
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *err = dlerror();
        snprintf(e->why, sizeof e->why, "cannot load plugin: %s", err ? err : "unknown error");
        return EB_ERR_UNAVAILABLE;
    }
    e->dl = dl;
    eb_backend_entry_fn entry;
    void *sym = dlsym(dl, EB_BACKEND_ENTRY_SYMBOL);
    memcpy(&entry, &sym, sizeof entry); /* object -> function pointer, POSIX-sanctioned */
    if (!sym) {
        snprintf(e->why, sizeof e->why, "plugin %s does not export %s", path,
                 EB_BACKEND_ENTRY_SYMBOL);
        return EB_ERR_ABI;
    }
    const eb_backend *be = entry();
    if (!be) {
        snprintf(e->why, sizeof e->why, "plugin %s: %s() returned NULL", path,
                 EB_BACKEND_ENTRY_SYMBOL);
        return EB_ERR_ABI;
    }
    /* Exact match only: an older plugin reads the graph IR with an older
     * layout (edgebench/backend.h says what each version changed). */
    if (be->abi_version != EB_BACKEND_ABI_VERSION) {
        snprintf(e->why, sizeof e->why,
                 "plugin %s: backend ABI version %u, this edgebench speaks version %u (%s)", path,
                 be->abi_version, EB_BACKEND_ABI_VERSION,
                 be->abi_version < EB_BACKEND_ABI_VERSION
                     ? "built against an older edgebench SDK: rebuild it against this one"
                     : "built for a newer edgebench");
        return EB_ERR_ABI;
    }
    if (be->struct_size < EB_MIN_TABLE_SIZE) {
        snprintf(e->why, sizeof e->why,
                 "plugin %s: backend table is %u bytes, ABI %u needs at least %zu", path,
                 be->struct_size, EB_BACKEND_ABI_VERSION, (size_t)EB_MIN_TABLE_SIZE);
        return EB_ERR_ABI;
    }
    size_t n = be->struct_size < sizeof e->table ? be->struct_size : sizeof e->table;
    memcpy(&e->table, be, n);
    if (!e->table.name || !e->table.open || !e->table.close || !e->table.supports ||
        !e->table.prepare || !e->table.run || !e->table.release) {
        snprintf(e->why, sizeof e->why, "plugin %s: a required function is NULL", path);
        return EB_ERR_ABI;
    }
    snprintf(e->name, sizeof e->name, "%s", e->table.name);
    e->loaded = 1;
    return EB_OK;
}

static int is_plugin_file(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "libedgebench_backend_", 21) == 0 && n > 24 &&
           strcmp(name + n - 3, ".so") == 0;
}

/* Which plugins a scan loads: every one (wanted == NULL), or those for the
 * still-missing wanted names. */
typedef struct wanted_set {
    const char *const *names;
    int n;
} wanted_set;

static int file_stem_is(const char *file, const char *name)
{
    size_t l = strlen(name);
    return strncmp(file + 21, name, l) == 0 && strcmp(file + 21 + l, ".so") == 0;
}

static int all_found(const eb_registry *r, const wanted_set *w)
{
    for (int i = 0; i < w->n; i++)
        if (!eb_registry_find(r, w->names[i]))
            return 0;
    return 1;
}

/* pass 0: every plugin (no wanted set) or the files named for a missing
 * wanted backend; pass 1: the other files, while a name is missing. */
static int should_load(const eb_registry *r, const wanted_set *w, const char *file, int pass)
{
    if (!w)
        return 1;
    if (all_found(r, w))
        return 0;
    for (int i = 0; i < w->n; i++)
        if (file_stem_is(file, w->names[i]))
            return pass == 0 && !eb_registry_find(r, w->names[i]);
    return pass == 1;
}

static eb_status scan_dir(eb_registry *r, const char *dir, const wanted_set *w, int pass)
{
    DIR *d = opendir(dir);
    if (!d)
        return EB_OK;
    struct dirent *de;
    char **names = NULL;
    int count = 0;
    while ((de = readdir(d))) {
        if (!is_plugin_file(de->d_name))
            continue;
        char **grown = realloc(names, ((size_t)count + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        names[count] = strdup(de->d_name);
        if (names[count])
            count++;
    }
    closedir(d);
    /* deterministic order */
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    eb_status st = EB_OK;
    for (int i = 0; i < count; i++) {
        if (!should_load(r, w, names[i], pass))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        eb_registry_entry loaded;
        eb_plugin_load(path, &loaded);
        /* The first backend of a name wins (the search order above). */
        if (loaded.loaded && eb_registry_find(r, loaded.name)) {
            if (loaded.dl)
                dlclose(loaded.dl);
            continue;
        }
        eb_registry_entry *e;
        if ((st = add_entry(r, &e)) != EB_OK) {
            if (loaded.dl)
                dlclose(loaded.dl);
            break;
        }
        *e = loaded;
        probe_entry(r, e);
    }
    for (int i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return st;
}

/* Add dir to the search list unless it is there already (the same
 * directory reached by two spellings counts once). */
static void add_dir(eb_registry *r, const char *dir)
{
    if (!dir || !*dir || r->n_dirs >= EB_REGISTRY_MAX_DIRS)
        return;
    char real[PATH_MAX];
    const char *key = realpath(dir, real) ? real : dir;
    for (int i = 0; i < r->n_dirs; i++) {
        char other[PATH_MAX];
        const char *k2 = realpath(r->dirs[i], other) ? other : r->dirs[i];
        if (strcmp(key, k2) == 0)
            return;
    }
    size_t n = strlen(key);
    if (n >= sizeof r->dirs[0])
        return; /* a path this long is not one edgebench made or documents */
    memcpy(r->dirs[r->n_dirs++], key, n + 1);
}

/* The running program's directory, from /proc/self/exe; "" where unknown. */
static void program_dir(char *out, size_t len)
{
    char exe[PATH_MAX];
    out[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    snprintf(out, len, "%s", exe[0] ? exe : "/");
}

static void search_dirs(eb_registry *r)
{
    const char *env = getenv("EDGEBENCH_BACKEND_PATH");
    if (env && *env) {
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", env);
        char *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
            add_dir(r, dir);
    }
    char bin[PATH_MAX];
    program_dir(bin, sizeof bin);
    if (bin[0]) {
        char dir[PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s/%s", bin, EB_BUILD_PLUGIN_REL_DIR);
        add_dir(r, dir);
        snprintf(dir, sizeof dir, "%s/%s", bin, EB_PLUGIN_REL_DIR);
        add_dir(r, dir);
    }
    add_dir(r, EB_PLUGIN_DIR);
}

static eb_status registry_build(const wanted_set *w, eb_registry **out)
{
    *out = NULL;
    eb_registry *r = calloc(1, sizeof *r);
    if (!r)
        return EB_ERR_NOMEM;
    eb_host_detect(&r->host);
    const eb_backend *builtins[] = {eb_ref_backend(), eb_simd_backend()};
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        eb_registry_entry *e;
        if (add_entry(r, &e) != EB_OK) {
            eb_registry_destroy(r);
            return EB_ERR_NOMEM;
        }
        e->table = *builtins[i];
        e->loaded = 1;
        snprintf(e->name, sizeof e->name, "%s", builtins[i]->name);
        snprintf(e->origin, sizeof e->origin, "built-in");
        probe_entry(r, e);
    }
    search_dirs(r);
    for (int pass = 0; pass < (w ? 2 : 1); pass++)
        for (int i = 0; i < r->n_dirs; i++)
            if (scan_dir(r, r->dirs[i], w, pass) != EB_OK) {
                eb_registry_destroy(r);
                return EB_ERR_NOMEM;
            }
    *out = r;
    return EB_OK;
}

eb_status eb_registry_create(eb_registry **out) { return registry_build(NULL, out); }

eb_status eb_registry_create_for(const char *const *names, int n_names, eb_registry **out)
{
    wanted_set w = {.names = names, .n = n_names > 0 ? n_names : 0};
    return registry_build(&w, out);
}

void eb_registry_destroy(eb_registry *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++)
        if (r->entries[i].dl)
            dlclose(r->entries[i].dl);
    free(r->entries);
    free(r);
}

const eb_registry_entry *eb_registry_find(const eb_registry *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (r->entries[i].loaded && strcmp(r->entries[i].name, name) == 0)
            return &r->entries[i];
    return NULL;
}

int eb_registry_knows(const void *reg, const char *name)
{
    return eb_registry_find(reg, name) != NULL;
}

int eb_registry_available_names(const void *reg, const char **names, int max)
{
    const eb_registry *r = reg;
    int n = 0;
    for (int k = 0; k < r->n && n < max; k++)
        if (r->entries[k].loaded)
            names[n++] = r->entries[k].name;
    return n;
}

int eb_node_is_folded(const eb_graph *g, int i)
{
    const eb_node *n = &g->nodes[i];
    if (n->n_outputs == 0)
        return 0;
    for (int o = 0; o < n->n_outputs; o++)
        if (n->outputs[o] >= 0 && !g->tensors[n->outputs[o]].data)
            return 0;
    return 1;
}

eb_status eb_backend_check_graph(const eb_backend *be, eb_backend_ctx *ctx, const eb_graph *g,
                                 char *msg, size_t msg_len)
{
    for (int i = 0; i < g->n_nodes; i++) {
        if (eb_node_is_folded(g, i))
            continue;
        char why[512] = "";
        if (!be->supports(ctx, g, i, why, sizeof why)) {
            const eb_node *n = &g->nodes[i];
            snprintf(msg, msg_len, "%s: node '%s' (%s): not supported by backend '%s': %s",
                     g->path, n->name, n->op_type, be->name, why[0] ? why : "refused");
            return EB_ERR_UNSUPPORTED;
        }
    }
    return EB_OK;
}
