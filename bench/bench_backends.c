/* Model latency of every available backend, side by side.
 *
 *   bench_backends [--threads 1,2] [--min-time SECONDS] [--rounds N] [--backend NAME]...
 *                  [--option BACKEND:KEY=VALUE]... [--timeout SECONDS] [--no-kernels]
 *                  [MODEL.onnx ...]
 *
 * For each model (default: the Fashion CNN, MobileNet-v2 0.5@96 and
 * MobileNet-v2 1.0@224, each fp32 and int8 QDQ; the first two are committed
 * fixtures, falling back to the quickstart CNN and the QDQ test models where
 * one is missing; the 224 pair is 14 MB, so it is not committed but written
 * into <build>/models/ by tools/make_mobilenet_224.py the first time it is
 * needed, and skipped with the reason when that cannot run) and each thread
 * count, every backend the registry reports available and able to run the
 * whole graph (built-ins and plugins alike, so vendor delegates show up as
 * soon as they are installed) runs the same seeded random input: warm-up,
 * then timed inferences until --min-time has passed (at least 5). With
 * --rounds N every backend is timed N times, a round timing every model,
 * thread count and backend once (the backends' order reversed every other
 * round: ABBA), and the median of the rounds' medians is printed; a target
 * is the median of its ratio in each round. On a shared machine load
 * drifts, and results timed far apart would otherwise see different
 * machines: many short rounds (--rounds 8 --min-time 0.2) pair them best. It prints the median
 * latency and CPU time, the speed-up over ref, the latency as a ratio of
 * ONNX Runtime's, oneDNN's and XNNPACK's (below 1: faster than them),
 * achieved GFLOP/s (the loader's FLOP count of the graph / median) and that
 * as a share of the device peak estimate (devices/probe.h). Then the
 * targets, each between results of one exact model (or one fp32 model and
 * its own int8 form, or one model at 1 and 2 threads), never between
 * models matched by a part of their name: simd / onnxruntime <= 1.0 on
 * MobileNet-v2 1.0@224 fp32 and <= 1.2 on the Fashion CNN fp32, simd int8
 * >= 1.3x faster than its fp32 model (>= 2x where simd runs VNNI kernels),
 * simd on 2 threads >= 1.6x one thread.
 *
 * Each backend x model x threads measurement runs in a child process (fork):
 * a backend that crashes or hangs (--timeout, default 600 s) is printed as
 * "crashed: killed by signal N (NAME)" or "timed out" and the others' figures
 * are still printed. --option passes backend options (e.g. onednn:int8=0).
 *
 * A last section (unless --no-kernels) times every simd GEMM micro-kernel
 * variant this CPU offers (the lists in backends/simd/simd_*.inc) on one
 * 1x1-convolution shape.
 *
 * Timings under emulation (qemu) mean nothing; run this on the machine. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/simd/simd_gemm.h"
#include "backends/simd/simd_kernels.h"
#include "common/file_util.h"
#include "common/signal_name.h"
#include "devices/probe.h"
#include "harness/backend/registry.h"
#include "harness/inputs/random_inputs.h"
#include "harness/model/model_load.h"
#include "harness/run/cell_record.h"
#include "harness/run/cell_wire.h"

#define MAX_BACKENDS 16
#define MAX_MODELS 16
#define MAX_THREADS 8
#define MAX_OPTIONS 32
#define MAX_ROUNDS 32

static const char *const default_models[][2] = {
    /* fixture, stand-in when it is missing */
    {"models/fashion/fp32.onnx", "models/quickstart_cnn.onnx"},
    {"models/fashion/int8.onnx", "tests/data/qdq/qdq_convnet.onnx"},
    {"models/mobilenet_v2/mobilenet_v2_050_96.onnx", NULL},
    {"models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx", NULL},
};

/* Generated on demand into <build>/models/ (tools/make_mobilenet_224.py). */
#define MB224_TOOL "tools/make_mobilenet_224.py"
static const char *const generated_models[] = {
    "mobilenet_v2_100_224.onnx",
    "mobilenet_v2_100_224_int8.onnx",
};

/* The models the targets name, by the file's base name (exactly). */
#define FASHION_FP32 "/fashion/fp32.onnx"
#define MB224_FP32 "/mobilenet_v2_100_224.onnx"

