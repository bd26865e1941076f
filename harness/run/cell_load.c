/* eb_cell_load_run: warm-up, the load scheduler, the load.* extras. */
#include <math.h>
#include <string.h>

#include "harness/run/cell_load.h"
#include "harness/run/load_sched.h"

typedef struct issue_ctx {
    const eb_loop_hooks *h;
    uint64_t first; /* inferences before the measured phase (cold + warm-up) */
} issue_ctx;

/* One measured inference: the cell's untimed before/after hooks around it
 * (dataset input, CPU time, accuracy), as in the timing loop; the query's
 * latency, read by the scheduler, includes them, as a real client's would. */
static eb_status issue_one(void *arg, uint64_t i, char *msg, size_t msg_len)
{
    issue_ctx *c = arg;
    const eb_loop_hooks *h = c->h;
    eb_status st;
    uint64_t k = c->first + i;
    if (h->before && (st = h->before(h->arg, k, 1, msg, msg_len)) != EB_OK)
        return st;
    if ((st = h->infer(h->arg, msg, msg_len)) != EB_OK)
        return st;
    if (h->after && (st = h->after(h->arg, k, msg, msg_len)) != EB_OK)
        return st;
    return EB_OK;
}

static int forward_query(void *arg, uint64_t t_ns, uint64_t latency_ns)
{
    issue_ctx *c = arg;
    return c->h->sample ? c->h->sample(c->h->arg, t_ns, latency_ns) : 0;
}

static void put_extras(const eb_cell_job *job, uint64_t per_call, const eb_load_result *r,
                       const eb_cell_sink *sink)
{
    const eb_load_spec *sp = &job->load;
    char params[256];
    eb_load_params_format(sp, params, sizeof params);
    eb_cell_text(sink, "load.pattern", eb_load_kind_str(sp->kind));
    eb_cell_text(sink, "load.params", params);
    eb_cell_metric(sink, "load.issued", (double)r->issued);
    eb_cell_metric(sink, "load.completed", (double)r->completed);
    /* a call of a batched model is per_call inferences (samples) */
    eb_cell_metric(sink, "load.inferences", (double)(r->inferences * per_call));
    eb_cell_metric(sink, "load.achieved_qps", r->achieved_qps);
    eb_cell_metric(sink, "load.inferences_per_s", r->inferences_per_s * (double)per_call);
    eb_cell_metric(sink, "load.samples_per_query",
                   (double)(eb_load_samples_per_query(sp) * per_call));
    switch (sp->kind) {
    case EB_LOAD_MULTI_STREAM:
        eb_cell_metric(sink, "load.interval_ms", (double)sp->interval_ns / 1e6);
        break;
    case EB_LOAD_SERVER: {
        eb_cell_metric(sink, "load.target_qps", sp->target_qps);
        eb_cell_metric(sink, "load.duration_s", (double)sp->duration_ns / 1e9);
        eb_cell_metric(sink, "load.latency_bound_ms", (double)sp->latency_bound_ns / 1e6);
        eb_cell_metric(sink, "load.trials", (double)r->n_trials);
        if (sp->search)
            eb_cell_metric(sink, "load.search_qps", r->search_qps);
        /* every trial: target, achieved, issued, completed, p99 (ns), met */
        double rows[EB_LOAD_MAX_TRIALS][6];
        for (int k = 0; k < r->n_trials; k++) {
            const eb_load_trial *t = &r->trials[k];
            rows[k][0] = t->target_qps;
            rows[k][1] = t->achieved_qps;
            rows[k][2] = (double)t->issued;
            rows[k][3] = (double)t->completed;
            rows[k][4] = t->p99_ns;
            rows[k][5] = t->met;
        }
        if (r->n_trials > 0)
            eb_cell_array(sink, "load/trials", EB_ARRAY_F64, (uint64_t)r->n_trials, 6, rows);
        break;
    }
    case EB_LOAD_OFFLINE:
        eb_cell_metric(sink, "load.batch", (double)sp->batch);
        break;
    default:
        break;
    }
}

eb_status eb_cell_load_run(const eb_cell_job *job, uint64_t per_call, const eb_loop_hooks *hooks,
                           const eb_cell_sink *sink, eb_loop_result *lr, char *msg,
                           size_t msg_len)
{
    eb_status st;
    /* the warm-up alone: the timing loop with an empty measured phase, no
     * phase marks (the load's measured phase is marked below) */
    eb_loop_settings warm = job->loop;
    warm.iterations = 0;
    warm.min_ns = 0;
    eb_loop_hooks wh = *hooks;
    wh.phase = NULL;
    wh.sample = NULL;
    if ((st = eb_timing_loop(&warm, &wh, lr, msg, msg_len)) != EB_OK)
        return st;
    issue_ctx ic = {.h = hooks, .first = lr->warmup_n};
    eb_load_hooks lh = {.arg = &ic, .issue = issue_one, .query = forward_query,
                        .clock = hooks->clock, .clock_arg = hooks->clock_arg};
    eb_load_result r;
    if (hooks->phase)
        hooks->phase(hooks->phase_arg, 1);
    st = eb_load_run(&job->load, &job->loop, &lh, &r, msg, msg_len);
    if (hooks->phase)
        hooks->phase(hooks->phase_arg, 0);
    if (st != EB_OK)
        return st;
    lr->n = r.completed;
    lr->measured_ns = r.measured_ns;
    lr->capped = r.capped;
    lr->busy_ns = r.busy_ns ? r.busy_ns : 1;
    put_extras(job, per_call ? per_call : 1, &r, sink);
    return EB_OK;
}
