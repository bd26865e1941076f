/* The variant comparison: the table a user reads to choose which
 * compression variant to ship. One Markdown table per backend and condition
 * (and sweep point), one row per variant run: latency, memory, size (plain
 * and gzip-compressed), weight sparsity, accuracy against labels, the drop
 * against the reference variant with McNemar's p, and the agreement with
 * its outputs (docs/accuracy.md). Metrics a run lacks print
 * as "-". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
static int same_group(const eb_run_record *a, const eb_run_record *b)
{
    return eb_cell_fields_equal(a, b, EB_CELL_ALL & ~EB_CELL_VARIANT);
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
        fprintf(f, "| backend | status | p50 %s | x fastest | p99 %s | stable | top-1 %% | "
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
            fprintf(f, "| %s%s | %s | %s | %s | %s | %s | %s | %s |\n", backend,
                    r->repetition ? " (rep)" : "", eb_run_status_str(r->status), p50, ratio, p99,
                    !eb_render__has_samples(r) ? "-" : r->summary.stable ? "yes" : "**no**", t1, agree);
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
    fprintf(f, "Top-1 and top-k against the dataset's labels; Δ top-1 in percentage points "
               "against the reference variant on the same samples, with McNemar's exact p "
               "(is the difference more than chance on these samples?); agreement = same top "
               "class as the reference variant run by `ref`; gzip = the model file "
               "compressed (gzip -6), sparsity = zero weights of Conv/Gemm/MatMul layers.\n");
    char *done = calloc((size_t)(n ? n : 1), 1);
    if (!done)
        return -1;
    for (int i = 0; i < n; i++) {
        if (done[i])
            continue;
        const eb_run_record *g = &runs[i];
        char cond[300];
        eb_render__one_line(cond, sizeof cond, g->condition_params[0] ? g->condition_params : "");
        char backend[EB_BACKEND_LABEL_MAX];
        eb_backend_label(g, backend, sizeof backend);
        fprintf(f, "\n## %s · %s · %s%s%s · %d thread%s\n\n", g->device, backend, g->condition,
                g->sweep[0] ? " · " : "", g->sweep, g->threads, g->threads == 1 ? "" : "s");
        if (cond[0])
            fprintf(f, "Condition parameters: `%s`\n\n", cond);
        fprintf(f, "| variant | status | p50 %s | p99 %s | stable | peak RSS | model size | gzip | "
                   "sparsity %% | top-1 %% | top-k %% | Δ top-1 pp | agreement %% | SNR dB |\n",
                u.name, u.name);
        fprintf(f, "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
                   "---: | ---: |\n");
        int n_unstable = 0;
        for (int j = i; j < n; j++) {
            const eb_run_record *r = &runs[j];
            if (done[j] || !same_group(g, r))
                continue;
            done[j] = 1;
            char p50[32], p99[32], rss[32], size[32], gz[32], sparse[32], t1[32], tk[32], drop[64],
                agree[32], snr[32];
            fmt_ns(p50, sizeof p50, r, r->summary.p50, &u);
            fmt_ns(p99, sizeof p99, r, r->summary.p99, &u);
            fmt_bytes(rss, sizeof rss, r->peak_rss_bytes);
            fmt_bytes(size, sizeof size, r->model_bytes);
            double gzb;
            fmt_bytes(gz, sizeof gz,
                      eb_run_record_metric(r, "model_gzip_bytes", &gzb) && gzb > 0 && gzb < 1e18
                          ? (uint64_t)gzb
                          : 0);
            fmt_metric(sparse, sizeof sparse, r, "weight_sparsity", 100, "%.1f");
            fmt_metric(t1, sizeof t1, r, "top1", 100, "%.2f");
            fmt_metric(tk, sizeof tk, r, "topk", 100, "%.2f");
            fmt_metric(agree, sizeof agree, r, "agreement_with_reference", 100, "%.2f");
            fmt_metric(snr, sizeof snr, r, "snr_db", 1, "%.1f");
            double d;
            double p;
            if (eb_run_record_metric(r, "top1_vs_reference", &d) && isfinite(d) &&
                eb_run_record_metric(r, "top1_vs_reference_p", &p) && isfinite(p))
                snprintf(drop, sizeof drop, "%+.2f (p=%.2g)", d * 100, p);
            else if (eb_run_record_metric(r, "top1_vs_reference", &d) && isfinite(d))
                snprintf(drop, sizeof drop, "%+.2f", d * 100);
            else if (!eb_run_record_metric(r, "agreement_with_reference", &d) &&
                     eb_run_record_metric(r, "top1", &d))
                snprintf(drop, sizeof drop, "(reference)");
            else
                snprintf(drop, sizeof drop, "-");
            char variant[80];
            eb_render__one_line(variant, sizeof variant, r->variant);
            const char *stable = !eb_render__has_samples(r) ? "-" : r->summary.stable ? "yes" : "**no**";
            n_unstable += eb_render__has_samples(r) && !r->summary.stable;
            fprintf(f, "| %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    variant, r->repetition ? " (rep)" : "", eb_run_status_str(r->status), p50, p99,
                    stable, rss, size, gz, sparse, t1, tk, drop, agree, snr);
        }
        /* Why a latency is not to be trusted, under the table it spoils:
         * a variant "faster" by less than its own noise is no finding. */
        if (n_unstable) {
            fputc('\n', f);
            for (int j = i; j < n; j++) {
                const eb_run_record *r = &runs[j];
                if (!same_group(g, r) || !eb_render__has_samples(r) || r->summary.stable)
                    continue;
                char why[200], variant[80];
                eb_render__one_line(why, sizeof why, r->summary.stability);
                eb_render__one_line(variant, sizeof variant, r->variant);
                fprintf(f, "- %s%s: unstable latency (%s): compare its p50 with care\n", variant,
                        r->repetition ? " (rep)" : "", why);
            }
        }
    }
    if (across_backends(f, runs, n, &u) < 0) {
        free(done);
        return -1;
    }
    free(done);
    return ferror(f) ? -1 : 0;
}
