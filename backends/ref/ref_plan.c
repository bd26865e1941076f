/* Building and executing a ref-backend plan.
 *
 * Steps are the graph's nodes in order, with each fused QDQ group (when
 * qdq_fusion is on) replacing its nodes. Every activation a step touches is
 * placed once at prepare, in one arena shared by lifetime (memory_reuse) or
 * in a buffer of its own, so a run performs no allocation. Graph inputs point
 * at the caller's buffers; graph outputs are computed into plan buffers and
 * copied out (a graph output may also feed later nodes, and the caller's
 * buffer may be smaller than the plan assumes only through a bug we want to
 * catch, not to write through).
 *
 * With options.hooks another backend is asked for each step before ref
 * builds its own (ref_plan_hooks.h: the call order, what a claim owns). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/ref/ref_arena.h"
#include "backends/ref/ref_concat_place.h"
#include "backends/ref/ref_fold.h"
#include "backends/ref/ref_plan.h"

typedef struct eb_ref_step {
    const eb_ref_op *op;
    eb_ref_exec exec;
    int is_fused;            /* exec.state belongs to a group in plan->fused */
    int n_in, n_out;         /* entries of exec.in / exec.out */
} eb_ref_step;

struct eb_ref_plan {
    const eb_graph *g;       /* the graph run: the caller's, or fold.g */
    eb_ref_folded fold;      /* constants folded at prepare (const_fold) */
    eb_value *values;        /* g->n_tensors entries */
    unsigned char *owned;    /* 1 where values[i].data was allocated on its own */
    void *arena;             /* activations when memory_reuse is on */
    size_t arena_bytes;      /* memory the activations take */
    size_t activation_bytes; /* what they would take without reuse */
    int n_steps;
    eb_ref_step *steps;
    eb_value **ptrs;         /* storage behind every step's in/out arrays */
    void *scratch;
    size_t scratch_bytes;
    unsigned char *elided;   /* per node: a Concat whose inputs are written in place
                                inside its output, so its step is not run */
    uint64_t *node_ns;       /* per-node time of the last run (profile); UINT64_MAX
                                for nodes not executed on their own */
    int profiling;
    int n_fused;
    eb_ref_fused *fused;     /* the QDQ groups the steps execute */
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Nodes whose outputs are all known at load time (Constant, folded shape
 * arithmetic) need no execution. */
static int all_const(const eb_graph *g, const eb_node *n)
{
    int all = n->n_outputs > 0;
    for (int o = 0; o < n->n_outputs; o++)
        if (n->outputs[o] >= 0 && !g->tensors[n->outputs[o]].data)
            all = 0;
    return all;
}

/* After fusion: mark nodes no step needs any more (typically the DQ of a
 * weight, whose only reader was fused). Reverse topological order, so a
 * node dies once every reader of its outputs has. */
static eb_status mark_dead(const eb_graph *g, const eb_ref_fused *fused, int n_fused,
                           unsigned char *skip)
{
    int *uses = calloc((size_t)g->n_tensors + 1, sizeof *uses);
    if (!uses)
        return EB_ERR_NOMEM;
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; !skip[i] && k < g->nodes[i].n_inputs; k++)
            if (g->nodes[i].inputs[k] >= 0)
                uses[g->nodes[i].inputs[k]]++;
    for (int f = 0; f < n_fused; f++)
        for (int k = 0; k < fused[f].n_in; k++)
            uses[fused[f].in_tensor[k]]++;
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        const eb_node *n = &g->nodes[i];
        if (skip[i])
            continue;
        int needed = 0;
        for (int o = 0; o < n->n_outputs; o++) {
            int t = n->outputs[o];
            if (t >= 0 && (uses[t] > 0 || g->tensors[t].is_graph_output))
                needed = 1;
        }
        if (needed)
            continue;
        skip[i] = 1;
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] >= 0)
                uses[n->inputs[k]]--;
    }
    free(uses);
    return EB_OK;
}

/* 1 when tensor i needs a plan buffer: a step touches it and its value is
 * neither a constant nor fed by the caller. */