/* Process CPU time (all threads): on a machine shared with other work the
 * wall-clock latency includes time spent waiting for a core, the CPU time
 * does not, so both are printed. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double median_ns(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return n % 2 ? (double)v[n / 2] : 0.5 * ((double)v[n / 2 - 1] + (double)v[n / 2]);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_d(const double *v, int n)
{
    double s[MAX_ROUNDS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_d);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static int file_exists(const char *p) { return access(p, R_OK) == 0; }

/* CPU clock for the peak estimate: cpufreq's maximum, else /proc/cpuinfo. */
static double cpu_mhz(void)
{
    FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "r");
    double khz = 0;
    if (f) {
        if (fscanf(f, "%lf", &khz) != 1)
            khz = 0;
        fclose(f);
        if (khz > 0)
            return khz / 1000.0;
    }
    f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    char line[256];
    double mhz = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "cpu MHz", 7) == 0) {
            const char *c = strchr(line, ':');
            if (c)
                mhz = atof(c + 1);
            break;
        }
    fclose(f);
    return mhz;
}

/* One model x thread count x backend: per round the median latency and
 * CPU time of that round's inferences, and the medians over the rounds. */
typedef struct result {
    char model[256];
    int int8;
    int threads;
    char backend[64];
    int entry;                 /* index in the registry */
    double median_ms;
    double cpu_ms; /* process CPU time per inference (the loop's, over its runs) */
    double wall[MAX_ROUNDS], cpu[MAX_ROUNDS];
    int runs;
    int failed;                /* 1: skipped (a clean failure), 2: crashed or timed out */
    char why[1024];
} result;

static result results[MAX_MODELS * MAX_THREADS * MAX_BACKENDS];
static const char *only[MAX_BACKENDS]; /* --backend: time only these */
static int n_only;
/* --option BACKEND:KEY=VALUE, split in place */
static const char *opt_backend[MAX_OPTIONS], *opt_key[MAX_OPTIONS], *opt_value[MAX_OPTIONS];
static int n_opts;
static unsigned timeout_s = 600;
static int n_rounds = 1;
static int n_results;

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static const result *find(const char *model, int threads, const char *backend)
{
    for (int i = 0; i < n_results; i++)
        if (strcmp(results[i].model, model) == 0 && results[i].threads == threads &&
            strcmp(results[i].backend, backend) == 0)
            return results[i].failed ? NULL : &results[i];
    return NULL;
}

/* Time one backend on one model; 0 and *median_ms on success. */
static int time_backend(const eb_registry_entry *e, const eb_graph *g, const eb_model *model,
                        const eb_input_set *in, int threads, double min_s, double *median_ms,
                        double *cpu_ms, int *runs, char *msg, size_t len)
{
    const char *keys[MAX_OPTIONS], *values[MAX_OPTIONS];
    int n_kv = 0;
    for (int i = 0; i < n_opts; i++)
        if (strcmp(opt_backend[i], e->name) == 0) {
            keys[n_kv] = opt_key[i];
            values[n_kv++] = opt_value[i];
        }
    eb_backend_options o = {.struct_size = sizeof o, .threads = threads, .n_options = n_kv,
                            .keys = keys, .values = values};
    eb_backend_ctx *ctx = NULL;
    eb_plan *plan = NULL;
    eb_value *outs = calloc((size_t)g->n_outputs + 1, sizeof *outs);
    uint64_t *samples = malloc(4096 * sizeof *samples);
    int rc = 1;
    if (!outs || !samples) {
        snprintf(msg, len, "out of memory");
        goto out;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        outs[i].dtype = t->dtype;
        outs[i].rank = t->rank;
        memcpy(outs[i].dims, t->dims, sizeof t->dims);
        outs[i].nbytes = t->nbytes;
        outs[i].data = calloc(1, t->nbytes + 1);
        if (!outs[i].data) {
            snprintf(msg, len, "out of memory");
            goto out;
        }
    }
    if (e->table.open(&o, &ctx, msg, len) != EB_OK)
        goto out;
    if (eb_backend_check_graph(&e->table, ctx, g, msg, len) != EB_OK)
        goto out;
    if (e->table.prepare(ctx, model, &plan, msg, len) != EB_OK)
        goto out;
    for (int w = 0; w < 3; w++)
        if (e->table.run(ctx, plan, in->values, in->n, outs, g->n_outputs, msg, len) != EB_OK)
            goto out;
    int n = 0;
    /* CPU time over the whole loop, per inference: Linux brings another
     * thread's CPU time into the process clock only at its scheduler
     * ticks, so per-inference deltas of a pool's run are 0 or a tick's
     * lump and their median was wrong either way (two threads of the 224
     * fixtures: 7.0 ms of CPU per 3.0 ms fp32 inference, 1.7 per 1.7
     * int8). */
    uint64_t start = now_ns(), cpu0 = cpu_ns();
    while (n < 4096 && (n < 5 || (double)(now_ns() - start) < min_s * 1e9)) {
        uint64_t t0 = now_ns();
        if (e->table.run(ctx, plan, in->values, in->n, outs, g->n_outputs, msg, len) != EB_OK)
            goto out;
        samples[n++] = now_ns() - t0;
    }
    *median_ms = median_ns(samples, n) / 1e6;
    *cpu_ms = (double)(cpu_ns() - cpu0) / n / 1e6;
    *runs = n;
    rc = 0;
out:
    if (plan)
        e->table.release(ctx, plan);
    if (ctx)
        e->table.close(ctx);
    for (int i = 0; outs && i < g->n_outputs; i++)
        free(outs[i].data);
    free(outs);
    free(samples);
    return rc;
}

