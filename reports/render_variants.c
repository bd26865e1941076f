/* The variant comparison: the table a user reads to choose which
 * compression variant to ship. One Markdown table per backend and condition
 * (and sweep point), one row per variant run: latency, memory, size (plain
 * and gzip-compressed), weight sparsity, accuracy against labels, the drop
 * against the reference variant with McNemar's p, and the agreement with
 * its outputs (docs/accuracy.md), beside the stability verdict of the
 * latencies. Metrics a run lacks print as "-". The same rows feed the HTML
 * report's variant tables (eb_render__variant_tables). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "reports/render.h"
#include "reports/render_internal.h"
#include "results/backend_label.h"
#include "results/cell_key.h"

static void fmt_metric(char *buf, size_t cap, const eb_run_record *r, const char *name,
                       double scale, const char *fmt)
{
    double v;
    if (eb_run_record_metric(r, name, &v) && isfinite(v))
        snprintf(buf, cap, fmt, v * scale);
    else if (eb_run_record_metric(r, name, &v) && isinf(v))
        snprintf(buf, cap, "%s", v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, cap, "-");
}

static void fmt_ns(char *buf, size_t cap, const eb_run_record *r, double ns, const eb_render__unit *u)
{
    if (eb_render__has_samples(r) && isfinite(ns))
        snprintf(buf, cap, "%.*f", u->decimals, ns / u->ns);
    else
        snprintf(buf, cap, "-");
}

static void fmt_bytes(char *buf, size_t cap, uint64_t b)
{
    if (!b)
        snprintf(buf, cap, "-");
    else if (b >= 1024 * 1024)
        snprintf(buf, cap, "%.1f MiB", (double)b / (1024.0 * 1024.0));
    else
        snprintf(buf, cap, "%.1f KiB", (double)b / 1024.0);
}

/* One row: a cell but for its variant. */
const char *const eb_render__variants_intro =
    "Top-1 and top-k against the dataset's labels; Δ top-1 in percentage points "
    "against the reference variant on the same samples, with McNemar's exact p "
    "(is the difference more than chance on these samples?); agreement = same top "
    "class as the reference variant run by `ref`; gzip = the model file "
    "compressed (gzip -6), sparsity = zero weights of Conv/Gemm/MatMul layers; "
    "stability = the latency verdict (unstable: compare p50 with care).";

static int same_group(const eb_run_record *a, const eb_run_record *b)
{
    return eb_cell_fields_equal(a, b, EB_CELL_ALL & ~EB_CELL_VARIANT);
}

enum { N_COLS = 14, CELL = 80 };

static const char *const headers[N_COLS] = {
    "variant", "status", "p50", "p99", "stability", "peak RSS", "model size", "gzip",
    "sparsity %", "top-1 %", "top-k %", "Δ top-1 pp", "agreement %", "SNR dB"};

/* The latency verdict: "stable", "unstable (CV 105.2%)", "-" without samples. */
static void stability_cell(char *buf, size_t cap, const eb_run_record *r)
{
    if (!eb_render__has_samples(r))
        snprintf(buf, cap, "-");
    else
        eb_stability_short(&r->summary, buf, cap);
}

/* One row's cells as plain text. */
static void variant_row(const eb_run_record *r, const eb_render__unit *u, char cells[N_COLS][CELL])
{
    char variant[64];
    eb_render__one_line(variant, sizeof variant, r->variant);
    snprintf(cells[0], CELL, "%s%s", variant, r->repetition ? " (rep)" : "");
    snprintf(cells[1], CELL, "%s", eb_run_status_str(r->status));
    fmt_ns(cells[2], CELL, r, r->summary.p50, u);
    fmt_ns(cells[3], CELL, r, r->summary.p99, u);
    /* the verdict beside the latencies it qualifies: CV 100% makes any
     * difference of p50 between variants meaningless */
    stability_cell(cells[4], CELL, r);
    fmt_bytes(cells[5], CELL, r->peak_rss_bytes);
    fmt_bytes(cells[6], CELL, r->model_bytes);
    double gzb;
    fmt_bytes(cells[7], CELL,
              eb_run_record_metric(r, "model_gzip_bytes", &gzb) && gzb > 0 && gzb < 1e18 ? (uint64_t)gzb
                                                                                         : 0);
    fmt_metric(cells[8], CELL, r, "weight_sparsity", 100, "%.1f");
    fmt_metric(cells[9], CELL, r, "top1", 100, "%.2f");
    fmt_metric(cells[10], CELL, r, "topk", 100, "%.2f");
    fmt_metric(cells[12], CELL, r, "agreement_with_reference", 100, "%.2f");
    fmt_metric(cells[13], CELL, r, "snr_db", 1, "%.1f");
    double d, p;
    if (eb_run_record_metric(r, "top1_vs_reference", &d) && isfinite(d) &&
        eb_run_record_metric(r, "top1_vs_reference_p", &p) && isfinite(p))
        snprintf(cells[11], CELL, "%+.2f (p=%.2g)", d * 100, p);
    else if (eb_run_record_metric(r, "top1_vs_reference", &d) && isfinite(d))
        snprintf(cells[11], CELL, "%+.2f", d * 100);
    else if (!eb_run_record_metric(r, "agreement_with_reference", &d) && eb_run_record_metric(r, "top1", &d))
        snprintf(cells[11], CELL, "(reference)");
    else
        snprintf(cells[11], CELL, "-");
}

