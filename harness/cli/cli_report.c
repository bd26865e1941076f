/* edgebench report RESULTS.h5 [--format text|md|json|csv|html] [-o FILE]
 *                  | --format svg -o DIR */
#include <stdio.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "reports/reporter.h"
#include "results/results.h"

static int usage(void)
{
    int n = 0;
    const eb_reporter *r = eb_reporters(&n);
    fprintf(stderr, "usage: edgebench report RESULTS.h5 [--format FORMAT] [-o FILE]\nformats:\n");
    for (int i = 0; i < n; i++)
        if (eb_reporter_find(r[i].name, EB_REPORT_RUNS))
            fprintf(stderr, "  %-8s %s\n", r[i].name, r[i].description);
    return EB_EXIT_USAGE;
}

/* A reporter that writes a directory (svg: every chart of the html report
 * as its own file). */
static int write_dir(const eb_reporter *rep, eb_results *r, const char *dir)
{
    char msg[1024];
    int rc = rep->runs_dir(r, dir, stdout, msg, sizeof msg);
    if (rc != 0)
        fprintf(stderr, "edgebench report: %s\n", msg);
    eb_results_free(r);
    return rc == 0 ? EB_EXIT_OK : EB_EXIT_USAGE;
}

int eb_cmd_report(int argc, char **argv)
{
    const char *path = NULL, *format = "text", *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-' || path)
            return usage();
        else
            path = argv[i];
    }
    if (!path)
        return usage();
    const eb_reporter *rep = eb_reporter_find(format, EB_REPORT_RUNS);
    if (!rep) {
        fprintf(stderr, "edgebench report: unknown format '%s'\n", format);
        return usage();
    }
    if (rep->runs_dir && !out) {
        fprintf(stderr, "edgebench report: --format %s writes a directory: give -o DIR\n", format);
        return EB_EXIT_USAGE;
    }
    char msg[1024];
    eb_results *r;
    eb_status st = eb_results_read(path, 1, &r, msg, sizeof msg);
    if (st != EB_OK) {
        fprintf(stderr, "edgebench report: %s\n", msg);
        return eb_exit_for_status(st);
    }
    if (rep->runs_dir)
        return write_dir(rep, r, out);
    FILE *f = stdout;
    if (out && !(f = fopen(out, "w"))) {
        fprintf(stderr, "edgebench report: cannot write %s\n", out);
        eb_results_free(r);
        return EB_EXIT_USAGE;
    }
    eb_report_meta meta = {.results_path = r->path, .tool_version = r->tool_version,
                           .created = r->created, .command = r->command, .results = r};
    int rc = rep->runs(f, &meta, r->runs, (int)r->n_runs) == 0 ? EB_EXIT_OK : EB_EXIT_RUN;
    if (f != stdout && fclose(f) != 0)
        rc = EB_EXIT_RUN;
    eb_results_free(r);
    return rc;
}
