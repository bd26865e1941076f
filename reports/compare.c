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

eb_verdict eb_ratio_verdict(double lo, double hi, double change, double tol)
{
    if (!isfinite(lo) || !isfinite(hi))
        return EB_VERDICT_UNSTABLE;
    if (lo > 1.0 + tol)
        return EB_VERDICT_SLOWER;
    if (hi > 1.0 + tol)
        return EB_VERDICT_UNSTABLE;
    if (hi < 1.0 - tol || (hi < 1.0 && change < -tol))
        return EB_VERDICT_FASTER;
    return EB_VERDICT_SAME;
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

/* Why a side cannot be judged at all (too few samples), or "". */
static void too_few(const eb_cell *c, const char *side, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (c->summary.n < EB_COMPARE_MIN_SAMPLES)
        snprintf(buf, cap, "%s has %llu samples (< %d)", side, (unsigned long long)c->summary.n,
                 EB_COMPARE_MIN_SAMPLES);
}

/* Notes on a side's own noise, shown with the verdict but not deciding it
 * (the ratio interval already carries both sides' uncertainty). */
static void noise_note(const eb_cell *c, const char *side, double tol, char *buf, size_t cap)
{
    size_t len = strlen(buf);
    if (isfinite(c->max_abs_drift) && c->max_abs_drift > tol)
        len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "; %s median drifted %.1f%%",
                                side, 100 * c->max_abs_drift);
    if (len < cap && isfinite(c->rep_spread) && c->rep_spread > tol)
        snprintf(buf + len, cap - len, "; %s repetitions' medians spread %.1f%%", side,
                 100 * c->rep_spread);
}

/* ---- the runs' own differences: a two-stage bootstrap ------------------
 * Samples of one run share its moment's load; a pooled bootstrap treats
 * them as independent and cannot see that two runs of the same build
 * differ. With at least two ok runs on each side, each resample draws runs
 * with replacement, then samples within each drawn run, and takes the
 * median of what it drew; the interval of the ratio then widens by the
 * spread between runs. */

