/* Comparing two cells and two results files (rules in compare.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/compare.h"

void eb_compare_options_default(eb_compare_options *o)
{
    o->tolerance = 0.05;
    o->alpha = 0.01;
    o->confidence = 0.95;
    o->resamples = EB_RATIO_CI_RESAMPLES;
    o->seed = EB_RATIO_CI_SEED;
}

const char *eb_verdict_str(eb_verdict v)
{
    switch (v) {
    case EB_VERDICT_SAME: return "same";
    case EB_VERDICT_SLOWER: return "slower";
    case EB_VERDICT_FASTER: return "faster";
    case EB_VERDICT_UNSTABLE: return "unstable";
    case EB_VERDICT_FAILED: return "failed";
    }
    return "?";
}

static const char *const metric_names[EB_COMPARE_N_METRICS] = {
    "p50", "p90", "p99", "peak_rss_bytes", "energy_per_inference_j", "top1"};

/* Why a side is too noisy to call at tolerance tol, or "" when it is not. */
static void noise_reason(const eb_cell *c, const char *side, double tol, char *buf, size_t cap)
{
    const eb_summary *s = &c->summary;
    buf[0] = '\0';
    if (s->n < 10) {
        snprintf(buf, cap, "%s has %llu samples (< 10)", side, (unsigned long long)s->n);
        return;
    }
    double width = (s->median_ci_hi - s->median_ci_lo) / s->p50;
    if (isfinite(width) && width > tol) {
        snprintf(buf, cap, "%s median uncertain by %.1f%% (95%% CI width) > %.1f%%", side,
                 100 * width, 100 * tol);
        return;
    }
    if (isfinite(c->max_abs_drift) && c->max_abs_drift > tol) {
        snprintf(buf, cap, "%s median drifted %.1f%% during the run > %.1f%%", side,
                 100 * c->max_abs_drift, 100 * tol);
        return;
    }
    if (isfinite(c->rep_spread) && c->rep_spread > tol)
        snprintf(buf, cap, "%s repetitions' medians spread %.1f%% > %.1f%%", side,
                 100 * c->rep_spread, 100 * tol);
}

static void fill_metrics(const eb_cell *base, const eb_cell *cand, eb_cell_compare *out)
{
    for (int i = 0; i < EB_COMPARE_N_METRICS; i++) {
        eb_metric_change *m = &out->metrics[i];
        m->name = metric_names[i];
        m->has_base = base ? eb_cell_value(base, m->name, &m->base) : 0;
        m->has_cand = cand ? eb_cell_value(cand, m->name, &m->cand) : 0;
        m->change = NAN;
        m->p_worse = NAN;
        if (m->has_base && m->has_cand) {
            uint64_t kb, nb, kc, nc;
            double z, p_less, p_greater;
            if (strcmp(m->name, "top1") == 0 && eb_cell_hits(base, &kb, &nb) &&
                eb_cell_hits(cand, &kc, &nc) &&
                eb_two_proportion_test(kb, nb, kc, nc, &z, &p_less, &p_greater) == 0)
                m->p_worse = p_less;
            if (strcmp(m->name, "top1") == 0)
                m->change = m->cand - m->base;
            else if (m->base != 0)
                m->change = m->cand / m->base - 1.0;
        }
    }
}

