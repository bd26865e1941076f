/* In-process cell (isolation: none): the same executor and record builder
 * as the isolated path, without its protection against crashes and hangs.
 * Peak RSS is the whole edgebench process's. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "run/cell.h"
#include "run/cell_record.h"
#include "run/clock.h"

typedef struct inproc {
    eb_record_builder b;
    volatile sig_atomic_t *abort_flag;
} inproc;

static void on_meta(void *arg, const char *bv, const char *lv, uint64_t mb)
{
    eb_record_meta(&((inproc *)arg)->b, bv, lv, mb);
}

static int on_sample(void *arg, uint64_t t, uint64_t lat)
{
    inproc *p = arg;
    eb_record_sample(&p->b, t, lat);
    return p->abort_flag && *p->abort_flag;
}

static void on_done(void *arg, const eb_loop_result *r) { eb_record_done(&((inproc *)arg)->b, r); }

static void on_metric(void *arg, const char *name, double v)
{
    eb_record_metric(&((inproc *)arg)->b, name, v);
}

static void on_text(void *arg, const char *name, const char *v)
{
    eb_record_text(&((inproc *)arg)->b, name, v);
}

static void on_array(void *arg, const char *name, eb_array_type type, uint64_t rows, uint64_t cols,
                     const void *data)
{
    eb_record_array(&((inproc *)arg)->b, name, type, rows, cols, data);
}

eb_status eb_cell_run_inprocess(const eb_registry *reg, const eb_cell_job *job,
                                volatile sig_atomic_t *abort_flag, eb_run_record *rec)
{
    inproc p = {.abort_flag = abort_flag};
    eb_record_builder_init(&p.b, rec);
    eb_utc_now(rec->started, sizeof rec->started);
    uint64_t t0 = eb_now_ns();
    eb_cell_sink sink = {.arg = &p, .meta = on_meta, .sample = on_sample, .done = on_done,
                         .metric = on_metric, .text = on_text, .array = on_array};
    char msg[1024] = "";
    eb_status st = eb_cell_execute(reg, job, &sink, msg, sizeof msg);
    rec->wall_s = (double)(eb_now_ns() - t0) / 1e9;
    eb_utc_now(rec->finished, sizeof rec->finished);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        rec->peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024u;
    if (st != EB_OK) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "%s", msg);
    } else if (abort_flag && *abort_flag) {
        rec->status = EB_RUN_INTERRUPTED;
        snprintf(rec->message, sizeof rec->message, "aborted by a second interrupt");
    } else if (p.b.oom) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "out of memory storing samples or metrics");
    } else {
        rec->status = EB_RUN_OK;
    }
    return EB_OK;
}
