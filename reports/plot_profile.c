/* Where the time goes: for runs with a per-node profile (metrics.op_profile,
 * docs/profiling.md), the time per inference of each op type, backends side
 * by side. A panel per variant and condition (and device, when the file has
 * several): the op types down the side, ranked by their largest time in the
 * panel, one bar per backend (colour = backend, as in every chart). The
 * per-node numbers are in the table below the chart (html_profile.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/plot.h"
#include "reports/plot_style.h"
#include "reports/svg.h"
#include "results/run_profile.h"

enum { MAX_CATS = 8 }; /* op types drawn per panel; the rest are one "other" band */

/* The panel of a cell: its device / condition panel and its variant. */
static void panel_name(const eb_run_record *r, int with_device, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s · ", r->variant);
    if (n < cap)
        eb_plot_panel_key(r, with_device, 1, buf + n, cap - n);
}

/* A panel's op types: names[] (into the profiles) and each one's largest
 * time over the panel's cells, ranked; returns the count. */
typedef struct cat {
    const char *op;
    double max_ns;
} cat;

static int by_max_desc(const void *a, const void *b)
{
    const cat *x = a, *y = b;
    if (x->max_ns != y->max_ns)
        return x->max_ns < y->max_ns ? 1 : -1;
    return strcmp(x->op, y->op);
}

static int time_of(const eb_op_sum *ops, int n, const char *op, double *ns, int *nodes)
{
    for (int k = 0; k < n; k++)
        if (strcmp(ops[k].op, op) == 0) {
            *ns = (double)ops[k].ns;
            *nodes = ops[k].nodes;
            return 1;
        }
    return 0;
}

