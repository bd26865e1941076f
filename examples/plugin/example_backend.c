/* "example": a backend plugin built out of tree against the installed
 * edgebench SDK (find_package(edgebench) or pkg-config, see README.md).
 *
 * Portable C, float32, the ops of a small MLP (example_ops.c). A plan gives
 * every activation its own buffer and runs the nodes in the graph's
 * (topological) order. It shows what every out-of-tree plugin must do:
 * check the graph's layout before reading it (eb_graph_layout_ok), index
 * tensors and nodes by stride (eb_graph_tensor, eb_graph_node), refuse
 * unsupported nodes by name in supports(), and export only its entry point. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgebench/backend.h"
#include "example_ops.h"

struct eb_backend_ctx {
    int unused;
};

typedef struct ex_step {
    const ex_op *op;
    const eb_node *node;
} ex_step;

struct eb_plan {
    const eb_graph *g;  /* the harness's, valid until release() */
    float **vals;       /* per tensor: constant data, owned buffer, or the caller's input */
    unsigned char *own; /* per tensor: 1 when vals[t] is ours to free */
    ex_step *steps;
    int n_steps;
};

static eb_status fail(char *msg, size_t len, eb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return st;
}

static eb_status ex_probe(const eb_host *host, char *why, size_t len)
{
    (void)host;
    (void)why;
    (void)len;
    return EB_OK; /* portable C: runs anywhere */
}

static eb_status ex_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    *out = NULL;
    if (o && o->n_options > 0)
        return fail(msg, len, EB_ERR_INVALID_ARG, "example: unknown option '%s' (it takes none)",
                    o->keys[0]);
    *out = calloc(1, sizeof **out);
    return *out ? EB_OK : fail(msg, len, EB_ERR_NOMEM, "example: out of memory");
}

static void ex_close(eb_backend_ctx *ctx) { free(ctx); }

/* A node whose outputs are all known at load time: the harness never asks
 * for it and the plan never runs it. */
static int is_folded(const eb_graph *g, const eb_node *n)
{
    if (n->n_outputs == 0)
        return 0;
    for (int o = 0; o < n->n_outputs; o++) {
        const eb_tensor *t = eb_node_output(g, n, o);
        if (t && !t->data)
            return 0;
    }
    return 1;
}

static int node_ok(const eb_graph *g, const eb_node *n, const ex_op **op, char *why, size_t len)
{
    *op = ex_op_find(n->domain, n->op_type);
    if (!*op) {
        snprintf(why, len, "op %s%s%s is not implemented by the example backend",
                 n->domain[0] ? n->domain : "", n->domain[0] ? "." : "", n->op_type);
        return 0;
    }
    return (*op)->check(g, n, why, len);
}

static int ex_supports(eb_backend_ctx *ctx, const eb_graph *g, int node, char *why, size_t len)
{
    (void)ctx;
    if (!eb_graph_layout_ok(g, why, len))
        return 0;
    if (node < 0 || node >= g->n_nodes) {
        snprintf(why, len, "no node %d", node);
        return 0;
    }
    const ex_op *op;
    return node_ok(g, eb_graph_node(g, node), &op, why, len);
}

static void ex_release(eb_backend_ctx *ctx, eb_plan *p)
{
    (void)ctx;
    if (!p)
        return;
    for (int t = 0; p->own && t < p->g->n_tensors; t++)
        if (p->own[t])
            free(p->vals[t]);
    free(p->vals);
    free(p->own);
    free(p->steps);
    free(p);
}

