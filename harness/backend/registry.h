/* The set of backends this edgebench can use: built-in ones and plugins.
 * Plugins are looked for, in this order (the first plugin of a name wins):
 *   1. each directory of $EDGEBENCH_BACKEND_PATH (':'-separated);
 *   2. next to the running program: <program dir>/../backends/plugins (the
 *      build tree: build/harness/edgebench, build/tests/..., build/bench/...)
 *      and <program dir>/EB_PLUGIN_REL_DIR (the install tree: bin/ ->
 *      lib/edgebench/backends, from GNUInstallDirs), so a relocated install
 *      finds its own plugins;
 *   3. EB_PLUGIN_DIR, the configured install prefix's plugin directory. */
#ifndef EB_REGISTRY_H
#define EB_REGISTRY_H

#include "edgebench/backend.h"

typedef struct eb_registry_entry {
    eb_backend table;     /* copy; members a shorter (older) plugin lacks are NULL */
    int loaded;           /* 0: the plugin could not be loaded (see why) */
    int available;        /* loaded and probe() succeeded */
    char name[64];
    char origin[512];     /* "built-in" or the plugin's path */
    char why[512];        /* why it is not loaded / not available */
    void *dl;             /* dlopen handle, NULL for built-ins */
} eb_registry_entry;

#define EB_REGISTRY_MAX_DIRS 16

typedef struct eb_registry {
    int n;
    eb_registry_entry *entries;
    eb_host host;
    int n_dirs;                             /* the plugin directories searched, in order */
    char dirs[EB_REGISTRY_MAX_DIRS][512];   /* (existing or not: `backends` shows them) */
} eb_registry;

/* Build the registry (never fails for a broken plugin: that plugin's entry
 * records why). Returns EB_ERR_NOMEM only. */
eb_status eb_registry_create(eb_registry **out);

/* The same search, but only plugins for the n_names backends named are
 * dlopen'd (built-ins are always there): first the files named
 * libedgebench_backend_<name>.so, then, only while a name is still missing,
 * the other plugin files (a plugin may be named otherwise than its file).
 * A cell's process uses this, so its memory and start-up are its own
 * backend's, not every plugin's. names may be NULL when n_names is 0. */
eb_status eb_registry_create_for(const char *const *names, int n_names, eb_registry **out);
void eb_registry_destroy(eb_registry *r);

/* Entry by name, or NULL. */
const eb_registry_entry *eb_registry_find(const eb_registry *r, const char *name);

/* For checking a scenario's backend names (scenario.h, eb_backend_names;
 * reg is an eb_registry): 1 when the registry has the name, loaded or not;
 * the names of the loaded backends, at most max, and their count. */
int eb_registry_knows(const void *reg, const char *name);
int eb_registry_available_names(const void *reg, const char **names, int max);

/* Load one plugin file into *e (checks entry symbol, ABI version, struct
 * size, required members). On failure e->loaded = 0 and e->why says why. */
eb_status eb_plugin_load(const char *path, eb_registry_entry *e);

/* 1 when every output of node i is known at load time (Constant, Shape on
 * static shapes): no backend needs to run it. */
int eb_node_is_folded(const eb_graph *g, int i);

/* Ask the backend about every node; on the first one it refuses, fail with
 * "<file>: node 'x' (Op): not supported by <backend>: <why>". */
eb_status eb_backend_check_graph(const eb_backend *be, eb_backend_ctx *ctx, const eb_graph *g,
                                 char *msg, size_t msg_len);

#endif
