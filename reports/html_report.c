/* `report --format html`: one self-contained HTML file. No scripts, no
 * external fonts, styles or images: every chart is inline SVG (plot.h), so
 * the file can be mailed, attached to a CI job or opened offline.
 *
 * Sections: the source (file, tool, command), a summary table with one row
 * per cell (repetitions pooled, a column per identity field), failures, the
 * run table (the text report's columns, device and scenario included), the
 * by-device table (more than one device) and the variant tables (the
 * variants report's rows, stability verdict included), then each chart of
 * eb_plot_kinds() — or, where a chart has nothing to show, one line saying
 * why ("not measured"), never an empty or zero-filled chart. */
#include <math.h>
#include <string.h>

#include "common/escape.h"
#include "reports/html_profile.h"
#include "reports/plot.h"
#include "reports/render.h"
#include "reports/render_devices.h"
#include "reports/render_internal.h"
#include "reports/render_load.h"
#include "reports/svg.h"
#include "results/backend_label.h"
#include "results/results.h"

static const char *const style =
    "body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}"
    "table{border-collapse:collapse;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}"
    "th{background:#f0f0f0}td.l,th.l{text-align:left}"
    ".bad{color:#b00020;font-weight:bold}.warn{color:#a66}"
    "figure{margin:12px 0}p.empty{color:#666;font-style:italic}"
    "code{background:#f4f4f4;padding:1px 3px}h3{font-size:14px;margin:14px 0 4px}"
    "svg.eb-chart{max-width:100%;height:auto}";

static void cell_num(FILE *f, int has, double v, const char *fmt)
{
    if (has && isfinite(v)) {
        fputs("<td>", f);
        fprintf(f, fmt, v);
        fputs("</td>", f);
    } else {
        fputs("<td title=\"not measured\">–</td>", f);
    }
}