static uint64_t sm64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t select_k(uint64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint64_t pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                uint64_t t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

static double median_u64(uint64_t *v, size_t n)
{
    if (n % 2)
        return (double)select_k(v, n, n / 2);
    double a = (double)select_k(v, n, n / 2 - 1), b = (double)select_k(v, n, n / 2);
    return (a + b) / 2.0;
}

/* One ok run's samples of what the cell compares: wall latencies, or for a
 * CPU view (eb_cell_cpu_view) the run's CPU time per inference. */
typedef struct run_samples {
    const uint64_t *wall; /* latency_ns, or NULL */
    const int64_t *cpu;   /* cpu_ns, or NULL */
    uint64_t n;
} run_samples;

static uint64_t run_sample(const run_samples *r, uint64_t k)
{
    return r->wall ? r->wall[k] : r->cpu[k] > 0 ? (uint64_t)r->cpu[k] : 0;
}

/* The ok runs with samples of a cell (at most cap). */
static int ok_runs(const eb_cell *c, run_samples *out, int cap)
{
    int n = 0;
    for (int i = 0; i < c->n_runs && n < cap; i++) {
        const eb_run_record *r = c->runs[i];
        if (r->status != EB_RUN_OK)
            continue;
        if (c->cpu_view) {
            const eb_run_array *a = eb_run_record_array(r, "cpu_ns");
            if (a && a->type == EB_ARRAY_I64 && a->cols <= 1 && a->rows > 0)
                out[n++] = (run_samples){.cpu = a->data, .n = a->rows};
        } else if (r->latency_ns && r->n > 0) {
            out[n++] = (run_samples){.wall = r->latency_ns, .n = r->n};
        }
    }
    return n;
}

/* One two-stage resample's median of a side. */
static double two_stage_median(const run_samples *runs, int n_runs, uint64_t *buf, uint64_t *rng)
{
    size_t m = 0;
    for (int r = 0; r < n_runs; r++) {
        const run_samples *run = &runs[sm64(rng) % (uint64_t)n_runs];
        for (uint64_t k = 0; k < run->n; k++)
            buf[m++] = run_sample(run, sm64(rng) % run->n);
    }
    return median_u64(buf, m);
}

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Widen out->ci by the two-stage interval when both sides have >= 2 runs.
 * Returns 1 when it was computed, 0 when not applicable, -1 out of memory. */
static int between_runs_interval(const eb_cell *base, const eb_cell *cand, double confidence,
                                 int resamples, uint64_t seed, double *lo, double *hi)
{
    enum { MAX_RUNS = 256 };
    run_samples rb[MAX_RUNS], rc[MAX_RUNS];
    int nb = ok_runs(base, rb, MAX_RUNS), nc = ok_runs(cand, rc, MAX_RUNS);
    if (nb < 2 || nc < 2)
        return 0;
    size_t maxb = 0, maxc = 0;
    for (int i = 0; i < nb; i++)
        maxb = rb[i].n > maxb ? rb[i].n : maxb;
    for (int i = 0; i < nc; i++)
        maxc = rc[i].n > maxc ? rc[i].n : maxc;
    size_t cap = (maxb * (size_t)nb > maxc * (size_t)nc ? maxb * (size_t)nb : maxc * (size_t)nc);
    uint64_t *buf = malloc(cap * sizeof *buf);
    double *ratios = malloc((size_t)resamples * sizeof *ratios);
    if (!buf || !ratios) {
        free(buf);
        free(ratios);
        return -1;
    }
    uint64_t rng = seed ^ 0x72756e73ull; /* "runs" */
    int n = 0;
    for (int k = 0; k < resamples; k++) {
        double mb = two_stage_median(rb, nb, buf, &rng);
        double mc = two_stage_median(rc, nc, buf, &rng);
        if (mb > 0)
            ratios[n++] = mc / mb;
    }
    free(buf);
    if (n < 10) {
        free(ratios);
        return 0;
    }
    qsort(ratios, (size_t)n, sizeof *ratios, cmp_dbl);
    double qlo = (1 - confidence) / 2 * (n - 1), qhi = (1 + confidence) / 2 * (n - 1);
    size_t il = (size_t)qlo, ih = (size_t)qhi;
    *lo = ratios[il] + (qlo - (double)il) * (il + 1 < (size_t)n ? ratios[il + 1] - ratios[il] : 0);
    *hi = ratios[ih] + (qhi - (double)ih) * (ih + 1 < (size_t)n ? ratios[ih + 1] - ratios[ih] : 0);
    free(ratios);
    return 1;
}

/* A side's share of the CPU while it measured (the run metric cpu_share,
 * CPU time / (wall x threads)), averaged over its ok runs; 0 when a run
 * lacks it (older files, hosts without a process CPU clock). */
static int side_cpu_share(const eb_cell *c, double *out)
{
    double sum = 0;
    int n = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        double v;
        if (r->status != EB_RUN_OK)
            continue;
        if (!eb_run_record_metric(r, "cpu_share", &v) || !(v > 0) || !isfinite(v))
            return 0;
        sum += v;
        n++;
    }
    if (!n)
        return 0;
    *out = sum / n;
    return 1;
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
    double rlo, rhi;
    int between = between_runs_interval(base, cand, o->confidence, resamples, o->seed, &rlo, &rhi);
    if (between < 0)
        return -1;
    if (between == 1) {
        out->ci.lo = rlo < out->ci.lo ? rlo : out->ci.lo;
        out->ci.hi = rhi > out->ci.hi ? rhi : out->ci.hi;
    }

    char few[160];
    for (int i = 0; i < 2; i++) {
        too_few(sides[i], names[i], few, sizeof few);
        if (few[0]) {
            out->verdict = EB_VERDICT_UNSTABLE;
            snprintf(out->why, sizeof out->why, "%s (change %+.1f%%)", few, 100 * out->change);
            return 0;
        }
    }
    double tol = o->tolerance;
    out->verdict = eb_ratio_verdict(out->ci.lo, out->ci.hi, out->change, tol);
    double p = out->change >= 0 ? out->mwu.p_greater : out->mwu.p_less;
    /* the one-sided test must agree with the interval (it always does in
     * practice: an interval clear of 1 comes with a tiny p) */
    if (out->verdict == EB_VERDICT_SLOWER && !(out->mwu.p_greater < o->alpha))
        out->verdict = EB_VERDICT_UNSTABLE;
    if (out->verdict == EB_VERDICT_FASTER && !(out->mwu.p_less < o->alpha))
        out->verdict = EB_VERDICT_SAME;
    /* a wall-time regression that the CPU share alone explains was measured
     * under different load, not caused by the candidate (CPU views are
     * already free of it) */
    double share_b, share_c;
    int load_differs = out->verdict == EB_VERDICT_SLOWER && !base->cpu_view &&
                       side_cpu_share(base, &share_b) && side_cpu_share(cand, &share_c) &&
                       share_c * (1.0 + tol) < share_b;
    if (load_differs)
        out->verdict = EB_VERDICT_UNSTABLE;
    char stats[192];
    snprintf(stats, sizeof stats, "%.0f%% CI of ratio [%.4f, %.4f], p=%.2g", 100 * o->confidence,
             out->ci.lo, out->ci.hi, p);
    double bound = 1.0 + tol;
    switch (out->verdict) {
    case EB_VERDICT_SLOWER:
        snprintf(out->why, sizeof out->why,
                 "median %+.1f%%, ratio interval above %.4f (tolerance %.1f%%): %s",
                 100 * out->change, bound, 100 * tol, stats);
        break;
    case EB_VERDICT_FASTER:
        snprintf(out->why, sizeof out->why, "median %+.1f%%, ratio interval below 1: %s",
                 100 * out->change, stats);
        break;
    case EB_VERDICT_UNSTABLE:
        if (load_differs)
            snprintf(out->why, sizeof out->why,
                     "median %+.1f%%, ratio interval above %.4f (%s), but the sides ran under "
                     "different load: the candidate got %.0f%% of its CPU time, the baseline "
                     "%.0f%% (cpu_share), which alone explains %+.0f%%; re-measure both sides "
                     "(gate --confirm) or gate on cpu_p50_ms",
                     100 * out->change, bound, stats, 100 * share_c, 100 * share_b,
                     100 * (share_b / share_c - 1.0));
        else
            snprintf(out->why, sizeof out->why,
                     "median %+.1f%%, ratio interval straddles %.4f (tolerance %.1f%%): %s; "
                     "more samples needed (gate --confirm)",
                     100 * out->change, bound, 100 * tol, stats);
        break;
    default:
        snprintf(out->why, sizeof out->why,
                 "median %+.1f%% within %.1f%%, ratio interval below %.4f: %s", 100 * out->change,
                 100 * tol, bound, stats);
    }
    noise_note(base, "baseline", tol, out->why, sizeof out->why);
    noise_note(cand, "candidate", tol, out->why, sizeof out->why);
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

/* Up to 8 distinct device ids of cs, comma-separated, then up to 6 cell
 * labels; appended to buf. */
static void side_summary(const eb_cells *cs, const char *name, char *buf, size_t cap)
{
    size_t len = strlen(buf);
#define PUT(...)                                                                                   \
    do {                                                                                           \
        if (len < cap)                                                                             \
            len += (size_t)snprintf(buf + len, cap - len, __VA_ARGS__);                          \
    } while (0)
    PUT("%s%s: device ids ", len ? "\n  " : "  ", name);
    int shown = 0;
    for (size_t i = 0; i < cs->n && shown < 8; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(cs->cells[k].first->device, cs->cells[i].first->device) == 0;
        if (seen)
            continue;
        PUT("%s'%s'", shown ? ", " : "", cs->cells[i].first->device);
        shown++;
    }
    if (!cs->n)
        PUT("(none: no runs)");
    PUT("; %zu cell%s", cs->n, cs->n == 1 ? "" : "s");
    for (size_t i = 0; i < cs->n && i < 6; i++)
        PUT("%s%s", i ? ", " : ": ", cs->cells[i].label);
    if (cs->n > 6)
        PUT(", ...");
#undef PUT
}

void eb_cells_explain_no_match(const eb_cells *base, const char *base_name, const eb_cells *cand,
                               const char *cand_name, char *buf, size_t cap)
{
    if (!cap)
        return;
    snprintf(buf, cap, "no cell of %s matches a cell of %s (a cell is device, scenario, backend, "
                       "variant, condition, sweep and threads):",
             cand_name, base_name);
    side_summary(base, base_name, buf, cap);
    side_summary(cand, cand_name, buf, cap);
    int same_dev = 0;
    for (size_t i = 0; i < base->n && !same_dev; i++)
        for (size_t k = 0; k < cand->n && !same_dev; k++)
            same_dev = strcmp(base->cells[i].first->device, cand->cells[k].first->device) == 0;
    size_t len = strlen(buf);
    if (!same_dev && base->n && cand->n && len < cap)
        snprintf(buf + len, cap - len,
                 "\n  the device ids differ: measure both on the same hardware and give both runs "
                 "the same `--device-id ID` (the default id is derived from the CPU, cores and "
                 "memory, see `edgebench probe`)");
}
