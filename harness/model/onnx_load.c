/* Loading an ONNX file into the graph IR.
 *
 * Everything read from the file is validated before it is trusted: the
 * protobuf must parse, every name a node reads must be defined exactly once,
 * initializer payloads must match their shapes, dimensions must not
 * overflow, external data is refused. Each error names the file and, where
 * there is one, the node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_util.h"
#include "harness/model/graph_internal.h"
#include "harness/model/model_load.h"
#include "harness/model/name_map.h"
#include "harness/model/tensor_proto.h"
#include "onnx.pb-c.h"

typedef struct loader {
    eb_graph *g;
    eb_name_map names; /* tensor name -> index (only named, file-visible tensors) */
    /* Shapes the file declares in value_info / graph outputs, used for ops
     * edgebench cannot infer. Indexed like g->tensors (grown on demand). */
    int n_decl;
    int *decl_rank;
    int64_t (*decl_dims)[EB_MAX_RANK];
    int *decl_dtype;
    char *msg;
    size_t msg_len;
} loader;

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static eb_status oom(loader *L)
{
    snprintf(L->msg, L->msg_len, "%s: out of memory while loading", L->g->path);
    return EB_ERR_NOMEM;
}

static int add_named_tensor(loader *L, const char *name)
{
    int idx = eb__graph_add_tensor(L->g, name);
    if (idx < 0 || eb_name_map_put(&L->names, L->g->tensors[idx].name, idx) != 0)
        return -1;
    return idx;
}

/* Element type and shape of a ValueInfoProto; rank -1 when absent. */
static eb_status read_value_info(loader *L, const Onnx__ValueInfoProto *vi, const char *role,
                                 int64_t default_dim, int *dtype, int *rank, int64_t *dims)
{
    *dtype = EB_DT_UNDEFINED;
    *rank = -1;
    const Onnx__TypeProto *tp = vi->type;
    if (!tp)
        return EB_OK;
    if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
        snprintf(L->msg, L->msg_len,
                 "%s: %s '%s' is not a tensor (sequence, map and optional types are not "
                 "supported)",
                 L->g->path, role, vi->name);
        return EB_ERR_UNSUPPORTED;
    }
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    *dtype = tt->has_elem_type ? tt->elem_type : EB_DT_UNDEFINED;
    if (!tt->shape)
        return EB_OK;
    if (tt->shape->n_dim > EB_MAX_RANK) {
        snprintf(L->msg, L->msg_len, "%s: %s '%s' has rank %zu, more than the supported %d",
                 L->g->path, role, vi->name, tt->shape->n_dim, EB_MAX_RANK);
        return EB_ERR_UNSUPPORTED;
    }
    *rank = (int)tt->shape->n_dim;
    for (size_t d = 0; d < tt->shape->n_dim; d++) {
        const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
        if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (dim->dim_value < 0) {
                snprintf(L->msg, L->msg_len, "%s: %s '%s' has negative dimension %lld at %zu",
                         L->g->path, role, vi->name, (long long)dim->dim_value, d);
                return EB_ERR_FORMAT;
            }
            dims[d] = dim->dim_value;
        } else {
            dims[d] = -1; /* symbolic (dim_param) or unset */
        }
    }
    (void)default_dim;
    return EB_OK;
}

static eb_status remember_decl(loader *L, int idx, int dtype, int rank, const int64_t *dims)
{
    if (idx >= L->n_decl) {
        int n = L->g->n_tensors + 16;
        int *r = realloc(L->decl_rank, (size_t)n * sizeof *r);
        if (!r)
            return oom(L);
        L->decl_rank = r;
        int *t = realloc(L->decl_dtype, (size_t)n * sizeof *t);
        if (!t)
            return oom(L);
        L->decl_dtype = t;
        int64_t(*d)[EB_MAX_RANK] = realloc(L->decl_dims, (size_t)n * sizeof *d);
        if (!d)
            return oom(L);
        L->decl_dims = d;
        for (int i = L->n_decl; i < n; i++)
            L->decl_rank[i] = -2; /* nothing declared */
        L->n_decl = n;
    }
    L->decl_rank[idx] = rank;
    L->decl_dtype[idx] = dtype;
    for (int d = 0; d < rank; d++)
        L->decl_dims[idx][d] = dims[d];
    return EB_OK;
}

