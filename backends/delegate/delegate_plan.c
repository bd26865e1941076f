/* Segmented execution of a graph across a vendor library and the reference
 * backend (see delegate_plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/delegate/delegate_const.h"
#include "backends/delegate/delegate_plan.h"
#include "backends/ref/ref_backend.h"

typedef struct segment {
    int vendor;            /* 1: vendor ops, 0: reference backend */
    eb_graph view;         /* shallow view; owns only its arrays */
    void *state;           /* vendor state or ref plan */
    int *node_of;          /* view node -> graph node (for profiles) */
    eb_value *in, *out;    /* per-run argument arrays */
} segment;

struct eb_delegate_plan {
    const eb_graph *g;
    const eb_segment_ops *ops;
    void *vctx;
    eb_backend_ctx *ref_ctx;
    int n_seg;
    segment *seg;
    eb_value *vals;        /* per tensor: where its value lives this run */
    void **owned;          /* per tensor: buffer the plan allocated, or NULL */
    eb_const_cache consts; /* constant chains computed at prepare */
    const void **cdata;    /* per tensor: its constant value, or NULL */
    uint64_t *seg_ns;      /* a segment's node times, for the profile hook (made once) */
};

int eb_delegate_parse_fallback(const char *v)
{
    if (!v)
        return -1;
    if (strcmp(v, "ref") == 0)
        return 1;
    if (strcmp(v, "none") == 0 || strcmp(v, "") == 0)
        return 0;
    return -1;
}

int eb_delegate_ref_supports(const eb_graph *g, int node, char *why, size_t why_len)
{
    const eb_backend *ref = eb_ref_backend();
    eb_backend_options o = {.struct_size = sizeof o, .threads = 1};
    eb_backend_ctx *c = NULL;
    char msg[256];
    if (ref->open(&o, &c, msg, sizeof msg) != EB_OK)
        return 0;
    int ok = ref->supports(c, g, node, why, why_len);
    ref->close(c);
    return ok;
}

/* Nodes whose outputs are all known at prepare (constants, or constant
 * chains through Identity / Q / DQ) are run by nobody. */
static int is_folded(const eb_graph *g, const void **cdata, int i)
{
    const eb_node *n = &g->nodes[i];
    if (n->n_outputs == 0)
        return 0;
    for (int o = 0; o < n->n_outputs; o++)
        if (n->outputs[o] >= 0 && !cdata[n->outputs[o]])
            return 0;
    return 1;
}

static int push_unique(int *list, int *n, int t)
{
    for (int i = 0; i < *n; i++)
        if (list[i] == t)
            return 0;
    list[(*n)++] = t;
    return 1;
}

