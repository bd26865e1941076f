/* What storing a cell costs: one run record with 1,000,000 samples
 * (latency_ns + t_ns, 16 MB raw) appended to a results file, including the
 * flush that makes it crash-safe. Median of 5, each into a fresh file.
 * Target: < 500 ms, so even a million-inference cell adds little to a run.
 *
 * Usage: bench_store [N_SAMPLES] [DIR]   (defaults 1000000, $TMPDIR or /tmp) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "results/run_record.h"
#include "results/store.h"

#define REPS 5

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Latencies like a real cell: ~1.2 ms with a few percent of jitter and a
 * rare slow inference; t_ns the running start times. */
static void fill_samples(eb_run_record *rec, uint64_t n)
{
    uint64_t x = 88172645463325252ull, t = 0;
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t jitter = (x >> 40) % 60000; /* 0..60 us */
        uint64_t lat = 1200000 + jitter + ((x & 0xfff) == 0 ? 3000000 : 0);
        rec->latency_ns[i] = lat;
        rec->t_ns[i] = t;
        t += lat + 800 + (x >> 60);
    }
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    const char *dir = argc > 2 ? argv[2] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char path[1024], msg[512];
    snprintf(path, sizeof path, "%s/bench_store.%ld.h5", dir, (long)getpid());

    eb_run_record rec;
    memset(&rec, 0, sizeof rec);
    snprintf(rec.device, sizeof rec.device, "local");
    snprintf(rec.scenario, sizeof rec.scenario, "bench");
    snprintf(rec.backend, sizeof rec.backend, "ref");
    snprintf(rec.variant, sizeof rec.variant, "fp32");
    rec.n = n;
    rec.latency_ns = malloc(n * sizeof(uint64_t));
    rec.t_ns = malloc(n * sizeof(uint64_t));
    if (!rec.latency_ns || !rec.t_ns) {
        fprintf(stderr, "bench_store: out of memory\n");
        return 1;
    }
    fill_samples(&rec, n);
    if (eb_run_record_summarize(&rec) != 0) {
        fprintf(stderr, "bench_store: out of memory\n");
        return 1;
    }

    double append_ms[REPS], close_ms[REPS];
    long long file_bytes = 0;
    for (int r = 0; r < REPS; r++) {
        unlink(path);
        eb_store *s = NULL;
        if (eb_store_open(path, 0, &s, msg, sizeof msg) != EB_OK) {
            fprintf(stderr, "bench_store: %s\n", msg);
            return 1;
        }
        double t0 = now_ms();
        eb_status st = eb_store_append_run(s, &rec, msg, sizeof msg);
        double t1 = now_ms();
        if (st != EB_OK) {
            fprintf(stderr, "bench_store: %s\n", msg);
            return 1;
        }
        st = eb_store_close(s, msg, sizeof msg);
        double t2 = now_ms();
        if (st != EB_OK) {
            fprintf(stderr, "bench_store: %s\n", msg);
            return 1;
        }
        append_ms[r] = t1 - t0;
        close_ms[r] = t2 - t1;
        struct stat sb;
        if (stat(path, &sb) == 0)
            file_bytes = (long long)sb.st_size;
    }
    unlink(path);
    qsort(append_ms, REPS, sizeof append_ms[0], cmp_double);
    qsort(close_ms, REPS, sizeof close_ms[0], cmp_double);

    double raw = 16.0 * (double)n;
    char label[32];
    int e = 0;
    uint64_t p = 1;
    while (p < n && e < 19) {
        p *= 10;
        e++;
    }
    if (p == n)
        snprintf(label, sizeof label, "1e%d", e); /* "1e6" */
    else
        snprintf(label, sizeof label, "%llu", (unsigned long long)n);
    printf("store %s samples: %.1f ms (target < 500 ms)\n", label, append_ms[REPS / 2]);
    printf("  append incl. flush, median of %d: %.1f ms (min %.1f, max %.1f); close %.1f ms\n",
           REPS, append_ms[REPS / 2], append_ms[0], append_ms[REPS - 1], close_ms[REPS / 2]);
    printf("  file %.2f MB for %.2f MB of raw samples (compression %.1fx)\n", file_bytes / 1e6, raw / 1e6,
           file_bytes ? raw / (double)file_bytes : 0.0);
    eb_run_record_free(&rec);
    return 0;
}
