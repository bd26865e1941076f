/* Latency charts: the distribution (CDF) of every cell and the latency of
 * each cell over time with its sensors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "harness/stats/stats.h"
#include "reports/plot.h"
#include "reports/plot_style.h"
#include "reports/svg.h"

enum { CDF_POINTS = 200, TIMELINE_BINS = 400 };

int eb_plot_latency_cdf(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    size_t n = cs->n;
    double lo = INFINITY, hi = 0;
    int n_with = 0, rc = -1;
    int *use = calloc(n ? n : 1, sizeof *use), *panel_of = calloc(n ? n : 1, sizeof *panel_of);
    double *x = malloc(sizeof(double) * CDF_POINTS), *y = malloc(sizeof(double) * CDF_POINTS);
    eb_plot_names panels = {0};
    eb_plot_styles st = {0};
    eb_svg_key *keys = NULL;
    eb_svg_chart *ch = NULL;
    if (!use || !panel_of || !x || !y)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const eb_cell *c = &cs->cells[i];
        if (!(use[i] = c->n_samples > 0))
            continue;
        n_with++;
        lo = fmin(lo, c->summary.min / 1e3);
        hi = fmax(hi, c->summary.max / 1e3);
    }
    if (!n_with) {
        snprintf(why, why_len, "no cell has latency samples");
        rc = 0;
        goto out;
    }
    if (eb_plot_panels(cs, use, 1, &panels, panel_of) || eb_plot_styles_build(&st, cs, use))
        goto out;
    int n_keys = eb_plot_styles_key(&st, 0, 1, NULL, 0, &keys);
    if (n_keys < 0)
        goto out;
    int log_x = lo > 0 && hi / lo > 20;
    int cols = panels.n > 1 ? 2 : 1;
    eb_svg_doc d;
    eb_svg_doc_begin(&d, f, "Latency distribution (CDF): fraction of inferences at or below a latency",
                     panels.n, cols, cols > 1 ? 540 : 760, 300, keys, n_keys, in->standalone);
    ch = calloc((size_t)panels.n, sizeof *ch);
    if (!ch) {
        eb_svg_doc_end(&d);
        goto out;
    }
    for (int p = 0; p < panels.n; p++)
        eb_svg_panel(&d, p, &ch[p], panels.v[p],
                     (eb_svg_axis){lo, hi, log_x, log_x ? "latency (µs, log scale)" : "latency (µs)"},
                     (eb_svg_axis){0, 1, 0, "fraction of inferences ≤ latency"}, NULL);
    for (size_t i = 0; i < n; i++) {
        const eb_cell *c = &cs->cells[i];
        if (!use[i])
            continue;
        uint64_t *sorted = malloc(c->n_samples * sizeof *sorted);
        if (!sorted)
            break;
        memcpy(sorted, c->samples, c->n_samples * sizeof *sorted);
        eb_sort_u64(sorted, c->n_samples);
        int m = c->n_samples < CDF_POINTS ? (int)c->n_samples : CDF_POINTS;
        for (int j = 0; j < m; j++) {
            size_t idx = m == 1 ? 0 : (size_t)((double)j * (double)(c->n_samples - 1) / (m - 1));
            x[j] = (double)sorted[idx] / 1e3;
            y[j] = (double)(idx + 1) / (double)c->n_samples;
        }
        free(sorted);
        fprintf(f, "<g class=\"eb-cell\"><title>");
        eb_xml_text(f, c->label);
        fprintf(f, "</title>");
        eb_svg_line(&ch[panel_of[i]], x, y, m, eb_plot_color(&st, c), 1.8, eb_plot_variant(&st, c), 0);
        fprintf(f, "</g>\n");
    }
    eb_svg_doc_end(&d);
    rc = ferror(f) ? -1 : 1;
out:
    free(ch);
    free(use);
    free(panel_of);
    free(x);
    free(y);
    free(keys);
    eb_plot_names_free(&panels);
    eb_plot_styles_free(&st);
    return rc;
}

/* The first ok run of a cell that has samples with start times. */
static const eb_run_record *timeline_run(const eb_cell *c)
{
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        if (r->status == EB_RUN_OK && r->n > 0 && r->latency_ns && r->t_ns)
            return r;
    }
    return NULL;
}