/* Build the view of nodes [first, last] (those with seg_of == s). */
static eb_status build_view(const eb_graph *g, const void **cdata, const int *seg_of, int s,
                            eb_graph *v, char *msg, size_t msg_len)
{
    *v = *g;
    v->n_nodes = 0;
    v->tensors = calloc((size_t)g->n_tensors + 1, sizeof *v->tensors);
    v->nodes = calloc((size_t)g->n_nodes + 1, sizeof *v->nodes);
    v->inputs = calloc((size_t)g->n_tensors + 1, sizeof *v->inputs);
    v->outputs = calloc((size_t)g->n_tensors + 1, sizeof *v->outputs);
    if (!v->tensors || !v->nodes || !v->inputs || !v->outputs) {
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    memcpy(v->tensors, g->tensors, (size_t)g->n_tensors * sizeof *v->tensors);
    for (int t = 0; t < g->n_tensors; t++) {
        v->tensors[t].producer = -1;
        v->tensors[t].n_consumers = 0;
        v->tensors[t].is_graph_output = 0;
        if (cdata[t] && !g->tensors[t].data) { /* computed at prepare: a constant here */
            v->tensors[t].data = (void *)cdata[t];
            v->tensors[t].kind = EB_TENSOR_CONSTANT;
        }
    }
    v->n_inputs = v->n_outputs = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        if (seg_of[i] != s)
            continue;
        const eb_node *n = &g->nodes[i];
        for (int k = 0; k < n->n_inputs; k++) {
            int t = n->inputs[k];
            if (t < 0)
                continue;
            v->tensors[t].n_consumers++;
            /* read but not made here and not constant: an input of the view */
            if (!cdata[t] && (g->tensors[t].producer < 0 ||
                              seg_of[g->tensors[t].producer] != s)) {
                v->tensors[t].kind = EB_TENSOR_INPUT;
                push_unique(v->inputs, &v->n_inputs, t);
            }
        }
        for (int k = 0; k < n->n_outputs; k++)
            if (n->outputs[k] >= 0)
                v->tensors[n->outputs[k]].producer = v->n_nodes;
        v->nodes[v->n_nodes++] = *n;
    }
    /* outputs: made here and read by another segment or by the caller */
    for (int t = 0; t < g->n_tensors; t++) {
        int p = g->tensors[t].producer;
        if (p < 0 || seg_of[p] != s || cdata[t])
            continue;
        int needed = g->tensors[t].is_graph_output;
        for (int i = 0; i < g->n_nodes && !needed; i++) {
            if (seg_of[i] == s || seg_of[i] < 0)
                continue;
            for (int k = 0; k < g->nodes[i].n_inputs; k++)
                if (g->nodes[i].inputs[k] == t)
                    needed = 1;
        }
        if (needed) {
            if (g->tensors[t].rank < 0) {
                snprintf(msg, msg_len, "%s: tensor '%s' crosses a backend boundary but its shape is unknown",
                         g->path, g->tensors[t].name);
                return EB_ERR_SHAPE;
            }
            v->tensors[t].is_graph_output = 1;
            v->outputs[v->n_outputs++] = t;
        }
    }
    return EB_OK;
}

