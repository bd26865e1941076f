/* eb_op_profile_measure (op_profile.h). */
#include "harness/backend/op_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "harness/stats/stats.h"

static uint64_t median(uint64_t *v, size_t n)
{
    eb_sort_u64(v, n);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

eb_status eb_op_profile_measure(const eb_session *s, const eb_value *in, int n_in, eb_value *out,
                                long warmup, long iterations, eb_op_profile *p, char *msg,
                                size_t msg_len)
{
    memset(p, 0, sizeof *p);
    const eb_backend *be = s->be;
    const eb_graph *g = s->g;
    if (!be->profile) {
        snprintf(msg, msg_len, "backend '%s' has no per-node profile (its plugin implements no "
                               "profile hook)", be->name);
        return EB_ERR_UNSUPPORTED;
    }
    if (iterations < 1 || warmup < 0) {
        snprintf(msg, msg_len, "profile: %ld iterations after %ld warm-up", iterations, warmup);
        return EB_ERR_INVALID_ARG;
    }
    size_t nn = (size_t)g->n_nodes, n = (size_t)iterations;
    /* node x inference times: the medians need them all */
    uint64_t *last = malloc((nn ? nn : 1) * sizeof *last);
    uint64_t *samples = malloc((nn ? nn : 1) * n * sizeof *samples);
    uint64_t *infer = malloc(n * sizeof *infer);
    p->node_ns = malloc((nn ? nn : 1) * sizeof *p->node_ns);
    eb_status st = EB_OK;
    if (!last || !samples || !infer || !p->node_ns) {
        snprintf(msg, msg_len, "profile: out of memory for %zu nodes x %zu inferences", nn, n);
        st = EB_ERR_NOMEM;
        goto done;
    }
    /* one call before any run: a backend may time its steps only once the
     * hook has been asked (onednn), so measured runs read no extra clocks */
    be->profile(s->ctx, s->plan, last, g->n_nodes);
    for (long i = 0; i < warmup + iterations; i++) {
        uint64_t t0 = eb_now_ns();
        st = be->run(s->ctx, s->plan, in, n_in, out, g->n_outputs, msg, msg_len);
        uint64_t t1 = eb_now_ns();
        if (st == EB_OK)
            st = be->profile(s->ctx, s->plan, last, g->n_nodes);
        if (st != EB_OK) {
            char why[512];
            snprintf(why, sizeof why, "%s", msg[0] ? msg : eb_status_str(st));
            snprintf(msg, msg_len, "backend '%s': %s", be->name, why);
            goto done;
        }
        if (i < warmup)
            continue;
        size_t k = (size_t)(i - warmup);
        infer[k] = t1 - t0;
        for (size_t j = 0; j < nn; j++)
            samples[j * n + k] = last[j];
    }
    p->n_nodes = g->n_nodes;
    p->iterations = iterations;
    for (size_t j = 0; j < nn; j++) {
        /* a node is timed when every inference timed it */
        int timed = 1;
        for (size_t k = 0; k < n && timed; k++)
            timed = samples[j * n + k] != EB_OP_UNTIMED;
        p->node_ns[j] = timed ? median(samples + j * n, n) : EB_OP_UNTIMED;
        if (timed) {
            p->nodes_sum_ns += p->node_ns[j];
            p->timed++;
        }
    }
    p->inference_ns = median(infer, n);
done:
    free(last);
    free(samples);
    free(infer);
    if (st != EB_OK)
        eb_op_profile_free(p);
    return st;
}

void eb_op_profile_free(eb_op_profile *p)
{
    free(p->node_ns);
    memset(p, 0, sizeof *p);
}
