/* Latency charts: the distribution (CDF) of every cell and the latency of
 * each cell over time with its sensors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats/stats.h"
#include "reports/plot.h"
#include "reports/svg.h"

enum { CDF_POINTS = 200, TIMELINE_BINS = 400, MAX_LEGEND = 12 };

int eb_plot_latency_cdf(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    double lo = INFINITY, hi = 0;
    int n_with = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const eb_cell *c = &cs->cells[i];
        if (!c->n_samples)
            continue;
        n_with++;
        lo = fmin(lo, c->summary.min / 1e3);
        hi = fmax(hi, c->summary.max / 1e3);
    }
    if (!n_with) {
        snprintf(why, why_len, "no cell has latency samples");
        return 0;
    }
    int log_x = lo > 0 && hi / lo > 20;
    eb_svg_chart ch;
    eb_svg_begin(&ch, f, 760, 420, "Latency distribution (CDF) per cell",
                 (eb_svg_axis){lo, hi, log_x, log_x ? "latency (µs, log scale)" : "latency (µs)"},
                 (eb_svg_axis){0, 1, 0, "fraction of inferences ≤ latency"}, NULL, in->standalone);
    double *x = malloc(sizeof(double) * CDF_POINTS), *y = malloc(sizeof(double) * CDF_POINTS);
    uint64_t *sorted = NULL;
    int k = 0, rc = 1;
    for (size_t i = 0; i < cs->n && x && y; i++) {
        const eb_cell *c = &cs->cells[i];
        if (!c->n_samples)
            continue;
        sorted = malloc(c->n_samples * sizeof *sorted);
        if (!sorted) {
            rc = -1;
            break;
        }
        memcpy(sorted, c->samples, c->n_samples * sizeof *sorted);
        eb_sort_u64(sorted, c->n_samples);
        int m = c->n_samples < CDF_POINTS ? (int)c->n_samples : CDF_POINTS;
        for (int j = 0; j < m; j++) {
            size_t idx = m == 1 ? 0 : (size_t)((double)j * (double)(c->n_samples - 1) / (m - 1));
            x[j] = (double)sorted[idx] / 1e3;
            y[j] = (double)(idx + 1) / (double)c->n_samples;
        }
        free(sorted);
        const char *color = eb_svg_color(k);
        fprintf(f, "<g class=\"eb-cell\">");
        eb_svg_line(&ch, x, y, m, color, 1.8, k >= 10, 0);
        fprintf(f, "</g>\n");
        if (k < MAX_LEGEND)
            eb_svg_legend(&ch, color, c->label, k >= 10);
        else if (k == MAX_LEGEND)
            eb_svg_legend(&ch, "#999", "(more cells not in the legend)", 0);
        k++;
    }
    free(x);
    free(y);
    eb_svg_end(&ch);
    return ferror(f) ? -1 : rc;
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
            /* not on the right axis: scaled onto it (legend gives the range) */
            y[i] = on_y2 ? d[2 * i + 1]
                         : ch->y2.lo + (d[2 * i + 1] - lo) / (hi > lo ? hi - lo : 1) *
                                           (ch->y2.hi - ch->y2.lo);
        }
        eb_svg_line(ch, x, y, (int)a->rows, color, 1.5, 1, 1);
    }
    free(x);
    free(y);
}