int eb_render__variant_tables(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u,
                              int html)
{
    char *done = calloc((size_t)(n ? n : 1), 1);
    if (!done)
        return -1;
    char cells[N_COLS][CELL];
    for (int i = 0; i < n; i++) {
        if (done[i])
            continue;
        const eb_run_record *g = &runs[i];
        char ctext[EB_CONDITION_TEXT_MAX], cond[EB_CONDITION_TEXT_MAX], head[1200];
        eb_condition_text(&g->cond, ctext, sizeof ctext);
        eb_render__one_line(cond, sizeof cond, ctext);
        char backend[EB_BACKEND_LABEL_MAX];
        eb_backend_label(g, backend, sizeof backend);
        snprintf(head, sizeof head, "%s · %s · %s%s%s · %d thread%s", g->device, backend, g->condition,
                 g->sweep[0] ? " · " : "", g->sweep, g->threads, g->threads == 1 ? "" : "s");
        if (html) {
            fputs("<h3>", f);
            eb_xml_text(f, head);
            fputs("</h3>\n", f);
            if (cond[0]) {
                fputs("<p>Condition parameters: <code>", f);
                eb_xml_text(f, cond);
                fputs("</code></p>\n", f);
            }
            fputs("<table class=\"variants\">\n<tr>", f);
        } else {
            fprintf(f, "\n## %s\n\n", head);
            if (cond[0])
                fprintf(f, "Condition parameters: `%s`\n\n", cond);
            fputc('|', f);
        }
        for (int k = 0; k < N_COLS; k++) {
            char h[64];
            snprintf(h, sizeof h, "%s%s%s", headers[k], k == 2 || k == 3 ? " " : "",
                     k == 2 || k == 3 ? u->name : "");
            if (html) {
                fprintf(f, "<th%s>", k < 2 || k == 4 ? " class=\"l\"" : "");
                eb_xml_text(f, h);
                fputs("</th>", f);
            } else {
                fprintf(f, " %s |", h);
            }
        }
        if (html)
            fputs("</tr>\n", f);
        else {
            fputs("\n|", f);
            for (int k = 0; k < N_COLS; k++)
                fputs(k < 2 || k == 4 ? " --- |" : " ---: |", f);
            fputc('\n', f);
        }
        for (int j = i; j < n; j++) {
            const eb_run_record *r = &runs[j];
            if (done[j] || !same_group(g, r))
                continue;
            done[j] = 1;
            variant_row(r, u, cells);
            if (html)
                fputs("<tr>", f);
            else
                fputc('|', f);
            for (int k = 0; k < N_COLS; k++) {
                if (!html) {
                    fprintf(f, " %s |", cells[k]);
                    continue;
                }
                int warn = (k == 4 && strncmp(cells[k], "unstable", 8) == 0) ||
                           (k == 1 && r->status != EB_RUN_OK);
                fprintf(f, "<td%s>%s", k < 2 || k == 4 ? " class=\"l\"" : "",
                        warn ? "<span class=\"warn\">" : "");
                eb_xml_text(f, cells[k]);
                fprintf(f, "%s</td>", warn ? "</span>" : "");
            }
            fputs(html ? "</tr>\n" : "\n", f);
        }
        if (html)
            fputs("</table>\n", f);
        /* Why a latency is not to be trusted, under the table it spoils
         * (the column says unstable; this says which limits it broke) */
        int listed = 0;
        for (int j = i; j < n; j++) {
            const eb_run_record *r = &runs[j];
            if (!same_group(g, r) || !eb_render__has_samples(r) || r->summary.stable)
                continue;
            char why[200], variant[80];
            eb_render__one_line(why, sizeof why, r->summary.stability);
            eb_render__one_line(variant, sizeof variant, r->variant);
            if (html) {
                fputs("<p class=\"note\">", f);
                eb_xml_text(f, variant);
                fputs(r->repetition ? " (rep)" : "", f);
                fputs(": unstable latency (", f);
                eb_xml_text(f, why);
                fputs("): compare its p50 with care</p>\n", f);
            } else {
                fprintf(f, "%s- %s%s: unstable latency (%s): compare its p50 with care\n",
                        listed++ ? "" : "\n", variant, r->repetition ? " (rep)" : "", why);
            }
        }
    }
    free(done);
    return ferror(f) ? -1 : 0;
}

