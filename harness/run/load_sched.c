/* eb_load_run: multi_stream, server (with its rate search) and offline over
 * the clock and sleep hooks (load_sched.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "common/clock.h"
#include "common/rng.h"
#include "harness/run/load_sched.h"
#include "harness/stats/stats.h"

/* How long before an arrival the real sleep ends and the thread polls the
 * clock instead: about a timer wake-up's lateness on a loaded VM. */
#define SPIN_NS 50000u

/* The clock pair a run reads: the hooks' or the real one. */
typedef struct sched {
    const eb_load_hooks *h;
    uint64_t next_i;  /* inference index across queries and trials */
    uint64_t busy_ns; /* in issue, from the start of each query to its end */
} sched;

static uint64_t now_of(const sched *s)
{
    return s->h->clock ? s->h->clock(s->h->clock_arg) : eb_now_ns();
}

static void sleep_until(const sched *s, uint64_t t)
{
    if (s->h->sleep_until) {
        s->h->sleep_until(s->h->clock_arg, t);
        return;
    }
    /* nanosleep (CLOCK_MONOTONIC) until SPIN_NS before t, then poll the
     * measurement clock: a wake-up past t is lateness the query's latency
     * includes, as a real dispatcher's would, and the short spin keeps it
     * to the clock's resolution instead of the scheduler's wake-up delay
     * (bench/bench_load_server measures both) */
    for (uint64_t n = now_of(s); n < t; n = now_of(s)) {
        uint64_t d = t - n;
        if (d <= SPIN_NS)
            continue;
        d -= SPIN_NS;
        struct timespec ts = {.tv_sec = (time_t)(d / 1000000000u), .tv_nsec = (long)(d % 1000000000u)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
}

/* One query's samples of a trial, kept for the search's replay and p99. */
typedef struct qbuf {
    uint64_t *t, *lat;
    size_t n, cap;
} qbuf;

static int qbuf_push(qbuf *b, uint64_t t, uint64_t lat)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        uint64_t *nt = realloc(b->t, cap * sizeof *nt);
        if (!nt)
            return -1;
        b->t = nt;
        uint64_t *nl = realloc(b->lat, cap * sizeof *nl);
        if (!nl)
            return -1;
        b->lat = nl;
        b->cap = cap;
    }
    b->t[b->n] = t;
    b->lat[b->n] = lat;
    b->n++;
    return 0;
}

static void qbuf_free(qbuf *b)
{
    free(b->t);
    free(b->lat);
    memset(b, 0, sizeof *b);
}

static double p99_of(const qbuf *b)
{
    if (b->n == 0)
        return NAN;
    uint64_t *v = malloc(b->n * sizeof *v);
    if (!v)
        return NAN;
    memcpy(v, b->lat, b->n * sizeof *v);
    eb_sort_u64(v, b->n);
    double p = eb_percentile_sorted(v, b->n, 99.0);
    free(v);
    return p;
}

static eb_status nomem(char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "out of memory keeping query latencies");
    return EB_ERR_NOMEM;
}

/* One server trial at rate qps: Poisson arrivals (exponential gaps from the
 * seeded stream, the same stream for every trial so a faster trial's
 * arrivals are the slower one's, compressed), each served when both it has
 * arrived and the previous query is done. live: report queries as they
 * complete. */
static eb_status server_trial(sched *s, const eb_load_spec *sp, double qps, int live, qbuf *b,
                              eb_load_trial *tr, int *stopped, uint64_t *span_ns, char *msg,
                              size_t msg_len)
{
    const eb_load_hooks *h = s->h;
    eb_rng rng;
    eb_rng_seed(&rng, sp->seed);
    b->n = 0;
    memset(tr, 0, sizeof *tr);
    tr->target_qps = qps;
    uint64_t window = sp->duration_ns, cap = 2 * sp->duration_ns, last_done = 0;
    double a = 0;
    uint64_t origin = now_of(s);
    for (;;) {
        /* 1 - u is in (0, 1]: the log is finite */
        a += -log(1.0 - eb_rng_uniform(&rng)) / qps * 1e9;
        if (a >= (double)window)
            break;
        uint64_t arrival = (uint64_t)a;
        tr->issued++;
        uint64_t t = now_of(s) - origin;
        if (t >= cap || *stopped)
            continue; /* still queued when the drain ends: issued, never completed */
        if (t < arrival) {
            sleep_until(s, origin + arrival);
            t = now_of(s) - origin;
        }
        eb_status st = h->issue(h->arg, s->next_i++, msg, msg_len);
        if (st != EB_OK)
            return st;
        uint64_t done = now_of(s) - origin;
        s->busy_ns += done - t;
        uint64_t lat = done - arrival;
        tr->completed++;
        last_done = done;
        if (qbuf_push(b, arrival, lat) != 0)
            return nomem(msg, msg_len);
        if (live && h->query && h->query(h->arg, arrival, lat))
            *stopped = 1;
    }
    *span_ns = last_done;
    tr->achieved_qps = last_done ? (double)tr->completed / ((double)last_done / 1e9) : 0;
    tr->p99_ns = p99_of(b);
    tr->met = tr->completed == tr->issued && tr->completed > 0 &&
              (sp->latency_bound_ns == 0 || tr->p99_ns <= (double)sp->latency_bound_ns);
    return EB_OK;
}

static void fill_from_trial(eb_load_result *r, const eb_load_trial *tr, uint64_t span)
{
    r->issued = tr->issued;
    r->completed = tr->completed;
    r->inferences = tr->completed;
    r->measured_ns = span;
    r->achieved_qps = tr->achieved_qps;
    r->inferences_per_s = tr->achieved_qps;
}