static int needs_buffer(const eb_ref_plan *p, const unsigned char *used, int i)
{
    const eb_tensor *t = &p->g->tensors[i];
    return used[i] && !t->data && t->kind != EB_TENSOR_INPUT;
}

static eb_status no_shape(const eb_ref_plan *p, int i, char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "%s: tensor '%s' has no inferred shape", p->g->path,
             p->g->tensors[i].name);
    return EB_ERR_SHAPE;
}

/* A zeroed activation buffer: 64-byte aligned with 64 bytes of slack after
 * `bytes`, so a kernel a hook supplied may load whole vectors
 * (ref_plan_hooks.h); NULL when out of memory. */
static void *activation_alloc(size_t bytes)
{
    void *m = NULL;
    if (posix_memalign(&m, EB_REF_ARENA_ALIGN, bytes + EB_REF_ARENA_ALIGN) != 0)
        return NULL;
    memset(m, 0, bytes + EB_REF_ARENA_ALIGN);
    return m;
}

/* One buffer per activation (memory_reuse=0). */
static eb_status allocate_each(eb_ref_plan *p, const unsigned char *used, char *msg,
                               size_t msg_len)
{
    for (int i = 0; i < p->g->n_tensors; i++) {
        const eb_tensor *t = &p->g->tensors[i];
        if (!needs_buffer(p, used, i))
            continue;
        if (t->rank < 0)
            return no_shape(p, i, msg, msg_len);
        /* with its slack, zero-sized tensors still get a distinct valid pointer */
        p->values[i].data = activation_alloc(t->nbytes);
        if (!p->values[i].data)
            return EB_ERR_NOMEM;
        p->owned[i] = 1;
        p->activation_bytes += t->nbytes;
    }
    p->arena_bytes = p->activation_bytes;
    return EB_OK;
}

/* The Concat steps whose inputs can be written in place inside their
 * output (ref_concat_place.h), in step order: each input an item of the
 * arena that is not yet inside another output, not the output itself and
 * not repeated. Sets parent[item] (the output's item; -1 elsewhere) and
 * at[item] (its byte offset there), and marks their nodes elided. An output
 * may itself go inside a later Concat's output; each link joins an item
 * to one that is nobody's part yet, so the links never form a cycle, even
 * in a model whose nodes write one tensor twice. -1: out of memory. */
static int concats_in_place(eb_ref_plan *p, const int *slot, int n, int *parent, size_t *at)
{
    const eb_ref_op *concat = eb_ref_find_op("Concat");
    for (int k = 0; k < n; k++)
        parent[k] = -1, at[k] = 0;
    for (int s = 0; s < p->n_steps; s++) {
        eb_ref_step *st = &p->steps[s];
        if (st->is_fused || st->op != concat || st->n_out < 1 || !st->exec.out[0])
            continue;
        const int y = slot[st->exec.out[0] - p->values];
        if (y < 0 || parent[y] >= 0)
            continue;
        size_t *offs = malloc(((size_t)st->n_in + 1) * sizeof *offs);
        if (!offs)
            return -1;
        int ok = eb_ref_concat_slices(p->g, st->exec.node, EB_REF_ARENA_ALIGN, offs);
        for (int k = 0; ok && k < st->n_in; k++) {
            const int x = st->exec.in[k] ? slot[st->exec.in[k] - p->values] : -1;
            ok = x >= 0 && x != y && parent[x] < 0;
            for (int j = 0; ok && j < k; j++)
                ok = st->exec.in[j] != st->exec.in[k];
        }
        for (int k = 0; ok && k < st->n_in; k++) {
            const int x = slot[st->exec.in[k] - p->values];
            parent[x] = y;
            at[x] = offs[k];
        }
        p->elided[st->exec.node_index] = (unsigned char)ok;
        free(offs);
    }
    return 0;
}

/* Every activation in one arena, placed by lifetime (ref_arena.h); the
 * inputs of a Concat written in place are parts of its output's bytes,
 * which live from the first part's first step to the last part's last. */
