/* In-process cell (isolation: none): the same executor and record builder
 * as the isolated path, without its protection against crashes. Peak RSS
 * is the whole edgebench process's.
 *
 * The cell runs on a thread of its own while this thread watches the
 * scenario's timeout_s and a second Ctrl-C, as the isolated path does. At
 * either, the cell is asked to stop at its next sample; a cell that does
 * not stop (a backend hung inside one inference) cannot be killed in this
 * process: it is left running detached, its record closed with what it had,
 * and the caller runs no further cells (eb_cell_run_inprocess returns
 * EB_ERR_TIMEOUT). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/clock.h"
#include "harness/run/cell.h"
#include "harness/run/cell_record.h"

/* How long a cell asked to stop gets to reach its next sample. */
#define STOP_GRACE_NS 2000000000ull

typedef struct inproc {
    pthread_mutex_t mu;
    eb_record_builder b;
    int stop;       /* the watcher asks the loop to end */
    int detached;   /* the watcher gave up on the thread: drop its output */
    int finished;   /* the thread is done with everything but this struct */
    const eb_registry *reg;
    eb_cell_job job; /* a copy: the caller's may be gone when a detached cell ends */
    eb_status st;
    char msg[1024];
} inproc;

static void on_meta(void *arg, const char *bv, const char *lv, uint64_t mb)
{
    inproc *p = arg;
    pthread_mutex_lock(&p->mu);
    if (!p->detached)
        eb_record_meta(&p->b, bv, lv, mb);
    pthread_mutex_unlock(&p->mu);
}

static int on_sample(void *arg, uint64_t t, uint64_t lat)
{
    inproc *p = arg;
    pthread_mutex_lock(&p->mu);
    if (!p->detached && !p->stop)
        eb_record_sample(&p->b, t, lat);
    int stop = p->stop || p->detached;
    pthread_mutex_unlock(&p->mu);
    return stop;
}

static void on_done(void *arg, const eb_loop_result *r)
{
    inproc *p = arg;
    pthread_mutex_lock(&p->mu);
    if (!p->detached)
        eb_record_done(&p->b, r);
    pthread_mutex_unlock(&p->mu);
}

static void on_metric(void *arg, const char *name, double v)
{
    inproc *p = arg;
    pthread_mutex_lock(&p->mu);
    if (!p->detached)
        eb_record_metric(&p->b, name, v);
    pthread_mutex_unlock(&p->mu);
}

static void on_text(void *arg, const char *name, const char *v)
{
    inproc *p = arg;
    pthread_mutex_lock(&p->mu);
    if (!p->detached)
        eb_record_text(&p->b, name, v);
    pthread_mutex_unlock(&p->mu);
}

static void on_array(void *arg, const char *name, eb_array_type type, uint64_t rows, uint64_t cols,
                     const void *data)
{
    inproc *p = arg;
    pthread_mutex_lock(&p->mu);
    if (!p->detached)
        eb_record_array(&p->b, name, type, rows, cols, data);
    pthread_mutex_unlock(&p->mu);
}

static void on_array_nd(void *arg, const char *name, eb_array_type type, int rank,
                        const uint64_t *dims, const void *data)
{
    inproc *p = arg;
    pthread_mutex_lock(&p->mu);
    if (!p->detached)
        eb_record_array_nd(&p->b, name, type, rank, dims, data);
    pthread_mutex_unlock(&p->mu);
}

static void *cell_thread(void *arg)
{
    inproc *p = arg;
    eb_cell_sink sink = {.arg = p, .meta = on_meta, .sample = on_sample, .done = on_done,
                         .metric = on_metric, .text = on_text, .array = on_array,
                         .array_nd = on_array_nd};
    char msg[1024] = "";
    eb_status st = eb_cell_execute(p->reg, &p->job, &sink, msg, sizeof msg);
    pthread_mutex_lock(&p->mu);
    p->st = st;
    snprintf(p->msg, sizeof p->msg, "%s", msg);
    p->finished = 1;
    int detached = p->detached;
    pthread_mutex_unlock(&p->mu);
    if (detached) { /* nobody waits for this cell any more */
        pthread_mutex_destroy(&p->mu);
        free(p);
    }
    return NULL;
}

eb_status eb_cell_run_inprocess(const eb_registry *reg, const eb_cell_job *job, double timeout_s,
                                volatile sig_atomic_t *abort_flag, eb_run_record *rec)
{
    inproc *p = calloc(1, sizeof *p);
    eb_utc_now(rec->started, sizeof rec->started);
    uint64_t t0 = eb_now_ns();
    if (!p) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "out of memory starting the cell");
        eb_utc_now(rec->finished, sizeof rec->finished);
        return EB_OK;
    }
    pthread_mutex_init(&p->mu, NULL);
    eb_record_builder_init(&p->b, rec);
    p->reg = reg;
    p->job = *job;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16u << 20);
    pthread_t th;
    int err = pthread_create(&th, &attr, cell_thread, p);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "cannot start the cell's thread: %s",
                 strerror(err));
        eb_utc_now(rec->finished, sizeof rec->finished);
        return EB_OK;
    }
    /* watch: the timeout, a second Ctrl-C */
    uint64_t deadline = t0 + (uint64_t)(timeout_s * 1e9), asked = 0;
    int timed_out = 0, aborted = 0, finished = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        finished = p->finished;
        if (!finished && !asked) {
            if (abort_flag && *abort_flag)
                aborted = 1;
            else if (timeout_s > 0 && eb_now_ns() > deadline)
                timed_out = 1;
            if (aborted || timed_out) {
                p->stop = 1;
                asked = eb_now_ns();
            }
        }
        if (!finished && asked && eb_now_ns() - asked > STOP_GRACE_NS)
            p->detached = 1; /* from here on the thread touches only p */
        int detached = p->detached;
        pthread_mutex_unlock(&p->mu);
        if (finished || detached)
            break;
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    rec->wall_s = (double)(eb_now_ns() - t0) / 1e9;
    eb_utc_now(rec->finished, sizeof rec->finished);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        rec->peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024u;
    if (!finished) {
        char why[128];
        if (timed_out)
            snprintf(why, sizeof why, "no result within the %.0f s timeout", timeout_s);
        else
            snprintf(why, sizeof why, "aborted by a second interrupt");
        rec->status = timed_out ? EB_RUN_TIMEOUT : EB_RUN_INTERRUPTED;
        snprintf(rec->message, sizeof rec->message,
                 "%s after %llu samples; the cell did not stop within %.0f s (isolation: none "
                 "cannot end a hung cell: it is left running and no further cells run; "
                 "isolation: process kills it)",
                 why, (unsigned long long)rec->n, STOP_GRACE_NS / 1e9);
        return EB_ERR_TIMEOUT; /* p belongs to the thread now */
    }
    pthread_join(th, NULL);
    if (timed_out) {
        rec->status = EB_RUN_TIMEOUT;
        snprintf(rec->message, sizeof rec->message,
                 "no result within the %.0f s timeout; the cell was stopped after %llu samples",
                 timeout_s, (unsigned long long)rec->n);
    } else if (aborted || (abort_flag && *abort_flag)) {
        rec->status = EB_RUN_INTERRUPTED;
        snprintf(rec->message, sizeof rec->message, "aborted by a second interrupt");
    } else if (p->st != EB_OK) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "%s", p->msg);
    } else if (p->b.oom) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "out of memory storing samples or metrics");
    } else {
        rec->status = EB_RUN_OK;
    }
    pthread_mutex_destroy(&p->mu);
    free(p);
    return EB_OK;
}