eb_status eb_delegate_plan_create(const eb_graph *g, const unsigned char *on_vendor,
                                  const eb_segment_ops *ops, void *vctx, int threads,
                                  eb_delegate_plan **out, char *msg, size_t msg_len)
{
    *out = NULL;
    eb_status st = EB_ERR_NOMEM;
    eb_delegate_plan *p = calloc(1, sizeof *p);
    int *seg_of = calloc((size_t)g->n_nodes + 1, sizeof *seg_of);
    if (!p || !seg_of) {
        free(p);
        free(seg_of);
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    p->g = g;
    p->ops = ops;
    p->vctx = vctx;
    p->cdata = calloc((size_t)g->n_tensors + 1, sizeof *p->cdata);
    if (!p->cdata || !eb_const_cache_init(&p->consts, g)) {
        snprintf(msg, msg_len, "out of memory");
        goto fail;
    }
    for (int t = 0; t < g->n_tensors; t++)
        if (eb_delegate_is_const(g, t) && !(p->cdata[t] = eb_const_value(&p->consts, t))) {
            snprintf(msg, msg_len, "%s: cannot compute constant '%s'", g->path, g->tensors[t].name);
            goto fail;
        }
    /* consecutive nodes (in topological order) with the same runner */
    int last_kind = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        if (is_folded(g, p->cdata, i)) {
            seg_of[i] = -1;
            continue;
        }
        int kind = on_vendor[i] ? 1 : 0;
        if (kind != last_kind) {
            p->n_seg++;
            last_kind = kind;
        }
        seg_of[i] = p->n_seg - 1;
    }
    p->seg = calloc((size_t)p->n_seg + 1, sizeof *p->seg);
    p->vals = calloc((size_t)g->n_tensors + 1, sizeof *p->vals);
    p->owned = calloc((size_t)g->n_tensors + 1, sizeof *p->owned);
    /* a segment has at most the graph's nodes: the profile hook's scratch,
     * made here so the hook never allocates */
    p->seg_ns = malloc(((size_t)g->n_nodes + 1) * sizeof *p->seg_ns);
    if (!p->seg || !p->vals || !p->owned || !p->seg_ns) {
        snprintf(msg, msg_len, "out of memory");
        goto fail;
    }
    for (int i = 0; i < g->n_nodes; i++)
        if (seg_of[i] >= 0)
            p->seg[seg_of[i]].vendor = on_vendor[i] ? 1 : 0;
    const eb_backend *ref = eb_ref_backend();
    for (int s = 0; s < p->n_seg; s++) {
        segment *sg = &p->seg[s];
        if ((st = build_view(g, p->cdata, seg_of, s, &sg->view, msg, msg_len)) != EB_OK)
            goto fail;
        if (!(sg->node_of = malloc(((size_t)sg->view.n_nodes + 1) * sizeof *sg->node_of))) {
            st = EB_ERR_NOMEM;
            snprintf(msg, msg_len, "out of memory");
            goto fail;
        }
        for (int i = 0, k = 0; i < g->n_nodes; i++)
            if (seg_of[i] == s)
                sg->node_of[k++] = i; /* build_view keeps the graph's order */
        sg->in = calloc((size_t)sg->view.n_inputs + 1, sizeof *sg->in);
        sg->out = calloc((size_t)sg->view.n_outputs + 1, sizeof *sg->out);
        if (!sg->in || !sg->out) {
            st = EB_ERR_NOMEM;
            snprintf(msg, msg_len, "out of memory");
            goto fail;
        }
        char m[1024] = "";
        if (sg->vendor) {
            st = ops->prepare(vctx, g, &sg->view, &sg->state, m, sizeof m);
        } else {
            if (!p->ref_ctx) {
                eb_backend_options o = {.struct_size = sizeof o, .threads = threads};
                if ((st = ref->open(&o, &p->ref_ctx, m, sizeof m)) != EB_OK) {
                    p->ref_ctx = NULL;
                    snprintf(msg, msg_len, "fallback ref: %s", m);
                    goto fail;
                }
            }
            eb_model model = {.struct_size = sizeof model, .graph = &sg->view, .path = g->path};
            eb_plan *rp = NULL;
            st = ref->prepare(p->ref_ctx, &model, &rp, m, sizeof m);
            sg->state = rp;
        }
        if (st != EB_OK) {
            sg->state = NULL;
            snprintf(msg, msg_len, "%s segment %d: %s", sg->vendor ? "vendor" : "fallback ref", s,
                     m[0] ? m : eb_status_str(st));
            goto fail;
        }
        /* buffers for tensors handed from this segment to a later one */
        for (int k = 0; k < sg->view.n_outputs; k++) {
            int t = sg->view.outputs[k];
            if (g->tensors[t].is_graph_output || p->owned[t])
                continue;
            p->owned[t] = calloc(1, g->tensors[t].nbytes + 1);
            if (!p->owned[t]) {
                st = EB_ERR_NOMEM;
                snprintf(msg, msg_len, "out of memory for tensor '%s'", g->tensors[t].name);
                goto fail;
            }
        }
    }
    for (int t = 0; t < g->n_tensors; t++) {
        const eb_tensor *tt = &g->tensors[t];
        eb_value *v = &p->vals[t];
        v->dtype = tt->dtype;
        v->rank = tt->rank < 0 ? 0 : tt->rank;
        memcpy(v->dims, tt->dims, sizeof v->dims);
        v->nbytes = tt->nbytes;
        v->data = p->owned[t] ? p->owned[t] : (void *)p->cdata[t];
    }
    free(seg_of);
    *out = p;
    return EB_OK;
fail:
    free(seg_of);
    eb_delegate_plan_destroy(p);
    return st == EB_OK ? EB_ERR_NOMEM : st;
}

