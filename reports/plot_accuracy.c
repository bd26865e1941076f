/* Accuracy charts: top-1 against the severity of a swept condition, and the
 * latency-accuracy-size trade-off of compression variants across devices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/plot.h"
#include "reports/svg.h"
#include "results/backend_label.h"
#include "results/cell_key.h"

/* Value of key in "k=v;k=v"; 1 when found and numeric. */
static int param_num(const char *params, const char *key, double *out)
{
    size_t kl = strlen(key);
    const char *p = params;
    while (p && *p) {
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            char *end;
            double v = strtod(p + kl + 1, &end);
            if (end != p + kl + 1 && (*end == ';' || *end == '\0')) {
                *out = v;
                return 1;
            }
            return 0;
        }
        p = strchr(p, ';');
        if (p)
            p++;
    }
    return 0;
}

/* The swept numeric parameter of a condition: the first key of its params
 * whose numeric value differs between two cells of that condition. */
static int severity_key(const eb_cells *cs, const char *condition, char *key, size_t cap)
{
    const char *params = NULL;
    for (size_t i = 0; i < cs->n && !params; i++)
        if (strcmp(cs->cells[i].first->condition, condition) == 0)
            params = cs->cells[i].first->condition_params;
    for (const char *p = params; p && *p;) {
        const char *eq = strchr(p, '='), *semi = strchr(p, ';');
        if (!eq || (semi && semi < eq))
            break;
        snprintf(key, cap, "%.*s", (int)(eq - p), p);
        double first = NAN, v;
        for (size_t i = 0; i < cs->n; i++) {
            const eb_run_record *r = cs->cells[i].first;
            if (strcmp(r->condition, condition) || !param_num(r->condition_params, key, &v))
                continue;
            if (isnan(first))
                first = v;
            else if (v != first)
                return 1;
        }
        p = semi ? semi + 1 : NULL;
    }
    return 0;
}

/* Cells of the same series differ only in the condition's parameters
 * (scenario and sweep labels are not part of a series). */
static int same_series(const eb_run_record *a, const eb_run_record *b)
{
    return eb_cell_fields_equal(a, b, EB_CELL_ALL & ~(EB_CELL_SCENARIO | EB_CELL_SWEEP));
}

