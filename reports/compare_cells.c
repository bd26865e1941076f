/* Grouping the runs of a results file into cells (see compare_cells.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/compare_cells.h"
#include "results/backend_label.h"
#include "results/cell_key.h"

int eb_cell_same_key(const eb_cell *a, const eb_cell *b)
{
    return a->occurrence == b->occurrence && eb_cell_fields_equal(a->first, b->first, EB_CELL_ALL);
}

const eb_cell *eb_cells_find(const eb_cells *cs, const eb_cell *c)
{
    for (size_t i = 0; i < cs->n; i++)
        if (eb_cell_same_key(&cs->cells[i], c))
            return &cs->cells[i];
    /* Options changed between the files, but nothing else could be meant:
     * one entry of the backend on each side (an A/B by option, or an old
     * file with no options stored). With several entries on either side
     * only equal options pair, so entries never cross. */
    if (c->option_twins != 1)
        return NULL;
    for (size_t i = 0; i < cs->n; i++)
        if (cs->cells[i].option_twins == 1 &&
            eb_cell_fields_equal(cs->cells[i].first, c->first, EB_CELL_ALL & ~EB_CELL_OPTIONS))
            return &cs->cells[i];
    return NULL;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median_d(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static int finish_cell(eb_cell *c)
{
    const eb_run_record *r0 = c->first;
    char backend[EB_BACKEND_LABEL_MAX];
    eb_backend_label(r0, backend, sizeof backend);
    if (r0->sweep[0])
        snprintf(c->label, sizeof c->label, "%.60s/%.400s/%.60s/%.60s %.250s threads=%d", r0->device,
                 backend, r0->variant, r0->condition, r0->sweep, r0->threads);
    else
        snprintf(c->label, sizeof c->label, "%.60s/%.400s/%.60s/%.60s threads=%d", r0->device,
                 backend, r0->variant, r0->condition, r0->threads);
    if (c->occurrence > 0) {
        size_t len = strlen(c->label);
        snprintf(c->label + len, sizeof c->label - len, " #%d", c->occurrence + 1);
    }
    size_t total = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        if (r->status == EB_RUN_OK) {
            c->n_ok++;
            if (r->latency_ns)
                total += r->n;
        } else if (!c->bad) {
            c->bad = r;
        }
    }
    c->max_abs_drift = NAN;
    c->rep_spread = NAN;
    double *medians = malloc(((size_t)c->n_runs + 1) * sizeof *medians);
    if (!medians)
        return -1;
    int n_med = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        if (r->status != EB_RUN_OK || r->summary.n == 0)
            continue;
        if (isfinite(r->summary.drift) &&
            (isnan(c->max_abs_drift) || fabs(r->summary.drift) > c->max_abs_drift))
            c->max_abs_drift = fabs(r->summary.drift);
        if (isfinite(r->summary.p50))
            medians[n_med++] = r->summary.p50;
    }
    if (n_med >= 2) {
        double lo = medians[0], hi = medians[0];
        for (int i = 1; i < n_med; i++) {
            lo = medians[i] < lo ? medians[i] : lo;
            hi = medians[i] > hi ? medians[i] : hi;
        }
        double mid = median_d(medians, n_med);
        c->rep_spread = mid > 0 ? (hi - lo) / mid : NAN;
    }
    free(medians);
    if (total > 0) {
        c->samples = malloc(total * sizeof *c->samples);
        if (!c->samples)
            return -1;
        for (int i = 0; i < c->n_runs; i++) {
            const eb_run_record *r = c->runs[i];
            if (r->status == EB_RUN_OK && r->latency_ns) {
                memcpy(c->samples + c->n_samples, r->latency_ns, r->n * sizeof *c->samples);
                c->n_samples += r->n;
            }
        }
    }
    if (c->n_runs == 1 && c->runs[0]->status == EB_RUN_OK && !c->samples) {
        c->summary = c->runs[0]->summary; /* read without samples: the stored summary */
        return 0;
    }
    return eb_stats_summarize(c->samples, c->n_samples, NULL, NULL, &c->summary);
}

int eb_cells_build(const eb_results *r, eb_cells **out)
{
    eb_cells *cs = calloc(1, sizeof *cs);
    if (!cs)
        return -1;
    cs->results = r;
    cs->cells = calloc(r->n_runs ? r->n_runs : 1, sizeof *cs->cells);
    if (!cs->cells) {
        free(cs);
        return -1;
    }
    for (size_t i = 0; i < r->n_runs; i++) {
        const eb_run_record *rec = &r->runs[i];
        int base = rec->cell_index - rec->repetition;
        eb_cell *hit = NULL;
        int occ = 0;
        for (size_t k = 0; k < cs->n; k++) {
            eb_cell *c = &cs->cells[k];
            if (!eb_cell_fields_equal(c->first, rec, EB_CELL_ALL))
                continue;
            if (c->base_index == base) {
                hit = c;
                break;
            }
            occ++;
        }
        if (!hit) {
            hit = &cs->cells[cs->n++];
            hit->first = rec;
            hit->base_index = base;
            hit->occurrence = occ;
            hit->runs = calloc(r->n_runs, sizeof *hit->runs);
            if (!hit->runs) {
                eb_cells_free(cs);
                return -1;
            }
        }
        hit->runs[hit->n_runs++] = rec;
    }
    for (size_t k = 0; k < cs->n; k++)
        for (size_t j = 0; j < cs->n; j++)
            cs->cells[k].option_twins += eb_cell_fields_equal(cs->cells[k].first, cs->cells[j].first,
                                                              EB_CELL_ALL & ~EB_CELL_OPTIONS);
    for (size_t k = 0; k < cs->n; k++)
        if (finish_cell(&cs->cells[k]) != 0) {
            eb_cells_free(cs);
            return -1;
        }
    *out = cs;
    return 0;
}

