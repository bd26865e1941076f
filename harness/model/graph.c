/* eb_graph lifetime, lookup and small helpers shared by the loader. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/graph_internal.h"
#include "harness/model/model_load.h"
#include "harness/model/tensor_proto.h"

int eb__graph_add_tensor(eb_graph *g, const char *name)
{
    eb_tensor *grown = realloc(g->tensors, ((size_t)g->n_tensors + 1) * sizeof *grown);
    if (!grown)
        return -1;
    g->tensors = grown;
    eb_tensor *t = &g->tensors[g->n_tensors];
    memset(t, 0, sizeof *t);
    t->name = strdup(name ? name : "");
    if (!t->name)
        return -1;
    t->rank = -1;
    t->numel = -1;
    t->producer = -1;
    t->quant.axis = -1;
    return g->n_tensors++;
}

eb_status eb__tensor_set_shape(eb_graph *g, eb_tensor *t, eb_dtype dtype, int rank,
                               const int64_t *dims, const eb_node *node, char *msg,
                               size_t msg_len)
{
    char what[512];
    if (node)
        snprintf(what, sizeof what, "%s: node '%s' (%s): output '%s'", g->path, node->name,
                 node->op_type, t->name);
    else
        snprintf(what, sizeof what, "%s: tensor '%s'", g->path, t->name);
    if (rank < 0 || rank > EB_MAX_RANK) {
        snprintf(msg, msg_len, "%s: rank %d is outside 0..%d", what, rank, EB_MAX_RANK);
        return EB_ERR_UNSUPPORTED;
    }
    int64_t numel;
    size_t nbytes;
    eb_status st = eb_dims_size(dims, rank, dtype, &numel, &nbytes, what, msg, msg_len);
    if (st != EB_OK)
        return st;
    t->dtype = dtype;
    t->rank = rank;
    for (int i = 0; i < EB_MAX_RANK; i++)
        t->dims[i] = i < rank ? dims[i] : 0;
    t->numel = numel;
    t->nbytes = nbytes;
    return EB_OK;
}

void eb__node_msg(const eb_graph *g, const eb_node *n, char *msg, size_t msg_len,
                  const char *fmt, ...)
{
    int off = snprintf(msg, msg_len, "%s: node '%s' (%s): ", g->path, n->name, n->op_type);
    if (off < 0 || (size_t)off >= msg_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + off, msg_len - (size_t)off, fmt, ap);
    va_end(ap);
}

int eb_graph_find_tensor(const eb_graph *g, const char *name)
{
    for (int i = 0; i < g->n_tensors; i++)
        if (strcmp(g->tensors[i].name, name) == 0)
            return i;
    return -1;
}

char *eb_shape_str(const eb_tensor *t, char *buf, size_t len)
{
    if (t->rank < 0) {
        snprintf(buf, len, "?");
        return buf;
    }
    if (t->rank == 0) {
        snprintf(buf, len, "scalar");
        return buf;
    }
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->rank && off < len; i++) {
        int w = snprintf(buf + off, len - off, "%s%lld", i ? "x" : "", (long long)t->dims[i]);
        if (w < 0)
            break;
        off += (size_t)w;
    }
    return buf;
}

static void free_attr(eb_attr *a)
{
    free(a->name);
    free(a->s);
    free(a->floats);
    free(a->ints);
    for (int i = 0; a->strings && i < a->n; i++)
        free(a->strings[i]);
    free(a->strings);
}

void eb_graph_destroy(eb_graph *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->n_tensors; i++) {
        eb_tensor *t = &g->tensors[i];
        free(t->name);
        free(t->data);
        free((void *)t->quant.scale);
        free((void *)t->quant.zero_point);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        eb_node *n = &g->nodes[i];
        free(n->name);
        free(n->op_type);
        free(n->domain);
        free(n->inputs);
        free(n->outputs);
        for (int a = 0; a < n->n_attrs; a++)
            free_attr(&n->attrs[a]);
        free(n->attrs);
    }
    free(g->tensors);
    free(g->nodes);
    free(g->inputs);
    free(g->outputs);
    free(g->path);
    free(g->name);
    free(g->producer);
    free(g);
}