/* What a child sends back: the figures, or why it could not time. */
typedef struct child_report {
    int rc;
    double median_ms, cpu_ms;
    int runs;
    char msg[1024];
} child_report;

/* time_backend in a child process, so a backend that crashes or hangs costs
 * only its own row. The parent never runs a backend itself, so no vendor
 * thread pool (OpenMP, pthreadpool) exists when it forks. */
static int time_backend_isolated(const eb_registry_entry *e, const eb_graph *g,
                                 const eb_model *model, const eb_input_set *in, int threads,
                                 double min_s, double *median_ms, double *cpu_ms, int *runs,
                                 char *msg, size_t len)
{
    int fd[2];
    if (pipe(fd) != 0) {
        snprintf(msg, len, "pipe: %s", strerror(errno));
        return 1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, len, "fork: %s", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return 1;
    }
    if (pid == 0) {
        close(fd[0]);
        alarm(timeout_s); /* a hang ends as SIGALRM, reported as timed out */
        child_report rep = {0};
        rep.rc = time_backend(e, g, model, in, threads, min_s, &rep.median_ms, &rep.cpu_ms,
                              &rep.runs, rep.msg, sizeof rep.msg);
        ssize_t w = write(fd[1], &rep, sizeof rep);
        _exit(w == (ssize_t)sizeof rep ? 0 : 1);
    }
    close(fd[1]);
    child_report rep;
    size_t got = eb_read_all(fd[0], &rep, sizeof rep);
    close(fd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGALRM)
            snprintf(msg, len, "timed out after %u s (--timeout)", timeout_s);
        else {
            char name[32];
            snprintf(msg, len, "crashed: killed by signal %d (%s)", sig,
                     eb_signal_name(sig, name, sizeof name));
        }
        return 2;
    }
    if (got != sizeof rep) {
        snprintf(msg, len, "crashed: the child exited with status %d before reporting",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return 2;
    }
    rep.msg[sizeof rep.msg - 1] = '\0';
    snprintf(msg, len, "%s", rep.msg);
    *median_ms = rep.median_ms;
    *cpu_ms = rep.cpu_ms;
    *runs = rep.runs;
    return rep.rc;
}

static int model_is_int8(const eb_graph *g)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].op_type, "QuantizeLinear") == 0 ||
            strcmp(g->nodes[i].op_type, "QLinearConv") == 0)
            return 1;
    return 0;
}

/* A model loaded once for every round. */
typedef struct bench_input {
    const char *path;
    eb_graph *g;
    eb_input_set in;
    void *bytes;
    size_t nbytes;
    eb_model model;
    int int8;
} bench_input;

static int load_input(const char *path, bench_input *b)
{
    char msg[1024];
    memset(b, 0, sizeof *b);
    b->path = path;
    if (eb_graph_load(path, NULL, &b->g, msg, sizeof msg) != EB_OK) {
        printf("skip %s: %s\n", path, msg);
        return 0;
    }
    eb_random_spec spec = {.seed = 42, .dist = EB_DIST_UNIFORM, .a = -1.0, .b = 1.0};
    if (eb_random_inputs(b->g, &spec, &b->in, msg, sizeof msg) != EB_OK) {
        printf("skip %s: %s\n", path, msg);
        eb_graph_destroy(b->g);
        return 0;
    }
    /* the model's bytes too: ONNX Runtime builds its session from them */
    if (eb_read_file(path, &b->bytes, &b->nbytes, msg, sizeof msg) != EB_OK)
        b->bytes = NULL, b->nbytes = 0;
    b->model = (eb_model){.struct_size = sizeof b->model, .graph = b->g, .path = path,
                          .bytes = b->bytes, .nbytes = b->nbytes};
    b->int8 = model_is_int8(b->g);
    return 1;
}

static void free_input(bench_input *b)
{
    eb_input_set_free(&b->in);
    eb_graph_destroy(b->g);
    free(b->bytes);
}

/* A result slot for every model x thread count x available (and asked
 * for) backend, in the order the tables print them. */