static eb_status load_initializers(loader *L, const Onnx__GraphProto *gp)
{
    eb_graph *g = L->g;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        const char *name = tp->name ? tp->name : "";
        char what[512];
        snprintf(what, sizeof what, "%s: initializer '%s'", g->path, name);
        if (!name[0]) {
            snprintf(L->msg, L->msg_len, "%s: initializer #%zu has no name", g->path, i);
            return EB_ERR_FORMAT;
        }
        if (eb_name_map_get(&L->names, name) >= 0) {
            snprintf(L->msg, L->msg_len, "%s: initializer '%s' is defined twice", g->path, name);
            return EB_ERR_FORMAT;
        }
        eb_decoded_tensor d;
        eb_status st = eb_tensor_proto_decode(tp, what, &d, L->msg, L->msg_len);
        if (st != EB_OK)
            return st;
        int idx = add_named_tensor(L, name);
        if (idx < 0) {
            free(d.data);
            return oom(L);
        }
        eb_tensor *t = &g->tensors[idx];
        t->kind = EB_TENSOR_CONSTANT;
        t->dtype = d.dtype;
        t->rank = d.rank;
        memcpy(t->dims, d.dims, sizeof t->dims);
        t->numel = d.numel;
        t->nbytes = d.nbytes;
        t->data = d.data;
    }
    if (gp->n_sparse_initializer) {
        snprintf(L->msg, L->msg_len, "%s: sparse initializers are not supported", g->path);
        return EB_ERR_UNSUPPORTED;
    }
    return EB_OK;
}

static eb_status load_inputs(loader *L, const Onnx__GraphProto *gp, int64_t default_dim)
{
    eb_graph *g = L->g;
    g->inputs = calloc(gp->n_input + 1, sizeof *g->inputs);
    if (!g->inputs)
        return oom(L);
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        const char *name = vi->name ? vi->name : "";
        int dtype, rank;
        int64_t dims[EB_MAX_RANK];
        eb_status st = read_value_info(L, vi, "graph input", default_dim, &dtype, &rank, dims);
        if (st != EB_OK)
            return st;
        int existing = eb_name_map_get(&L->names, name);
        if (existing >= 0) {
            if (g->tensors[existing].kind == EB_TENSOR_CONSTANT)
                continue; /* an initializer also listed as input (older exporters): constant */
            snprintf(L->msg, L->msg_len, "%s: graph input '%s' is listed twice", g->path, name);
            return EB_ERR_FORMAT;
        }
        if (!name[0]) {
            snprintf(L->msg, L->msg_len, "%s: graph input #%zu has no name", g->path, i);
            return EB_ERR_FORMAT;
        }
        if (rank < 0) {
            snprintf(L->msg, L->msg_len, "%s: graph input '%s' has no shape", g->path, name);
            return EB_ERR_FORMAT;
        }
        if (eb_dtype_size(dtype) == 0) {
            snprintf(L->msg, L->msg_len, "%s: graph input '%s' has unsupported element type %s",
                     g->path, name, eb_dtype_name(dtype));
            return EB_ERR_UNSUPPORTED;
        }
        for (int d = 0; d < rank; d++)
            if (dims[d] < 0)
                dims[d] = default_dim;
        int idx = add_named_tensor(L, name);
        if (idx < 0)
            return oom(L);
        g->tensors[idx].kind = EB_TENSOR_INPUT;
        st = eb__tensor_set_shape(g, &g->tensors[idx], (eb_dtype)dtype, rank, dims, NULL, L->msg,
                                  L->msg_len);
        if (st != EB_OK)
            return st;
        g->inputs[g->n_inputs++] = idx;
    }
    return EB_OK;
}

