/* The "Load patterns" section of text and Markdown reports
 * (docs/load-patterns.md): one table per pattern the runs used other than
 * single_stream, a row per run, with the pattern's own figures (server:
 * target and achieved rate, issued and completed queries, query latency
 * p50/p99 from the scheduled arrival, the bound and the search's answer;
 * multi_stream: samples per query, interval, query latency; offline:
 * batch and inferences per second). Internal to reports/render_*.c. */
#ifndef EB_RENDER_LOAD_H
#define EB_RENDER_LOAD_H

#include <stdio.h>

#include "reports/render_internal.h"

/* The run's pattern: the text load.pattern, "single_stream" when absent. */
const char *eb_render__load_pattern(const eb_run_record *r);

/* Whether any run has a load pattern other than single_stream. */
int eb_render__any_load(const eb_run_record *runs, int n);

/* Write the section (nothing when every run is single_stream); markdown
 * (render_devices.h's EB_RENDER__*): MD "## Load patterns" and GitHub
 * tables, HTML an <h2 id="load"> and HTML tables, TEXT aligned text. 0, or
 * -1 on a write error. */
int eb_render__load_sections(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u,
                             int markdown);

#endif