static void make_cells(const eb_registry *r, const bench_input *in, int n_in, const int *threads,
                       int n_threads)
{
    for (int m = 0; m < n_in; m++)
        for (int ti = 0; ti < n_threads; ti++)
            for (int i = 0; i < r->n; i++) {
                const eb_registry_entry *e = &r->entries[i];
                int wanted = n_only == 0;
                for (int k = 0; k < n_only; k++)
                    wanted |= strcmp(only[k], e->name) == 0;
                if (!e->available || !wanted ||
                    n_results >= (int)(sizeof results / sizeof results[0]))
                    continue;
                result *res = &results[n_results++];
                memset(res, 0, sizeof *res);
                snprintf(res->model, sizeof res->model, "%s", in[m].path);
                snprintf(res->backend, sizeof res->backend, "%s", e->name);
                res->int8 = in[m].int8;
                res->threads = threads[ti];
                res->entry = i;
            }
}

/* Round after round, every model, every thread count, every backend (in
 * registry order, reversed every other round: ABBA). Rounds are the outer
 * loop so that the results a target compares (two backends, a model and
 * its int8 form, one and two threads) are timed within one round, close
 * in time, in every round: this machine's speed drifts by up to 1.5x over
 * minutes, and all rounds of one model before the next compared across
 * that drift. */
static void time_rounds(const eb_registry *r, const bench_input *in, int n_in, double min_s)
{
    for (int round = 0; round < n_rounds; round++)
        for (int m = 0; m < n_in; m++) {
            int first = -1, last = -1;
            for (int k = 0; k < n_results; k++)
                if (strcmp(results[k].model, in[m].path) == 0) {
                    first = first < 0 ? k : first;
                    last = k;
                }
            for (int j = first; j >= 0 && j <= last; j++) {
                /* one thread count's backends, forward or backward */
                const int t = results[j].threads;
                int lo = j, hi = j;
                while (hi + 1 <= last && results[hi + 1].threads == t)
                    hi++;
                for (int q = 0; q <= hi - lo; q++) {
                    result *res = &results[round % 2 ? hi - q : lo + q];
                    if (res->failed)
                        continue;
                    const eb_registry_entry *e = &r->entries[res->entry];
                    double ms = 0, cms = 0;
                    int nr = 0;
                    int rc = time_backend_isolated(e, in[m].g, &in[m].model, &in[m].in, t, min_s,
                                                   &ms, &cms, &nr, res->why, sizeof res->why);
                    if (rc != 0) {
                        res->failed = rc;
                        continue;
                    }
                    res->wall[round] = ms;
                    res->cpu[round] = cms;
                    res->runs += nr;
                }
                j = hi;
            }
        }
    for (int k = 0; k < n_results; k++)
        if (!results[k].failed) {
            results[k].median_ms = median_d(results[k].wall, n_rounds);
            results[k].cpu_ms = median_d(results[k].cpu, n_rounds);
        }
}

static void print_model(const bench_input *b, double peak_per_thread_fp32,
                        double peak_per_thread_int8)
{
    printf("\n%s  (%s, %.1f MFLOP per inference%s)\n", b->path, b->int8 ? "int8" : "fp32",
           (double)b->g->flops / 1e6, n_rounds > 1 ? ", median of the rounds' medians" : "");
    printf("  %-7s %-12s %10s %9s %6s %7s %7s %7s %7s %8s %7s\n", "threads", "backend",
           "median ms", "cpu ms", "runs", "vs ref", "/ort", "/onednn", "/xnnpk", "GFLOP/s",
           "of peak");
    for (int k = 0; k < n_results; k++) {
        const result *res = &results[k];
        if (strcmp(res->model, b->path) != 0)
            continue;
        const int t = res->threads;
        if (res->failed) {
            printf("  %-7d %-12s %s%s\n", t, res->backend, res->failed == 2 ? "" : "skipped: ",
                   res->why);
            continue;
        }
        const result *ref = find(b->path, t, "ref"), *xnn = find(b->path, t, "xnnpack");
        const result *ort = find(b->path, t, "onnxruntime"), *dnnl = find(b->path, t, "onednn");
        double gflops = (double)b->g->flops / (res->median_ms * 1e6);
        double peak = (b->int8 ? peak_per_thread_int8 : peak_per_thread_fp32) * t;
        char vs_ref[16] = "-", vs_ort[16] = "-", vs_dnnl[16] = "-", vs_xnn[16] = "-",
             share[16] = "-";
        if (ref)
            snprintf(vs_ref, sizeof vs_ref, "%.2fx", ref->median_ms / res->median_ms);
        if (ort)
            snprintf(vs_ort, sizeof vs_ort, "%.2f", res->median_ms / ort->median_ms);
        if (dnnl)
            snprintf(vs_dnnl, sizeof vs_dnnl, "%.2f", res->median_ms / dnnl->median_ms);
        if (xnn)
            snprintf(vs_xnn, sizeof vs_xnn, "%.2f", res->median_ms / xnn->median_ms);
        if (peak > 0)
            snprintf(share, sizeof share, "%.1f%%", 100.0 * gflops / peak);
        printf("  %-7d %-12s %10.3f %9.3f %6d %7s %7s %7s %7s %8.2f %7s\n", t, res->backend,
               res->median_ms, res->cpu_ms, res->runs, vs_ref, vs_ort, vs_dnnl, vs_xnn, gflops,
               share);
    }
}

