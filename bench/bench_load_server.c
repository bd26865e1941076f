/* What the load scheduler itself costs per issued query in server mode
 * (docs/load-patterns.md).
 *
 * 1. Server at QPS (default 1000) for SECONDS (default 3) with an empty
 *    inference: a query's latency is then all harness — the wake-up
 *    lateness of the sleep until its arrival plus the bookkeeping (clock
 *    reads, the sample kept) — reported as p50 / p99 / max per query, with
 *    the process CPU time spent per query.
 * 2. The same scheduler saturated (arrivals far faster than it can issue,
 *    so it never sleeps): wall time per query is its bookkeeping alone
 *    (arrival draw, clock reads, the kept sample). Target: < 1 us.
 * Usage: bench_load_server [QPS [SECONDS]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/run/load_sched.h"
#include "harness/stats/stats.h"

typedef struct lats {
    uint64_t *v;
    size_t n, cap;
} lats;

static eb_status empty(void *arg, uint64_t i, char *msg, size_t len)
{
    (void)arg;
    (void)i;
    (void)msg;
    (void)len;
    return EB_OK;
}

static int keep(void *arg, uint64_t t, uint64_t lat)
{
    (void)t;
    lats *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4096;
        uint64_t *g = realloc(l->v, l->cap * sizeof *g);
        if (!g)
            return 1;
        l->v = g;
    }
    l->v[l->n++] = lat;
    return 0;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(double qps, double seconds, lats *l, eb_load_result *r, double *cpu)
{
    eb_load_spec sp = {.kind = EB_LOAD_SERVER, .target_qps = qps,
                       .duration_ns = (uint64_t)(seconds * 1e9), .seed = 1};
    eb_load_hooks h = {.arg = l, .issue = empty, .query = keep};
    eb_loop_settings stop = {0};
    char msg[256];
    l->n = 0;
    double c0 = cpu_s();
    if (eb_load_run(&sp, &stop, &h, r, msg, sizeof msg) != EB_OK) {
        fprintf(stderr, "bench_load_server: %s\n", msg);
        return -1;
    }
    *cpu = cpu_s() - c0;
    return 0;
}

int main(int argc, char **argv)
{
    double qps = argc > 1 ? atof(argv[1]) : 1000;
    double seconds = argc > 2 ? atof(argv[2]) : 3;
    if (!(qps > 0) || !(seconds > 0)) {
        fprintf(stderr, "usage: bench_load_server [QPS [SECONDS]]\n");
        return 2;
    }
    lats l = {0};
    eb_load_result r;
    double cpu;
    if (run(qps, seconds, &l, &r, &cpu) != 0 || l.n == 0)
        return 1;
    eb_sort_u64(l.v, l.n);
    printf("server, empty inference, %.0f qps for %.1f s: %llu issued, %llu completed, "
           "achieved %.1f qps\n",
           qps, seconds, (unsigned long long)r.issued, (unsigned long long)r.completed,
           r.achieved_qps);
    printf("  latency added per query (wake-up lateness + bookkeeping): p50 %.1f us, p99 %.1f "
           "us, max %.1f us\n",
           eb_percentile_sorted(l.v, l.n, 50) / 1e3, eb_percentile_sorted(l.v, l.n, 99) / 1e3,
           (double)l.v[l.n - 1] / 1e3);
    printf("  process CPU time per issued query: %.2f us\n", cpu / (double)r.issued * 1e6);

    /* saturated: at 1e8 qps for 0.05 s (5e6 arrivals) it never sleeps and
     * serves until the drain ends (0.1 s): every completed query is pure
     * bookkeeping */
    if (run(1e8, 0.05, &l, &r, &cpu) != 0 || r.completed == 0)
        return 1;
    printf("saturated (never sleeps): %llu queries in %.3f s: %.0f ns of scheduler per query "
           "(target < 1000 ns)\n",
           (unsigned long long)r.completed, (double)r.measured_ns / 1e9,
           (double)r.measured_ns / (double)r.completed);
    free(l.v);
    return 0;
}
