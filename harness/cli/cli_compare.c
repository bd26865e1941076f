/* edgebench compare BASE.h5 CANDIDATE.h5 [--tolerance PCT] [--alpha A]
 *                   [--format text|md|json] [-o FILE]
 * Exit 0 (the comparison was made; read the verdicts), 2 bad input. */
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "reports/reporter.h"

static int usage(void)
{
    fprintf(stderr, "usage: edgebench compare BASE.h5 CANDIDATE.h5 [--tolerance PCT] [--alpha A] "
                    "[--format text|md|json] [-o FILE]\n");
    return EB_EXIT_USAGE;
}

static int parse_pos(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > lo && v < hi))
        return -1;
    *out = v;
    return 0;
}

int eb_cmd_compare(int argc, char **argv)
{
    const char *paths[2] = {NULL, NULL}, *format = "text", *out = NULL;
    int n_paths = 0;
    eb_compare_options o;
    eb_compare_options_default(&o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--tolerance") == 0 && i + 1 < argc) {
            double pct;
            if (parse_pos(argv[++i], 0, 1000, &pct) != 0) {
                fprintf(stderr, "edgebench compare: --tolerance %s: expected a percentage > 0\n",
                        argv[i]);
                return EB_EXIT_USAGE;
            }
            o.tolerance = pct / 100.0;
        } else if (strcmp(a, "--alpha") == 0 && i + 1 < argc) {
            if (parse_pos(argv[++i], 0, 1, &o.alpha) != 0) {
                fprintf(stderr, "edgebench compare: --alpha %s: expected 0 < alpha < 1\n", argv[i]);
                return EB_EXIT_USAGE;
            }
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            format = argv[++i];
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
            out = argv[++i];
        } else if (a[0] == '-' || n_paths == 2) {
            return usage();
        } else {
            paths[n_paths++] = a;
        }
    }
    if (n_paths != 2)
        return usage();
    const eb_reporter *rep = eb_reporter_find(format, EB_REPORT_COMPARISON);
    if (!rep) {
        char names[256];
        eb_reporter_names(EB_REPORT_COMPARISON, names, sizeof names);
        fprintf(stderr, "edgebench compare: unknown format '%s' (%s)\n", format, names);
        return EB_EXIT_USAGE;
    }
    char msg[1024];
    eb_results *r[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        eb_status st = eb_results_read(paths[i], 1, &r[i], msg, sizeof msg);
        if (st != EB_OK) {
            fprintf(stderr, "edgebench compare: %s\n", msg);
            eb_results_free(r[0]);
            return eb_exit_for_status(st);
        }
    }
    int rc = EB_EXIT_OK;
    eb_comparison *c = NULL;
    if (eb_compare_results(r[0], r[1], &o, &c) != 0) {
        fprintf(stderr, "edgebench compare: out of memory\n");
        rc = EB_EXIT_RUN;
        goto out;
    }
    FILE *f = stdout;
    if (out && !(f = fopen(out, "w"))) {
        fprintf(stderr, "edgebench compare: cannot write %s\n", out);
        rc = EB_EXIT_USAGE;
        goto out;
    }
    if (rep->comparison(f, c, paths[0], paths[1]) != 0)
        rc = EB_EXIT_RUN;
    if (c->n == 0 && rc == EB_EXIT_OK) {
        /* nothing was compared: not a pass */
        char why[4096];
        eb_cells_explain_no_match(c->base_cells, paths[0], c->cand_cells, paths[1], why, sizeof why);
        fprintf(stderr, "edgebench compare: %s\n", why);
        rc = EB_EXIT_USAGE;
    }
    if (f != stdout && fclose(f) != 0)
        rc = EB_EXIT_RUN;
out:
    eb_comparison_free(c);
    eb_results_free(r[0]);
    eb_results_free(r[1]);
    return rc;
}