/* The MobileNet-v2 1.0@224 pair in <build>/models/, written by its tool
 * with /usr/bin/python3 (PyTorch) when missing; skipped with the reason
 * when that fails. */
static void generate_models(const char **models, char (*paths)[1024], int *n_models)
{
    char dir[960], cmd[4096];
    snprintf(dir, sizeof dir, "%.900s/models", EB_BINARY_DIR);
    int missing = 0;
    for (size_t i = 0; i < sizeof generated_models / sizeof generated_models[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s/%s", dir, generated_models[i]);
        missing |= !file_exists(cmd);
    }
    if (missing) {
        printf("writing the MobileNet-v2 1.0@224 fixtures into %s (%s) ...\n", dir, MB224_TOOL);
        fflush(stdout);
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/%s' '%s' >'%s/make_mobilenet_224.log' 2>&1",
                 EB_SOURCE_DIR, MB224_TOOL, dir, EB_BINARY_DIR);
        int rc = system(cmd);
        if (rc != 0)
            printf("skip MobileNet-v2 1.0@224: %s failed (exit %d; needs python3-torch and "
                   "python3-torchvision), see %s/make_mobilenet_224.log\n",
                   MB224_TOOL, WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, EB_BINARY_DIR);
    }
    for (size_t i = 0; i < sizeof generated_models / sizeof generated_models[0]; i++) {
        if (*n_models >= MAX_MODELS)
            break;
        if (snprintf(paths[*n_models], 1024, "%.900s/%s", dir, generated_models[i]) >= 1024)
            continue;
        if (!file_exists(paths[*n_models]))
            continue;
        models[*n_models] = paths[*n_models];
        (*n_models)++;
    }
}

/* ---- per-variant GEMM throughput (the variant lists) --------------------- */