static eb_status copy_attr(loader *L, eb_node *n, eb_attr *a, const Onnx__AttributeProto *ap)
{
    eb_graph *g = L->g;
    a->name = dup_or_empty(ap->name);
    a->tensor = -1;
    if (!a->name)
        return oom(L);
    a->type = ap->has_type ? (eb_attr_type)ap->type : EB_ATTR_UNDEFINED;
    switch ((int)a->type) {
    case EB_ATTR_FLOAT: a->f = ap->f; break;
    case EB_ATTR_INT: a->i = ap->i; break;
    case EB_ATTR_STRING:
        a->s = malloc(ap->s.len + 1);
        if (!a->s)
            return oom(L);
        if (ap->s.len)
            memcpy(a->s, ap->s.data, ap->s.len);
        a->s[ap->s.len] = '\0';
        break;
    case EB_ATTR_FLOATS:
        a->n = (int)ap->n_floats;
        a->floats = malloc((ap->n_floats + 1) * sizeof(float));
        if (!a->floats)
            return oom(L);
        if (ap->n_floats)
            memcpy(a->floats, ap->floats, ap->n_floats * sizeof(float));
        break;
    case EB_ATTR_INTS:
        a->n = (int)ap->n_ints;
        a->ints = malloc((ap->n_ints + 1) * sizeof(int64_t));
        if (!a->ints)
            return oom(L);
        if (ap->n_ints)
            memcpy(a->ints, ap->ints, ap->n_ints * sizeof(int64_t));
        break;
    case EB_ATTR_STRINGS:
        a->n = (int)ap->n_strings;
        a->strings = calloc(ap->n_strings + 1, sizeof(char *));
        if (!a->strings)
            return oom(L);
        for (size_t i = 0; i < ap->n_strings; i++) {
            a->strings[i] = malloc(ap->strings[i].len + 1);
            if (!a->strings[i])
                return oom(L);
            if (ap->strings[i].len)
                memcpy(a->strings[i], ap->strings[i].data, ap->strings[i].len);
            a->strings[i][ap->strings[i].len] = '\0';
        }
        break;
    case EB_ATTR_TENSOR: {
        if (!ap->t) {
            snprintf(L->msg, L->msg_len, "%s: node '%s' (%s): attribute '%s' has no tensor",
                     g->path, n->name, n->op_type, a->name);
            return EB_ERR_FORMAT;
        }
        char what[512];
        snprintf(what, sizeof what, "%s: node '%s' (%s): attribute '%s'", g->path, n->name,
                 n->op_type, a->name);
        eb_decoded_tensor d;
        eb_status st = eb_tensor_proto_decode(ap->t, what, &d, L->msg, L->msg_len);
        if (st != EB_OK)
            return st;
        char tname[512];
        snprintf(tname, sizeof tname, "%s:%s", n->name, a->name);
        int idx = eb__graph_add_tensor(g, tname); /* unnamed in the file: not in the map */
        if (idx < 0) {
            free(d.data);
            return oom(L);
        }
        eb_tensor *t = &g->tensors[idx];
        t->kind = EB_TENSOR_CONSTANT;
        t->dtype = d.dtype;
        t->rank = d.rank;
        memcpy(t->dims, d.dims, sizeof t->dims);
        t->numel = d.numel;
        t->nbytes = d.nbytes;
        t->data = d.data;
        a->tensor = idx;
        break;
    }
    default:
        /* Subgraphs (If/Loop), sparse tensors, type protos: kept as an
         * undefined attribute; ops needing them are not inferable. */
        a->type = EB_ATTR_UNDEFINED;
        break;
    }
    return EB_OK;
}

static int64_t opset_of(const Onnx__ModelProto *m, const char *domain)
{
    const char *d = (domain && strcmp(domain, "ai.onnx") != 0) ? domain : "";
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const char *od = m->opset_import[i]->domain ? m->opset_import[i]->domain : "";
        if (strcmp(od, "ai.onnx") == 0)
            od = "";
        if (strcmp(od, d) == 0)
            return m->opset_import[i]->has_version ? m->opset_import[i]->version : 1;
    }
    return -1;
}

