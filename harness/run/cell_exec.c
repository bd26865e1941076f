/* eb_cell_execute: one cell, in whatever process calls it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/deflate_size.h"
#include "harness/backend/session.h"
#include "harness/model/model_load.h"
#include "harness/run/cell.h"
#include "harness/run/cell_accuracy.h"
#include "harness/run/cell_load.h"
#include "harness/run/cell_outputs.h"
#include "harness/run/cell_profile.h"

typedef struct infer_ctx {
    const eb_backend *be;
    eb_backend_ctx *ctx;
    eb_plan *plan;
    eb_input_set *in;
    eb_value *out;
    int n_out;
    const eb_cell_sink *sink;
    eb_cell_acc *acc;
    /* process CPU time of each measured inference (the extra "cpu_ns"):
     * read right before and right after the timed region, outside it */
    int64_t cpu0;
    int64_t *cpu_ns;
    uint64_t n_cpu, cap_cpu;
    int cpu_failed;
} infer_ctx;

static int64_t cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static eb_status before_infer(void *arg, uint64_t i, int measured, char *msg, size_t msg_len)
{
    (void)msg;
    (void)msg_len;
    infer_ctx *c = arg;
    if (c->acc->stream)
        eb_cell_acc_before(c->acc, c->in, i, measured);
    if (measured)
        c->cpu0 = cpu_now(); /* last: the inference follows */
    return EB_OK;
}

static eb_status after_infer(void *arg, uint64_t i, char *msg, size_t msg_len)
{
    (void)i;
    (void)msg;
    (void)msg_len;
    infer_ctx *c = arg;
    int64_t cpu1 = cpu_now(); /* first: the inference just ended */
    if (!c->cpu_failed) {
        if (c->n_cpu == c->cap_cpu) {
            uint64_t cap = c->cap_cpu ? 2 * c->cap_cpu : 4096;
            int64_t *grown = realloc(c->cpu_ns, cap * sizeof *grown);
            if (!grown)
                c->cpu_failed = 1;
            else {
                c->cpu_ns = grown;
                c->cap_cpu = cap;
            }
        }
        if (cpu1 < 0 || c->cpu0 < 0)
            c->cpu_failed = 1;
        if (!c->cpu_failed)
            c->cpu_ns[c->n_cpu++] = cpu1 - c->cpu0;
    }
    if (c->acc->scored)
        eb_cell_acc_after(c->acc, &c->out[0]);
    return EB_OK;
}

static eb_status infer_once(void *arg, char *msg, size_t msg_len)
{
    infer_ctx *c = arg;
    return c->be->run(c->ctx, c->plan, c->in->values, c->in->n, c->out, c->n_out, msg, msg_len);
}

static int forward_sample(void *arg, uint64_t t_ns, uint64_t latency_ns)
{
    infer_ctx *c = arg;
    return c->sink->sample ? c->sink->sample(c->sink->arg, t_ns, latency_ns) : 0;
}