/* Range of column 1 of a sensor array (float64[m][2]); 0 when absent/empty. */
static int sensor_range(const eb_run_array *a, double *lo, double *hi)
{
    if (!a || a->type != EB_ARRAY_F64 || a->cols != 2 || a->rows == 0)
        return 0;
    const double *d = a->data;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (uint64_t i = 0; i < a->rows; i++)
        if (isfinite(d[2 * i + 1])) {
            *lo = fmin(*lo, d[2 * i + 1]);
            *hi = fmax(*hi, d[2 * i + 1]);
        }
    return isfinite(*lo);
}

static void draw_sensor(eb_svg_chart *ch, const eb_run_array *a, const char *color, double lo,
                        double hi, int on_y2)
{
    const double *d = a->data;
    double *x = malloc(a->rows * sizeof *x), *y = malloc(a->rows * sizeof *y);
    if (x && y) {
        for (uint64_t i = 0; i < a->rows; i++) {
            x[i] = d[2 * i] / 1e9;
            /* not on the right axis: scaled onto it (the key says so) */
            y[i] = on_y2 ? d[2 * i + 1]
                         : ch->y2.lo + (d[2 * i + 1] - lo) / (hi > lo ? hi - lo : 1) *
                                           (ch->y2.hi - ch->y2.lo);
        }
        eb_svg_line(ch, x, y, (int)a->rows, color, 1.5, 1, 1);
    }
    free(x);
    free(y);
}

/* One cell's latency over time, binned: median and max of each time bin,
 * the axis top (robust: p99.9 of the samples, so one spike does not squash
 * the signal; bins above it get a mark on the top edge) and its sensors. */
typedef struct timeline {
    const eb_cell *cell;
    const eb_run_record *run;
    int bins, n_clipped;
    double *bx, *bmed, *bmax; /* µs */
    double t_end, top, unit; /* s; axis top in µs; µs per axis unit */
    double bottom;           /* log axis: its bottom in µs; 0: linear from 0 */
    const eb_run_array *temp, *freq;
    double tlo, thi, flo, fhi;
    int has_t, has_f;
    const char *throttled;   /* the run's "throttled" text when it says yes */
} timeline;

static void timeline_free(timeline *t)
{
    free(t->bx);
    free(t->bmed);
    free(t->bmax);
    memset(t, 0, sizeof *t);
}