static int cmp_xy(const void *p, const void *q)
{
    const double *a = p, *b = q;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

int eb_plot_accuracy_severity(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    int charts = 0;
    char done_conditions[32][64];
    int n_done = 0;
    for (size_t i = 0; i < cs->n && n_done < 32; i++) {
        const char *cond = cs->cells[i].first->condition;
        int seen = 0;
        for (int d = 0; d < n_done; d++)
            seen |= strcmp(done_conditions[d], cond) == 0;
        if (seen)
            continue;
        snprintf(done_conditions[n_done++], sizeof done_conditions[0], "%s", cond);
        char key[64];
        if (!severity_key(cs, cond, key, sizeof key))
            continue;
        /* x range and whether any accuracy is present */
        double xlo = INFINITY, xhi = -INFINITY, v, t;
        int with_acc = 0;
        for (size_t k = 0; k < cs->n; k++) {
            const eb_run_record *r = cs->cells[k].first;
            if (strcmp(r->condition, cond) || !param_num(r->condition_params, key, &v))
                continue;
            xlo = fmin(xlo, v);
            xhi = fmax(xhi, v);
            with_acc += eb_cell_value(&cs->cells[k], "top1", &t);
        }
        if (!with_acc)
            continue;
        char title[256], xl[128];
        snprintf(title, sizeof title, "Top-1 against %s of condition '%s'", key, cond);
        snprintf(xl, sizeof xl, "%s (severity)", key);
        eb_svg_chart ch;
        eb_svg_begin(&ch, f, 760, 380, title, (eb_svg_axis){xlo, xhi, 0, xl},
                     (eb_svg_axis){0, 1, 0, "top-1 accuracy"}, NULL, in->standalone);
        int *used = calloc(cs->n, sizeof *used);
        double *xy = malloc(cs->n * 2 * sizeof *xy);
        int series = 0;
        for (size_t k = 0; used && xy && k < cs->n; k++) {
            const eb_run_record *r = cs->cells[k].first;
            if (used[k] || strcmp(r->condition, cond))
                continue;
            int m = 0;
            for (size_t j = k; j < cs->n; j++) {
                const eb_run_record *q = cs->cells[j].first;
                if (used[j] || !same_series(r, q))
                    continue;
                used[j] = 1;
                if (param_num(q->condition_params, key, &v) && eb_cell_value(&cs->cells[j], "top1", &t)) {
                    xy[2 * m] = v;
                    xy[2 * m + 1] = t;
                    m++;
                }
            }
            if (!m)
                continue;
            qsort(xy, (size_t)m, 2 * sizeof *xy, cmp_xy);
            double *xs = malloc((size_t)m * sizeof *xs), *ys = malloc((size_t)m * sizeof *ys);
            if (xs && ys) {
                const char *color = eb_svg_color(series);
                for (int j = 0; j < m; j++) {
                    xs[j] = xy[2 * j];
                    ys[j] = xy[2 * j + 1];
                    eb_svg_point(&ch, xs[j], ys[j], 3.5, color, NULL);
                }
                eb_svg_line(&ch, xs, ys, m, color, 1.8, 0, 0);
                char lab[300], backend[200];
                eb_backend_label(r, backend, sizeof backend);
                snprintf(lab, sizeof lab, "%.60s/%s/%.30s", r->device, backend, r->variant);
                eb_svg_legend(&ch, color, lab, 0);
                series++;
            }
            free(xs);
            free(ys);
        }
        free(used);
        free(xy);
        eb_svg_end(&ch);
        charts++;
    }
    if (!charts)
        snprintf(why, why_len, "no condition sweeps a numeric parameter with top-1 measured");
    return ferror(f) ? -1 : charts;
}

int eb_plot_tradeoff(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    const char *acc_name = "top1";
    int n_acc = 0, n_lat = 0;
    double v, xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = -INFINITY, smax = 0;
    for (size_t i = 0; i < cs->n; i++)
        n_acc += eb_cell_value(&cs->cells[i], "top1", &v);
    if (!n_acc) {
        acc_name = "agreement_with_reference";
        for (size_t i = 0; i < cs->n; i++)
            n_acc += eb_cell_value(&cs->cells[i], acc_name, &v);
    }
    int no_acc = n_acc == 0; /* then the chart is latency against model size */
    for (size_t i = 0; i < cs->n; i++) {
        const eb_cell *c = &cs->cells[i];
        double lat, y, size;
        if (!eb_cell_value(c, "p50", &lat))
            continue;
        int has_size = eb_cell_value(c, "model_bytes", &size);
        if (no_acc ? !has_size : !eb_cell_value(c, acc_name, &y))
            continue;
        if (no_acc)
            y = size / 1048576.0;
        n_lat++;
        xlo = fmin(xlo, lat / 1e6);
        xhi = fmax(xhi, lat / 1e6);
        ylo = fmin(ylo, y);
        yhi = fmax(yhi, y);
        if (has_size)
            smax = fmax(smax, size);
    }
    if (!n_lat) {
        snprintf(why, why_len, "no cell has both a latency and %s", no_acc ? "a model size" : "an accuracy");
        return 0;
    }
    int log_x = xlo > 0 && xhi / xlo > 20;
    char ylab[96];
    snprintf(ylab, sizeof ylab, "%s", no_acc ? "model size (MiB) — accuracy not measured"
                                             : strcmp(acc_name, "top1") == 0 ? "top-1 accuracy"
                                                                             : "agreement with the reference");
    double pad = (yhi - ylo) * 0.1 + (no_acc ? 0.1 : 0.01);
    eb_svg_chart ch;
    eb_svg_begin(&ch, f, 760, 420,
                 no_acc ? "Latency and model size of the variants (accuracy not measured)"
                        : "Latency, accuracy and model size of the variants across devices",
                 (eb_svg_axis){xlo * (log_x ? 0.8 : 0.9), xhi * (log_x ? 1.25 : 1.1), log_x,
                               log_x ? "median latency (ms, log scale)" : "median latency (ms)"},
                 (eb_svg_axis){ylo - pad, yhi + pad, 0, ylab}, NULL, in->standalone);
    /* colour per device, in order of appearance */
    const char *devices[10];
    int n_dev = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const eb_cell *c = &cs->cells[i];
        double lat, y, size;
        if (!eb_cell_value(c, "p50", &lat))
            continue;
        int has_size = eb_cell_value(c, "model_bytes", &size);
        if (no_acc ? !has_size : !eb_cell_value(c, acc_name, &y))
            continue;
        if (no_acc)
            y = size / 1048576.0;
        int d = 0;
        while (d < n_dev && strcmp(devices[d], c->first->device))
            d++;
        if (d == n_dev && n_dev < 10) {
            devices[n_dev++] = c->first->device;
            char lab[96];
            snprintf(lab, sizeof lab, "device %s", c->first->device);
            eb_svg_legend(&ch, eb_svg_color(d), lab, 0);
        }
        double r = has_size && smax > 0 ? 4 + 14 * sqrt(size / smax) : 4;
        char tip[1200];
        if (no_acc)
            snprintf(tip, sizeof tip, "%s: p50 %.4g ms, model %.3g MiB, accuracy not measured",
                     c->label, lat / 1e6, y);
        else if (has_size)
            snprintf(tip, sizeof tip, "%s: p50 %.4g ms, %s %.4g, model %.3g MiB", c->label,
                     lat / 1e6, acc_name, y, size / 1048576.0);
        else
            snprintf(tip, sizeof tip, "%s: p50 %.4g ms, %s %.4g, model size unknown", c->label,
                     lat / 1e6, acc_name, y);
        eb_svg_point(&ch, lat / 1e6, y, r, eb_svg_color(d), tip);
        char lab[200], backend[130];
        eb_backend_label(c->first, backend, sizeof backend);
        snprintf(lab, sizeof lab, "%.64s@%s", c->first->variant, backend);
        eb_svg_text(&ch, lat / 1e6, y, r + 2, 4, lab, "#333");
    }
    eb_svg_legend(&ch, "#999", "marker area ∝ model size", 0);
    eb_svg_end(&ch);
    return ferror(f) ? -1 : 1;
}