eb_status eb_delegate_plan_run(eb_delegate_plan *p, const eb_value *in, int n_in,
                               eb_value *out, int n_out, char *msg, size_t msg_len)
{
    const eb_graph *g = p->g;
    if (n_in != g->n_inputs || n_out != g->n_outputs) {
        snprintf(msg, msg_len, "%s: %d inputs and %d outputs given, the model has %d and %d",
                 g->path, n_in, n_out, g->n_inputs, g->n_outputs);
        return EB_ERR_INVALID_ARG;
    }
    for (int i = 0; i < n_in; i++)
        p->vals[g->inputs[i]] = in[i];
    for (int i = 0; i < n_out; i++) {
        int t = g->outputs[i];
        if (p->cdata[t]) { /* a constant output: nothing computes it */
            memcpy(out[i].data, p->cdata[t],
                   out[i].nbytes < g->tensors[t].nbytes ? out[i].nbytes : g->tensors[t].nbytes);
            continue;
        }
        p->vals[t] = out[i];
    }
    const eb_backend *ref = eb_ref_backend();
    for (int s = 0; s < p->n_seg; s++) {
        segment *sg = &p->seg[s];
        for (int k = 0; k < sg->view.n_inputs; k++)
            sg->in[k] = p->vals[sg->view.inputs[k]];
        for (int k = 0; k < sg->view.n_outputs; k++)
            sg->out[k] = p->vals[sg->view.outputs[k]];
        eb_status st = sg->vendor
                           ? p->ops->run(p->vctx, sg->state, sg->in, sg->view.n_inputs, sg->out,
                                         sg->view.n_outputs, msg, msg_len)
                           : ref->run(p->ref_ctx, sg->state, sg->in, sg->view.n_inputs, sg->out,
                                      sg->view.n_outputs, msg, msg_len);
        if (st != EB_OK)
            return st;
    }
    return EB_OK;
}

void eb_delegate_plan_destroy(eb_delegate_plan *p)
{
    if (!p)
        return;
    const eb_backend *ref = eb_ref_backend();
    for (int s = 0; s < p->n_seg; s++) {
        segment *sg = &p->seg[s];
        if (sg->state) {
            if (sg->vendor)
                p->ops->release(p->vctx, sg->state);
            else
                ref->release(p->ref_ctx, sg->state);
        }
        free(sg->node_of);
        free(sg->view.tensors);
        free(sg->view.nodes);
        free(sg->view.inputs);
        free(sg->view.outputs);
        free(sg->in);
        free(sg->out);
    }
    if (p->ref_ctx)
        ref->close(p->ref_ctx);
    for (int t = 0; p->owned && t < p->g->n_tensors; t++)
        free(p->owned[t]);
    if (p->consts.owned)
        eb_const_cache_free(&p->consts);
    free(p->seg_ns);
    free(p->cdata);
    free(p->owned);
    free(p->vals);
    free(p->seg);
    free(p);
}

void eb_delegate_plan_profile(const eb_delegate_plan *p, uint64_t *node_ns, int n_nodes)
{
    for (int i = 0; i < n_nodes; i++)
        node_ns[i] = UINT64_MAX;
    uint64_t *seg_ns = p->seg_ns;
    const eb_backend *ref = eb_ref_backend();
    for (int s = 0; s < p->n_seg; s++) {
        const segment *sg = &p->seg[s];
        int n = sg->view.n_nodes;
        if (sg->vendor && !p->ops->profile)
            continue;
        if (sg->vendor)
            p->ops->profile(p->vctx, sg->state, seg_ns, n);
        else if (ref->profile(p->ref_ctx, sg->state, seg_ns, n) != EB_OK)
            continue;
        for (int k = 0; k < n; k++)
            if (sg->node_of[k] < n_nodes)
                node_ns[sg->node_of[k]] = seg_ns[k];
    }
}

void eb_delegate_plan_counts(const eb_delegate_plan *p, int *vendor_segments, int *vendor_nodes,
                             int *ref_segments, int *ref_nodes)
{
    *vendor_segments = *vendor_nodes = *ref_segments = *ref_nodes = 0;
    for (int s = 0; p && s < p->n_seg; s++) {
        if (p->seg[s].vendor) {
            (*vendor_segments)++;
            *vendor_nodes += p->seg[s].view.n_nodes;
        } else {
            (*ref_segments)++;
            *ref_nodes += p->seg[s].view.n_nodes;
        }
    }
}

void eb_delegate_plan_describe(const eb_delegate_plan *p, const char *name)
{
    const char *e = getenv("EDGEBENCH_DELEGATE_VERBOSE");
    if (!p || !e || (e[0] != '1' && e[0] != '2'))
        return;
    int vs, vn, rs, rn;
    eb_delegate_plan_counts(p, &vs, &vn, &rs, &rn);
    fprintf(stderr, "%s: %s: %d nodes on %s in %d segment%s, %d on ref in %d segment%s\n", name,
            p->g->path, vn, name, vs, vs == 1 ? "" : "s", rn, rs, rs == 1 ? "" : "s");
}