static eb_status place_in_arena(eb_ref_plan *p, const unsigned char *used, char *msg,
                                size_t msg_len)
{
    const eb_graph *g = p->g;
    eb_status st = EB_ERR_NOMEM;
    int *slot = malloc(((size_t)g->n_tensors + 1) * sizeof *slot);
    eb_ref_live *live = calloc((size_t)g->n_tensors + 1, sizeof *live);
    int *parent = NULL, *root = NULL, n = 0;
    size_t *at = NULL, *in_root = NULL;
    if (!slot || !live)
        goto out;
    for (int i = 0; i < g->n_tensors; i++) {
        slot[i] = -1;
        if (!needs_buffer(p, used, i))
            continue;
        if (g->tensors[i].rank < 0) {
            st = no_shape(p, i, msg, msg_len);
            goto out;
        }
        live[n] = (eb_ref_live){.bytes = g->tensors[i].nbytes, .first = -1, .last = -1};
        if (g->tensors[i].is_graph_output)
            live[n].last = p->n_steps; /* copied out after the last step */
        p->activation_bytes += g->tensors[i].nbytes;
        slot[i] = n++;
    }
    for (int s = 0; s < p->n_steps; s++) {
        const eb_ref_exec *x = &p->steps[s].exec;
        int n_in = p->steps[s].n_in, n_out = p->steps[s].n_out;
        for (int k = 0; k < n_in + n_out; k++) {
            const eb_value *v = k < n_in ? x->in[k] : x->out[k - n_in];
            int t = v ? slot[v - p->values] : -1;
            if (t < 0)
                continue;
            if (live[t].first < 0)
                live[t].first = s;
            if (live[t].last < s)
                live[t].last = s;
        }
    }
    for (int k = 0; k < n; k++)
        if (live[k].first < 0) /* read before any step writes it: never, but be safe */
            live[k].first = 0;
    parent = malloc(((size_t)n + 1) * sizeof *parent);
    root = malloc(((size_t)n + 1) * sizeof *root);
    at = malloc(((size_t)n + 1) * sizeof *at);
    in_root = malloc(((size_t)n + 1) * sizeof *in_root);
    if (!parent || !root || !at || !in_root || concats_in_place(p, slot, n, parent, at) != 0)
        goto out;
    /* a part's offset in its outermost output (the root), whose lifetime
     * takes in the part's */
    for (int k = 0; k < n; k++) {
        int r = k;
        size_t off = 0;
        for (; parent[r] >= 0; r = parent[r])
            off += at[r];
        root[k] = r;
        in_root[k] = off;
        if (live[k].first < live[r].first)
            live[r].first = live[k].first;
        if (live[k].last > live[r].last)
            live[r].last = live[k].last;
    }
    /* only the roots are placed: compacted to the front (item j moves to
     * an index <= j), root[] then names a root's new index */
    int n_placed = 0;
    for (int k = 0; k < n; k++)
        if (root[k] == k) {
            live[n_placed] = live[k];
            parent[k] = n_placed++; /* parent[] no longer needed: the new index */
        }
    for (int k = 0; k < n; k++)
        root[k] = parent[root[k]];
    if (eb_ref_arena_place(live, n_placed, &p->arena_bytes) != 0)
        goto out;
    p->arena = activation_alloc(p->arena_bytes);
    if (!p->arena)
        goto out;
    for (int i = 0; i < g->n_tensors; i++)
        if (slot[i] >= 0)
            p->values[i].data = (char *)p->arena + live[root[slot[i]]].offset + in_root[slot[i]];
    st = EB_OK;
out:
    free(slot);
    free(live);
    free(parent);
    free(root);
    free(at);
    free(in_root);
    return st;
}

/* ref's op for node n as written, when its check accepts the node; else
 * NULL, with the file, the node and the reason in msg. */