/* 1 built, 0 nothing to show, -1 out of memory. */
static int timeline_build(timeline *t, const eb_cell *c)
{
    memset(t, 0, sizeof *t);
    const eb_run_record *r = timeline_run(c);
    if (!r)
        return 0;
    t->cell = c;
    t->run = r;
    t->temp = eb_run_record_array(r, "sensors/temperature_c");
    t->freq = eb_run_record_array(r, "sensors/freq_mhz");
    t->has_t = sensor_range(t->temp, &t->tlo, &t->thi);
    t->has_f = sensor_range(t->freq, &t->flo, &t->fhi);
    t->t_end = (double)(r->t_ns[r->n - 1] + r->latency_ns[r->n - 1]) / 1e9;
    t->bins = r->n < TIMELINE_BINS ? (int)r->n : TIMELINE_BINS;
    t->bx = calloc((size_t)t->bins, sizeof *t->bx);
    t->bmed = calloc((size_t)t->bins, sizeof *t->bmed);
    t->bmax = calloc((size_t)t->bins, sizeof *t->bmax);
    uint64_t *tmp = malloc(r->n * sizeof *tmp);
    if (!t->bx || !t->bmed || !t->bmax || !tmp) {
        free(tmp);
        timeline_free(t);
        return -1;
    }
    memcpy(tmp, r->latency_ns, r->n * sizeof *tmp);
    eb_sort_u64(tmp, r->n);
    double p999 = eb_percentile_sorted(tmp, r->n, 99.9) / 1e3, med_hi = 0, med_lo = INFINITY;
    double p50 = eb_percentile_sorted(tmp, r->n, 50) / 1e3;
    size_t start = 0;
    for (int b = 0; b < t->bins; b++) {
        size_t end = (size_t)((double)(b + 1) * (double)r->n / t->bins), m = 0;
        for (size_t i = start; i < end; i++)
            tmp[m++] = r->latency_ns[i];
        if (m == 0) {
            t->bx[b] = t->bmed[b] = t->bmax[b] = NAN;
            continue;
        }
        eb_sort_u64(tmp, m);
        t->bx[b] = (double)r->t_ns[start + (end - start) / 2] / 1e9;
        t->bmed[b] = eb_percentile_sorted(tmp, m, 50) / 1e3;
        t->bmax[b] = (double)tmp[m - 1] / 1e3;
        med_hi = fmax(med_hi, t->bmed[b]);
        med_lo = fmin(med_lo, t->bmed[b]);
        start = end;
    }
    free(tmp);
    t->top = fmax(p999, med_hi) * 1.08;
    for (int b = 0; b < t->bins; b++)
        t->n_clipped += t->bmax[b] > t->top;
    t->unit = t->top >= 10000 ? 1000 : 1;
    /* spikes well above the median: a log axis keeps the median readable */
    if (p50 > 0 && t->top / p50 > 4 && med_lo > 0)
        t->bottom = med_lo * 0.8;
    const char *thr = eb_run_record_text(r, "throttled");
    if (thr && thr[0] && strncmp(thr, "no", 2) != 0) /* "no: ..." = not throttled */
        t->throttled = thr;
    return 1;
}

static void timeline_panel(eb_svg_doc *d, int i, const timeline *t)
{
    char sub[1400];
    snprintf(sub, sizeof sub, "%s (run %s)%s%.600s", t->cell->label, t->run->id,
             t->throttled ? " · throttled: " : "", t->throttled ? t->throttled : "");
    eb_svg_axis y2 = {0, 1, 0, NULL};
    if (t->has_t)
        y2 = (eb_svg_axis){t->tlo - 1, t->thi + 1, 0, "temperature (°C)"};
    else if (t->has_f)
        y2 = (eb_svg_axis){t->flo * 0.95, t->fhi * 1.05, 0, "frequency (MHz)"};
    eb_svg_chart ch;
    eb_svg_panel(d, i, &ch, sub, (eb_svg_axis){0, t->t_end, 0, "time since cell start (s)"},
                 (eb_svg_axis){t->bottom / t->unit, t->top / t->unit, t->bottom > 0,
                               t->bottom > 0 ? (t->unit > 1 ? "latency (ms, log)" : "latency (µs, log)")
                                             : (t->unit > 1 ? "latency (ms)" : "latency (µs)")},
                 (t->has_t || t->has_f) ? &y2 : NULL);
    double *ymed = malloc((size_t)t->bins * sizeof *ymed), *ymax = malloc((size_t)t->bins * sizeof *ymax);
    if (ymed && ymax) {
        for (int b = 0; b < t->bins; b++) {
            ymed[b] = t->bmed[b] / t->unit;
            ymax[b] = fmin(t->bmax[b], t->top) / t->unit; /* clipped: marked below */
        }
        if (t->bins < (int)t->run->n)
            eb_svg_line(&ch, t->bx, ymax, t->bins, "#ff7f0e", 1, 0, 0);
        eb_svg_line(&ch, t->bx, ymed, t->bins, "#1f77b4", 1.6, 0, 0);
    }
    free(ymed);
    free(ymax);
    for (int b = 0; b < t->bins; b++)
        if (t->bmax[b] > t->top) {
            char tip[96];
            snprintf(tip, sizeof tip, "%.4g %s at %.3g s (above the axis)", t->bmax[b] / t->unit,
                     t->unit > 1 ? "ms" : "µs", t->bx[b]);
            eb_svg_clip_mark(&ch, t->bx[b], tip);
        }
    if (t->has_t)
        draw_sensor(&ch, t->temp, "#d62728", t->tlo, t->thi, 1);
    if (t->has_f)
        draw_sensor(&ch, t->freq, "#2ca02c", t->flo, t->fhi, !t->has_t);
}