static eb_status load_nodes(loader *L, const Onnx__ModelProto *m, const Onnx__GraphProto *gp)
{
    eb_graph *g = L->g;
    g->nodes = calloc(gp->n_node + 1, sizeof *g->nodes);
    if (!g->nodes)
        return oom(L);
    /* Pass 1: nodes and the tensors they produce, so inputs may refer to
     * tensors produced later in the file (the file need not be sorted). */
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        eb_node *n = &g->nodes[g->n_nodes++];
        n->op_type = dup_or_empty(np->op_type);
        n->domain = dup_or_empty(np->domain);
        if (!n->op_type || !n->domain)
            return oom(L);
        if (strcmp(n->domain, "ai.onnx") == 0)
            n->domain[0] = '\0';
        if (np->name && np->name[0]) {
            n->name = strdup(np->name);
        } else {
            char buf[160];
            snprintf(buf, sizeof buf, "%s_%zu", n->op_type[0] ? n->op_type : "node", i);
            n->name = strdup(buf);
        }
        if (!n->name)
            return oom(L);
        if (!n->op_type[0]) {
            snprintf(L->msg, L->msg_len, "%s: node '%s' has no op_type", g->path, n->name);
            return EB_ERR_FORMAT;
        }
        n->opset = opset_of(m, n->domain);
        n->n_inputs = (int)np->n_input;
        n->n_outputs = (int)np->n_output;
        n->inputs = calloc(np->n_input + 1, sizeof *n->inputs);
        n->outputs = calloc(np->n_output + 1, sizeof *n->outputs);
        n->attrs = calloc(np->n_attribute + 1, sizeof *n->attrs);
        if (!n->inputs || !n->outputs || !n->attrs)
            return oom(L);
        for (size_t a = 0; a < np->n_attribute; a++) {
            eb_status st = copy_attr(L, n, &n->attrs[a], np->attribute[a]);
            n->n_attrs = (int)a + 1;
            if (st != EB_OK)
                return st;
        }
        for (size_t o = 0; o < np->n_output; o++) {
            const char *name = np->output[o] ? np->output[o] : "";
            if (!name[0]) {
                n->outputs[o] = -1;
                continue;
            }
            int prev = eb_name_map_get(&L->names, name);
            if (prev >= 0) {
                const eb_tensor *pt = &g->tensors[prev];
                snprintf(L->msg, L->msg_len,
                         "%s: node '%s' (%s): output '%s' is already defined%s%s%s", g->path,
                         n->name, n->op_type, name,
                         pt->producer >= 0 ? " by node '" : " as a graph input or initializer",
                         pt->producer >= 0 ? g->nodes[pt->producer].name : "",
                         pt->producer >= 0 ? "'" : "");
                return EB_ERR_FORMAT;
            }
            int idx = add_named_tensor(L, name);
            if (idx < 0)
                return oom(L);
            g->tensors[idx].producer = (int)i;
            n->outputs[o] = idx;
        }
    }
    /* Pass 2: resolve inputs. */
    for (int i = 0; i < g->n_nodes; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        eb_node *n = &g->nodes[i];
        for (size_t k = 0; k < np->n_input; k++) {
            const char *name = np->input[k] ? np->input[k] : "";
            if (!name[0]) {
                n->inputs[k] = -1;
                continue;
            }
            int idx = eb_name_map_get(&L->names, name);
            if (idx < 0) {
                snprintf(L->msg, L->msg_len,
                         "%s: node '%s' (%s): input '%s' is not produced by any node, graph "
                         "input or initializer",
                         g->path, n->name, n->op_type, name);
                return EB_ERR_FORMAT;
            }
            n->inputs[k] = idx;
            g->tensors[idx].n_consumers++;
        }
    }
    return EB_OK;
}

static eb_status load_outputs_and_value_info(loader *L, const Onnx__GraphProto *gp)
{
    eb_graph *g = L->g;
    g->outputs = calloc(gp->n_output + 1, sizeof *g->outputs);
    if (!g->outputs)
        return oom(L);
    if (gp->n_output == 0) {
        snprintf(L->msg, L->msg_len, "%s: graph has no outputs", g->path);
        return EB_ERR_FORMAT;
    }
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *vi = gp->output[i];
        const char *name = vi->name ? vi->name : "";
        int idx = eb_name_map_get(&L->names, name);
        if (idx < 0) {
            snprintf(L->msg, L->msg_len,
                     "%s: graph output '%s' is not produced by any node, input or initializer",
                     g->path, name);
            return EB_ERR_FORMAT;
        }
        int dtype, rank;
        int64_t dims[EB_MAX_RANK];
        eb_status st = read_value_info(L, vi, "graph output", 1, &dtype, &rank, dims);
        if (st != EB_OK)
            return st;
        if ((st = remember_decl(L, idx, dtype, rank, dims)) != EB_OK)
            return st;
        g->tensors[idx].is_graph_output = 1;
        g->outputs[g->n_outputs++] = idx;
    }
    for (size_t i = 0; i < gp->n_value_info; i++) {
        const Onnx__ValueInfoProto *vi = gp->value_info[i];
        int idx = eb_name_map_get(&L->names, vi->name ? vi->name : "");
        if (idx < 0)
            continue; /* value_info for a tensor nothing uses: harmless */
        int dtype, rank;
        int64_t dims[EB_MAX_RANK];
        if (read_value_info(L, vi, "value_info", 1, &dtype, &rank, dims) != EB_OK)
            continue; /* declarations are hints; a bad one only loses the hint */
        eb_status st = remember_decl(L, idx, dtype, rank, dims);
        if (st != EB_OK)
            return st;
    }
    return EB_OK;
}

/* Fall back to shapes the file declares for outputs of ops edgebench does
 * not know; without a full concrete declaration the shape stays unknown. */
static void use_declared(loader *L, eb_node *n)
{
    eb_graph *g = L->g;
    for (int o = 0; o < n->n_outputs; o++) {
        int t = n->outputs[o];
        if (t < 0 || t >= L->n_decl || L->decl_rank[t] < 0)
            continue;
        int ok = eb_dtype_size(L->decl_dtype[t]) > 0;
        for (int d = 0; d < L->decl_rank[t]; d++)
            if (L->decl_dims[t][d] < 0)
                ok = 0;
        char ignored[8];
        if (ok)
            eb__tensor_set_shape(g, &g->tensors[t], (eb_dtype)L->decl_dtype[t], L->decl_rank[t],
                                 L->decl_dims[t], n, ignored, sizeof ignored);
    }
}