static const eb_ref_op *ref_op_for(const eb_graph *g, const eb_node *n, char *msg,
                                   size_t msg_len)
{
    const eb_ref_op *op = n->domain[0] == '\0' ? eb_ref_find_op(n->op_type) : NULL;
    char why[256] = "";
    if (op && op->check(g, n, why, sizeof why))
        return op;
    /* the reasons of ref's own check (ref_supports), as inspect shows them */
    if (n->domain[0] != '\0')
        snprintf(why, sizeof why, "domain '%s' is not supported", n->domain);
    else if (!op)
        snprintf(why, sizeof why, "op %s is not implemented by ref", n->op_type);
    snprintf(msg, msg_len, "%s: node '%s' (%s) not supported by ref: %s", g->path, n->name,
             n->op_type, why);
    return NULL;
}

/* The nodes a claim on node i absorbs (ref_plan_hooks.h): each later than
 * the one before, a step of its own until now, and one ref could run
 * itself, so a model is refused the same way with or without the hook; or
 * the position of a fused group not yet built or absorbed; either reading
 * only what the step has: the output so far, the claimed step's own
 * inputs (f: the claimed group, or NULL for node i), constants. *last_group: the group whose
 * output the step then writes (the last absorbed), or NULL. */
static int reads_step(const eb_graph *g, const eb_node *n, const eb_ref_fused *f,
                      const int *in, int n_in, int so_far)
{
    for (int k = 0; k < n_in; k++) {
        int ok = in[k] < 0 || in[k] == so_far || g->tensors[in[k]].data != NULL;
        for (int j = 0; !ok && j < (f ? f->n_in : n->n_inputs); j++)
            ok = in[k] == (f ? f->in_tensor[j] : n->inputs[j]);
        if (!ok)
            return 0;
    }
    return 1;
}

static eb_status take_absorbed(const eb_graph *g, int i, const eb_ref_fused *f,
                               const eb_ref_step_claim *claim, unsigned char *skip,
                               unsigned char *runs_alone, int *group_at,
                               const eb_ref_fused *groups, const eb_ref_fused **last_group,
                               char *msg, size_t msg_len)
{
    const eb_node *n = &g->nodes[i];
    *last_group = NULL;
    if (claim->n_absorb < 0 || claim->n_absorb > EB_REF_ABSORB_MAX) {
        snprintf(msg, msg_len, "%s: node '%s' claimed with %d absorbed nodes", g->path, n->name,
                 claim->n_absorb);
        return EB_ERR_INVALID_ARG;
    }
    int prev = i;
    int so_far = f ? f->out_tensor : n->n_outputs > 0 ? n->outputs[0] : -1;
    for (int k = 0; k < claim->n_absorb; k++) {
        const int a = claim->absorb[k];
        const eb_ref_fused *ag = a > prev && a < g->n_nodes && group_at[a] >= 0
                                     ? &groups[group_at[a]]
                                     : NULL;
        if (a <= prev || a >= g->n_nodes || (!runs_alone[a] && !ag) ||
            !(ag ? reads_step(g, n, f, ag->in_tensor, ag->n_in, so_far)
                 : reads_step(g, n, f, g->nodes[a].inputs, g->nodes[a].n_inputs, so_far))) {
            snprintf(msg, msg_len, "%s: node '%s' cannot absorb node %d", g->path, n->name, a);
            return EB_ERR_INVALID_ARG;
        }
        if (group_at[a] < 0 && !ref_op_for(g, &g->nodes[a], msg, msg_len))
            return EB_ERR_UNSUPPORTED;
        so_far = group_at[a] >= 0                ? groups[group_at[a]].out_tensor
                 : g->nodes[a].n_outputs > 0 ? g->nodes[a].outputs[0]
                                             : -1;
        prev = a;
    }
    for (int k = 0; k < claim->n_absorb; k++) {
        const int a = claim->absorb[k];
        *last_group = group_at[a] >= 0 ? &groups[group_at[a]] : NULL;
        group_at[a] = -1;
        skip[a] = 1;
        runs_alone[a] = 0;
    }
    return EB_OK;
}

