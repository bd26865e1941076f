/* Markdown report (GitHub flavoured), for pull-request comments and job
 * summaries: the text report's table as a GFM table, then the failed and the
 * unstable runs as bullet lists.
 *
 *   # edgebench report
 *   <blank>
 *   - results: `results.h5`                (meta items only where given)
 *   <blank>
 *   | id | backend | ... | model |
 *   | --- | --- | ... | ---: |             (numbers right-aligned)
 *   | 000001 | ref | ... | 1.6 MiB |
 *   <blank>
 *   ## Failures                           (only when there are some)
 *   <blank>
 *   - 000003 xnnpack/fp32/baseline rep 0: **crashed**: killed by SIGSEGV
 *   <blank>
 *   ## Unstable                           (only when there are some)
 *   <blank>
 *   - 000002 ref/int8/noise rep 0: cv 12.3% > 5%
 *   <blank>
 *   ## Throttled                          (only when there are some)
 *   <blank>
 *   - 000004 ref/fp32/hot rep 0: yes: the core ran slower: ...
 *   <blank>
 *   ## Competing load                     (only when there are some)
 *   <blank>
 *   - 000005 ref/fp32/plain rep 0: yes: the cell got 61% of the CPU time ...
 *
 * Text from records is escaped (backslash before \ ` * _ [ ] < > | ~) so a
 * name can neither break the table nor turn into markup; paths and command
 * lines are code spans, fenced with enough backticks for their content. */
#include <string.h>

#include "common/escape.h"
#include "reports/render_devices.h"
#include "reports/render_load.h"
#include "reports/render_internal.h"

/* A code span: CommonMark needs a fence longer than any backtick run inside,
 * and a space of padding when the content starts or ends with a backtick. */
static void put_code(FILE *f, const char *s)
{
    int longest = 0, run = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t len = strlen(s);
    int pad = len > 0 && (s[0] == '`' || s[len - 1] == '`');
    for (int i = 0; i <= longest; i++)
        fputc('`', f);
    fputs(pad ? " " : "", f);
    fputs(s, f);
    fputs(pad ? " " : "", f);
    for (int i = 0; i <= longest; i++)
        fputc('`', f);
}

static void put_meta(FILE *f, const char *key, const char *value, int code)
{
    char line[1024];
    if (!value)
        return;
    eb_render__one_line(line, sizeof line, value);
    fprintf(f, "- %s: ", key);
    if (code)
        put_code(f, line);
    else
        eb_md_text(f, line);
    fputc('\n', f);
}

static void put_row(FILE *f, char cells[EB_RENDER__N_COLS][EB_RENDER__CELL])
{
    fputc('|', f);
    for (int c = 0; c < EB_RENDER__N_COLS; c++) {
        fputc(' ', f);
        eb_md_text(f, cells[c]);
        fputs(" |", f);
    }
    fputc('\n', f);
}


/* "- <id> <label><sep><msg>" as one Markdown list item, every part escaped. */
static void list_item(FILE *f, const char *id, const char *label, const char *sep, const char *msg)
{
    fputs("- ", f);
    eb_md_text(f, id);
    fputc(' ', f);
    eb_md_text(f, label);
    fputs(sep, f);
    eb_md_text(f, msg);
    fputc('\n', f);
}

/* "## Heading" and one line per run whose text `key` starts with "yes". */
static void list_yes(FILE *f, const eb_run_record *runs, int n, const char *key,
                     const char *title)
{
    char label[1024], msg[1024];
    int heading = 0;
    for (int i = 0; i < n; i++) {
        const char *t = eb_run_record_text(&runs[i], key);
        if (!t || strncmp(t, "yes", 3) != 0)
            continue;
        if (!heading++)
            fprintf(f, "\n## %s\n\n", title);
        eb_render__label(label, sizeof label, &runs[i]);
        eb_render__one_line(msg, sizeof msg, t);
        list_item(f, runs[i].id, label, ": ", msg);
    }
}

