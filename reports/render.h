/* Report renderers: run records in, one document out (text, md, json, csv).
 *
 * Renderers only read run records (results/run_record.h) and never compute
 * statistics: the summary in each record is printed as it is. Each format is
 * a contract tested line by line (tests/test_render.c); a change to a format's
 * layout is a version change of that format.
 *
 * Shared rules of every format:
 *   - one row per run record, in the order given;
 *   - latency statistics are shown only for records with summary.n > 0; a
 *     missing value (no samples, a NAN statistic, peak RSS or model size 0 =
 *     unknown) prints as "-" in text, md and csv and as null in JSON;
 *   - runs whose status is not ok are listed below the table with their
 *     message (text, md); runs with samples whose verdict is unstable are
 *     listed with the reasons (csv and json carry both as columns/fields).
 *
 * Formats:
 *   text  aligned table for terminals. Latency in µs, or in ms when every
 *         run's p50 is at least 10 ms; the unit is in the column headers.
 *   md    GitHub Markdown: the same columns and unit rule as text.
 *   json  {"format": "edgebench-report", "version": 1, ..., "runs": [...]};
 *         latencies in ns (keys end in _ns), sizes in bytes, every summary
 *         field, non-finite numbers as null. See render_json.c.
 *   csv   RFC 4180 (CRLF line ends, fields with , " CR LF quoted, quotes
 *         doubled), one header row; latencies in µs with 3 decimals (ns
 *         resolution), sizes in bytes. See render_csv.c.
 * Numbers are printed with printf: the C locale is assumed. */
#ifndef EB_RENDER_H
#define EB_RENDER_H

#include <stdio.h>

#include "results/run_record.h"

/* Where the runs came from; printed in the document's heading. Any pointer
 * may be NULL (omitted in text and md, null in JSON, unused by csv). Owned by
 * the caller, read during the call only. */
typedef struct eb_report_meta {
    const char *results_path;   /* results file the runs were read from */
    const char *tool_version;   /* edgebench version that wrote the results */
    const char *created;        /* ISO 8601 UTC, when the results were written */
    const char *command;        /* command line that produced the results */
    const struct eb_results *results; /* the whole file (devices, scenarios), for the
                                       * html report's charts; NULL: charts from runs only */
} eb_report_meta;

/* Write the report of runs[0..n) to f. meta may be NULL; runs may be NULL
 * when n == 0. Returns 0, or -1 when writing to f failed (ferror). */
typedef int (*eb_render_fn)(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);

int eb_render_text(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);
int eb_render_md(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);
int eb_render_json(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);
int eb_render_csv(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);
/* Markdown, one table per backend x condition with the variants as rows:
 * latency, memory, size, accuracy, drop and agreement against the
 * reference variant (reports/render_variants.c). */
int eb_render_variants(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);
/* One self-contained HTML file (inline SVG charts, no scripts, no network):
 * reports/html_report.c; charts in reports/plot.h. */
int eb_render_html(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);

/* The formats are listed once, with compare's and gate's, in
 * reports/reporter.h. */

/* JSON report version written by eb_render_json. */
#define EB_REPORT_JSON_VERSION 1

#endif