eb_status eb_ref_plan_create(const eb_graph *g, const eb_ref_plan_options *opts,
                             eb_ref_plan **out, char *msg, size_t msg_len)
{
    eb_ref_plan_options o = opts ? *opts : EB_REF_PLAN_DEFAULTS;
    eb_status st = EB_ERR_NOMEM;
    *out = NULL;
    int *group_at = NULL;         /* per node: the group placed at it, or -1 */
    unsigned char *skip = NULL;   /* per node: not executed as itself */
    unsigned char *used = NULL;   /* per tensor: read or written by a step */
    unsigned char *runs_alone = NULL; /* per node: a step of its own, as written */
    eb_ref_plan *p = calloc(1, sizeof *p);
    if (!p)
        goto fail;
    if (o.const_fold) {
        st = eb_ref_fold_constants(g, &p->fold, &g, msg, msg_len);
        if (st != EB_OK)
            goto fail;
        st = EB_ERR_NOMEM;
    }
    p->g = g;
    p->values = calloc((size_t)g->n_tensors + 1, sizeof *p->values);
    p->owned = calloc((size_t)g->n_tensors + 1, 1);
    p->steps = calloc((size_t)g->n_nodes + 1, sizeof *p->steps);
    p->node_ns = malloc(((size_t)g->n_nodes + 1) * sizeof *p->node_ns);
    p->elided = calloc((size_t)g->n_nodes + 1, 1);
    group_at = malloc(((size_t)g->n_nodes + 1) * sizeof *group_at);
    skip = calloc((size_t)g->n_nodes + 1, 1);
    used = calloc((size_t)g->n_tensors + 1, 1);
    runs_alone = calloc((size_t)g->n_nodes + 1, 1);
    if (!p->values || !p->owned || !p->steps || !p->node_ns || !p->elided || !group_at || !skip ||
        !used || !runs_alone)
        goto fail;
    for (int i = 0; i < g->n_nodes; i++) {
        p->node_ns[i] = UINT64_MAX;
        group_at[i] = -1;
        skip[i] = (unsigned char)all_const(g, &g->nodes[i]);
    }
    for (int i = 0; i < g->n_tensors; i++)
        eb_ref_value_from_tensor(&p->values[i], &g->tensors[i]);

    if (o.qdq_fusion) {
        st = eb_ref_fuse_qdq(g, &p->fused, &p->n_fused, msg, msg_len);
        if (st != EB_OK)
            goto fail;
        for (int f = 0; f < p->n_fused; f++) {
            group_at[p->fused[f].position] = f;
            for (int k = 0; k < p->fused[f].n_nodes; k++)
                skip[p->fused[f].nodes[k]] = 1;
        }
        if (p->n_fused && (st = mark_dead(g, p->fused, p->n_fused, skip)) != EB_OK)
            goto fail;
        st = EB_ERR_NOMEM;
    }

    size_t n_ptrs = 3 * (size_t)p->n_fused;
    for (int i = 0; i < g->n_nodes; i++)
        n_ptrs += (size_t)g->nodes[i].n_inputs + (size_t)g->nodes[i].n_outputs;
    p->ptrs = calloc(n_ptrs + 1, sizeof *p->ptrs);
    if (!p->ptrs)
        goto fail;

    for (int i = 0; i < g->n_nodes; i++)
        runs_alone[i] = !skip[i] && group_at[i] < 0;

    size_t used_ptrs = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        eb_ref_step *s = &p->steps[p->n_steps];
        const eb_ref_fused *f = group_at[i] >= 0 ? &p->fused[group_at[i]] : NULL;
        if (!f && skip[i])
            continue;
        /* a node as written: ref must be able to run it, claimed or not, so
         * a model is refused the same way with or without a hook */
        const eb_ref_op *op = f ? NULL : ref_op_for(g, n, msg, msg_len);
        if (!f && !op) {
            st = EB_ERR_UNSUPPORTED;
            goto fail;
        }
        const int anchor = f ? f->anchor : i;
        eb_ref_step_claim claim = {.op = NULL, .state = NULL, .n_absorb = 0};
        const eb_ref_fused *last_group = NULL; /* absorbed last: the step writes its output */
        if (o.hooks && o.hooks->claim) {
            eb_ref_plan_site site = {.g = g,
                                     .node = &g->nodes[anchor],
                                     .node_index = anchor,
                                     .group = f,
                                     .runs_alone = runs_alone,
                                     .group_at = group_at,
                                     .groups = p->fused};
            int taken = o.hooks->claim(o.hooks->ctx, &site, &claim, msg, msg_len);
            if (taken < 0) {
                st = (eb_status)taken;
                goto fail;
            }
            if (!taken)
                claim = (eb_ref_step_claim){.op = NULL, .state = NULL, .n_absorb = 0};
        }
        if (claim.op) {
            /* the plan owns the state from here: destroy releases it */
            s->op = claim.op;
            s->exec.state = claim.state;
            p->n_steps++;
            if ((st = take_absorbed(g, i, f, &claim, skip, runs_alone, group_at, p->fused,
                                    &last_group, msg, msg_len)) != EB_OK)
                goto fail;
            st = EB_ERR_NOMEM;
        }
        s->exec.g = g;
        s->exec.node = &g->nodes[anchor];
        s->exec.node_index = anchor;
        /* inputs: the group's, or the node's */
        s->exec.in = p->ptrs + used_ptrs;
        s->n_in = f ? f->n_in : n->n_inputs;
        used_ptrs += (size_t)s->n_in;
        for (int k = 0; k < s->n_in; k++) {
            int t = f ? f->in_tensor[k] : n->inputs[k];
            s->exec.in[k] = t >= 0 ? &p->values[t] : NULL;
            if (t >= 0)
                used[t] = 1;
        }
        /* outputs: the absorbed node's or group's, the group's, or the node's */
        const eb_ref_fused *outf = last_group ? last_group : f;
        const eb_node *outn = last_group ? NULL
                              : claim.op && claim.n_absorb > 0
                                  ? &g->nodes[claim.absorb[claim.n_absorb - 1]]
                              : f ? NULL
                                  : n;
        s->exec.out = p->ptrs + used_ptrs;
        s->n_out = outn ? outn->n_outputs : 1;
        used_ptrs += (size_t)s->n_out;
        for (int k = 0; k < s->n_out; k++) {
            int t = outn ? outn->outputs[k] : outf->out_tensor;
            s->exec.out[k] = t >= 0 ? &p->values[t] : NULL;
            if (t >= 0)
                used[t] = 1;
        }
        if (claim.op)
            continue;
        if (f) {
            s->op = f->op;
            s->is_fused = 1;
            s->exec.state = f->state; /* owned by p->fused */
            if (f->scratch_bytes > p->scratch_bytes)
                p->scratch_bytes = f->scratch_bytes;
            p->n_steps++;
            continue;
        }
        s->op = op;
        size_t scratch = 0;
        if (op->prepare) {
            st = op->prepare(g, n, &s->exec.state, &scratch, msg, msg_len);
            if (st != EB_OK)
                goto fail;
        }
        p->n_steps++;
        if (scratch > p->scratch_bytes)
            p->scratch_bytes = scratch;
    }

    /* Buffers only for what some step touches: the intermediates inside a
     * fused group never exist. */
    st = o.memory_reuse ? place_in_arena(p, used, msg, msg_len)
                        : allocate_each(p, used, msg, msg_len);
    if (st != EB_OK)
        goto fail;
    if (p->scratch_bytes) {
        p->scratch = malloc(p->scratch_bytes);
        if (!p->scratch) {
            st = EB_ERR_NOMEM;
            goto fail;
        }
    }
    for (int s = 0; s < p->n_steps; s++)
        p->steps[s].exec.scratch = p->scratch;
    free(group_at);
    free(skip);
    free(used);
    free(runs_alone);
    *out = p;
    return EB_OK;