/* The same variant on every backend that ran it: one table per variant,
 * condition and sweep point (and device, threads), one row per backend, so
 * "int8 on simd vs int8 on xnnpack" is read in one place. Latency ratio to
 * the fastest backend of the table; accuracy side by side (backends that
 * agree on the model should agree on top-1). Nothing when every variant ran
 * on one backend. */
static int same_variant_row(const eb_run_record *a, const eb_run_record *b)
{
    return eb_cell_fields_equal(a, b, EB_CELL_ALL & ~(EB_CELL_BACKEND | EB_CELL_OPTIONS));
}

static int across_backends(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u)
{
    char *done = calloc((size_t)(n ? n : 1), 1);
    if (!done)
        return -1;
    int heading = 0;
    for (int i = 0; i < n; i++) {
        if (done[i])
            continue;
        const eb_run_record *g = &runs[i];
        int n_backends = 0;
        double fastest = NAN;
        for (int j = i; j < n; j++) {
            if (done[j] || !same_variant_row(g, &runs[j]))
                continue;
            n_backends++;
            const eb_run_record *r = &runs[j];
            if (r->status == EB_RUN_OK && eb_render__has_samples(r) && isfinite(r->summary.p50) &&
                (isnan(fastest) || r->summary.p50 < fastest))
                fastest = r->summary.p50;
        }
        if (n_backends < 2)
            continue;
        /* Two runs of one backend (repetitions) are two rows: a table
         * needs two different backends to be a comparison. */
        int distinct = 0;
        for (int j = i + 1; j < n && !distinct; j++)
            distinct = same_variant_row(g, &runs[j]) &&
                       !eb_cell_fields_equal(g, &runs[j], EB_CELL_BACKEND | EB_CELL_OPTIONS);
        if (!distinct)
            continue;
        if (!heading) {
            fprintf(f, "\n# The same variant across backends\n\n"
                       "p50 ratio to the fastest backend of each table; top-1 should agree "
                       "between backends that compute the same model.\n");
            heading = 1;
        }
        char variant[80];
        eb_render__one_line(variant, sizeof variant, g->variant);
        fprintf(f, "\n## %s · %s · %s%s%s · %d thread%s\n\n", variant, g->device, g->condition,
                g->sweep[0] ? " · " : "", g->sweep, g->threads, g->threads == 1 ? "" : "s");
        fprintf(f, "| backend | status | p50 %s | x fastest | p99 %s | stability | top-1 %% | "
                   "agreement %% |\n| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |\n",
                u->name, u->name);
        for (int j = i; j < n; j++) {
            const eb_run_record *r = &runs[j];
            if (done[j] || !same_variant_row(g, r))
                continue;
            done[j] = 1;
            char backend[EB_BACKEND_LABEL_MAX], p50[32], p99[32], ratio[32], t1[32], agree[32];
            eb_backend_label(r, backend, sizeof backend);
            fmt_ns(p50, sizeof p50, r, r->summary.p50, u);
            fmt_ns(p99, sizeof p99, r, r->summary.p99, u);
            if (r->status == EB_RUN_OK && eb_render__has_samples(r) && fastest > 0)
                snprintf(ratio, sizeof ratio, "%.2f", r->summary.p50 / fastest);
            else
                snprintf(ratio, sizeof ratio, "-");
            fmt_metric(t1, sizeof t1, r, "top1", 100, "%.2f");
            fmt_metric(agree, sizeof agree, r, "agreement_with_reference", 100, "%.2f");
            char stab[48];
            stability_cell(stab, sizeof stab, r);
            fprintf(f, "| %s%s | %s | %s | %s | %s | %s | %s | %s |\n", backend,
                    r->repetition ? " (rep)" : "", eb_run_status_str(r->status), p50, ratio, p99,
                    stab, t1, agree);
        }
    }
    free(done);
    return 0;
}

int eb_render_variants(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n)
{
    eb_render__unit u = eb_render__pick_unit(runs, n);
    fprintf(f, "# Variant comparison\n\n");
    if (meta && meta->results_path)
        fprintf(f, "Results: `%s`\n\n", meta->results_path);
    fprintf(f, "%s\n", eb_render__variants_intro);
    if (eb_render__variant_tables(f, runs, n, &u, 0) < 0 || across_backends(f, runs, n, &u) < 0)
        return -1;
    return ferror(f) ? -1 : 0;
}
