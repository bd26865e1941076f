/* The table shared by the text and Markdown renderers: columns, time unit,
 * and the formatting of one run's cells. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/render_internal.h"
#include "results/backend_label.h"
#include "results/run_profile.h"

const eb_render__column eb_render__columns[EB_RENDER__N_COLS] = {
    {"id", 0, 0},      {"backend", 0, 0}, {"variant", 0, 0}, {"condition", 0, 0},
    {"sweep", 0, 0},   {"rep", 1, 0},     {"threads", 1, 0}, {"status", 0, 0},
    {"n", 1, 0},       {"p50", 1, 1},     {"p90", 1, 1},     {"p99", 1, 1},
    {"mean", 1, 1},    {"CV %", 1, 0},    {"verdict", 0, 0}, {"RSS MiB", 1, 0},
    {"model", 1, 0},   {"load ms", 1, 0}, {"cold ms", 1, 0}, {"device", 0, 0},
    {"scenario", 0, 0},
};

int eb_render__has_samples(const eb_run_record *r)
{
    return r->summary.n > 0;
}

int eb_render__is_unstable(const eb_run_record *r)
{
    return eb_render__has_samples(r) && !r->summary.stable;
}

eb_render__unit eb_render__pick_unit(const eb_run_record *runs, int n)
{
    static const eb_render__unit us = {"µs", 1e3, 1}, ms = {"ms", 1e6, 2};
    int any = 0;
    for (int i = 0; i < n; i++) {
        if (!eb_render__has_samples(&runs[i]) || isnan(runs[i].summary.p50))
            continue;
        if (runs[i].summary.p50 < 10e6)
            return us;
        any = 1;
    }
    return any ? ms : us;
}

void eb_render__header(char *buf, size_t cap, int i, const eb_render__unit *u)
{
    if (eb_render__columns[i].latency)
        snprintf(buf, cap, "%s %s", eb_render__columns[i].header, u->name);
    else
        snprintf(buf, cap, "%s", eb_render__columns[i].header);
}

void eb_render__one_line(char *buf, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        buf[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    buf[i] = '\0';
}

/* A string cell: "-" when empty. */
static void text_cell(char *buf, const char *s)
{
    if (!s[0])
        snprintf(buf, EB_RENDER__CELL, "-");
    else
        eb_render__one_line(buf, EB_RENDER__CELL, s);
}

static void latency_cell(char *buf, double ns, const eb_render__unit *u)
{
    if (isnan(ns))
        snprintf(buf, EB_RENDER__CELL, "-");
    else
        snprintf(buf, EB_RENDER__CELL, "%.*f", u->decimals, ns / u->ns);
}