static void bench_variants(unsigned isa)
{
    /* a MobileNet-v2-like 1x1 convolution: 96 -> 24 channels... and wider */
    const int64_t m = 96, k = 96, hw = 24 * 24;
    eb_simd_gemm_shape s = {.batch = 1, .groups = 1, .m = m, .k = k, .n = hw, .x_image = k * hw,
                            .y_image = m * hw, .y_row = hw, .y_col = 1};
    s.geom = (eb_simd_conv_geom){.channels = k, .ih = 24, .iw = 24, .oh = 24, .ow = 24, .kh = 1,
                                 .kw = 1, .sh = 1, .sw = 1, .dh = 1, .dw = 1, .c_stride = hw,
                                 .p_stride = 1, .pointwise = 1};
    float *x = malloc((size_t)(k * hw) * 4), *w = malloc((size_t)(m * k) * 4),
          *y = malloc((size_t)(m * hw) * 4);
    int16_t *wq = malloc((size_t)(m * k) * 2);
    float *mult = malloc((size_t)m * 4);
    uint8_t *xq = malloc((size_t)(k * hw)), *yq = malloc((size_t)(m * hw));
    for (int64_t i = 0; i < k * hw; i++) {
        x[i] = (float)((i * 7919) % 97) / 97.0f - 0.5f;
        xq[i] = (uint8_t)(i * 31);
    }
    for (int64_t i = 0; i < m * k; i++) {
        w[i] = (float)((i * 104729) % 89) / 89.0f - 0.5f;
        wq[i] = (int16_t)((i * 13) % 255 - 127);
    }
    for (int64_t i = 0; i < m; i++)
        mult[i] = 0.001f;
    const double ops = 2.0 * (double)(m * k * hw);
    printf("\nsimd GEMM micro-kernels on a %lldx%lld x %lldx%lld 1x1 convolution, one thread:\n",
           (long long)m, (long long)k, (long long)k, (long long)hw);
    int n;
    const eb_simd_vec_kernels *vec = eb_simd_pick_vec(isa);
    const eb_simd_f32_gemm_variant *fv = eb_simd_f32_gemm_variants(&n);
    for (int i = 0; i < n; i++) {
        if (!eb_simd_isa_has(isa, fv[i].isa)) {
            printf("  %-30s skipped: CPU lacks it\n", fv[i].name);
            continue;
        }
        eb_simd_gemm_f32 G;
        if (eb_simd_gemm_f32_init(&G, &fv[i], vec, &s, w, k, 1, NULL, -INFINITY, INFINITY) != 0)
            continue;
        eb_simd_scratch sc = {.bytes = (eb_simd_gemm_f32_scratch(&G) + 63) & ~(size_t)63,
                              .threads = 1};
        sc.base = aligned_alloc(64, sc.bytes);
        uint64_t t[31];
        for (int r = 0; r < 31; r++) {
            uint64_t t0 = now_ns();
            eb_simd_gemm_f32_run(&G, NULL, &sc, x, y);
            t[r] = now_ns() - t0;
        }
        printf("  %-30s %8.2f GFLOP/s\n", fv[i].name, ops / median_ns(t, 31));
        free(sc.base);
        eb_simd_gemm_f32_free(&G);
    }
    const eb_simd_q8_gemm_variant *qv = eb_simd_q8_gemm_variants(&n);
    for (int i = 0; i < n; i++) {
        if (!eb_simd_isa_has(isa, qv[i].isa)) {
            printf("  %-30s skipped: CPU lacks it\n", qv[i].name);
            continue;
        }
        eb_simd_gemm_q8 G;
        if (eb_simd_gemm_q8_init(&G, &qv[i], vec, &s, wq, k, 1, NULL, mult, EB_DT_U8, 128,
                                 EB_DT_U8, 128, 0, 255) != 0)
            continue;
        eb_simd_scratch sc = {.bytes = (eb_simd_gemm_q8_scratch(&G) + 63) & ~(size_t)63,
                              .threads = 1};
        sc.base = aligned_alloc(64, sc.bytes);
        uint64_t t[31];
        for (int r = 0; r < 31; r++) {
            uint64_t t0 = now_ns();
            eb_simd_gemm_q8_run(&G, NULL, &sc, xq, yq);
            t[r] = now_ns() - t0;
        }
        printf("  %-30s %8.2f GOP/s\n", qv[i].name, ops / median_ns(t, 31));
        if (G.rq_fn) {
            /* the same without the requantising store: int32 tile, then
             * the separate requantisation pass */
            G.rq_fn = NULL;
            for (int r = 0; r < 31; r++) {
                uint64_t t0 = now_ns();
                eb_simd_gemm_q8_run(&G, NULL, &sc, xq, yq);
                t[r] = now_ns() - t0;
            }
            printf("  %-30s %8.2f GOP/s (requantised by a separate pass)\n", qv[i].name,
                   ops / median_ns(t, 31));
        }
        free(sc.base);
        eb_simd_gemm_q8_free(&G);
    }
    free(x);
    free(w);
    free(y);
    free(wq);
    free(mult);
    free(xq);
    free(yq);
}

/* ---- targets ---------------------------------------------------------------- */

/* One target line: the wall-clock ratio, and the CPU-time ratio that a
 * machine shared with other work does not distort. goal 0: a ratio the
 * issue sets no target for, printed for information. */
static void target(int t, const char *what, const result *num, const result *den, int below,
                   double goal, int with_cpu)
{
    if (!num || !den)
        return;
    /* the median of the rounds' ratios: both results of a ratio come from
     * one round (time_rounds), so drift between rounds cancels */
    double w[MAX_ROUNDS], c[MAX_ROUNDS];
    for (int r = 0; r < n_rounds; r++) {
        w[r] = num->wall[r] / den->wall[r];
        c[r] = num->cpu[r] > 0 && den->cpu[r] > 0 ? num->cpu[r] / den->cpu[r] : 0;
    }
    double wall = median_d(w, n_rounds), cpu = median_d(c, n_rounds);
    int met = below ? wall <= goal : wall >= goal;
    char cs[32] = "";
    if (with_cpu)
        snprintf(cs, sizeof cs, ", %5.2fx cpu", cpu);
    if (goal <= 0) {
        printf("  %d thread(s): %-50s %5.2fx wall%-12s (no target)\n", t, what, wall, cs);
        return;
    }
    printf("  %d thread(s): %-50s %5.2fx wall%-12s (target %s %.3gx)  %s\n", t, what, wall, cs,
           below ? "<=" : ">=", goal, met ? "met" : "MISSED");
}

/* The int8 form of an fp32 model measured in this run: the same path with
 * "fp32" replaced by "int8" in the base name (models/fashion/), or
 * "_int8" before ".onnx" (the MobileNet-v2 fixtures). */
static const char *int8_partner(const char *fp32, char *buf, size_t len)
{
    const char *base = strrchr(fp32, '/');
    base = base ? base + 1 : fp32;
    const char *f = strstr(base, "fp32");
    if (f)
        snprintf(buf, len, "%.*sint8%s", (int)(f - fp32), fp32, f + 4);
    else if (ends_with(fp32, ".onnx"))
        snprintf(buf, len, "%.*s_int8.onnx", (int)(strlen(fp32) - 5), fp32);
    else
        return NULL;
    return buf;
}