int eb_plot_op_profile(FILE *f, const eb_plot_input *in, char *why, size_t why_len)
{
    const eb_cells *cs = in->cells;
    size_t n = cs->n;
    int *use = calloc(n ? n : 1, sizeof *use), *panel_of = calloc(n ? n : 1, sizeof *panel_of);
    eb_run_profile *prof = calloc(n ? n : 1, sizeof *prof);
    const eb_run_record **prun = calloc(n ? n : 1, sizeof *prun);
    eb_op_sum **ops = calloc(n ? n : 1, sizeof *ops);
    int *n_ops = calloc(n ? n : 1, sizeof *n_ops);
    eb_plot_names panels = {0};
    eb_plot_styles st = {0};
    eb_svg_key *keys = NULL;
    cat *cats = NULL;
    int rc = -1, any = 0, total_ops = 0;
    if (!use || !panel_of || !prof || !prun || !ops || !n_ops)
        goto out;
    int with_device = eb_plot_n_devices(cs) > 1;
    for (size_t i = 0; i < n; i++) {
        panel_of[i] = -1;
        const eb_run_record *r = prun[i] =
            eb_run_profile_first(cs->cells[i].runs, cs->cells[i].n_runs, &prof[i]);
        if (!r)
            continue;
        if (!(ops[i] = eb_run_profile_by_op(&prof[i], &n_ops[i])))
            goto out;
        if (n_ops[i] == 0)
            continue;
        use[i] = 1;
        any++;
        total_ops += n_ops[i];
        char name[EB_PLOT_NAME];
        panel_name(r, with_device, name, sizeof name);
        if ((panel_of[i] = eb_plot_name_index(&panels, name)) < 0)
            goto out;
    }
    if (!any) {
        snprintf(why, why_len, "no run has a per-node profile (metrics.op_profile: on, on a "
                 "backend with a profile hook: ref, simd, onednn; docs/profiling.md)");
        rc = 0;
        goto out;
    }
    if (eb_plot_styles_build(&st, cs, use))
        goto out;
    /* the key names the backends only: variants have panels of their own */
    int n_keys = eb_plot_styles_key(&st, 0, 0, NULL, 0, &keys);
    if (n_keys > st.backends.n)
        n_keys = st.backends.n;
    if (n_keys < 0 || !(cats = malloc((size_t)total_ops * sizeof *cats)))
        goto out;
    int cols = panels.n > 1 ? 2 : 1;
    /* the tallest panel sets the height: a band per op type, a bar per cell */
    int most = 0;
    for (int p = 0; p < panels.n; p++) {
        int bars = 0;
        for (size_t i = 0; i < n; i++)
            bars += panel_of[i] == p;
        most = bars > most ? bars : most;
    }
    double band_px = 10.0 * most + 8 < 22 ? 22 : 10.0 * most + 8;
    eb_svg_doc d;
    eb_svg_doc_begin(&d, f, "Time per inference by op type (sum of the nodes' medians, µs)",
                     panels.n, cols, cols > 1 ? 540 : 760, 60 + band_px * (MAX_CATS + 1), keys,
                     n_keys, in->standalone);
    for (int p = 0; p < panels.n; p++) {
        /* the panel's op types, by their largest time */
        int nc = 0;
        double xmax = 0;
        for (size_t i = 0; i < n; i++) {
            if (panel_of[i] != p)
                continue;
            for (int k = 0; k < n_ops[i]; k++) {
                int j = 0;
                while (j < nc && strcmp(cats[j].op, ops[i][k].op) != 0)
                    j++;
                if (j == nc)
                    cats[nc++] = (cat){.op = ops[i][k].op, .max_ns = 0};
                cats[j].max_ns = fmax(cats[j].max_ns, (double)ops[i][k].ns);
            }
        }
        qsort(cats, (size_t)nc, sizeof *cats, by_max_desc);
        int shown = nc > MAX_CATS ? MAX_CATS : nc, other = nc > MAX_CATS;
        const char *names[MAX_CATS + 1];
        char other_name[48];
        for (int j = 0; j < shown; j++)
            names[j] = cats[j].op;
        if (other) {
            snprintf(other_name, sizeof other_name, "%d other op types", nc - shown);
            names[shown] = other_name;
        }
        int bands = shown + other;
        /* bar lengths: per op type, and the other types summed */
        for (size_t i = 0; i < n; i++) {
            if (panel_of[i] != p)
                continue;
            double rest = 0;
            for (int k = 0; k < n_ops[i]; k++) {
                xmax = fmax(xmax, (double)ops[i][k].ns);
                int top = 0;
                for (int j = 0; j < shown && !top; j++)
                    top = strcmp(cats[j].op, ops[i][k].op) == 0;
                rest += top ? 0 : (double)ops[i][k].ns;
            }
            xmax = fmax(xmax, rest);
        }
        eb_svg_chart ch;
        eb_svg_panel_bands(&d, p, &ch, panels.v[p],
                           (eb_svg_axis){0, xmax > 0 ? xmax / 1e3 * 1.05 : 1, 0,
                                         "time per inference (µs, median of the profiled inferences)"},
                           "op type", names, bands);
        int nb = 0, b = 0;
        for (size_t i = 0; i < n; i++)
            nb += panel_of[i] == p;
        for (size_t i = 0; i < n; i++) {
            if (panel_of[i] != p)
                continue;
            const eb_cell *c = &cs->cells[i];
            char who[EB_PLOT_NAME];
            eb_plot_backend_key(c->first, who, sizeof who);
            double infer = NAN;
            eb_run_record_metric(prun[i], "profile_inference_ms", &infer);
            fprintf(f, "<g class=\"eb-cell\">");
            for (int j = 0; j < bands; j++) {
                double ns = 0;
                int nodes = 0;
                if (j < shown) {
                    if (!time_of(ops[i], n_ops[i], cats[j].op, &ns, &nodes))
                        continue;
                } else {
                    for (int k = 0; k < n_ops[i]; k++) {
                        int top = 0;
                        for (int t = 0; t < shown && !top; t++)
                            top = strcmp(cats[t].op, ops[i][k].op) == 0;
                        if (!top) {
                            ns += (double)ops[i][k].ns;
                            nodes += ops[i][k].nodes;
                        }
                    }
                    if (!nodes)
                        continue;
                }
                /* band j spans [bands - j - 1, bands - j]; bars stacked inside it */
                double top = bands - j - 0.1, h = 0.8 / nb;
                char share[48] = "", tip[EB_PLOT_NAME + 160];
                if (isfinite(infer) && infer > 0)
                    snprintf(share, sizeof share, " (%.1f%% of it)", 100.0 * ns / (infer * 1e6));
                snprintf(tip, sizeof tip, "%s · %s: %.1f µs per inference%s, %d node%s", who,
                         names[j], ns / 1e3, share, nodes, nodes == 1 ? "" : "s");
                eb_svg_bar(&ch, 0, ns / 1e3, top - (b + 1) * h, top - b * h,
                           eb_plot_color(&st, c), tip);
            }
            fprintf(f, "</g>\n");
            b++;
        }
    }
    eb_svg_doc_end(&d);
    rc = ferror(f) ? -1 : 1;
out:
    for (size_t i = 0; prof && i < n; i++)
        eb_run_profile_free(&prof[i]);
    for (size_t i = 0; ops && i < n; i++)
        free(ops[i]);
    free(ops);
    free(n_ops);
    free(prof);
    free(prun);
    free(use);
    free(panel_of);
    free(cats);
    free(keys);
    eb_plot_names_free(&panels);
    eb_plot_styles_free(&st);
    return rc;
}
