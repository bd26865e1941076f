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

#include "backend/registry.h"
#include "run/cell.h"
#include "run/cell_record.h"
#include "run/clock.h"
#include "run/timing_loop.h"

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

/* Per-inference wall time and mean recorded latency of the measured phase. */
static void measure(uint64_t spin_ns, uint64_t iters, double *per_iter_ns, double *mean_lat_ns)
{
    double per[REPS], lat[REPS];
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
        double sum = 0;
        for (uint64_t i = 0; i < rec.n; i++)
            sum += (double)rec.latency_ns[i];
        per[r] = (double)lr.measured_ns / (double)lr.n;
        lat[r] = sum / (double)rec.n;
        eb_run_record_free(&rec);
    }
    *per_iter_ns = median(per, REPS);
    *mean_lat_ns = median(lat, REPS);
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

    double per, lat;
    measure(0, 1000000, &per, &lat);
    printf("  empty inference:    recorded latency %6.1f ns (clock cost inside the timed region)\n", lat);
    printf("                      loop + sample storage between inferences %6.1f ns\n", per - lat);
    double harness_ns = per - lat;

    measure(50000, 4000, &per, &lat);
    double frac = (per - 50000.0) / 50000.0;
    printf("  50 us inference:    wall per inference %.1f ns -> harness cost %.1f ns = %.3f%% "
           "(target < 1%%)\n", per, per - 50000.0, 100.0 * frac);

    eb_registry *reg;
    if (eb_registry_create(&reg) != EB_OK)
        return 1;
    double mper[REPS], mlat[REPS];
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
        double sum = 0;
        for (uint64_t i = 0; i < rec.n; i++)
            sum += (double)rec.latency_ns[i];
        mper[r] = (double)s.lr.measured_ns / (double)s.lr.n;
        mlat[r] = sum / (double)rec.n;
        eb_run_record_free(&rec);
    }
    if (ok) {
        double p = median(mper, REPS), l = median(mlat, REPS);
        printf("  trivial model (ref, %s): latency %.1f ns, harness cost between inferences %.1f ns\n",
               model, l, p - l);
    }
    eb_registry_destroy(reg);
    printf("result: harness cost %.1f ns per inference (target < 100 ns): %s; "
           "%.3f%% of a 50 us inference (target < 1%%): %s\n",
           harness_ns, harness_ns < 100 ? "met" : "MISSED", 100.0 * frac,
           frac < 0.01 ? "met" : "MISSED");
    return 0;
}
