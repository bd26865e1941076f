/* The load patterns' tables of the text and Markdown reports (render_load.h). */
#include <math.h>
#include <string.h>

#include "common/escape.h"
#include "reports/render_devices.h"
#include "reports/render_load.h"

enum { MAX_COLS = 12 };

typedef struct table {
    int n_cols;
    const char *head[MAX_COLS];
    int latency[MAX_COLS]; /* header gets the unit */
} table;

static const table server_table = {
    11, {"id", "run", "target qps", "achieved qps", "issued", "completed", "p50", "p99",
         "bound ms", "search qps", "trials"},
    {0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0}};
static const table multi_table = {
    9, {"id", "run", "samples/query", "interval ms", "queries", "p50", "p99", "achieved qps",
        "inferences/s"},
    {0, 0, 0, 0, 0, 1, 1, 0, 0}};
static const table offline_table = {
    7, {"id", "run", "batch", "queries", "inferences", "inferences/s", "p50"},
    {0, 0, 0, 0, 0, 0, 1}};

const char *eb_render__load_pattern(const eb_run_record *r)
{
    const char *p = eb_run_record_text(r, "load.pattern");
    return p && p[0] ? p : "single_stream";
}

static void num(char *buf, const eb_run_record *r, const char *name, const char *fmt)
{
    double v;
    if (eb_run_record_metric(r, name, &v) == 1 && isfinite(v))
        snprintf(buf, EB_RENDER__CELL, fmt, v);
    else
        snprintf(buf, EB_RENDER__CELL, "-");
}

static void lat(char *buf, const eb_run_record *r, double ns, const eb_render__unit *u)
{
    if (r->summary.n > 0 && isfinite(ns))
        snprintf(buf, EB_RENDER__CELL, "%.*f", u->decimals, ns / u->ns);
    else
        snprintf(buf, EB_RENDER__CELL, "-");
}

static void cells_of(const char *pat, const eb_run_record *r, const eb_render__unit *u,
                     char c[MAX_COLS][EB_RENDER__CELL])
{
    eb_render__one_line(c[0], EB_RENDER__CELL, r->id);
    eb_render__label(c[1], EB_RENDER__CELL, r);
    if (strcmp(pat, "server") == 0) {
        num(c[2], r, "load.target_qps", "%.6g");
        num(c[3], r, "load.achieved_qps", "%.1f");
        num(c[4], r, "load.issued", "%.0f");
        num(c[5], r, "load.completed", "%.0f");
        lat(c[6], r, r->summary.p50, u);
        lat(c[7], r, r->summary.p99, u);
        double b;
        if (eb_run_record_metric(r, "load.latency_bound_ms", &b) == 1 && b > 0)
            snprintf(c[8], EB_RENDER__CELL, "%.6g %s", b,
                     r->summary.n > 0 && r->summary.p99 <= b * 1e6 ? "met" : "missed");
        else
            snprintf(c[8], EB_RENDER__CELL, "-");
        num(c[9], r, "load.search_qps", "%.1f");
        num(c[10], r, "load.trials", "%.0f");
    } else if (strcmp(pat, "multi_stream") == 0) {
        num(c[2], r, "load.samples_per_query", "%.0f");
        num(c[3], r, "load.interval_ms", "%.6g");
        num(c[4], r, "load.completed", "%.0f");
        lat(c[5], r, r->summary.p50, u);
        lat(c[6], r, r->summary.p99, u);
        num(c[7], r, "load.achieved_qps", "%.1f");
        num(c[8], r, "load.inferences_per_s", "%.1f");
    } else {
        num(c[2], r, "load.batch", "%.0f");
        num(c[3], r, "load.completed", "%.0f");
        num(c[4], r, "load.inferences", "%.0f");
        num(c[5], r, "load.inferences_per_s", "%.1f");
        lat(c[6], r, r->summary.p50, u);
    }
}