void eb_cells_free(eb_cells *cs)
{
    if (!cs)
        return;
    for (size_t k = 0; k < cs->n; k++) {
        free(cs->cells[k].runs);
        free(cs->cells[k].samples);
    }
    free(cs->cells);
    free(cs);
}

int eb_cell_cpu_samples(const eb_cell *c, uint64_t **out, size_t *n)
{
    size_t total = 0;
    *out = NULL;
    *n = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        const eb_run_array *a = r->status == EB_RUN_OK ? eb_run_record_array(r, "cpu_ns") : NULL;
        if (a && a->type == EB_ARRAY_I64 && a->cols <= 1)
            total += a->rows;
    }
    if (total == 0)
        return 0;
    uint64_t *v = malloc(total * sizeof *v);
    if (!v)
        return -1;
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        const eb_run_array *a = r->status == EB_RUN_OK ? eb_run_record_array(r, "cpu_ns") : NULL;
        if (!a || a->type != EB_ARRAY_I64 || a->cols > 1)
            continue;
        const int64_t *d = a->data;
        for (uint64_t k = 0; k < a->rows; k++)
            v[(*n)++] = d[k] > 0 ? (uint64_t)d[k] : 0;
    }
    *out = v;
    return 1;
}

int eb_cell_cpu_view(const eb_cell *c, eb_cell *view)
{
    uint64_t *v;
    size_t n;
    int rc = eb_cell_cpu_samples(c, &v, &n);
    if (rc <= 0)
        return rc;
    *view = *c;
    view->samples = v;
    view->n_samples = n;
    view->max_abs_drift = NAN;
    view->rep_spread = NAN;
    view->cpu_view = 1;
    if (eb_stats_summarize(v, n, NULL, NULL, &view->summary) != 0) {
        free(v);
        return -1;
    }
    return 1;
}

int eb_cell_value(const eb_cell *c, const char *name, double *out)
{
    if (strncmp(name, "cpu_", 4) == 0 &&
        (!strcmp(name + 4, "p50") || !strcmp(name + 4, "p90") || !strcmp(name + 4, "p99") ||
         !strcmp(name + 4, "mean"))) {
        eb_cell view;
        if (eb_cell_cpu_view(c, &view) != 1)
            return 0;
        const eb_summary *s = &view.summary;
        double v = !strcmp(name + 4, "p50") ? s->p50 : !strcmp(name + 4, "p90") ? s->p90
                 : !strcmp(name + 4, "p99") ? s->p99 : s->mean;
        free(view.samples);
        if (s->n == 0 || !isfinite(v))
            return 0;
        *out = v;
        return 1;
    }
    const struct {
        const char *name;
        size_t off;
    } pooled[] = {
        {"p50", offsetof(eb_summary, p50)},   {"p90", offsetof(eb_summary, p90)},
        {"p95", offsetof(eb_summary, p95)},   {"p99", offsetof(eb_summary, p99)},
        {"p999", offsetof(eb_summary, p999)}, {"mean", offsetof(eb_summary, mean)},
    };
    for (size_t i = 0; i < sizeof pooled / sizeof pooled[0]; i++)
        if (strcmp(name, pooled[i].name) == 0) {
            if (c->summary.n == 0)
                return 0;
            double v = *(const double *)((const char *)&c->summary + pooled[i].off);
            if (!isfinite(v))
                return 0;
            *out = v;
            return 1;
        }
    double vals[256];
    int n = 0;
    for (int i = 0; i < c->n_runs && n < 256; i++) {
        const eb_run_record *r = c->runs[i];
        if (r->status != EB_RUN_OK)
            continue;
        double v;
        if (strcmp(name, "peak_rss_bytes") == 0) {
            if (r->peak_rss_bytes == 0)
                continue;
            v = (double)r->peak_rss_bytes;
        } else if (strcmp(name, "model_bytes") == 0) {
            if (r->model_bytes == 0)
                continue;
            v = (double)r->model_bytes;
        } else if (!eb_run_record_metric(r, name, &v) || !isfinite(v)) {
            continue;
        }
        vals[n++] = v;
    }
    if (n == 0)
        return 0;
    *out = median_d(vals, n);
    return 1;
}

int eb_cell_hits(const eb_cell *c, uint64_t *hits, uint64_t *n)
{
    int found = 0;
    *hits = *n = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const eb_run_record *r = c->runs[i];
        const eb_run_array *a = r->status == EB_RUN_OK ? eb_run_record_array(r, "accuracy/correct") : NULL;
        if (!a || a->type != EB_ARRAY_U8 || a->cols > 1)
            continue;
        const uint8_t *v = a->data;
        for (uint64_t k = 0; k < a->rows; k++)
            *hits += v[k] != 0;
        *n += a->rows;
        found = 1;
    }
    return found && *n > 0;
}