static const char *short_name(const char *path, int dtype)
{
    static char buf[96];
    const char *base = strrchr(path, '/');
    const char *q = !dtype ? "" : ends_with(path, "int8.onnx") ? " int8" : " fp32";
    if (ends_with(path, FASHION_FP32) || ends_with(path, "/fashion/int8.onnx"))
        snprintf(buf, sizeof buf, "Fashion CNN%s", q);
    else if (strstr(path, "/mobilenet_v2_100_224"))
        snprintf(buf, sizeof buf, "MobileNet-v2 1.0@224%s", q);
    else if (strstr(path, "/mobilenet_v2_050_96"))
        snprintf(buf, sizeof buf, "MobileNet-v2 0.5@96%s", q);
    else
        snprintf(buf, sizeof buf, "%s", base ? base + 1 : path);
    return buf;
}

/* issue 19's int8 target depends on the byte dot product simd can use:
 * >= 2x its fp32 model with VNNI, >= 1.3x without (AVX2's vpmaddwd has the
 * MAC rate of an fp32 FMA). The host's levels, capped as simd_open caps
 * them: by EB_SIMD_MAX_ISA, then by a --option simd:isa=LEVEL. */
static double int8_goal(const eb_host *host, int *vnni)
{
    unsigned isa = eb_simd_isa_from_host(host), cap;
    const char *env = getenv("EB_SIMD_MAX_ISA");
    if (env && *env && eb_simd_isa_cap(env, &cap))
        isa &= cap;
    for (int i = 0; i < n_opts; i++)
        if (strcmp(opt_backend[i], "simd") == 0 && strcmp(opt_key[i], "isa") == 0 &&
            eb_simd_isa_cap(opt_value[i], &cap))
            isa &= cap;
    *vnni = (isa & EB_SIMD_ISA_AVX512VNNI) != 0;
    return *vnni ? 2.0 : 1.3;
}

static void targets(const eb_host *host, const int *threads, int n_threads)
{
    int vnni;
    const double q8_goal = int8_goal(host, &vnni);
    printf("\ntargets (issue 19; ratios of median latency, cpu: of process CPU time per inference; "
           "each between results of one model%s):\n",
           n_rounds > 1 ? ", the median of the rounds' ratios" : "");
    int any = 0;
    for (int ti = 0; ti < n_threads; ti++) {
        int t = threads[ti];
        for (int i = 0; i < n_results; i++) {
            const result *s = &results[i];
            if (s->threads != t || strcmp(s->backend, "simd") != 0)
                continue;
            const char *m = s->model;
            char what[160];
            const result *ort = find(m, t, "onnxruntime");
            /* the ORT targets are for one thread */
            if (!s->int8 && (ends_with(m, MB224_FP32) || ends_with(m, FASHION_FP32))) {
                snprintf(what, sizeof what, "simd / onnxruntime, %s", short_name(m, 1));
                target(t, what, s, ort, 1, t > 1 ? 0 : ends_with(m, MB224_FP32) ? 1.0 : 1.2, 1);
                any |= ort != NULL;
            }
            char buf[1024];
            if (!s->int8 && int8_partner(m, buf, sizeof buf)) {
                const result *q = find(buf, t, "simd");
                if (q && q->int8) {
                    snprintf(what, sizeof what, "simd int8 speed-up over fp32%s, %s",
                             vnni ? " (VNNI)" : "", short_name(m, 0));
                    target(t, what, s, q, 0, q8_goal, 1);
                    any = 1;
                }
            }
            /* thread scaling: the targets are MobileNet-v2@224's,
             * 2 threads >= 1.6x one on a 2-core host, 4 >= 3x with at
             * least 4 cores; the small models' ratios for information */
            if (t > 1) {
                const result *one = find(m, 1, "simd");
                const int mb224 = strstr(m, "/mobilenet_v2_100_224") != NULL;
                snprintf(what, sizeof what, "simd %d threads over 1, %s", t, short_name(m, 1));
                target(t, what, one, s, 0, !mb224 ? 0 : t == 2 ? 1.6 : t == 4 ? 3.0 : 0, 0);
                any |= one != NULL;
            }
        }
    }
    if (!any)
        printf("  none measured: the targets need simd with onnxruntime on the fixtures, an fp32 "
               "model with its int8 form, or 1 and 2 threads\n");
}

