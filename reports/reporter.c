/* The table of reporters (reporter.h). Each format's functions live with
 * the format's code: render_*.c (runs), compare_render.c (comparison),
 * gate_render.c and junit_gate.c (gate), plot_table.c (svg). */
#include "reports/reporter.h"

#include <string.h>

#include "reports/plot.h"

static const eb_reporter reporters[] = {
    {.name = "text", .description = "aligned table for terminals", .runs = eb_render_text,
     .comparison = eb_compare_write_text, .gate = eb_gate_write_text},
    {.name = "md", .description = "GitHub Markdown", .runs = eb_render_md,
     .comparison = eb_compare_write_md, .gate = eb_gate_write_markdown},
    {.name = "json", .description = "JSON document (edgebench-report / -compare / -gate)",
     .runs = eb_render_json, .comparison = eb_compare_write_json, .gate = eb_gate_write_json},
    {.name = "csv", .description = "CSV, RFC 4180, one row per run", .runs = eb_render_csv},
    {.name = "variants",
     .description = "Markdown: compression variants side by side per backend and condition",
     .runs = eb_render_variants},
    {.name = "html", .description = "one self-contained HTML file with SVG charts",
     .runs = eb_render_html},
    {.name = "svg", .description = "a directory of standalone SVG charts (-o DIR)",
     .runs_dir = eb_plots_write_dir},
    {.name = "junit", .description = "JUnit XML, one test case per budget check",
     .gate = eb_gate_write_junit},
};

enum { N_REPORTERS = sizeof reporters / sizeof reporters[0] };

const eb_reporter *eb_reporters(int *count)
{
    *count = N_REPORTERS;
    return reporters;
}

static int has_kind(const eb_reporter *r, eb_report_kind kind)
{
    switch (kind) {
    case EB_REPORT_RUNS:
        return r->runs || r->runs_dir;
    case EB_REPORT_COMPARISON:
        return r->comparison != NULL;
    case EB_REPORT_GATE:
        return r->gate != NULL;
    }
    return 0;
}

const eb_reporter *eb_reporter_find(const char *name, eb_report_kind kind)
{
    for (int i = 0; name && i < N_REPORTERS; i++)
        if (strcmp(reporters[i].name, name) == 0)
            return has_kind(&reporters[i], kind) ? &reporters[i] : NULL;
    return NULL;
}

void eb_reporter_names(eb_report_kind kind, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap)
        buf[0] = '\0';
    for (int i = 0; i < N_REPORTERS; i++)
        if (has_kind(&reporters[i], kind) && n < cap)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", reporters[i].name);
}
