/* Text report: an aligned table for terminals, then the runs that failed and
 * the runs that are unstable, each with its reason.
 *
 *   edgebench report
 *   results: results.h5                 (meta lines only where given)
 *   <blank>
 *   id      backend  ...  model         (header, then a rule of dashes)
 *   ------  -------  ...  -----
 *   000001  ref      ...  1.6 MiB
 *   <blank>
 *   Load patterns (...):                 (only runs under run.load other than
 *   server:                               single_stream: render_load.c)
 *   id  run  target qps  ...
 *   <blank>
 *   Failures:                            (only when there are some)
 *     000003 xnnpack/fp32/baseline rep 0: crashed: killed by SIGSEGV
 *   <blank>
 *   Unstable:                            (only when there are some)
 *     000002 ref/int8/noise rep 0: cv 12.3% > 5%
 *   <blank>
 *   Throttled:                           (only when there are some)
 *     000004 ref/fp32/hot rep 0: yes: the core ran slower: calibration ...
 *   <blank>
 *   Competing load:                      (only when there are some)
 *     000005 ref/fp32/plain rep 0: yes: the cell got 61% of the CPU time ...
 *
 * Columns are separated by two spaces; text columns are left-aligned,
 * numbers right-aligned; widths count UTF-8 code points. No line has
 * trailing spaces. */
#include <string.h>

#include "reports/render_devices.h"
#include "reports/render_load.h"
#include "reports/render_internal.h"

/* Display width: code points, not bytes ("µs" is 2 wide, 3 bytes). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void put_cell(FILE *f, const char *s, int width, int numeric, int last)
{
    int pad = width - text_width(s);
    if (numeric)
        fprintf(f, "%*s%s", pad, "", s);
    else if (last)
        fputs(s, f); /* no trailing spaces */
    else
        fprintf(f, "%s%*s", s, pad, "");
}

static void put_row(FILE *f, char cells[EB_RENDER__N_COLS][EB_RENDER__CELL], const int *width)
{
    for (int c = 0; c < EB_RENDER__N_COLS; c++) {
        if (c)
            fputs("  ", f);
        put_cell(f, cells[c], width[c], eb_render__columns[c].numeric, c == EB_RENDER__N_COLS - 1);
    }
    fputc('\n', f);
}

static void put_meta(FILE *f, const char *key, const char *value)
{
    char line[1024];
    if (!value)
        return;
    eb_render__one_line(line, sizeof line, value);
    fprintf(f, "%s: %s\n", key, line);
}


/* "Heading:" and one line per run whose text `key` starts with "yes". */
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
            fprintf(f, "\n%s:\n", title);
        eb_render__label(label, sizeof label, &runs[i]);
        eb_render__one_line(msg, sizeof msg, t);
        fprintf(f, "  %s %s: %s\n", runs[i].id, label, msg);
    }
}

int eb_render_text(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n)
{
    fputs("edgebench report\n", f);
    if (meta) {
        put_meta(f, "results", meta->results_path);
        put_meta(f, "tool version", meta->tool_version);
        put_meta(f, "created", meta->created);
        put_meta(f, "command", meta->command);
    }
    fputc('\n', f);
    if (n <= 0) {
        fputs("no runs\n", f);
        return ferror(f) ? -1 : 0;
    }

    /* Two passes over the runs: widths, then rows. Recomputing a row's cells
     * is cheaper than holding every row of a large farm report. */
    eb_render__unit unit = eb_render__pick_unit(runs, n);
    char head[EB_RENDER__N_COLS][EB_RENDER__CELL], rule[EB_RENDER__N_COLS][EB_RENDER__CELL];
    char row[EB_RENDER__N_COLS][EB_RENDER__CELL];
    int width[EB_RENDER__N_COLS];
    for (int c = 0; c < EB_RENDER__N_COLS; c++) {
        eb_render__header(head[c], EB_RENDER__CELL, c, &unit);
        width[c] = text_width(head[c]);
    }
    for (int i = 0; i < n; i++) {
        eb_render__cells(&runs[i], &unit, row);
        for (int c = 0; c < EB_RENDER__N_COLS; c++) {
            int w = text_width(row[c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    for (int c = 0; c < EB_RENDER__N_COLS; c++) {
        memset(rule[c], '-', (size_t)width[c]);
        rule[c][width[c]] = '\0';
    }
    put_row(f, head, width);
    put_row(f, rule, width);
    for (int i = 0; i < n; i++) {
        eb_render__cells(&runs[i], &unit, row);
        put_row(f, row, width);
    }
    /* farm and merged files: the devices side by side */
    if (eb_render__by_device(f, runs, n, &unit, 0) != 0)
        return -1;
    /* runs under a load pattern: each pattern's own figures */
    if (eb_render__load_sections(f, runs, n, &unit, 0) != 0)
        return -1;

    char label[1024], msg[1024];
    int heading = 0;
    for (int i = 0; i < n; i++) {
        const eb_run_record *r = &runs[i];
        if (r->status == EB_RUN_OK)
            continue;
        if (!heading++)
            fputs("\nFailures:\n", f);
        eb_render__label(label, sizeof label, r);
        eb_render__one_line(msg, sizeof msg, r->message);
        fprintf(f, "  %s %s: %s%s%s\n", r->id, label, eb_run_status_str(r->status), msg[0] ? ": " : "", msg);
    }
    heading = 0;
    for (int i = 0; i < n; i++) {
        const eb_run_record *r = &runs[i];
        if (!eb_render__is_unstable(r))
            continue;
        if (!heading++)
            fputs("\nUnstable:\n", f);
        eb_render__label(label, sizeof label, r);
        eb_render__one_line(msg, sizeof msg, r->summary.stability);
        fprintf(f, "  %s %s: %s\n", r->id, label, msg);
    }
    /* cells measured on a throttled device (a hot device, not a slow
     * model), and cells that got less CPU than they asked for (other
     * processes competed; the device was not throttled): docs/sensors.md */
    list_yes(f, runs, n, "throttled", "Throttled");
    list_yes(f, runs, n, "competing_load", "Competing load");
    /* per-node profiles, by op type (metrics.op_profile, docs/profiling.md) */
    heading = 0;
    for (int i = 0; i < n; i++) {
        if (!eb_render__profile_line(&runs[i], msg, sizeof msg))
            continue;
        if (!heading++)
            fputs("\nWhere the time goes (op profile):\n", f);
        eb_render__label(label, sizeof label, &runs[i]);
        fprintf(f, "  %s %s: %s\n", runs[i].id, label, msg);
    }
    /* outputs against the golden file, output by output (docs/outputs.md) */
    heading = 0;
    for (int i = 0; i < n; i++) {
        eb_render__label(label, sizeof label, &runs[i]);
        for (int k = 0; eb_render__golden_line(&runs[i], k, msg, sizeof msg); k++) {
            if (!heading++)
                fputs("\nOutputs vs golden:\n", f);
            fprintf(f, "  %s %s %s\n", runs[i].id, label, msg);
        }
    }
    return ferror(f) ? -1 : 0;
}
