/* What the harness itself costs per inference.
 *
 * 1. an empty inference: the latency it records is the clock's own cost
 *    (two timestamps), the time between inferences is the loop's bookkeeping
 *    plus storing the sample;
 * 2. a 50 us busy-wait inference: the whole harness cost as a fraction of a
 *    50 us inference (target < 1%);
 * 3. a trivial real model (one Relu) on the ref backend through the same
 *    executor `edgebench run` uses.
 * Each measurement is repeated and the median reported. Target: < 100 ns per
 * inference of harness cost, < 1% of a 50 us inference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "harness/backend/registry.h"
#include "harness/run/cell.h"
#include "harness/run/cell_record.h"
#include "harness/run/timing_loop.h"

#define REPS 7

typedef struct spin {
    uint64_t ns;
} spin;

static eb_status do_spin(void *arg, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    uint64_t ns = ((spin *)arg)->ns;
    if (!ns)
        return EB_OK;
    uint64_t t = eb_now_ns();
    while (eb_now_ns() - t < ns)
        ;
    return EB_OK;
}

typedef struct both {
    spin s;
    eb_record_builder b;
} both;

static eb_status both_infer(void *arg, char *msg, size_t len) { return do_spin(&((both *)arg)->s, msg, len); }

static int both_sample(void *arg, uint64_t t, uint64_t lat)
{
    return eb_record_sample(&((both *)arg)->b, t, lat) != 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[n / 2];
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median time from the end of one inference to the start of the next (the
 * loop's bookkeeping and sample storage), and median recorded latency. The
 * median over per-inference gaps is robust to the scheduler preempting the
 * process on a shared machine, where a mean would not be. */
static void gaps_of(const eb_run_record *rec, double *gap, double *lat)
{
    uint64_t *g = malloc(rec->n * sizeof *g), *l = malloc(rec->n * sizeof *l);
    for (uint64_t i = 0; i + 1 < rec->n; i++)
        g[i] = rec->t_ns[i + 1] - rec->t_ns[i] - rec->latency_ns[i];
    memcpy(l, rec->latency_ns, rec->n * sizeof *l);
    qsort(g, rec->n - 1, sizeof *g, cmp_u64);
    qsort(l, rec->n, sizeof *l, cmp_u64);
    *gap = (double)g[(rec->n - 1) / 2];
    *lat = (double)l[rec->n / 2];
    free(g);
    free(l);
}

static void measure(uint64_t spin_ns, uint64_t iters, double *gap_ns, double *lat_ns)
{
    double gap[REPS], lat[REPS];
    for (int r = 0; r < REPS; r++) {
        eb_run_record rec;
        memset(&rec, 0, sizeof rec);
        both a = {.s = {spin_ns}};
        eb_record_builder_init(&a.b, &rec);
        eb_loop_hooks h = {.arg = &a, .infer = both_infer, .sample = both_sample};
        eb_loop_settings s = {.warmup_iterations = iters / 10, .iterations = iters};
        eb_loop_result lr;
        char msg[64];
        eb_timing_loop(&s, &h, &lr, msg, sizeof msg);
        gaps_of(&rec, &gap[r], &lat[r]);
        eb_run_record_free(&rec);
    }
    *gap_ns = median(gap, REPS);
    *lat_ns = median(lat, REPS);
}

typedef struct model_sink {
    eb_record_builder b;
    eb_loop_result lr;
} model_sink;

static int ms_sample(void *arg, uint64_t t, uint64_t lat)
{
    return eb_record_sample(&((model_sink *)arg)->b, t, lat) != 0;
}

static void ms_done(void *arg, const eb_loop_result *r) { ((model_sink *)arg)->lr = *r; }

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : EB_SOURCE_DIR "/tests/data/models/relu.onnx";
    printf("timing-loop overhead (%s, median of %d runs)\n", EB_CLOCK_NAME, REPS);

    double gap, lat;
    measure(0, 1000000, &gap, &lat);
    printf("  empty inference:    recorded latency %6.1f ns (the clock's cost inside the timed region)\n", lat);
    printf("                      between inferences %6.1f ns (loop bookkeeping + sample storage)\n", gap);
    double harness_ns = gap + lat;

    measure(50000, 4000, &gap, &lat);
    double frac = (gap + (lat - 50000.0)) / 50000.0;
    printf("  50 us inference:    recorded latency %.1f ns, between inferences %.1f ns -> harness "
           "cost %.3f%% of the inference (target < 1%%)\n", lat, gap, 100.0 * frac);

    eb_registry *reg;
    if (eb_registry_create(&reg) != EB_OK)
        return 1;
    double mgap[REPS], mlat[REPS];
    int ok = 1;
    for (int r = 0; r < REPS && ok; r++) {
        eb_cell_job job;
        memset(&job, 0, sizeof job);
        snprintf(job.backend, sizeof job.backend, "ref");
        snprintf(job.model_path, sizeof job.model_path, "%s", model);
        job.threads = 1;
        job.inputs.b = 1.0;
        job.loop.warmup_iterations = 1000;
        job.loop.iterations = 200000;
        eb_run_record rec;
        memset(&rec, 0, sizeof rec);
        model_sink s;
        memset(&s, 0, sizeof s);
        eb_record_builder_init(&s.b, &rec);
        eb_cell_sink sink = {.arg = &s, .sample = ms_sample, .done = ms_done};
        char msg[1024];
        if (eb_cell_execute(reg, &job, &sink, msg, sizeof msg) != EB_OK) {
            printf("  trivial model:      skipped: %s\n", msg);
            ok = 0;
            break;
        }
        gaps_of(&rec, &mgap[r], &mlat[r]);
        eb_run_record_free(&rec);
    }
    if (ok)
        printf("  trivial model (ref, %s): latency %.1f ns, between inferences %.1f ns\n", model,
               median(mlat, REPS), median(mgap, REPS));
    eb_registry_destroy(reg);
    printf("result: harness cost %.1f ns per inference (target < 100 ns): %s; "
           "%.3f%% of a 50 us inference (target < 1%%): %s\n",
           harness_ns, harness_ns < 100 ? "met" : "MISSED", 100.0 * frac,
           frac < 0.01 ? "met" : "MISSED");
    return 0;
}