static eb_status infer_all(loader *L)
{
    eb_graph *g = L->g;
    for (int i = 0; i < g->n_nodes; i++) {
        eb_node *n = &g->nodes[i];
        int inputs_known = 1;
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] >= 0 && g->tensors[n->inputs[k]].rank < 0)
                inputs_known = 0;
        eb_status st = inputs_known ? eb__infer_node(g, n, L->msg, L->msg_len) : EB_ERR_UNSUPPORTED;
        if (st == EB_OK) {
            n->shape_known = 1;
            eb__node_cost(g, n);
        } else if (st == EB_ERR_UNSUPPORTED && (!inputs_known || L->msg[0] == '\0')) {
            /* Unknown op (or fed by one, or a shape that depends on a run-time
             * value): not an error at load time; the file's declared shapes
             * stand in, and a backend that cannot run it refuses it by name in
             * supports(). */
            g->n_unknown_ops++;
            use_declared(L, n);
        } else {
            return st;
        }
        L->msg[0] = '\0';
    }
    return EB_OK;
}

eb_status eb__onnx_load_buffer(const void *bytes, size_t n, const char *label,
                               const eb_load_options *opts, eb_graph **out, char *msg,
                               size_t msg_len)
{
    *out = NULL;
    if (msg_len)
        msg[0] = '\0';
    int64_t default_dim = (opts && opts->default_dim > 0) ? opts->default_dim : 1;
    if (n == 0) {
        snprintf(msg, msg_len, "%s: file is empty, not an ONNX model", label);
        return EB_ERR_FORMAT;
    }
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, n, bytes);
    if (!m) {
        snprintf(msg, msg_len,
                 "%s: not a valid ONNX model: protobuf parsing failed (file truncated or "
                 "corrupt)",
                 label);
        return EB_ERR_FORMAT;
    }
    eb_status st = EB_ERR_NOMEM;
    loader L = {.msg = msg, .msg_len = msg_len};
    eb_graph *g = calloc(1, sizeof *g);
    if (!g || !(g->path = strdup(label))) {
        snprintf(msg, msg_len, "%s: out of memory", label);
        goto fail;
    }
    eb_graph_set_layout(g); /* plugins check it before reading (edgebench/graph.h) */
    L.g = g;
    const Onnx__GraphProto *gp = m->graph;
    if (!gp) {
        snprintf(msg, msg_len, "%s: ONNX model has no graph (file truncated or not a model)",
                 label);
        st = EB_ERR_FORMAT;
        goto fail;
    }
    g->ir_version = m->has_ir_version ? m->ir_version : 0;
    g->opset = opset_of(m, "");
    if (g->opset < 0) {
        snprintf(msg, msg_len, "%s: model imports no opset of the default ONNX domain", label);
        st = EB_ERR_FORMAT;
        goto fail;
    }
    g->name = dup_or_empty(gp->name);
    char prod[256];
    snprintf(prod, sizeof prod, "%s%s%s", m->producer_name ? m->producer_name : "",
             (m->producer_version && m->producer_version[0]) ? " " : "",
             m->producer_version ? m->producer_version : "");
    g->producer = strdup(prod);
    if (!g->name || !g->producer || eb_name_map_init(&L.names, gp->n_initializer + gp->n_node * 2) != 0) {
        st = oom(&L);
        goto fail;
    }
    if ((st = load_initializers(&L, gp)) != EB_OK || (st = load_inputs(&L, gp, default_dim)) != EB_OK ||
        (st = load_nodes(&L, m, gp)) != EB_OK || (st = load_outputs_and_value_info(&L, gp)) != EB_OK ||
        (st = eb__graph_topo_sort(g, msg, msg_len)) != EB_OK || (st = infer_all(&L)) != EB_OK ||
        (st = eb__graph_annotate_quant(g, msg, msg_len)) != EB_OK)
        goto fail;
    eb__graph_sum_costs(g);
    eb_name_map_free(&L.names);
    free(L.decl_rank);
    free(L.decl_dims);
    free(L.decl_dtype);
    onnx__model_proto__free_unpacked(m, NULL);
    *out = g;
    return EB_OK;
fail:
    eb_name_map_free(&L.names);
    free(L.decl_rank);
    free(L.decl_dims);
    free(L.decl_dtype);
    eb_graph_destroy(g);
    onnx__model_proto__free_unpacked(m, NULL);
    return st;
}
