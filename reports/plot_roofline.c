/* Roofline-style efficiency: each cell's achieved throughput (FLOPs of one
 * inference / median latency) against its operational intensity, taken as
 * FLOPs per byte of the model file (the weights every inference reads at
 * least once), under the device's compute peak. A memory roof is drawn only
 * where the device records `peak_mem_bw_gbs`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/plot.h"
#include "reports/svg.h"
#include "results/backend_label.h"

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

int eb_plot_roofline(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0, a, p, flops, bytes;
    int n = 0, n_flops = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const eb_cell *c = &cs->cells[i];
        n_flops += eb_cell_value(c, "flops_per_inference", &flops);
        if (!eb_plot_efficiency(in->results, c, &a, &p) || !eb_cell_value(c, "model_bytes", &bytes))
            continue;
        eb_cell_value(c, "flops_per_inference", &flops);
        double oi = flops / bytes;
        xlo = fmin(xlo, oi);
        xhi = fmax(xhi, oi);
        ylo = fmin(ylo, a);
        yhi = fmax(yhi, fmax(a, p));
        n++;
    }
    if (!n) {
        snprintf(why, why_len, n_flops ? "no device of these cells records its peak (peak_gflops_fp32)"
                                       : "no cell records flops_per_inference");
        return 0;
    }
    eb_svg_chart ch;
    eb_svg_begin(&ch, f, 760, 420, "Roofline: achieved throughput against the device peak",
                 (eb_svg_axis){xlo / 4, xhi * 4, 1, "operational intensity (FLOPs per model byte, log)"},
                 (eb_svg_axis){ylo / 4, yhi * 2, 1, "GFLOP/s (log)"}, NULL, in->standalone);
    /* one roof per device and peak (fp32 and int8 variants have their own) */
    const char *peaks_drawn[10];
    double peak_values[10];
    int n_peaks = 0, k = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const eb_cell *c = &cs->cells[i];
        if (!eb_plot_efficiency(in->results, c, &a, &p) || !eb_cell_value(c, "model_bytes", &bytes))
            continue;
        eb_cell_value(c, "flops_per_inference", &flops);
        int d = 0;
        while (d < n_peaks && (strcmp(peaks_drawn[d], c->first->device) || peak_values[d] != p))
            d++;
        if (d == n_peaks && n_peaks < 10) {
            peaks_drawn[n_peaks] = c->first->device;
            peak_values[n_peaks++] = p;
            char lab[160];
            double int8_peak;
            int ops = int8_variant(c->first->variant) &&
                      device_num(in->results, c->first->device, "peak_gops_int8", &int8_peak);
            snprintf(lab, sizeof lab, "%s peak %.4g G%s/s", c->first->device, p, ops ? "OP" : "FLOP");
            eb_svg_hline(&ch, p, eb_svg_color(d), lab);
            double bw;
            if (device_num(in->results, c->first->device, "peak_mem_bw_gbs", &bw)) {
                double xs[2] = {xlo / 4, p / bw}, ys[2] = {bw * xlo / 4, p};
                eb_svg_line(&ch, xs, ys, 2, eb_svg_color(d), 1.5, 1, 0);
            }
        }
        char tip[1200], lab[200];
        snprintf(tip, sizeof tip, "%s: %.4g GFLOP/s = %.1f%% of peak %.4g", c->label, a, 100 * a / p, p);
        eb_svg_point(&ch, flops / bytes, a, 5, eb_svg_color(d), tip);
        char backend[120];
        eb_backend_label(c->first, backend, sizeof backend);
        snprintf(lab, sizeof lab, "%.64s@%s %.1f%%", c->first->variant, backend, 100 * a / p);
        eb_svg_text(&ch, flops / bytes, a, 7, 4, lab, "#333");
        k++;
    }
    eb_svg_end(&ch);
    return ferror(f) ? -1 : 1;
}
