/* Accuracy charts: top-1 against the severity of a swept condition, and the
 * latency-accuracy trade-off of compression variants across backends. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/plot.h"
#include "reports/plot_style.h"
#include "reports/svg.h"
#include "results/cell_key.h"

/* The swept numeric parameter of a condition: the first of its parameters
 * whose numeric value differs between two cells of that condition. */
static int severity_key(const eb_cells *cs, const char *condition, char *key, size_t cap)
{
    const eb_condition *c = NULL;
    for (size_t i = 0; i < cs->n && !c; i++)
        if (strcmp(cs->cells[i].first->condition, condition) == 0)
            c = &cs->cells[i].first->cond;
    for (int k = 0; c && k < c->n; k++) {
        snprintf(key, cap, "%s", c->params[k].key);
        double first = NAN, v;
        for (size_t i = 0; i < cs->n; i++) {
            const eb_run_record *r = cs->cells[i].first;
            if (strcmp(r->condition, condition) || !eb_condition_number(&r->cond, key, &v))
                continue;
            if (isnan(first))
                first = v;
            else if (v != first)
                return 1;
        }
    }
    return 0;
}

/* Cells of the same series differ only in the condition's parameters
 * (scenario and sweep labels are not part of a series; the sweep's other
 * keys are, through the backend key). */
static int same_series(const eb_run_record *a, const eb_run_record *b)
{
    if (!eb_cell_fields_equal(a, b, EB_CELL_ALL & ~(EB_CELL_SCENARIO | EB_CELL_SWEEP)))
        return 0;
    char ka[EB_PLOT_NAME], kb[EB_PLOT_NAME];
    eb_plot_backend_key(a, ka, sizeof ka);
    eb_plot_backend_key(b, kb, sizeof kb);
    return strcmp(ka, kb) == 0;
}

