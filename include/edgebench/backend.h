/* The backend plugin ABI.
 *
 * A backend is one table of functions behind a versioned struct, so built-in
 * backends (ref, simd) and plugins loaded with dlopen (vendor delegates) look
 * the same to the harness. A plugin exports
 *
 *     const eb_backend *edgebench_backend_entry(void);
 *
 * The loader checks abi_version and struct_size before touching anything
 * else. New members are only ever appended; a harness reading an older,
 * shorter table treats the missing trailing members as NULL.
 *
 * Lifecycle: probe -> open -> (supports)* -> prepare -> run* -> release -> close.
 * A ctx and the plans made from it are used by one thread at a time. */
#ifndef EDGEBENCH_BACKEND_H
#define EDGEBENCH_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/graph.h"
#include "edgebench/host.h"
#include "edgebench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The loader accepts only plugins built for exactly this version.
 * 2: eb_graph carries its layout (struct_size, tensor_size, node_size) at its
 *    start, so a plugin can detect a graph it was not built for and index the
 *    tensor and node arrays by stride (edgebench/graph.h). */
#define EB_BACKEND_ABI_VERSION 2u
#define EB_BACKEND_ENTRY_SYMBOL "edgebench_backend_entry"

/* Marks the entry point exported from a plugin built with hidden visibility
 * (-fvisibility=hidden, as edgebench_add_plugin() does), so that the entry
 * is the plugin's only dynamic symbol:
 *     EB_BACKEND_EXPORT const eb_backend *edgebench_backend_entry(void) { ... } */
#if defined(__GNUC__) || defined(__clang__)
#define EB_BACKEND_EXPORT __attribute__((visibility("default")))
#else
#define EB_BACKEND_EXPORT
#endif

/* A run-time tensor buffer. The caller owns `data`; for outputs the caller
 * allocates nbytes from the graph's inferred shape and the backend fills it. */
typedef struct eb_value {
    eb_dtype dtype;
    int rank;
    int64_t dims[EB_MAX_RANK];
    void *data;
    size_t nbytes;
} eb_value;

/* What prepare() gets: the IR and the file it came from, because some runtimes
 * (ONNX Runtime) want the original bytes while kernel backends want the IR.
 * All pointers are owned by the harness and valid until release(). */
typedef struct eb_model {
    uint32_t struct_size;
    const eb_graph *graph;
    const char *path;
    const void *bytes;
    size_t nbytes;
} eb_model;

/* Options from the scenario: a thread count plus free key/value pairs
 * (like a vendor runtime's provider options). Owned by the caller, valid for
 * the duration of open(); a backend copies what it keeps. */
typedef struct eb_backend_options {
    uint32_t struct_size;
    int threads;              /* 0: the backend's default */
    int n_options;
    const char *const *keys;
    const char *const *values;
} eb_backend_options;

typedef struct eb_backend_ctx eb_backend_ctx; /* defined by each backend */
typedef struct eb_plan eb_plan;               /* defined by each backend */

typedef struct eb_backend {
    uint32_t abi_version;     /* EB_BACKEND_ABI_VERSION */
    uint32_t struct_size;     /* sizeof(eb_backend) the plugin was built with */
    const char *name;         /* short id used in scenarios: "ref", "xnnpack" */
    const char *version;      /* version of the backend itself */
    const char *description;  /* one line */

    /* Can it run here? On EB_ERR_UNAVAILABLE, `why` says what is missing. */
    eb_status (*probe)(const eb_host *host, char *why, size_t why_len);

    /* Vendor library version ("" when none), valid after a successful probe.
     * optional */
    const char *(*library_version)(void);

    eb_status (*open)(const eb_backend_options *opts, eb_backend_ctx **ctx_out, char *msg,
                      size_t msg_len);
    void (*close)(eb_backend_ctx *ctx); /* NULL ctx is a no-op */

    /* 1 when node `node` of `g` can run on this backend, else 0 with `why`. */
    int (*supports)(eb_backend_ctx *ctx, const eb_graph *g, int node, char *why,
                    size_t why_len);

    eb_status (*prepare)(eb_backend_ctx *ctx, const eb_model *model, eb_plan **plan_out,
                         char *msg, size_t msg_len);

    /* inputs follow graph->inputs order, outputs graph->outputs order. */
    eb_status (*run)(eb_backend_ctx *ctx, eb_plan *plan, const eb_value *inputs,
                     int n_inputs, eb_value *outputs, int n_outputs, char *msg,
                     size_t msg_len);

    void (*release)(eb_backend_ctx *ctx, eb_plan *plan); /* NULL plan is a no-op */

    /* Per-node wall time of the last run in ns, node_ns[graph->n_nodes];
     * nodes it did not time get UINT64_MAX. optional. A backend may start
     * timing only once this was first called (harness calls it once before
     * profiling), so runs nobody profiles read no extra clocks. */
    eb_status (*profile)(eb_backend_ctx *ctx, eb_plan *plan, uint64_t *node_ns, int n_nodes);

    /* NULL-terminated list of the op types it claims (supports() may still
     * refuse a node for its dtype or attributes). */
    const char *const *ops;

    /* --- appended after ABI 1's first release; tables built before it end
     * above (the loader accepts them: every member from here is optional) --- */

    /* Where node `node` of `g` runs when prepared with this ctx, for
     * `edgebench inspect`: a short text such as "simd f32_gemm_6x16__avx2:
     * 1x1 conv as GEMM", "ref" (a fallback kernel) or "fused into 'conv1'".
     * Returns 1 with `where` filled, 0 when the backend cannot say. optional */
    int (*placement)(eb_backend_ctx *ctx, const eb_graph *g, int node, char *where,
                     size_t where_len);
} eb_backend;

typedef const eb_backend *(*eb_backend_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