/* Model sizes span bytes (test fixtures) to gigabytes: a binary unit per value. */
static void size_cell(char *buf, uint64_t bytes)
{
    if (bytes == 0)
        snprintf(buf, EB_RENDER__CELL, "-");
    else if (bytes < 1024)
        snprintf(buf, EB_RENDER__CELL, "%llu B", (unsigned long long)bytes);
    else if (bytes < 1024 * 1024)
        snprintf(buf, EB_RENDER__CELL, "%.1f KiB", (double)bytes / 1024.0);
    else if (bytes < 1024ull * 1024 * 1024)
        snprintf(buf, EB_RENDER__CELL, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
    else
        snprintf(buf, EB_RENDER__CELL, "%.2f GiB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
}

void eb_render__cells(const eb_run_record *r, const eb_render__unit *u,
                      char cells[EB_RENDER__N_COLS][EB_RENDER__CELL])
{
    const eb_summary *s = &r->summary;
    int has = eb_render__has_samples(r);
    text_cell(cells[0], r->id);
    char backend[EB_RENDER__CELL];
    eb_backend_label(r, backend, sizeof backend);
    text_cell(cells[1], backend);
    text_cell(cells[2], r->variant);
    text_cell(cells[3], r->condition);
    text_cell(cells[4], r->sweep);
    snprintf(cells[5], EB_RENDER__CELL, "%d", r->repetition);
    snprintf(cells[6], EB_RENDER__CELL, "%d", r->threads);
    snprintf(cells[7], EB_RENDER__CELL, "%s", eb_run_status_str(r->status));
    snprintf(cells[8], EB_RENDER__CELL, "%llu", (unsigned long long)r->n);
    latency_cell(cells[9], has ? s->p50 : NAN, u);
    latency_cell(cells[10], has ? s->p90 : NAN, u);
    latency_cell(cells[11], has ? s->p99 : NAN, u);
    latency_cell(cells[12], has ? s->mean : NAN, u);
    if (has && !isnan(s->cv))
        snprintf(cells[13], EB_RENDER__CELL, "%.1f", 100.0 * s->cv);
    else
        snprintf(cells[13], EB_RENDER__CELL, "-");
    snprintf(cells[14], EB_RENDER__CELL, "%s", !has ? "-" : s->stable ? "stable" : "unstable");
    if (r->peak_rss_bytes)
        snprintf(cells[15], EB_RENDER__CELL, "%.1f", (double)r->peak_rss_bytes / (1024.0 * 1024.0));
    else
        snprintf(cells[15], EB_RENDER__CELL, "-");
    size_cell(cells[16], r->model_bytes);
    /* start-up: load + prepare, and the cold first inference (metrics) */
    double v;
    if (eb_run_record_metric(r, "load_ms", &v) && isfinite(v))
        snprintf(cells[17], EB_RENDER__CELL, "%.1f", v);
    else
        snprintf(cells[17], EB_RENDER__CELL, "-");
    if (eb_run_record_metric(r, "first_inference_ms", &v) && isfinite(v))
        snprintf(cells[18], EB_RENDER__CELL, "%.2f", v);
    else
        snprintf(cells[18], EB_RENDER__CELL, "-");
    text_cell(cells[19], r->device);
    text_cell(cells[20], r->scenario);
}

void eb_render__label(char *buf, size_t cap, const eb_run_record *r)
{
    char raw[1024], backend[EB_RENDER__CELL];
    eb_backend_label(r, backend, sizeof backend);
    if (r->sweep[0])
        snprintf(raw, sizeof raw, "%s/%s/%s %s rep %d", backend, r->variant, r->condition, r->sweep,
                 r->repetition);
    else
        snprintf(raw, sizeof raw, "%s/%s/%s rep %d", backend, r->variant, r->condition, r->repetition);
    eb_render__one_line(buf, cap, raw);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int eb_render__metric_names(const eb_run_record *runs, int n, const char ***names)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += (size_t)runs[i].n_metrics;
    *names = NULL;
    if (total == 0)
        return 0;
    const char **v = malloc(total * sizeof *v);
    if (!v)
        return -1;
    size_t k = 0;
    for (int i = 0; i < n; i++)
        for (int m = 0; m < runs[i].n_metrics; m++)
            v[k++] = runs[i].metrics[m].name;
    qsort(v, k, sizeof *v, cmp_name);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
            v[u++] = v[i];
    *names = v;
    return (int)u;
}

void eb_render__num(FILE *f, double v)
{
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        fprintf(f, "%.0f", v);
        return;
    }
    char buf[32];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

int eb_render__golden_line(const eb_run_record *r, int k, char *buf, size_t cap)
{
    static const char suffix[] = ".mismatches";
    const size_t sl = sizeof suffix - 1;
    for (int i = 0; i < r->n_metrics; i++) {
        const char *n = r->metrics[i].name;
        size_t l = strlen(n);
        if (strncmp(n, "golden.", 7) != 0 || l <= 7 + sl || strcmp(n + l - sl, suffix) != 0 ||
            k-- > 0)
            continue;
        char leaf[EB_EXTRA_NAME_MAX], key[EB_EXTRA_NAME_MAX + 32];
        snprintf(leaf, sizeof leaf, "%.*s", (int)(l - 7 - sl), n + 7);
        double v[5] = {0, 0, 0, 0, 0};
        static const char *const names[5] = {"compared", "mismatch_fraction", "samples",
                                             "max_abs_err", "max_rel_err"};
        for (int j = 0; j < 5; j++) {
            snprintf(key, sizeof key, "golden.%s.%s", leaf, names[j]);
            eb_run_record_metric(r, key, &v[j]);
        }
        snprintf(key, sizeof key, "golden.%s.worst", leaf);
        const char *worst = eb_run_record_text(r, key);
        char line[1024];
        snprintf(line, sizeof line, "%s: %s, %.0f of %.0f elements differ (%.4g%%) over %.0f "
                 "samples, max abs err %.6g, max rel err %.6g%s%s", leaf,
                 r->metrics[i].value > 0 ? "FAIL" : "ok", r->metrics[i].value, v[0], 100 * v[1],
                 v[2], v[3], v[4], worst ? "; worst: " : "", worst ? worst : "");
        eb_render__one_line(buf, cap, line);
        return 1;
    }
    return 0;
}

int eb_render__profile_line(const eb_run_record *r, char *buf, size_t cap)
{
    const char *why = eb_run_record_text(r, "profile_unavailable");
    eb_run_profile p;
    int has = eb_run_profile_get(r, &p);
    if (has == 0) {
        if (!why)
            return 0;
        char line[600];
        snprintf(line, sizeof line, "not profiled: %s", why);
        eb_render__one_line(buf, cap, line);
        return 1;
    }
    if (has < 0) {
        snprintf(buf, cap, "profile arrays do not fit together (a damaged or edited file)");
        return 1;
    }
    double infer = NAN, iters = NAN;
    eb_run_record_metric(r, "profile_inference_ms", &infer);
    eb_run_record_metric(r, "profile_iterations", &iters);
    int n_ops;
    eb_op_sum *ops = eb_run_profile_by_op(&p, &n_ops);
    double whole = isfinite(infer) && infer > 0 ? infer * 1e6 : (double)p.sum_ns;
    char line[1024];
    int len = snprintf(line, sizeof line, "%.1f µs per inference (%.0f profiled), the %d timed "
                       "nodes cover %.1f%%:", whole / 1e3, iters, p.timed,
                       whole > 0 ? 100.0 * (double)p.sum_ns / whole : 0.0);
    /* the op types that matter: the first six, the rest summed */
    uint64_t rest = 0;
    for (int k = 0; ops && k < n_ops; k++) {
        if (k >= 6) {
            rest += ops[k].ns;
            continue;
        }
        if (len > 0 && (size_t)len < sizeof line)
            len += snprintf(line + len, sizeof line - (size_t)len, "%s %s %.1f%% (%d node%s)",
                            k ? "," : "", ops[k].op, whole > 0 ? 100.0 * (double)ops[k].ns / whole : 0,
                            ops[k].nodes, ops[k].nodes == 1 ? "" : "s");
    }
    if (rest && len > 0 && (size_t)len < sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, ", %d other op types %.1f%%", n_ops - 6,
                 whole > 0 ? 100.0 * (double)rest / whole : 0);
    eb_render__one_line(buf, cap, line);
    free(ops);
    eb_run_profile_free(&p);
    return 1;
}