static eb_status run_server(sched *s, const eb_load_spec *sp, eb_load_result *r, char *msg,
                            size_t msg_len)
{
    qbuf cur = {0}, best = {0};
    uint64_t span = 0, best_span = 0;
    eb_load_trial best_tr = {0};
    eb_status st = EB_OK;
    int trials = sp->search ? sp->max_trials : 1;
    if (trials < 1)
        trials = 1;
    if (trials > EB_LOAD_MAX_TRIALS)
        trials = EB_LOAD_MAX_TRIALS;
    /* The search: start at target_qps; double while trials meet the bound,
     * then bisect between the highest rate that met it and the lowest that
     * did not, until they are within 2% or the trials run out. Rates tried
     * go into trials[] in order. */
    double qps = sp->target_qps, lo = 0, hi = INFINITY;
    int have_best = 0;
    for (int k = 0; k < trials && !r->stopped; k++) {
        eb_load_trial *tr = &r->trials[r->n_trials];
        if ((st = server_trial(s, sp, qps, !sp->search, &cur, tr, &r->stopped, &span, msg,
                               msg_len)) != EB_OK)
            goto out;
        r->n_trials++;
        /* the reported trial: the fastest that met the bound, else the
         * latest (under a search that never met it, the slowest tried) */
        if (tr->met && qps >= lo) {
            lo = qps;
            qbuf t = best;
            best = cur;
            cur = t;
            best_span = span;
            best_tr = *tr;
            have_best = 1;
        } else if (!tr->met && qps < hi) {
            hi = qps;
        }
        if (!have_best) {
            qbuf t = best;
            best = cur;
            cur = t;
            best_span = span;
            best_tr = *tr;
        }
        if (!sp->search)
            break;
        if (isinf(hi))
            qps = 2 * lo;
        else if (lo > 0 && (hi - lo) <= 0.02 * hi)
            break;
        else
            qps = (lo + hi) / 2;
    }
    fill_from_trial(r, &best_tr, best_span);
    r->search_qps = sp->search ? (have_best ? lo : 0) : NAN;
    if (sp->search && s->h->query)
        for (size_t i = 0; i < best.n; i++)
            if (s->h->query(s->h->arg, best.t[i], best.lat[i])) {
                r->stopped = 1;
                break;
            }
out:
    qbuf_free(&cur);
    qbuf_free(&best);
    return st;
}

/* multi_stream (a query every interval, latency from its scheduled start)
 * and offline (queries back to back, latency = the query's duration). */
static eb_status run_streams(sched *s, const eb_load_spec *sp, const eb_loop_settings *stop,
                             eb_load_result *r, char *msg, size_t msg_len)
{
    const eb_load_hooks *h = s->h;
    uint64_t spq = eb_load_samples_per_query(sp);
    uint64_t origin = now_of(s), last_end = 0;
    for (uint64_t k = 0;; k++) {
        uint64_t el = last_end;
        if (k >= stop->iterations && el >= stop->min_ns)
            break;
        if (stop->max_ns && el >= stop->max_ns) {
            r->capped = k < stop->iterations;
            break;
        }
        uint64_t at = last_end, start = last_end;
        if (sp->kind == EB_LOAD_MULTI_STREAM) {
            at = k * sp->interval_ns;
            start = now_of(s) - origin;
            if (start < at) {
                sleep_until(s, origin + at);
                start = now_of(s) - origin;
            }
        }
        r->issued++;
        for (uint64_t j = 0; j < spq; j++) {
            eb_status st = h->issue(h->arg, s->next_i++, msg, msg_len);
            if (st != EB_OK)
                return st;
        }
        last_end = now_of(s) - origin;
        s->busy_ns += last_end - start;
        r->completed++;
        r->inferences += spq;
        if (h->query && h->query(h->arg, at, last_end - at)) {
            r->stopped = 1;
            break;
        }
    }
    r->measured_ns = last_end;
    double sec = (double)last_end / 1e9;
    r->achieved_qps = sec > 0 ? (double)r->completed / sec : 0;
    r->inferences_per_s = sec > 0 ? (double)r->inferences / sec : 0;
    return EB_OK;
}

eb_status eb_load_run(const eb_load_spec *spec, const eb_loop_settings *stop,
                      const eb_load_hooks *h, eb_load_result *r, char *msg, size_t msg_len)
{
    memset(r, 0, sizeof *r);
    r->search_qps = NAN;
    sched s = {.h = h};
    eb_status st;
    /* on the real clock, a sleeping thread's wake-up may be deferred by its
     * timer slack (50 us by default) to batch wake-ups: ask for none */
    if (!h->sleep_until)
        prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    switch (spec->kind) {
    case EB_LOAD_SERVER:
        if (!(spec->target_qps > 0) || spec->duration_ns == 0) {
            snprintf(msg, msg_len, "server load needs target_qps > 0 and duration_s > 0");
            return EB_ERR_INVALID_ARG;
        }
        st = run_server(&s, spec, r, msg, msg_len);
        break;
    case EB_LOAD_MULTI_STREAM:
        if (spec->interval_ns == 0) {
            snprintf(msg, msg_len, "multi_stream load needs interval_ms > 0");
            return EB_ERR_INVALID_ARG;
        }
        /* fall through */
    case EB_LOAD_OFFLINE:
        st = run_streams(&s, spec, stop, r, msg, msg_len);
        break;
    default:
        snprintf(msg, msg_len, "load pattern %s is run by the timing loop",
                 eb_load_kind_str(spec->kind));
        return EB_ERR_INVALID_ARG;
    }
    r->total_issued_inferences = s.next_i;
    r->busy_ns = s.busy_ns;
    return st;
}