fail:
    if (st == EB_ERR_NOMEM)
        snprintf(msg, msg_len, "%s: out of memory preparing the ref plan", g->path);
    free(group_at);
    free(skip);
    free(used);
    free(runs_alone);
    eb_ref_plan_destroy(p);
    return st;
}

static int same_shape(const eb_value *a, const eb_value *b)
{
    if (a->rank != b->rank || a->dtype != b->dtype)
        return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d])
            return 0;
    return 1;
}

eb_status eb_ref_plan_run(eb_ref_plan *p, const eb_value *inputs, int n_inputs,
                          eb_value *outputs, int n_outputs, char *msg, size_t msg_len)
{
    const eb_graph *g = p->g;
    if (n_inputs != g->n_inputs || n_outputs != g->n_outputs) {
        snprintf(msg, msg_len, "%s: expected %d inputs and %d outputs, got %d and %d", g->path,
                 g->n_inputs, g->n_outputs, n_inputs, n_outputs);
        return EB_ERR_INVALID_ARG;
    }
    for (int i = 0; i < n_inputs; i++) {
        eb_value *v = &p->values[g->inputs[i]];
        if (!same_shape(v, &inputs[i]) || inputs[i].nbytes < v->nbytes || !inputs[i].data) {
            snprintf(msg, msg_len, "%s: input '%s' does not match the model's shape or type",
                     g->path, g->tensors[g->inputs[i]].name);
            return EB_ERR_INVALID_ARG;
        }
        v->data = inputs[i].data;
    }
    for (int s = 0; s < p->n_steps; s++) {
        eb_ref_step *st = &p->steps[s];
        if (p->elided[st->exec.node_index])
            continue; /* its output already holds its inputs */
        uint64_t t0 = now_ns();
        eb_status rc = st->op->run(&st->exec, msg, msg_len);
        p->node_ns[st->exec.node_index] = now_ns() - t0;
        if (rc != EB_OK)
            return rc;
    }
    for (int i = 0; i < n_outputs; i++) {
        const eb_value *v = &p->values[g->outputs[i]];
        if (outputs[i].nbytes < v->nbytes || !outputs[i].data) {
            snprintf(msg, msg_len, "%s: output buffer '%s' too small (%zu < %zu bytes)",
                     g->path, g->tensors[g->outputs[i]].name, outputs[i].nbytes, v->nbytes);
            return EB_ERR_INVALID_ARG;
        }
        if (v->nbytes)
            memcpy(outputs[i].data, v->data, v->nbytes);
        outputs[i].dtype = v->dtype;
        outputs[i].rank = v->rank;
        memcpy(outputs[i].dims, v->dims, sizeof v->dims);
    }
    return EB_OK;
}

