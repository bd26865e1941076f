/* Progress line / log lines of a run. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "harness/run/progress.h"
#include "results/backend_label.h"

void eb_progress_start(eb_progress *p, FILE *f, int total, int quiet)
{
    memset(p, 0, sizeof *p);
    p->f = f;
    p->tty = isatty(fileno(f));
    p->quiet = quiet;
    p->total = total;
    p->t0_ns = eb_now_ns();
}

static void label(const eb_run_record *r, char *buf, size_t len)
{
    char rep[32] = "";
    if (r->repetition)
        snprintf(rep, sizeof rep, " (rep %d)", r->repetition + 1);
    char backend[EB_BACKEND_LABEL_MAX];
    eb_backend_label(r, backend, sizeof backend);
    snprintf(buf, len, "%s / %s / %s%s%s%s", backend, r->variant, r->condition,
             r->sweep[0] ? " / " : "", r->sweep, rep);
}

void eb_progress_cell_begin(eb_progress *p, int i, const eb_run_record *rec)
{
    if (p->quiet || !p->tty)
        return;
    char l[1500], eta[32] = "?";
    label(rec, l, sizeof l);
    if (p->done > 0) {
        double per = p->cell_s_sum / p->done;
        double left = per * (p->total - i);
        snprintf(eta, sizeof eta, "%d:%02d", (int)(left / 60), (int)fmod(left, 60));
    }
    fprintf(p->f, "\r\033[K[%d/%d] %s  ETA %s", i + 1, p->total, l, eta);
    fflush(p->f);
}

void eb_progress_cell_end(eb_progress *p, int i, const eb_run_record *rec)
{
    p->done++;
    p->cell_s_sum += rec->wall_s;
    if (p->quiet)
        return;
    char l[700];
    label(rec, l, sizeof l);
    if (p->tty)
        fprintf(p->f, "\r\033[K");
    if (rec->status == EB_RUN_OK)
        fprintf(p->f, "edgebench: [%d/%d] %s: ok, p50 %.3f ms, n=%llu\n", i + 1, p->total, l,
                rec->summary.p50 / 1e6, (unsigned long long)rec->n);
    else
        fprintf(p->f, "edgebench: [%d/%d] %s: %s: %s\n", i + 1, p->total, l,
                eb_run_status_str(rec->status), rec->message);
    fflush(p->f);
}

void eb_progress_finish(eb_progress *p)
{
    if (!p->quiet && p->tty)
        fprintf(p->f, "\r\033[K");
    fflush(p->f);
}