static int cmp_xy(const void *p, const void *q)
{
    const double *a = p, *b = q;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

int eb_plot_accuracy_severity(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    size_t n = cs->n;
    int *use = calloc(n ? n : 1, sizeof *use), *panel_of = calloc(n ? n : 1, sizeof *panel_of);
    char (*key_of)[64] = calloc(n ? n : 1, sizeof *key_of);
    double *xy = malloc((n ? n : 1) * 2 * sizeof *xy);
    eb_plot_names panels = {0};
    eb_plot_styles st = {0};
    eb_svg_key *keys = NULL;
    int rc = -1, any = 0;
    if (!use || !panel_of || !key_of || !xy)
        goto out;
    /* the cells of conditions that sweep a numeric parameter, with top-1 */
    for (size_t i = 0; i < n; i++) {
        const eb_run_record *r = cs->cells[i].first;
        double v, t;
        if (!severity_key(cs, r->condition, key_of[i], sizeof key_of[i]))
            continue;
        use[i] = eb_condition_number(&r->cond, key_of[i], &v) &&
                 eb_cell_value(&cs->cells[i], "top1", &t);
        any += use[i];
    }
    if (!any) {
        snprintf(why, why_len, "no condition sweeps a numeric parameter with top-1 measured");
        rc = 0;
        goto out;
    }
    if (eb_plot_panels(cs, use, 0, &panels, panel_of) || eb_plot_styles_build(&st, cs, use))
        goto out;
    int n_keys = eb_plot_styles_key(&st, 1, 1, NULL, 0, &keys);
    if (n_keys < 0)
        goto out;
    int cols = panels.n > 1 ? 2 : 1;
    eb_svg_doc d;
    eb_svg_doc_begin(&d, f, "Top-1 accuracy against the swept condition parameter (severity)",
                     panels.n, cols, cols > 1 ? 540 : 760, 320, keys, n_keys, in->standalone);
    for (int p = 0; p < panels.n; p++) {
        double xlo = INFINITY, xhi = -INFINITY, v;
        const char *key = NULL;
        for (size_t i = 0; i < n; i++)
            if (panel_of[i] == p && eb_condition_number(&cs->cells[i].first->cond, key_of[i],
                                                        &v)) {
                xlo = fmin(xlo, v);
                xhi = fmax(xhi, v);
                key = key_of[i];
            }
        char sub[EB_PLOT_NAME + 80], xl[128];
        snprintf(sub, sizeof sub, "%s: top-1 against %s", panels.v[p], key);
        snprintf(xl, sizeof xl, "%s (condition parameter)", key);
        eb_svg_chart ch;
        eb_svg_panel(&d, p, &ch, sub, (eb_svg_axis){xlo, xhi, 0, xl},
                     (eb_svg_axis){0, 1, 0, "top-1 accuracy (fraction)"}, NULL);
        int *done = calloc(n, sizeof *done);
        for (size_t k = 0; done && k < n; k++) {
            if (panel_of[k] != p || done[k])
                continue;
            int m = 0;
            for (size_t j = k; j < n; j++) {
                double t;
                if (panel_of[j] != p || done[j] || !same_series(cs->cells[k].first, cs->cells[j].first))
                    continue;
                done[j] = 1;
                eb_condition_number(&cs->cells[j].first->cond, key_of[j], &v);
                eb_cell_value(&cs->cells[j], "top1", &t);
                xy[2 * m] = v;
                xy[2 * m + 1] = t;
                m++;
            }
            qsort(xy, (size_t)m, 2 * sizeof *xy, cmp_xy);
            const char *color = eb_plot_color(&st, &cs->cells[k]);
            int var = eb_plot_variant(&st, &cs->cells[k]);
            double xs[2], ys[2];
            for (int j = 0; j < m; j++) {
                char tip[1200];
                snprintf(tip, sizeof tip, "%s: %s=%g, top-1 %.4f", cs->cells[k].label, key, xy[2 * j],
                         xy[2 * j + 1]);
                eb_svg_marker(&ch, xy[2 * j], xy[2 * j + 1], 3.5, var, color, tip);
                if (j) { /* segment by segment: the polyline needs x and y apart */
                    xs[0] = xy[2 * j - 2];
                    ys[0] = xy[2 * j - 1];
                    xs[1] = xy[2 * j];
                    ys[1] = xy[2 * j + 1];
                    eb_svg_line(&ch, xs, ys, 2, color, 1.6, var, 0);
                }
            }
        }
        free(done);
    }
    eb_svg_doc_end(&d);
    rc = ferror(f) ? -1 : 1;
out:
    free(use);
    free(panel_of);
    free(key_of);
    free(xy);
    free(keys);
    eb_plot_names_free(&panels);
    eb_plot_styles_free(&st);
    return rc;
}

/* Where a cell sits in the trade-off: latency (ms) and accuracy, or model
 * size when no cell has an accuracy. */
static int tradeoff_xy(const eb_cell *c, const char *acc_name, double *x, double *y)
{
    double lat;
    if (!eb_cell_value(c, "p50", &lat))
        return 0;
    *x = lat / 1e6;
    if (acc_name)
        return eb_cell_value(c, acc_name, y);
    if (!eb_cell_value(c, "model_bytes", y))
        return 0;
    *y /= 1048576.0;
    return 1;
}

int eb_plot_tradeoff(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    size_t n = cs->n;
    const char *acc_name = "top1";
    int n_acc = 0, n_pts = 0;
    double v, x, y, xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        n_acc += eb_cell_value(&cs->cells[i], "top1", &v);
    if (!n_acc) {
        acc_name = "agreement_with_reference";
        for (size_t i = 0; i < n; i++)
            n_acc += eb_cell_value(&cs->cells[i], acc_name, &v);
    }
    if (!n_acc)
        acc_name = NULL; /* then the chart is latency against model size */
    int *use = calloc(n ? n : 1, sizeof *use), *panel_of = calloc(n ? n : 1, sizeof *panel_of);
    eb_plot_names panels = {0};
    eb_plot_styles st = {0};
    eb_svg_key *keys = NULL;
    int rc = -1;
    if (!use || !panel_of)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!(use[i] = tradeoff_xy(&cs->cells[i], acc_name, &x, &y)))
            continue;
        n_pts++;
        xlo = fmin(xlo, x);
        xhi = fmax(xhi, x);
        ylo = fmin(ylo, y);
        yhi = fmax(yhi, y);
    }
    if (!n_pts) {
        snprintf(why, why_len, "no cell has both a latency and %s", acc_name ? "an accuracy" : "a model size");
        rc = 0;
        goto out;
    }
    if (eb_plot_panels(cs, use, 1, &panels, panel_of) || eb_plot_styles_build(&st, cs, use))
        goto out;
    int n_keys = eb_plot_styles_key(&st, 1, 0, NULL, 0, &keys);
    if (n_keys < 0)
        goto out;
    int log_x = xlo > 0 && xhi / xlo > 20;
    const char *ylab = !acc_name ? "model size (MiB)"
                       : strcmp(acc_name, "top1") == 0 ? "top-1 accuracy (fraction)"
                                                       : "agreement with the reference (fraction)";
    double pad = (yhi - ylo) * 0.08 + (acc_name ? 0.005 : 0.05);
    int cols = panels.n > 1 ? 2 : 1;
    eb_svg_doc d;
    eb_svg_doc_begin(&d, f,
                     acc_name ? "Median latency (ms) against accuracy of each variant, per condition"
                              : "Median latency (ms) against model size (MiB) — accuracy not measured",
                     panels.n, cols, cols > 1 ? 540 : 760, 330, keys, n_keys, in->standalone);
    eb_svg_chart *ch = calloc((size_t)panels.n, sizeof *ch);
    if (!ch) {
        eb_svg_doc_end(&d);
        goto out;
    }
    for (int p = 0; p < panels.n; p++)
        eb_svg_panel(&d, p, &ch[p], panels.v[p],
                     (eb_svg_axis){xlo * (log_x ? 0.8 : 0.9), xhi * (log_x ? 1.25 : 1.1), log_x,
                                   log_x ? "median latency (ms, log scale)" : "median latency (ms)"},
                     (eb_svg_axis){ylo - pad, yhi + pad, 0, ylab}, NULL);
    /* every marker first, so that no label covers one */
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        const eb_cell *c = &cs->cells[i];
        double size = 0;
        int has_size = eb_cell_value(c, "model_bytes", &size);
        tradeoff_xy(c, acc_name, &x, &y);
        char tip[1200];
        if (!acc_name)
            snprintf(tip, sizeof tip, "%s: p50 %.4g ms, model %.3g MiB, accuracy not measured",
                     c->label, x, y);
        else if (has_size)
            snprintf(tip, sizeof tip, "%s: p50 %.4g ms, %s %.4g, model %.3g MiB", c->label, x,
                     acc_name, y, size / 1048576.0);
        else
            snprintf(tip, sizeof tip, "%s: p50 %.4g ms, %s %.4g, model size unknown", c->label, x,
                     acc_name, y);
        eb_svg_marker(&ch[panel_of[i]], x, y, 5, eb_plot_variant(&st, c), eb_plot_color(&st, c), tip);
    }
    int labelled = 0, n_use = 0;
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        const eb_cell *c = &cs->cells[i];
        char lab[2 * EB_PLOT_NAME], backend[EB_PLOT_NAME];
        eb_plot_backend_key(c->first, backend, sizeof backend);
        snprintf(lab, sizeof lab, "%.60s@%s", c->first->variant, backend);
        tradeoff_xy(c, acc_name, &x, &y);
        labelled += eb_svg_label(&ch[panel_of[i]], x, y, 5, lab, "#333333");
        n_use++;
    }
    free(ch);
    eb_svg_doc_end(&d);
    if (labelled < n_use)
        snprintf(why, why_len, "%d of %d points have no label where it would overlap another; "
                 "colour (backend) and marker (variant) name each, hover for the cell",
                 n_use - labelled, n_use);
    rc = ferror(f) ? -1 : 1;
out:
    free(use);
    free(panel_of);
    free(keys);
    eb_plot_names_free(&panels);
    eb_plot_styles_free(&st);
    return rc;
}