void eb_ref_plan_destroy(eb_ref_plan *p)
{
    if (!p)
        return;
    /* fused steps' states belong to p->fused, released below; a claimed
     * step's state is the plan's (ref_plan_hooks.h) and released here */
    for (int s = 0; s < p->n_steps; s++)
        if (!p->steps[s].is_fused && p->steps[s].op->release)
            p->steps[s].op->release(p->steps[s].exec.state);
    eb_ref_fused_free(p->fused, p->n_fused);
    if (p->values)
        for (int i = 0; i < p->g->n_tensors; i++)
            if (p->owned[i])
                free(p->values[i].data);
    free(p->values);
    free(p->owned);
    free(p->steps);
    free(p->ptrs);
    free(p->scratch);
    free(p->arena);
    free(p->node_ns);
    free(p->elided);
    eb_ref_folded_free(&p->fold);
    free(p);
}

int eb_ref_plan_fused_groups(const eb_ref_plan *p) { return p ? p->n_fused : 0; }

const char *eb_ref_plan_fused_kind(const eb_ref_plan *p, int i)
{
    return p && i >= 0 && i < p->n_fused ? p->fused[i].kind : NULL;
}

int eb_ref_plan_steps(const eb_ref_plan *p) { return p ? p->n_steps : 0; }

void eb_ref_plan_memory(const eb_ref_plan *p, size_t *arena_bytes, size_t *activation_bytes)
{
    *arena_bytes = p->arena_bytes;
    *activation_bytes = p->activation_bytes;
}

int eb_ref_plan_node_elided(const eb_ref_plan *p, int node)
{
    return p && node >= 0 && node < p->g->n_nodes ? p->elided[node] : 0;
}

void eb_ref_plan_profile(const eb_ref_plan *p, uint64_t *node_ns, int n_nodes)
{
    for (int i = 0; i < n_nodes; i++)
        node_ns[i] = i < p->g->n_nodes ? p->node_ns[i] : UINT64_MAX;
}