int eb_render_md(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n)
{
    fputs("# edgebench report\n\n", f);
    if (meta && (meta->results_path || meta->tool_version || meta->created || meta->command)) {
        put_meta(f, "results", meta->results_path, 1);
        put_meta(f, "tool version", meta->tool_version, 0);
        put_meta(f, "created", meta->created, 0);
        put_meta(f, "command", meta->command, 1);
        fputc('\n', f);
    }
    if (n <= 0) {
        fputs("No runs.\n", f);
        return ferror(f) ? -1 : 0;
    }

    eb_render__unit unit = eb_render__pick_unit(runs, n);
    char row[EB_RENDER__N_COLS][EB_RENDER__CELL];
    for (int c = 0; c < EB_RENDER__N_COLS; c++)
        eb_render__header(row[c], EB_RENDER__CELL, c, &unit);
    put_row(f, row);
    fputc('|', f);
    for (int c = 0; c < EB_RENDER__N_COLS; c++)
        fputs(eb_render__columns[c].numeric ? " ---: |" : " --- |", f);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        eb_render__cells(&runs[i], &unit, row);
        put_row(f, row);
    }
    /* farm and merged files: the devices side by side */
    if (eb_render__by_device(f, runs, n, &unit, 1) != 0)
        return -1;
    /* runs under a load pattern: each pattern's own figures */
    if (eb_render__load_sections(f, runs, n, &unit, 1) != 0)
        return -1;

    char label[1024], msg[1024];
    int heading = 0;
    for (int i = 0; i < n; i++) {
        const eb_run_record *r = &runs[i];
        if (r->status == EB_RUN_OK)
            continue;
        if (!heading++)
            fputs("\n## Failures\n\n", f);
        eb_render__label(label, sizeof label, r);
        eb_render__one_line(msg, sizeof msg, r->message);
        fputs("- ", f);
        eb_md_text(f, r->id);
        fputc(' ', f);
        eb_md_text(f, label);
        fprintf(f, ": **%s**", eb_run_status_str(r->status));
        if (msg[0]) {
            fputs(": ", f);
            eb_md_text(f, msg);
        }
        fputc('\n', f);
    }
    heading = 0;
    for (int i = 0; i < n; i++) {
        const eb_run_record *r = &runs[i];
        if (!eb_render__is_unstable(r))
            continue;
        if (!heading++)
            fputs("\n## Unstable\n\n", f);
        eb_render__label(label, sizeof label, r);
        eb_render__one_line(msg, sizeof msg, r->summary.stability);
        list_item(f, r->id, label, ": ", msg);
    }
    /* cells measured on a throttled device, and cells that got less CPU
     * than they asked for: competing load, not a throttled device
     * (docs/sensors.md) */
    list_yes(f, runs, n, "throttled", "Throttled");
    list_yes(f, runs, n, "competing_load", "Competing load");
    /* per-node profiles, by op type (metrics.op_profile, docs/profiling.md) */
    heading = 0;
    for (int i = 0; i < n; i++) {
        if (!eb_render__profile_line(&runs[i], msg, sizeof msg))
            continue;
        if (!heading++)
            fputs("\n## Where the time goes (op profile)\n\n", f);
        eb_render__label(label, sizeof label, &runs[i]);
        list_item(f, runs[i].id, label, ": ", msg);
    }
    /* outputs against the golden file, output by output (docs/outputs.md) */
    heading = 0;
    for (int i = 0; i < n; i++) {
        eb_render__label(label, sizeof label, &runs[i]);
        for (int k = 0; eb_render__golden_line(&runs[i], k, msg, sizeof msg); k++) {
            if (!heading++)
                fputs("\n## Outputs vs golden\n\n", f);
            list_item(f, runs[i].id, label, " ", msg);
        }
    }
    return ferror(f) ? -1 : 0;
}