eb_status eb_cell_execute(const eb_registry *reg, const eb_cell_job *job,
                          const eb_cell_sink *sink, char *msg, size_t msg_len)
{
    eb_status st;
    eb_session ses = {0};
    eb_input_set in = {0};
    eb_value *out = NULL;
    eb_cell_acc acc;
    int acc_open = 0;
    eb_cell_hw *hw = NULL;
    infer_ctx ic = {0};
    const eb_registry_entry *e = eb_registry_find(reg, job->backend);
    if (!e) {
        snprintf(msg, msg_len, "unknown backend '%s'", job->backend);
        return EB_ERR_NOT_FOUND;
    }
    if (!e->available) {
        snprintf(msg, msg_len, "backend '%s' is unavailable here: %s", job->backend, e->why);
        return EB_ERR_UNAVAILABLE;
    }
    const eb_backend *be = &e->table;
    /* Start-up cost as a phone user feels it (issue: load_ms): reading and
     * parsing the model, then opening the backend and preparing the plan;
     * the analysis between the two (sparsity, gzip size) is not counted. */
    uint64_t t_load = eb_now_ns();
    if ((st = eb_session_load(&ses, be, job->model_path, job->batch, msg, msg_len)) != EB_OK)
        goto out;
    uint64_t load_ns = eb_now_ns() - t_load;
    const eb_graph *g = ses.g;
    if (sink->meta)
        sink->meta(sink->arg, be->version ? be->version : "",
                   be->library_version ? be->library_version() : "", (uint64_t)ses.nbytes);
    /* the work of one inference, so reports can state achieved GFLOP/s */
    eb_cell_metric(sink, "flops_per_inference", (double)g->flops);
    eb_cell_metric(sink, "macs_per_inference", (double)g->macs);
    /* what the file costs to ship and how much of it is pruned away: the
     * variants report's compressed size and sparsity (untimed) */
    uint64_t zeros, weights, gz;
    if (eb_graph_weight_zeros(g, &zeros, &weights) == 0 && weights) {
        eb_cell_metric(sink, "weight_elements", (double)weights);
        eb_cell_metric(sink, "weight_sparsity", (double)zeros / (double)weights);
    }
    if (eb_gzip_size(ses.bytes, ses.nbytes, &gz) == 0)
        eb_cell_metric(sink, "model_gzip_bytes", (double)gz);
    const char *keys[EB_CELL_MAX_OPTIONS], *values[EB_CELL_MAX_OPTIONS];
    for (int i = 0; i < job->n_options; i++) {
        keys[i] = job->keys[i];
        values[i] = job->values[i];
    }
    eb_backend_options bo = {.struct_size = sizeof bo, .threads = job->threads,
                             .n_options = job->n_options, .keys = keys, .values = values};
    uint64_t t_prep = eb_now_ns();
    if ((st = eb_session_prepare(&ses, &bo, msg, msg_len)) != EB_OK)
        goto out;
    load_ns += eb_now_ns() - t_prep;
    eb_cell_metric(sink, "load_ms", (double)load_ns / 1e6);
    /* samples per call: the first input's leading dimension (inputs.batch
     * for a dynamic batch, else the model's own) */
    const eb_tensor *in0 = g->n_inputs ? &g->tensors[g->inputs[0]] : NULL;
    uint64_t per_call = in0 && in0->rank >= 2 && in0->dims[0] > 1 ? (uint64_t)in0->dims[0] : 1;
    if (per_call > 1)
        eb_cell_metric(sink, "batch", (double)per_call);
    if ((st = eb_random_inputs(g, &job->inputs, &in, msg, msg_len)) != EB_OK ||
        (st = eb_session_alloc_outputs(&ses, &out, msg, msg_len)) != EB_OK)
        goto out;
    acc_open = 1; /* open starts by clearing acc: closing after a failed open is safe */
    if ((st = eb_cell_acc_open(&acc, job, g, msg, msg_len)) != EB_OK)
        goto out;
    ic = (infer_ctx){.be = be, .ctx = ses.ctx, .plan = ses.plan, .in = &in, .out = out,
                    .n_out = g->n_outputs, .sink = sink, .acc = &acc};
    /* The cold inference: the first after prepare, before the thermal
     * condition's calibration and the warm-up run any (lazy allocation,
     * weight packing, page faults, cold caches all land here). Its input
     * is the first warm-up's. */
    if ((st = before_infer(&ic, 0, 0, msg, msg_len)) != EB_OK)
        goto out;
    uint64_t t_first = eb_now_ns();
    st = infer_once(&ic, msg, msg_len);
    uint64_t first_ns = eb_now_ns() - t_first;
    if (st != EB_OK)
        goto out;
    eb_cell_metric(sink, "first_inference_ms", (double)first_ns / 1e6);
    eb_loop_hooks hooks = {.arg = &ic, .infer = infer_once, .sample = forward_sample,
                           .before = before_infer, .after = after_infer};
    /* thermal condition, sensors, counters (cell_hw.h) */
    if ((st = eb_cell_hw_begin(&hw, &job->hw, &job->cond, sink,
                               infer_once, &ic, msg, msg_len)) != EB_OK)
        goto out;
    hooks.phase = eb_cell_hw_phase;
    hooks.phase_arg = hw;
    eb_loop_result lr;
    char bmsg[1024] = "";
    /* single_stream is the timing loop; the other patterns schedule
     * queries (docs/load-patterns.md) */
    st = job->load.kind == EB_LOAD_SINGLE_STREAM
             ? eb_timing_loop(&job->loop, &hooks, &lr, bmsg, sizeof bmsg)
             : eb_cell_load_run(job, per_call, &hooks, sink, &lr, bmsg, sizeof bmsg);
    if (st != EB_OK) {
        snprintf(msg, msg_len, "backend '%s': run failed: %s", be->name,
                 bmsg[0] ? bmsg : eb_status_str(st));
        goto out;
    }
    eb_cell_hw_end(hw, &lr, job->threads, sink);
    /* a batched model's throughput in samples per second (the load
     * patterns send their own, load.inferences_per_s) */
    if (per_call > 1 && job->load.kind == EB_LOAD_SINGLE_STREAM && lr.measured_ns)
        eb_cell_metric(sink, "inferences_per_s",
                       (double)(lr.n * per_call) / ((double)lr.measured_ns / 1e9));
    if (!ic.cpu_failed && ic.n_cpu > 0)
        eb_cell_array(sink, "cpu_ns", EB_ARRAY_I64, ic.n_cpu, 0, ic.cpu_ns);
    /* accuracy after the loop: done goes last, so the record is complete
     * when the parent sees it */
    if ((st = eb_cell_acc_finish(&acc, reg, &in, sink, msg, msg_len)) != EB_OK)
        goto out;
    /* raw outputs and the golden check: an extra pass after the loop, untimed */
    eb_outputs_session os = {.be = be, .ctx = ses.ctx, .plan = ses.plan, .g = g,
                             .model = job->model_path, .in = &in, .out = out,
                             .stream = acc.stream};
    if ((st = eb_cell_outputs_run(&job->outputs, &os, sink, msg, msg_len)) != EB_OK)
        goto out;
    /* per-node profile: another untimed pass (metrics.op_profile) */
    if ((st = eb_cell_profile_run(job->op_profile_iterations, &ses, in.values, in.n, out, sink, msg,
                                  msg_len)) != EB_OK)
        goto out;
    if (sink->done)
        sink->done(sink->arg, &lr);
out:
    free(ic.cpu_ns);
    eb_cell_hw_destroy(hw);
    if (acc_open)
        eb_cell_acc_close(&acc);
    eb_session_free_outputs(&ses, out);
    eb_input_set_free(&in);
    eb_session_close(&ses);
    return st;
}