static int width_of(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void put_row(FILE *f, const table *t, char c[MAX_COLS][EB_RENDER__CELL], const int *w,
                    int markdown)
{
    if (markdown == EB_RENDER__HTML) {
        fputs("<tr>", f);
        for (int k = 0; k < t->n_cols; k++) {
            fputs(k >= 2 ? "<td>" : "<td class=\"l\">", f);
            eb_xml_text(f, c[k]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
        return;
    }
    for (int k = 0; k < t->n_cols; k++) {
        if (markdown) {
            fputs(k ? " " : "| ", f);
            eb_md_text(f, c[k]);
            fputs(" |", f);
            continue;
        }
        int pad = w[k] - width_of(c[k]);
        if (k)
            fputs("  ", f);
        if (k >= 2) /* numbers: right-aligned */
            fprintf(f, "%*s%s", pad, "", c[k]);
        else if (k == t->n_cols - 1)
            fputs(c[k], f);
        else
            fprintf(f, "%s%*s", c[k], pad, "");
    }
    fputc('\n', f);
}

static void put_table(FILE *f, const char *pat, const table *t, const eb_run_record *runs, int n,
                      const eb_render__unit *u, int markdown)
{
    char head[MAX_COLS][EB_RENDER__CELL], row[MAX_COLS][EB_RENDER__CELL];
    int w[MAX_COLS];
    for (int k = 0; k < t->n_cols; k++) {
        if (t->latency[k])
            snprintf(head[k], EB_RENDER__CELL, "%s %s", t->head[k], u->name);
        else
            snprintf(head[k], EB_RENDER__CELL, "%s", t->head[k]);
        w[k] = width_of(head[k]);
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(eb_render__load_pattern(&runs[i]), pat) != 0)
            continue;
        cells_of(pat, &runs[i], u, row);
        for (int k = 0; k < t->n_cols; k++)
            if (width_of(row[k]) > w[k])
                w[k] = width_of(row[k]);
    }
    if (markdown == EB_RENDER__HTML)
        fprintf(f, "<h3>%s</h3>\n<table>\n", pat);
    else if (markdown)
        fprintf(f, "\n### %s\n\n", pat);
    else
        fprintf(f, "\n%s:\n", pat);
    if (markdown == EB_RENDER__HTML) {
        fputs("<tr>", f);
        for (int k = 0; k < t->n_cols; k++) {
            fputs(k >= 2 ? "<th>" : "<th class=\"l\">", f);
            eb_xml_text(f, head[k]);
            fputs("</th>", f);
        }
        fputs("</tr>\n", f);
    } else {
        put_row(f, t, head, w, markdown);
    }
    for (int k = 0; k < t->n_cols && markdown != EB_RENDER__HTML; k++) {
        if (markdown)
            fprintf(f, "%s%s", k ? "" : "|", k >= 2 ? " ---: |" : " --- |");
        else {
            if (k)
                fputs("  ", f);
            for (int j = 0; j < w[k]; j++)
                fputc('-', f);
        }
    }
    if (markdown != EB_RENDER__HTML)
        fputc('\n', f);
    for (int i = 0; i < n; i++) {
        if (strcmp(eb_render__load_pattern(&runs[i]), pat) != 0)
            continue;
        cells_of(pat, &runs[i], u, row);
        put_row(f, t, row, w, markdown);
    }
    if (markdown == EB_RENDER__HTML)
        fputs("</table>\n", f);
}

int eb_render__any_load(const eb_run_record *runs, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(eb_render__load_pattern(&runs[i]), "single_stream") != 0)
            return 1;
    return 0;
}

int eb_render__load_sections(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u,
                             int markdown)
{
    static const struct {
        const char *pattern;
        const table *t;
    } order[] = {{"server", &server_table},
                 {"multi_stream", &multi_table},
                 {"offline", &offline_table}};
    int heading = 0;
    for (size_t p = 0; p < sizeof order / sizeof *order; p++) {
        int any = 0;
        for (int i = 0; i < n && !any; i++)
            any = strcmp(eb_render__load_pattern(&runs[i]), order[p].pattern) == 0;
        if (!any)
            continue;
        if (!heading++)
            fputs(markdown == EB_RENDER__HTML
                      ? "<h2 id=\"load\">Load patterns</h2>\n<p>Latency is per query, from its "
                        "scheduled start (docs/load-patterns.md).</p>\n"
                  : markdown ? "\n## Load patterns\n\nLatency is per query, from its scheduled "
                               "start (docs/load-patterns.md).\n"
                             : "\nLoad patterns (latency per query, from its scheduled start):\n",
                  f);
        put_table(f, order[p].pattern, order[p].t, runs, n, u, markdown);
    }
    return ferror(f) ? -1 : 0;
}