int eb_compare_cell(const eb_cell *base, const eb_cell *cand, const eb_compare_options *o,
                    eb_cell_compare *out)
{
    memset(out, 0, sizeof *out);
    out->base = base;
    out->cand = cand;
    out->change = NAN;
    fill_metrics(base, cand, out);
    const eb_cell *sides[2] = {base, cand};
    const char *names[2] = {"baseline", "candidate"};
    for (int i = 0; i < 2; i++) {
        const eb_cell *c = sides[i];
        if (c->n_ok == 0 || c->n_samples == 0) {
            out->verdict = EB_VERDICT_FAILED;
            if (c->bad)
                snprintf(out->why, sizeof out->why, "%s %s: %.400s", names[i],
                         eb_run_status_str(c->bad->status), c->bad->message);
            else
                snprintf(out->why, sizeof out->why, "%s has no latency samples", names[i]);
            return 0;
        }
    }
    if (base->summary.p50 > 0)
        out->change = cand->summary.p50 / base->summary.p50 - 1.0;
    /* the bootstrap costs resamples x (na + nb) draws: bounded so that a
     * file of long cells still compares in seconds (500 resamples at least) */
    double draws = (double)(base->n_samples + cand->n_samples);
    int resamples = o->resamples;
    if (draws * resamples > EB_COMPARE_MAX_DRAWS)
        resamples = draws * 500 > EB_COMPARE_MAX_DRAWS ? 500 : (int)(EB_COMPARE_MAX_DRAWS / draws);
    if (eb_mann_whitney(base->samples, base->n_samples, cand->samples, cand->n_samples,
                        &out->mwu) != 0 ||
        eb_median_ratio_ci(base->samples, base->n_samples, cand->samples, cand->n_samples,
                           o->confidence, resamples, o->seed, &out->ci) != 0)
        return -1;
    out->have_stats = 1;

    char noise[256];
    for (int i = 0; i < 2; i++) {
        noise_reason(sides[i], names[i], o->tolerance, noise, sizeof noise);
        if (noise[0]) {
            out->verdict = EB_VERDICT_UNSTABLE;
            snprintf(out->why, sizeof out->why, "%s (change %+.1f%%)", noise, 100 * out->change);
            return 0;
        }
    }
    double tol = o->tolerance;
    int sig_slower = out->mwu.p_greater < o->alpha && out->ci.lo > 1.0;
    int sig_faster = out->mwu.p_less < o->alpha && out->ci.hi < 1.0;
    char stats[192];
    snprintf(stats, sizeof stats, "p=%.2g, %.0f%% CI of ratio [%.4f, %.4f]",
             out->change >= 0 ? out->mwu.p_greater : out->mwu.p_less, 100 * o->confidence,
             out->ci.lo, out->ci.hi);
    if (out->change > tol && sig_slower) {
        out->verdict = EB_VERDICT_SLOWER;
        snprintf(out->why, sizeof out->why, "median %+.1f%% > %.1f%%, significant (%s)",
                 100 * out->change, 100 * tol, stats);
    } else if (out->change < -tol && sig_faster) {
        out->verdict = EB_VERDICT_FASTER;
        snprintf(out->why, sizeof out->why, "median %+.1f%% < -%.1f%%, significant (%s)",
                 100 * out->change, 100 * tol, stats);
    } else {
        out->verdict = EB_VERDICT_SAME;
        if (fabs(out->change) > tol)
            snprintf(out->why, sizeof out->why, "median %+.1f%% but not significant (%s)",
                     100 * out->change, stats);
        else
            snprintf(out->why, sizeof out->why, "median %+.1f%% within %.1f%% (%s)",
                     100 * out->change, 100 * tol, stats);
    }
    return 0;
}

int eb_compare_results(const eb_results *base, const eb_results *cand, const eb_compare_options *o,
                       eb_comparison **out)
{
    eb_comparison *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->options = *o;
    if (eb_cells_build(base, &c->base_cells) != 0 || eb_cells_build(cand, &c->cand_cells) != 0)
        goto fail;
    size_t nb = c->base_cells->n, nc = c->cand_cells->n;
    c->items = calloc(nb ? nb : 1, sizeof *c->items);
    c->only_base = calloc(nb ? nb : 1, sizeof *c->only_base);
    c->only_cand = calloc(nc ? nc : 1, sizeof *c->only_cand);
    if (!c->items || !c->only_base || !c->only_cand)
        goto fail;
    for (size_t i = 0; i < nb; i++) {
        const eb_cell *b = &c->base_cells->cells[i];
        const eb_cell *m = eb_cells_find(c->cand_cells, b);
        if (!m) {
            c->only_base[c->n_only_base++] = b;
            continue;
        }
        if (eb_compare_cell(b, m, o, &c->items[c->n]) != 0)
            goto fail;
        c->counts[c->items[c->n].verdict]++;
        c->n++;
    }
    for (size_t i = 0; i < nc; i++) {
        const eb_cell *m = &c->cand_cells->cells[i];
        if (!eb_cells_find(c->base_cells, m))
            c->only_cand[c->n_only_cand++] = m;
    }
    *out = c;
    return 0;
fail:
    eb_comparison_free(c);
    return -1;
}

void eb_comparison_free(eb_comparison *c)
{
    if (!c)
        return;
    eb_cells_free(c->base_cells);
    eb_cells_free(c->cand_cells);
    free(c->items);
    free(c->only_base);
    free(c->only_cand);
    free(c);
}