int main(int argc, char **argv)
{
    int threads[MAX_THREADS] = {1, 2}, n_threads = 2, kernels = 1;
    double min_s = 1.0;
    const char *models[MAX_MODELS];
    int n_models = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            n_threads = 0;
            for (char *p = argv[++i]; *p && n_threads < MAX_THREADS;) {
                int t = (int)strtol(p, &p, 10);
                if (t < 1) {
                    fprintf(stderr, "bench_backends: --threads takes a list like 1,2\n");
                    return 2;
                }
                threads[n_threads++] = t;
                if (*p == ',')
                    p++;
            }
        } else if (strcmp(argv[i], "--min-time") == 0 && i + 1 < argc) {
            min_s = atof(argv[++i]);
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            n_rounds = atoi(argv[++i]);
            if (n_rounds < 1 || n_rounds > MAX_ROUNDS) {
                fprintf(stderr, "bench_backends: --rounds takes 1 to %d\n", MAX_ROUNDS);
                return 2;
            }
        } else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc && n_only < MAX_BACKENDS) {
            only[n_only++] = argv[++i];
        } else if (strcmp(argv[i], "--option") == 0 && i + 1 < argc && n_opts < MAX_OPTIONS) {
            char *spec = argv[++i], *colon = strchr(spec, ':'), *eq = colon ? strchr(colon, '=') : NULL;
            if (!colon || !eq || colon == spec || eq == colon + 1) {
                fprintf(stderr, "bench_backends: --option takes BACKEND:KEY=VALUE, not '%s'\n", spec);
                return 2;
            }
            *colon = *eq = '\0';
            opt_backend[n_opts] = spec;
            opt_key[n_opts] = colon + 1;
            opt_value[n_opts++] = eq + 1;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_s = (unsigned)strtoul(argv[++i], NULL, 10);
            if (timeout_s == 0)
                timeout_s = 600;
        } else if (strcmp(argv[i], "--no-kernels") == 0) {
            kernels = 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: bench_backends [--threads 1,2] [--min-time S] [--rounds N] "
                            "[--backend NAME]... "
                            "[--option BACKEND:KEY=VALUE]... [--timeout S] [--no-kernels] "
                            "[MODEL.onnx ...]\n");
            return 2;
        } else if (n_models < MAX_MODELS) {
            models[n_models++] = argv[i];
        }
    }
    static char paths[MAX_MODELS][1024];
    if (n_models == 0) {
        for (size_t i = 0; i < sizeof default_models / sizeof default_models[0]; i++) {
            snprintf(paths[n_models], sizeof paths[0], "%s/%s", EB_SOURCE_DIR, default_models[i][0]);
            if (!file_exists(paths[n_models])) {
                printf("skip %s: fixture missing", default_models[i][0]);
                if (!default_models[i][1]) {
                    printf("\n");
                    continue;
                }
                printf(", using %s\n", default_models[i][1]);
                snprintf(paths[n_models], sizeof paths[0], "%s/%s", EB_SOURCE_DIR,
                         default_models[i][1]);
            }
            models[n_models] = paths[n_models];
            n_models++;
        }
        generate_models(models, paths, &n_models);
    }
    /* the build tree's plugins (and ONNX Runtime beside its plugin) are
     * found next to this program: harness/backend/registry.h */
    eb_registry *r;
    if (eb_registry_create(&r) != EB_OK) {
        fprintf(stderr, "bench_backends: out of memory\n");
        return 3;
    }
    double flop = 0, int8_ops = 0, mhz = cpu_mhz();
    char why[256] = "";
    eb_peak_per_cycle(r->host.features, r->host.arch, 0, &flop, &int8_ops, why, sizeof why);
    printf("host: %s, %d logical CPUs, %.0f MHz; peak estimate per core: %.0f fp32 FLOP and "
           "%.0f int8 op per cycle (%s)\n",
           r->host.cpu_brand[0] ? r->host.cpu_brand : r->host.arch, r->host.logical_cpus, mhz, flop,
           int8_ops, why);
    printf("backends:");
    for (int i = 0; i < r->n; i++)
        printf(" %s%s", r->entries[i].name, r->entries[i].available ? "" : " (unavailable)");
    printf("\n");
    static bench_input inputs[MAX_MODELS];
    int n_in = 0;
    for (int i = 0; i < n_models; i++)
        n_in += load_input(models[i], &inputs[n_in]);
    make_cells(r, inputs, n_in, threads, n_threads);
    time_rounds(r, inputs, n_in, min_s);
    for (int i = 0; i < n_in; i++)
        print_model(&inputs[i], flop * mhz / 1000.0, int8_ops * mhz / 1000.0);
    targets(&r->host, threads, n_threads);
    for (int i = 0; i < n_in; i++)
        free_input(&inputs[i]);
    if (kernels)
        bench_variants(eb_simd_isa_from_host(&r->host));
    eb_registry_destroy(r);
    return 0;
}
