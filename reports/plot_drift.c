/* Accuracy under drift: for conditions whose parameter drifts over the
 * measured stream (docs/conditions.md), the rolling top-1 of each cell
 * against the value the parameter had, from the per-sample datasets the
 * run stores: accuracy/correct (uint8[n], 1 where sample m's top-1 was
 * right) and accuracy/drift_<param> (float64[n], the parameter's value for
 * sample m), both in measurement order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/plot.h"
#include "reports/plot_style.h"
#include "reports/svg.h"

enum { DRIFT_POINTS = 120, MIN_WINDOW = 10 };

#define DRIFT_PREFIX "accuracy/drift_"

/* The first ok run of the cell with both per-sample arrays; *correct,
 * *drift and the number of samples both cover. */
static const eb_run_record *drift_run(const eb_cell *c, const eb_run_array **correct,
                                      const eb_run_array **drift, uint64_t *n)
{
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        if (r->status != EB_RUN_OK)
            continue;
        const eb_run_array *ok = eb_run_record_array(r, "accuracy/correct");
        if (!ok || ok->type != EB_ARRAY_U8 || ok->cols != 0)
            continue;
        for (int k = 0; k < r->n_arrays; k++) {
            const eb_run_array *a = &r->arrays[k];
            if (strncmp(a->name, DRIFT_PREFIX, strlen(DRIFT_PREFIX)) || a->type != EB_ARRAY_F64 ||
                a->cols != 0)
                continue;
            *n = ok->rows < a->rows ? ok->rows : a->rows;
            if (*n < 2 * MIN_WINDOW)
                continue;
            *correct = ok;
            *drift = a;
            return r;
        }
    }
    return NULL;
}

/* The rolling window: a tenth of the samples, at least MIN_WINDOW. */
static uint64_t window_of(uint64_t n)
{
    return n / 10 > MIN_WINDOW ? n / 10 : MIN_WINDOW;
}

int eb_plot_accuracy_drift(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    size_t n = cs->n;
    int *use = calloc(n ? n : 1, sizeof *use), *panel_of = calloc(n ? n : 1, sizeof *panel_of);
    double *x = malloc(DRIFT_POINTS * sizeof *x), *y = malloc(DRIFT_POINTS * sizeof *y);
    eb_plot_names panels = {0};
    eb_plot_styles st = {0};
    eb_svg_key *keys = NULL;
    int rc = -1, any = 0;
    uint64_t w_min = UINT64_MAX, w_max = 0;
    const eb_run_array *ok, *dr;
    uint64_t m;
    if (!use || !panel_of || !x || !y)
        goto out;
    for (size_t i = 0; i < n; i++) {
        use[i] = drift_run(&cs->cells[i], &ok, &dr, &m) != NULL;
        if (use[i]) {
            any++;
            w_min = window_of(m) < w_min ? window_of(m) : w_min;
            w_max = window_of(m) > w_max ? window_of(m) : w_max;
        }
    }
    if (!any) {
        snprintf(why, why_len, "no run stores per-sample accuracy under a drifting condition "
                 "(accuracy/correct with accuracy/drift_<param>: a condition with drift and a "
                 "labelled dataset)");
        rc = 0;
        goto out;
    }
    if (eb_plot_panels(cs, use, 0, &panels, panel_of) || eb_plot_styles_build(&st, cs, use))
        goto out;
    int n_keys = eb_plot_styles_key(&st, 0, 1, NULL, 0, &keys);
    if (n_keys < 0)
        goto out;
    char title[200];
    if (w_min == w_max)
        snprintf(title, sizeof title, "Rolling top-1 (last %llu samples) against the drifting parameter",
                 (unsigned long long)w_min);
    else
        snprintf(title, sizeof title, "Rolling top-1 (last %llu–%llu samples: a tenth of each run) "
                 "against the drifting parameter", (unsigned long long)w_min, (unsigned long long)w_max);
    int cols = panels.n > 1 ? 2 : 1;
    eb_svg_doc d;
    eb_svg_doc_begin(&d, f, title, panels.n, cols, cols > 1 ? 540 : 760, 300, keys, n_keys,
                     in->standalone);
    for (int p = 0; p < panels.n; p++) {
        double xlo = INFINITY, xhi = -INFINITY;
        const char *param = NULL;
        for (size_t i = 0; i < n; i++) {
            if (panel_of[i] != p)
                continue;
            drift_run(&cs->cells[i], &ok, &dr, &m);
            param = dr->name + strlen(DRIFT_PREFIX);
            const double *v = dr->data;
            for (uint64_t k = 0; k < m; k++)
                if (isfinite(v[k])) {
                    xlo = fmin(xlo, v[k]);
                    xhi = fmax(xhi, v[k]);
                }
        }
        char xl[128];
        snprintf(xl, sizeof xl, "%.60s (drifting parameter, value at the sample)", param);
        eb_svg_chart ch;
        eb_svg_panel(&d, p, &ch, panels.v[p], (eb_svg_axis){xlo, xhi, 0, xl},
                     (eb_svg_axis){0, 1, 0, "rolling top-1 (fraction)"}, NULL);
        for (size_t i = 0; i < n; i++) {
            if (panel_of[i] != p)
                continue;
            const eb_cell *c = &cs->cells[i];
            drift_run(c, &ok, &dr, &m);
            const uint8_t *hit = ok->data;
            const double *v = dr->data;
            uint64_t w = window_of(m), sum = 0;
            int k = 0;
            for (uint64_t j = 0; j < m; j++) {
                sum += hit[j] != 0;
                if (j >= w)
                    sum -= hit[j - w] != 0;
                /* DRIFT_POINTS points spread over the windows that are full */
                uint64_t span = m - w, step = span / (DRIFT_POINTS - 1) + 1;
                if (j + 1 >= w && ((j + 1 - w) % step == 0 || j + 1 == m) && k < DRIFT_POINTS) {
                    x[k] = v[j];
                    y[k] = (double)sum / (double)w;
                    k++;
                }
            }
            fprintf(f, "<g class=\"eb-cell\">");
            eb_svg_line(&ch, x, y, k, eb_plot_color(&st, c), 1.6, eb_plot_variant(&st, c), 0);
            fprintf(f, "</g>\n");
        }
    }
    eb_svg_doc_end(&d);
    rc = ferror(f) ? -1 : 1;
out:
    free(use);
    free(panel_of);
    free(x);
    free(y);
    free(keys);
    eb_plot_names_free(&panels);
    eb_plot_styles_free(&st);
    return rc;
}
