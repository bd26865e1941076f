/* Text, Markdown and JSON output of edgebench compare.
 *
 * text: one line per matched cell (verdict, cell, medians, change, ratio
 *       interval, p), the reason and the other metrics indented below, then
 *       the unmatched cells and a count of verdicts.
 * md:   the same as a GitHub table, for a pull-request comment.
 * json: {"format": "edgebench-compare", "version": 1, ...}: every number
 *       of the comparison; latencies in ns, not measured / undefined = null. */
#include <math.h>
#include <string.h>

#include "common/escape.h"
#include "reports/compare.h"
#include "results/backend_label.h"

static void num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

static void us(char *buf, size_t cap, int has, double ns)
{
    if (has && isfinite(ns))
        snprintf(buf, cap, "%.1f", ns / 1e3);
    else
        snprintf(buf, cap, "-");
}

/* "p90 +3.1%, peak_rss_bytes not measured, top1 -0.020" */
static void metric_line(char *buf, size_t cap, const eb_cell_compare *c)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 1; i < EB_COMPARE_N_METRICS; i++) {
        const eb_metric_change *m = &c->metrics[i];
        const char *sep = len ? ", " : "";
        if (!m->has_base && !m->has_cand)
            continue; /* measured on neither side: nothing to say */
        if (!m->has_base || !m->has_cand)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s not measured in the %s", sep,
                                    m->name, m->has_base ? "candidate" : "baseline");
        else if (strcmp(m->name, "top1") == 0 && isfinite(m->p_worse))
            len += (size_t)snprintf(buf + len, cap - len, "%s%s %.4f -> %.4f (%+.4f, p=%.2g lower)",
                                    sep, m->name, m->base, m->cand, m->change, m->p_worse);
        else if (strcmp(m->name, "top1") == 0)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s %.4f -> %.4f (%+.4f)", sep,
                                    m->name, m->base, m->cand, m->change);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%s%s %+.1f%%", sep, m->name,
                                    100 * m->change);
        if (len >= cap)
            return;
    }
}

/* A pair matched across different backend options (compare_cells.h: the
 * only entry of its backend on each side): the candidate's backend as
 * eb_backend_label names it into buf, 1; else 0. */
static int cand_backend_differs(const eb_cell_compare *x, char *buf, size_t cap)
{
    if (strcmp(x->base->first->backend_options, x->cand->first->backend_options) == 0)
        return 0;
    char base[EB_BACKEND_LABEL_MAX], cand[EB_BACKEND_LABEL_MAX];
    eb_backend_label(x->base->first, base, sizeof base);
    eb_backend_label(x->cand->first, cand, sizeof cand);
    if (strcmp(base, cand) == 0) /* only swept options differ: the sweep shows them */
        return 0;
    snprintf(buf, cap, "%s", cand);
    return 1;
}

int eb_compare_write_text(FILE *f, const eb_comparison *c, const char *bp, const char *cp)
{
    fprintf(f, "edgebench compare: %s -> %s (tolerance %.1f%%, alpha %g, %d bootstrap resamples)\n\n",
            bp, cp, 100 * c->options.tolerance, c->options.alpha, c->options.resamples);
    /* "µs" is 2 bytes for 1 column: one byte more of width keeps the columns */
    fprintf(f, "%-9s %-48s %13s %13s %8s %20s %9s\n", "verdict", "cell", "p50 base µs",
            "p50 cand µs", "change", "ratio 95% CI", "p");
    char b[32], k[32], ci[48], other[512];
    for (size_t i = 0; i < c->n; i++) {
        const eb_cell_compare *x = &c->items[i];
        us(b, sizeof b, x->metrics[0].has_base, x->metrics[0].base);
        us(k, sizeof k, x->metrics[0].has_cand, x->metrics[0].cand);
        if (x->have_stats)
            snprintf(ci, sizeof ci, "[%.4f, %.4f]", x->ci.lo, x->ci.hi);
        else
            snprintf(ci, sizeof ci, "-");
        char chg[16] = "-", p[16] = "-";
        if (isfinite(x->change))
            snprintf(chg, sizeof chg, "%+.1f%%", 100 * x->change);
        if (x->have_stats)
            snprintf(p, sizeof p, "%.2g", x->change >= 0 ? x->mwu.p_greater : x->mwu.p_less);
        fprintf(f, "%-9s %-48s %12s %12s %8s %20s %9s\n", eb_verdict_str(x->verdict),
                x->base->label, b, k, chg, ci, p);
        fprintf(f, "          %s\n", x->why);
        char cand_backend[EB_BACKEND_LABEL_MAX];
        if (cand_backend_differs(x, cand_backend, sizeof cand_backend))
            fprintf(f, "          candidate backend: %s\n", cand_backend);
        metric_line(other, sizeof other, x);
        if (other[0])
            fprintf(f, "          %s\n", other);
    }
    if (c->n_only_base || c->n_only_cand) {
        fprintf(f, "\nunmatched cells:\n");
        for (size_t i = 0; i < c->n_only_base; i++)
            fprintf(f, "  only in baseline:  %s\n", c->only_base[i]->label);
        for (size_t i = 0; i < c->n_only_cand; i++)
            fprintf(f, "  only in candidate: %s\n", c->only_cand[i]->label);
    }
    fprintf(f, "\n%zu matched: %d slower, %d faster, %d same, %d unstable, %d failed; %zu only in "
               "baseline, %zu only in candidate\n",
            c->n, c->counts[EB_VERDICT_SLOWER], c->counts[EB_VERDICT_FASTER],
            c->counts[EB_VERDICT_SAME], c->counts[EB_VERDICT_UNSTABLE],
            c->counts[EB_VERDICT_FAILED], c->n_only_base, c->n_only_cand);
    return ferror(f) ? -1 : 0;
}

