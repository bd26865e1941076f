/* The set of backends this edgebench can use: built-in ones and plugins
 * found on $EDGEBENCH_BACKEND_PATH and in the install's plugin directory. */
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

typedef struct eb_registry {
    int n;
    eb_registry_entry *entries;
    eb_host host;
} eb_registry;

/* Build the registry (never fails for a broken plugin: that plugin's entry
 * records why). Returns EB_ERR_NOMEM only. */
eb_status eb_registry_create(eb_registry **out);
void eb_registry_destroy(eb_registry *r);

/* Entry by name, or NULL. */
const eb_registry_entry *eb_registry_find(const eb_registry *r, const char *name);

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