static void summary_table(FILE *f, const eb_results *r, const eb_cells *cs)
{
    fputs("<h2 id=\"summary\">Summary</h2>\n<table>\n<tr><th class=\"l\">device</th>"
          "<th class=\"l\">scenario</th><th class=\"l\">backend</th><th class=\"l\">variant</th>"
          "<th class=\"l\">condition</th><th class=\"l\">sweep</th><th class=\"l\">status</th>"
          "<th>runs</th><th>n</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>peak MiB</th>"
          "<th>model MiB</th><th>top-1</th><th>energy mJ/inf</th><th>% of peak</th>"
          "<th class=\"l\">stability</th></tr>\n",
          f);
    for (size_t i = 0; i < cs->n; i++) {
        const eb_cell *c = &cs->cells[i];
        double v;
        /* the cell's identity, a column per field (the label joins them) */
        char backend[EB_BACKEND_LABEL_MAX];
        eb_backend_label(c->first, backend, sizeof backend);
        const char *id[6] = {c->first->device, c->first->scenario, backend, c->first->variant,
                             c->first->condition, c->first->sweep};
        fputs("<tr>", f);
        for (int k = 0; k < 6; k++) {
            fputs("<td class=\"l\">", f);
            eb_xml_text(f, id[k][0] ? id[k] : "–");
            if (k == 5 && c->occurrence)
                fprintf(f, " #%d", c->occurrence + 1);
            fputs("</td>", f);
        }
        fputs("<td class=\"l\">", f);
        if (c->bad) {
            fputs("<span class=\"bad\">", f);
            eb_xml_text(f, eb_run_status_str(c->bad->status));
            fputs("</span>", f);
        } else {
            fputs("ok", f);
        }
        fprintf(f, "</td><td>%d</td><td>%llu</td>", c->n_runs, (unsigned long long)c->summary.n);
        /* name, scale to the column's unit, format */
        const struct {
            const char *name;
            double scale;
            const char *fmt;
        } cols[] = {{"p50", 1e-6, "%.4g"},
                    {"p90", 1e-6, "%.4g"},
                    {"p99", 1e-6, "%.4g"},
                    {"peak_rss_bytes", 1.0 / 1048576.0, "%.1f"},
                    {"model_bytes", 1.0 / 1048576.0, "%.3g"},
                    {"top1", 1.0, "%.4f"},
                    {"energy_per_inference_j", 1e3, "%.4g"}};
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            int has = eb_cell_value(c, cols[k].name, &v);
            cell_num(f, has, has ? v * cols[k].scale : NAN, cols[k].fmt);
        }
        double a, p;
        int eff = eb_plot_efficiency(r, c, &a, &p);
        cell_num(f, eff, eff ? 100 * a / p : NAN, "%.1f");
        /* the verdicts short, their reasons in the tooltip: a sentence per
         * cell made the table's rows a screen tall */
        fputs("<td class=\"l\">", f);
        if (c->summary.n == 0)
            fputs("–", f);
        else if (c->summary.stable)
            fputs("stable", f);
        else {
            char verdict[96];
            eb_stability_short(&c->summary, verdict, sizeof verdict);
            fputs("<span class=\"warn\" title=\"", f);
            eb_xml_text(f, c->summary.stability);
            fputs("\">", f);
            eb_xml_text(f, verdict);
            fputs("</span>", f);
        }
        const char *thr = c->n_ok ? eb_run_record_text(c->runs[0], "throttled") : NULL;
        if (thr && thr[0] && strncmp(thr, "no", 2) != 0) { /* "no: ..." = not throttled */
            fputs(" <span class=\"warn\" title=\"", f);
            eb_xml_text(f, thr);
            fputs("\">throttled</span>", f);
        }
        /* less CPU than asked for: other processes, not a throttled device */
        const char *cl = c->n_ok ? eb_run_record_text(c->runs[0], "competing_load") : NULL;
        if (cl && strncmp(cl, "yes", 3) == 0) {
            double share;
            fputs(" <span class=\"warn\" title=\"", f);
            eb_xml_text(f, cl);
            if (eb_run_record_metric(c->runs[0], "cpu_share", &share) && isfinite(share))
                fprintf(f, "\">competing load (%.0f%% CPU)</span>", 100 * share);
            else
                fputs("\">competing load</span>", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    int bad = 0;
    for (size_t i = 0; i < r->n_runs; i++)
        bad += r->runs[i].status != EB_RUN_OK;
    if (bad) {
        fputs("<h3>Runs that did not finish</h3>\n<ul>\n", f);
        for (size_t i = 0; i < r->n_runs; i++) {
            const eb_run_record *q = &r->runs[i];
            if (q->status == EB_RUN_OK)
                continue;
            char backend[EB_BACKEND_LABEL_MAX];
            eb_backend_label(q, backend, sizeof backend);
            fprintf(f, "<li>%s ", q->id);
            eb_xml_text(f, backend);
            fputc('/', f);
            eb_xml_text(f, q->variant);
            fputc('/', f);
            eb_xml_text(f, q->condition);
            fprintf(f, " rep %d: <span class=\"bad\">%s</span>: ", q->repetition,
                    eb_run_status_str(q->status));
            eb_xml_text(f, q->message);
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
    }
}

/* Every run, one row each: the text and Markdown table's cells
 * (render_internal.h, device and scenario included), in a <details> so
 * that a long file keeps the charts near the top. */
static void runs_table(FILE *f, const eb_results *r)
{
    int n = (int)r->n_runs;
    eb_render__unit u = eb_render__pick_unit(r->runs, n);
    char cells[EB_RENDER__N_COLS][EB_RENDER__CELL];
    char h[64];
    fprintf(f, "<h2 id=\"runs\">Runs</h2>\n<details><summary>%d runs, one row each "
               "(latency in %s)</summary>\n<table>\n<tr>",
            n, u.name);
    for (int k = 0; k < EB_RENDER__N_COLS; k++) {
        eb_render__header(h, sizeof h, k, &u);
        fprintf(f, "<th%s>", eb_render__columns[k].numeric ? "" : " class=\"l\"");
        eb_xml_text(f, h);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (int i = 0; i < n; i++) {
        const eb_run_record *q = &r->runs[i];
        eb_render__cells(q, &u, cells);
        fputs("<tr>", f);
        for (int k = 0; k < EB_RENDER__N_COLS; k++) {
            int warn = strcmp(cells[k], "unstable") == 0 ||
                       (strcmp(eb_render__columns[k].header, "status") == 0 && q->status != EB_RUN_OK);
            fprintf(f, "<td%s>%s", eb_render__columns[k].numeric ? "" : " class=\"l\"",
                    warn ? "<span class=\"warn\">" : "");
            eb_xml_text(f, cells[k]);
            fprintf(f, "%s</td>", warn ? "</span>" : "");
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n</details>\n", f);
}

/* The variants report's tables, where a group has more than one variant. */
static int variants_section(FILE *f, const eb_results *r)
{
    int n = (int)r->n_runs, multi = 0;
    for (int i = 1; i < n && !multi; i++)
        multi = strcmp(r->runs[i].variant, r->runs[0].variant) != 0;
    fputs("<h2 id=\"variants\">Variants</h2>\n", f);
    if (!multi) {
        fputs("<p class=\"empty\">Not shown: every run is of one variant.</p>\n", f);
        return 0;
    }
    eb_render__unit u = eb_render__pick_unit(r->runs, n);
    fputs("<p>", f);
    eb_xml_text(f, eb_render__variants_intro);
    fputs("</p>\n", f);
    return eb_render__variant_tables(f, r->runs, n, &u, 1);
}

int eb_render_html(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n)
{
    eb_results tmp;
    const eb_results *r = meta ? meta->results : NULL;
    if (!r) {
        memset(&tmp, 0, sizeof tmp);
        tmp.runs = (eb_run_record *)runs; /* only read */
        tmp.n_runs = n > 0 ? (size_t)n : 0;
        r = &tmp;
    }
    eb_cells *cs = NULL;
    if (eb_cells_build(r, &cs) != 0)
        return -1;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>edgebench report</title>\n<style>",
          f);
    fputs(style, f);
    fputs("</style>\n</head>\n<body>\n<h1>edgebench report</h1>\n<ul>\n", f);
    const char *keys[4] = {"results", "edgebench", "created", "command"};
    const char *vals[4] = {meta ? meta->results_path : NULL, meta ? meta->tool_version : NULL,
                           meta ? meta->created : NULL, meta ? meta->command : NULL};
    for (int i = 0; i < 4; i++)
        if (vals[i]) {
            fprintf(f, "<li>%s: <code>", keys[i]);
            eb_xml_text(f, vals[i]);
            fputs("</code></li>\n", f);
        }
    fprintf(f, "<li>%zu runs in %zu cells</li>\n</ul>\n", r->n_runs, cs->n);
    int n_kinds;
    const eb_plot_kind *kinds = eb_plot_kinds(&n_kinds);
    fputs("<nav><a href=\"#summary\">Summary</a> · <a href=\"#runs\">Runs</a> · "
          "<a href=\"#variants\">Variants</a>", f);
    if (eb_render__n_devices(r->runs, (int)r->n_runs) > 1)
        fputs(" · <a href=\"#by_device\">By device</a>", f);
    if (eb_render__any_load(r->runs, (int)r->n_runs))
        fputs(" · <a href=\"#load\">Load patterns</a>", f);
    for (int k = 0; k < n_kinds; k++)
        fprintf(f, " · <a href=\"#%s\">%s</a>", kinds[k].name, kinds[k].title);
    fputs("</nav>\n", f);
    if (cs->n == 0)
        fputs("<h2 id=\"summary\">Summary</h2>\n<p class=\"empty\">No runs.</p>\n", f);
    else
        summary_table(f, r, cs);
    int rc = 0;
    if (r->n_runs) {
        runs_table(f, r);
        eb_render__unit u = eb_render__pick_unit(r->runs, (int)r->n_runs);
        if (eb_render__by_device(f, r->runs, (int)r->n_runs, &u, EB_RENDER__HTML) != 0 ||
            eb_render__load_sections(f, r->runs, (int)r->n_runs, &u, EB_RENDER__HTML) != 0 ||
            variants_section(f, r) != 0)
            rc = -1;
    }
    eb_plot_input in = {.results = r, .cells = cs, .standalone = 0};
    for (int k = 0; k < n_kinds; k++) {
        fprintf(f, "<h2 id=\"%s\">%s</h2>\n<figure>\n", kinds[k].name, kinds[k].title);
        char why[256] = "";
        int w = kinds[k].draw(f, &in, why, sizeof why);
        if (w < 0)
            rc = -1;
        fputs("</figure>\n", f);
        if (w == 0 || why[0]) {
            fputs(w == 0 ? "<p class=\"empty\">Not drawn: " : "<p class=\"empty\">Note: ", f);
            eb_xml_text(f, why);
            fputs(".</p>\n", f);
        }
        /* the per-node numbers behind the op-type bars */
        if (strcmp(kinds[k].name, "op_profile") == 0 && eb_html__profile_tables(f, cs) != 0)
            rc = -1;
    }
    fputs("</body>\n</html>\n", f);
    eb_cells_free(cs);
    return ferror(f) || rc ? -1 : 0;
}