int eb_plot_cell_timeline(FILE *f, const eb_plot_input *in, const eb_cell *c, int standalone)
{
    const eb_run_record *r = timeline_run(c);
    if (!r)
        return 0;
    const eb_run_array *temp = eb_run_record_array(r, "sensors/temperature_c");
    const eb_run_array *freq = eb_run_record_array(r, "sensors/freq_mhz");
    double tlo, thi, flo, fhi;
    int has_t = sensor_range(temp, &tlo, &thi), has_f = sensor_range(freq, &flo, &fhi);
    (void)in;
    /* bins over time: median and max latency of each bin */
    uint64_t t_end = r->t_ns[r->n - 1] + r->latency_ns[r->n - 1];
    int bins = r->n < TIMELINE_BINS ? (int)r->n : TIMELINE_BINS;
    double *bx = calloc((size_t)bins, sizeof *bx), *bmed = calloc((size_t)bins, sizeof *bmed),
           *bmax = calloc((size_t)bins, sizeof *bmax);
    uint64_t *tmp = malloc(r->n * sizeof *tmp);
    if (!bx || !bmed || !bmax || !tmp) {
        free(bx);
        free(bmed);
        free(bmax);
        free(tmp);
        return -1;
    }
    double lat_hi = 0, lat_lo = INFINITY;
    size_t start = 0;
    for (int b = 0; b < bins; b++) {
        size_t end = (size_t)((double)(b + 1) * (double)r->n / bins);
        size_t m = 0;
        for (size_t i = start; i < end; i++)
            tmp[m++] = r->latency_ns[i];
        if (m == 0) {
            bx[b] = bmed[b] = bmax[b] = NAN;
            continue;
        }
        eb_sort_u64(tmp, m);
        bx[b] = (double)r->t_ns[start + (end - start) / 2] / 1e9;
        bmed[b] = eb_percentile_sorted(tmp, m, 50) / 1e3;
        bmax[b] = (double)tmp[m - 1] / 1e3;
        lat_hi = fmax(lat_hi, bmax[b]);
        lat_lo = fmin(lat_lo, bmed[b]);
        start = end;
    }
    char title[1100];
    snprintf(title, sizeof title, "Latency over time: %s (run %s)", c->label, r->id);
    eb_svg_axis y2 = {0, 1, 0, NULL};
    if (has_t)
        y2 = (eb_svg_axis){tlo - 1, thi + 1, 0, "temperature (°C)"};
    else if (has_f)
        y2 = (eb_svg_axis){flo * 0.95, fhi * 1.05, 0, "frequency (MHz)"};
    eb_svg_chart ch;
    eb_svg_begin(&ch, f, 760, 320, title, (eb_svg_axis){0, (double)t_end / 1e9, 0, "time since cell start (s)"},
                 (eb_svg_axis){0, lat_hi * 1.05, 0, "latency (µs)"}, (has_t || has_f) ? &y2 : NULL,
                 standalone);
    eb_svg_line(&ch, bx, bmax, bins, "#ff7f0e", 1, 0, 0);
    eb_svg_line(&ch, bx, bmed, bins, "#1f77b4", 1.8, 0, 0);
    eb_svg_legend(&ch, "#1f77b4", bins < (int)r->n ? "latency, median per time bin" : "latency", 0);
    if (bins < (int)r->n)
        eb_svg_legend(&ch, "#ff7f0e", "latency, max per time bin", 0);
    if (has_t) {
        draw_sensor(&ch, temp, "#d62728", tlo, thi, 1);
        eb_svg_legend(&ch, "#d62728", "temperature (°C, right axis)", 1);
    }
    if (has_f) {
        char lab[96];
        draw_sensor(&ch, freq, "#2ca02c", flo, fhi, !has_t);
        if (has_t)
            snprintf(lab, sizeof lab, "frequency %.0f–%.0f MHz (scaled to the plot)", flo, fhi);
        else
            snprintf(lab, sizeof lab, "frequency (MHz, right axis)");
        eb_svg_legend(&ch, "#2ca02c", lab, 1);
    }
    const char *thr = eb_run_record_text(r, "throttled");
    if (thr && thr[0] && strncmp(thr, "no", 2) != 0) { /* "no: ..." = not throttled */
        char lab[600];
        snprintf(lab, sizeof lab, "throttled: %.500s", thr);
        eb_svg_legend(&ch, "#9467bd", lab, 0);
    }
    eb_svg_end(&ch);
    free(bx);
    free(bmed);
    free(bmax);
    free(tmp);
    return ferror(f) ? -1 : 1;
}

int eb_plot_latency_timeline(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    int n = 0, more = 0;
    for (size_t i = 0; i < in->cells->n; i++) {
        if (n == EB_PLOT_MAX_TIMELINES) {
            more += timeline_run(&in->cells->cells[i]) != NULL;
            continue;
        }
        int rc = eb_plot_cell_timeline(f, in, &in->cells->cells[i], in->standalone);
        if (rc < 0)
            return -1;
        n += rc;
    }
    if (!n)
        snprintf(why, why_len, "no cell has latency samples with start times");
    else if (more)
        snprintf(why, why_len, "drawn for the first %d cells; %d more have samples (report --format "
                 "svg writes every one)", n, more);
    return n;
}