static eb_status ex_prepare(eb_backend_ctx *ctx, const eb_model *model, eb_plan **out, char *msg,
                            size_t len)
{
    (void)ctx;
    *out = NULL;
    char why[512] = "";
    const eb_graph *g = model ? model->graph : NULL;
    if (!eb_graph_layout_ok(g, why, sizeof why))
        return fail(msg, len, EB_ERR_ABI, "example: %s", why);
    eb_plan *p = calloc(1, sizeof *p);
    if (!p)
        return fail(msg, len, EB_ERR_NOMEM, "example: out of memory");
    p->g = g;
    p->vals = calloc((size_t)g->n_tensors + 1, sizeof *p->vals);
    p->own = calloc((size_t)g->n_tensors + 1, 1);
    p->steps = calloc((size_t)g->n_nodes + 1, sizeof *p->steps);
    if (!p->vals || !p->own || !p->steps)
        goto oom;
    for (int t = 0; t < g->n_tensors; t++)
        p->vals[t] = eb_graph_tensor(g, t)->data; /* constants; NULL otherwise */
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = eb_graph_node(g, i);
        const ex_op *op;
        if (is_folded(g, n))
            continue;
        if (!node_ok(g, n, &op, why, sizeof why)) {
            ex_release(ctx, p);
            return fail(msg, len, EB_ERR_UNSUPPORTED, "%s: node '%s' (%s): %s", g->path, n->name,
                        n->op_type, why);
        }
        for (int o = 0; o < n->n_outputs; o++) {
            int t = n->outputs[o];
            if (t < 0 || p->vals[t])
                continue;
            size_t nbytes = eb_graph_tensor(g, t)->nbytes;
            if (!(p->vals[t] = malloc(nbytes ? nbytes : 1)))
                goto oom;
            p->own[t] = 1;
        }
        p->steps[p->n_steps++] = (ex_step){.op = op, .node = n};
    }
    *out = p;
    return EB_OK;
oom:
    ex_release(ctx, p);
    return fail(msg, len, EB_ERR_NOMEM, "example: out of memory");
}

static eb_status ex_run(eb_backend_ctx *ctx, eb_plan *p, const eb_value *in, int n_in,
                        eb_value *out, int n_out, char *msg, size_t len)
{
    (void)ctx;
    const eb_graph *g = p->g;
    if (n_in != g->n_inputs || n_out != g->n_outputs)
        return fail(msg, len, EB_ERR_INVALID_ARG, "example: %d inputs / %d outputs given, the "
                    "graph has %d / %d", n_in, n_out, g->n_inputs, g->n_outputs);
    for (int k = 0; k < n_in; k++) {
        const eb_tensor *t = eb_graph_tensor(g, g->inputs[k]);
        /* the graph's dtype, not float32: Reshape's shape may be an input */
        if ((int)in[k].dtype != (int)t->dtype || in[k].nbytes != t->nbytes || !in[k].data)
            return fail(msg, len, EB_ERR_INVALID_ARG, "example: input '%s' is not %zu bytes of %s",
                        t->name, t->nbytes, eb_dtype_name(t->dtype));
        p->vals[g->inputs[k]] = in[k].data; /* read only: no node writes an input */
    }
    for (int s = 0; s < p->n_steps; s++)
        p->steps[s].op->run(g, p->steps[s].node, p->vals);
    for (int k = 0; k < n_out; k++) {
        const eb_tensor *t = eb_graph_tensor(g, g->outputs[k]);
        const float *v = p->vals[g->outputs[k]];
        if (!v || !out[k].data || out[k].nbytes < t->nbytes)
            return fail(msg, len, EB_ERR_INVALID_ARG, "example: output '%s' needs %zu bytes",
                        t->name, t->nbytes);
        memcpy(out[k].data, v, t->nbytes);
    }
    return EB_OK;
}

static const eb_backend example_backend = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = "example",
    .version = "1.0",
    .description = "out-of-tree example plugin: float32 MLP ops in portable C",
    .probe = ex_probe,
    .open = ex_open,
    .close = ex_close,
    .supports = ex_supports,
    .prepare = ex_prepare,
    .run = ex_run,
    .release = ex_release,
    .ops = ex_op_names,
};

EB_BACKEND_EXPORT const eb_backend *edgebench_backend_entry(void) { return &example_backend; }