/* The timelines of cells[0..n) as one chart of small multiples. */
static int draw_timelines(FILE *f, const timeline *t, int n, int standalone)
{
    int binned = 0, clipped = 0, has_t = 0, has_f = 0, f_scaled = 0;
    for (int i = 0; i < n; i++) {
        binned |= t[i].bins < (int)t[i].run->n;
        clipped |= t[i].n_clipped > 0;
        has_t |= t[i].has_t;
        has_f |= t[i].has_f;
        f_scaled |= t[i].has_t && t[i].has_f;
    }
    eb_svg_key keys[5];
    int k = 0;
    keys[k++] = (eb_svg_key){"#1f77b4", -1, 0, binned ? "latency, median per time bin" : "latency"};
    if (binned)
        keys[k++] = (eb_svg_key){"#ff7f0e", -1, 0, "latency, max per time bin"};
    if (clipped)
        keys[k++] = (eb_svg_key){"#d62728", 2, -1, "a bin's max above the axis (axis top: p99.9 of the cell)"};
    if (has_t)
        keys[k++] = (eb_svg_key){"#d62728", -1, 1, "temperature (°C, right axis)"};
    if (has_f)
        keys[k++] = (eb_svg_key){"#2ca02c", -1, 1,
                                 f_scaled ? "frequency (scaled onto the temperature axis; range in the tooltip)"
                                          : "frequency (MHz, right axis)"};
    int cols = n > 1 ? 2 : 1;
    eb_svg_doc d;
    eb_svg_doc_begin(&d, f, "Latency over time per cell (µs or ms; a panel per cell)", n, cols,
                     cols > 1 ? 540 : 760, 220, keys, k, standalone);
    for (int i = 0; i < n; i++)
        timeline_panel(&d, i, &t[i]);
    eb_svg_doc_end(&d);
    return ferror(f) ? -1 : 1;
}

int eb_plot_cell_timeline(FILE *f, const eb_plot_input *in, const eb_cell *c, int standalone)
{
    timeline t;
    (void)in;
    int rc = timeline_build(&t, c);
    if (rc <= 0)
        return rc;
    rc = draw_timelines(f, &t, 1, standalone);
    timeline_free(&t);
    return rc;
}

int eb_plot_latency_timeline(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    timeline *t = calloc(EB_PLOT_MAX_TIMELINES, sizeof *t);
    if (!t)
        return -1;
    int n = 0, more = 0, rc = 0;
    for (size_t i = 0; i < in->cells->n && rc >= 0; i++) {
        if (n == EB_PLOT_MAX_TIMELINES) {
            more += timeline_run(&in->cells->cells[i]) != NULL;
            continue;
        }
        int b = timeline_build(&t[n], &in->cells->cells[i]);
        if (b < 0)
            rc = -1;
        n += b > 0;
    }
    if (rc == 0 && n)
        rc = draw_timelines(f, t, n, in->standalone);
    for (int i = 0; i < n; i++)
        timeline_free(&t[i]);
    free(t);
    if (!n)
        snprintf(why, why_len, "no cell has latency samples with start times");
    else if (more)
        snprintf(why, why_len, "drawn for the first %d cells; %d more have samples (report --format "
                 "svg writes every one)", n, more);
    return rc;
}
