/* Roofline-style efficiency: each cell's achieved throughput (FLOPs of one
 * inference / median latency) against its operational intensity, taken as
 * FLOPs per byte of the model file (the weights every inference reads at
 * least once), under the device's compute peak. A memory roof is drawn only
 * where the device records `peak_mem_bw_gbs`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/plot.h"
#include "reports/plot_style.h"
#include "reports/svg.h"

static int device_num(const eb_results *r, const char *device, const char *key, double *out)
{
    const eb_results_device *d = eb_results_find_device(r, device);
    const char *v = d ? eb_results_device_attr(d, key) : NULL;
    if (!v)
        return 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || !(x > 0) || !isfinite(x))
        return 0;
    *out = x;
    return 1;
}

/* Variants whose peak is the device's int8 throughput. */
static int int8_variant(const char *v)
{
    return strstr(v, "int8") || strstr(v, "s8") || strstr(v, "q8");
}

int eb_plot_efficiency(const eb_results *r, const eb_cell *c, double *achieved, double *peak)
{
    double flops, p50;
    if (!eb_cell_value(c, "flops_per_inference", &flops) || !(flops > 0) ||
        !eb_cell_value(c, "p50", &p50) || !(p50 > 0))
        return 0;
    int int8 = int8_variant(c->first->variant);
    if (!device_num(r, c->first->device, int8 ? "peak_gops_int8" : "peak_gflops_fp32", peak) &&
        !(int8 && device_num(r, c->first->device, "peak_gflops_fp32", peak)))
        return 0;
    *achieved = flops / p50; /* FLOP per ns = GFLOP/s */
    return 1;
}

/* FLOPs per model byte and achieved GFLOP/s of a cell under its peak. */
static int roof_point(const eb_results *r, const eb_cell *c, double *oi, double *a, double *p)
{
    double flops, bytes;
    if (!eb_plot_efficiency(r, c, a, p) || !eb_cell_value(c, "model_bytes", &bytes) || !(bytes > 0))
        return 0;
    eb_cell_value(c, "flops_per_inference", &flops);
    *oi = flops / bytes;
    return 1;
}

int eb_plot_roofline(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    size_t n = cs->n;
    double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0, a, p, oi, flops;
    int n_pts = 0, n_flops = 0, rc = -1;
    int *use = calloc(n ? n : 1, sizeof *use), *panel_of = calloc(n ? n : 1, sizeof *panel_of);
    eb_plot_names panels = {0};
    eb_plot_styles st = {0};
    eb_svg_key *keys = NULL;
    eb_svg_chart *ch = NULL;
    if (!use || !panel_of)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const eb_cell *c = &cs->cells[i];
        n_flops += eb_cell_value(c, "flops_per_inference", &flops);
        if (!(use[i] = roof_point(in->results, c, &oi, &a, &p)))
            continue;
        xlo = fmin(xlo, oi);
        xhi = fmax(xhi, oi);
        ylo = fmin(ylo, a);
        yhi = fmax(yhi, fmax(a, p));
        n_pts++;
    }
    if (!n_pts) {
        snprintf(why, why_len, n_flops ? "no device of these cells records its peak (peak_gflops_fp32)"
                                       : "no cell records flops_per_inference");
        rc = 0;
        goto out;
    }
    if (eb_plot_panels(cs, use, 1, &panels, panel_of) || eb_plot_styles_build(&st, cs, use))
        goto out;
    eb_svg_key roof = {"#444444", -1, 0, "device peak (roof); dashed: memory roof"};
    int n_keys = eb_plot_styles_key(&st, 1, 0, &roof, 1, &keys);
    if (n_keys < 0)
        goto out;
    int cols = panels.n > 1 ? 2 : 1;
    eb_svg_doc d;
    eb_svg_doc_begin(&d, f, "Roofline: achieved GFLOP/s against FLOPs per model byte, under the device peak",
                     panels.n, cols, cols > 1 ? 540 : 760, 330, keys, n_keys, in->standalone);
    ch = calloc((size_t)panels.n, sizeof *ch);
    if (!ch) {
        eb_svg_doc_end(&d);
        goto out;
    }
    for (int k = 0; k < panels.n; k++) {
        eb_svg_panel(&d, k, &ch[k], panels.v[k],
                     (eb_svg_axis){xlo / 4, xhi * 4, 1, "operational intensity (FLOPs per model byte, log)"},
                     (eb_svg_axis){ylo / 4, yhi * 2, 1, "achieved GFLOP/s (log)"}, NULL);
        /* the roofs of this panel's device: fp32, and int8 where a variant uses it */
        double drawn[4];
        int n_drawn = 0;
        for (size_t i = 0; i < n; i++) {
            if (panel_of[i] != k)
                continue;
            const eb_cell *c = &cs->cells[i];
            roof_point(in->results, c, &oi, &a, &p);
            int seen = 0;
            for (int j = 0; j < n_drawn; j++)
                seen |= drawn[j] == p;
            if (seen || n_drawn == 4)
                continue;
            drawn[n_drawn++] = p;
            double int8_peak, bw;
            int ops = int8_variant(c->first->variant) &&
                      device_num(in->results, c->first->device, "peak_gops_int8", &int8_peak);
            char lab[160];
            snprintf(lab, sizeof lab, "%.60s peak %.4g G%s/s%s", c->first->device, p, ops ? "OP" : "FLOP",
                     ops ? " (int8)" : "");
            eb_svg_hline(&ch[k], p, "#444444", 0, lab);
            if (device_num(in->results, c->first->device, "peak_mem_bw_gbs", &bw)) {
                double xs[2] = {xlo / 4, p / bw}, ys[2] = {bw * xlo / 4, p};
                eb_svg_line(&ch[k], xs, ys, 2, "#444444", 1.2, 1, 0);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        const eb_cell *c = &cs->cells[i];
        roof_point(in->results, c, &oi, &a, &p);
        char tip[1200];
        snprintf(tip, sizeof tip, "%s: %.4g GFLOP/s = %.1f%% of peak %.4g", c->label, a, 100 * a / p, p);
        eb_svg_marker(&ch[panel_of[i]], oi, a, 5, eb_plot_variant(&st, c), eb_plot_color(&st, c), tip);
    }
    int labelled = 0;
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        const eb_cell *c = &cs->cells[i];
        roof_point(in->results, c, &oi, &a, &p);
        char lab[32];
        snprintf(lab, sizeof lab, "%.1f%%", 100 * a / p); /* colour and marker say whose */
        labelled += eb_svg_label(&ch[panel_of[i]], oi, a, 5, lab, "#333333");
    }
    eb_svg_doc_end(&d);
    if (labelled < n_pts)
        snprintf(why, why_len, "%d of %d points have no label where it would overlap another; "
                 "colour (backend) and marker (variant) name each, hover for its %% of peak",
                 n_pts - labelled, n_pts);
    rc = ferror(f) ? -1 : 1;
out:
    free(ch);
    free(use);
    free(panel_of);
    free(keys);
    eb_plot_names_free(&panels);
    eb_plot_styles_free(&st);
    return rc;
}