int eb_compare_write_md(FILE *f, const eb_comparison *c, const char *bp, const char *cp)
{
    fprintf(f, "# edgebench compare\n\n- baseline: `%s`\n- candidate: `%s`\n- tolerance %.1f%%, "
               "alpha %g\n\n",
            bp, cp, 100 * c->options.tolerance, c->options.alpha);
    fprintf(f, "**%d slower**, %d faster, %d same, %d unstable, %d failed, %zu unmatched\n\n",
            c->counts[EB_VERDICT_SLOWER], c->counts[EB_VERDICT_FASTER],
            c->counts[EB_VERDICT_SAME], c->counts[EB_VERDICT_UNSTABLE],
            c->counts[EB_VERDICT_FAILED], c->n_only_base + c->n_only_cand);
    fprintf(f, "| verdict | cell | p50 base µs | p50 candidate µs | change | ratio 95%% CI | why |\n");
    fprintf(f, "| --- | --- | ---: | ---: | ---: | --- | --- |\n");
    char b[32], k[32], other[512];
    for (size_t i = 0; i < c->n; i++) {
        const eb_cell_compare *x = &c->items[i];
        us(b, sizeof b, x->metrics[0].has_base, x->metrics[0].base);
        us(k, sizeof k, x->metrics[0].has_cand, x->metrics[0].cand);
        fprintf(f, "| %s%s%s | ", x->verdict == EB_VERDICT_SLOWER ? "**" : "",
                eb_verdict_str(x->verdict), x->verdict == EB_VERDICT_SLOWER ? "**" : "");
        eb_md_text(f, x->base->label);
        char cand_backend[EB_BACKEND_LABEL_MAX];
        if (cand_backend_differs(x, cand_backend, sizeof cand_backend)) {
            fputs(" (candidate: ", f);
            eb_md_text(f, cand_backend);
            fputs(")", f);
        }
        fprintf(f, " | %s | %s | ", b, k);
        if (isfinite(x->change))
            fprintf(f, "%+.1f%%", 100 * x->change);
        else
            fputs("-", f);
        if (x->have_stats)
            fprintf(f, " | [%.4f, %.4f] | ", x->ci.lo, x->ci.hi);
        else
            fputs(" | - | ", f);
        eb_md_text(f, x->why);
        metric_line(other, sizeof other, x);
        if (other[0]) {
            fputs("; ", f);
            eb_md_text(f, other);
        }
        fputs(" |\n", f);
    }
    if (c->n_only_base || c->n_only_cand) {
        fputs("\n## Unmatched cells\n\n", f);
        for (size_t i = 0; i < c->n_only_base; i++) {
            fputs("- only in baseline: ", f);
            eb_md_text(f, c->only_base[i]->label);
            fputc('\n', f);
        }
        for (size_t i = 0; i < c->n_only_cand; i++) {
            fputs("- only in candidate: ", f);
            eb_md_text(f, c->only_cand[i]->label);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

static void json_cell_key(FILE *f, const eb_cell *c)
{
    const eb_run_record *r = c->first;
    fputs("\"cell\": ", f);
    eb_json_str(f, c->label);
    fputs(", \"device\": ", f);
    eb_json_str(f, r->device);
    fputs(", \"scenario\": ", f);
    eb_json_str(f, r->scenario);
    fputs(", \"backend\": ", f);
    eb_json_str(f, r->backend);
    fputs(", \"backend_options\": ", f);
    eb_json_str(f, r->backend_options);
    fputs(", \"variant\": ", f);
    eb_json_str(f, r->variant);
    fputs(", \"condition\": ", f);
    eb_json_str(f, r->condition);
    fputs(", \"sweep\": ", f);
    eb_json_str(f, r->sweep);
    fprintf(f, ", \"threads\": %d", r->threads);
}

int eb_compare_write_json(FILE *f, const eb_comparison *c, const char *bp, const char *cp)
{
    fputs("{\n  \"format\": \"edgebench-compare\",\n  \"version\": 1,\n  \"baseline\": ", f);
    eb_json_str(f, bp);
    fputs(",\n  \"candidate\": ", f);
    eb_json_str(f, cp);
    fprintf(f, ",\n  \"options\": {\"tolerance\": %g, \"alpha\": %g, \"confidence\": %g, "
               "\"resamples\": %d, \"seed\": %llu},\n",
            c->options.tolerance, c->options.alpha, c->options.confidence, c->options.resamples,
            (unsigned long long)c->options.seed);
    fprintf(f, "  \"counts\": {\"slower\": %d, \"faster\": %d, \"same\": %d, \"unstable\": %d, "
               "\"failed\": %d, \"only_in_baseline\": %zu, \"only_in_candidate\": %zu},\n",
            c->counts[EB_VERDICT_SLOWER], c->counts[EB_VERDICT_FASTER], c->counts[EB_VERDICT_SAME],
            c->counts[EB_VERDICT_UNSTABLE], c->counts[EB_VERDICT_FAILED], c->n_only_base,
            c->n_only_cand);
    fputs("  \"cells\": [", f);
    for (size_t i = 0; i < c->n; i++) {
        const eb_cell_compare *x = &c->items[i];
        fputs(i ? ",\n    {" : "\n    {", f);
        json_cell_key(f, x->base);
        fputs(", \"candidate_backend_options\": ", f);
        eb_json_str(f, x->cand->first->backend_options);
        fputs(", \"verdict\": ", f);
        eb_json_str(f, eb_verdict_str(x->verdict));
        fputs(", \"why\": ", f);
        eb_json_str(f, x->why);
        fputs(", \"change\": ", f);
        num(f, x->change);
        fprintf(f, ", \"n_base\": %zu, \"n_candidate\": %zu", x->base->n_samples, x->cand->n_samples);
        if (x->have_stats) {
            fputs(", \"ratio\": ", f);
            num(f, x->ci.ratio);
            fputs(", \"ratio_ci\": [", f);
            num(f, x->ci.lo);
            fputs(", ", f);
            num(f, x->ci.hi);
            fputs("], \"mann_whitney\": {\"u_candidate\": ", f);
            num(f, x->mwu.u_b);
            fputs(", \"p_greater\": ", f);
            num(f, x->mwu.p_greater);
            fputs(", \"p_less\": ", f);
            num(f, x->mwu.p_less);
            fputs(", \"p_two_sided\": ", f);
            num(f, x->mwu.p_two_sided);
            fputs(", \"effect\": ", f);
            num(f, x->mwu.effect);
            fprintf(f, ", \"exact\": %s}", x->mwu.exact ? "true" : "false");
        } else {
            fputs(", \"ratio\": null, \"ratio_ci\": null, \"mann_whitney\": null", f);
        }
        fputs(", \"metrics\": {", f);
        for (int m = 0; m < EB_COMPARE_N_METRICS; m++) {
            const eb_metric_change *mc = &x->metrics[m];
            fprintf(f, "%s\"%s\": {\"baseline\": ", m ? ", " : "", mc->name);
            num(f, mc->has_base ? mc->base : NAN);
            fputs(", \"candidate\": ", f);
            num(f, mc->has_cand ? mc->cand : NAN);
            fputs(", \"change\": ", f);
            num(f, mc->change);
            fputs(", \"p_worse\": ", f);
            num(f, mc->p_worse);
            fputc('}', f);
        }
        fputs("}}", f);
    }
    fputs(c->n ? "\n  ],\n" : "],\n", f);
    const char *names[2] = {"only_in_baseline", "only_in_candidate"};
    const eb_cell *const *lists[2] = {c->only_base, c->only_cand};
    size_t ns[2] = {c->n_only_base, c->n_only_cand};
    for (int l = 0; l < 2; l++) {
        fprintf(f, "  \"%s\": [", names[l]);
        for (size_t i = 0; i < ns[l]; i++) {
            fputs(i ? ", {" : "{", f);
            json_cell_key(f, lists[l][i]);
            fputc('}', f);
        }
        fputs(l == 0 ? "],\n" : "]\n", f);
    }
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}
