/* The list of charts, and writing them all as standalone SVG files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/plot.h"

static const eb_plot_kind kinds[] = {
    {"latency_cdf", "Latency distribution", eb_plot_latency_cdf, 0},
    {"latency_timeline", "Latency over time", eb_plot_latency_timeline, 1},
    {"accuracy_severity", "Accuracy against severity", eb_plot_accuracy_severity, 0},
    {"accuracy_drift", "Accuracy under drift", eb_plot_accuracy_drift, 0},
    {"tradeoff", "Latency, accuracy and size of the variants", eb_plot_tradeoff, 0},
    {"roofline", "Efficiency against the device peak", eb_plot_roofline, 0},
    {"op_profile", "Where the time goes (op profile)", eb_plot_op_profile, 0},
};

const eb_plot_kind *eb_plot_kinds(int *count)
{
    *count = (int)(sizeof kinds / sizeof kinds[0]);
    return kinds;
}

static int write_one(const char *path, int (*draw)(FILE *, const eb_plot_input *, char *, size_t),
                     const eb_plot_input *in, char *why, size_t why_len, char *msg, size_t msg_len)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(msg, msg_len, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    int rc = draw(f, in, why, why_len);
    if (fclose(f) != 0 || rc < 0) {
        snprintf(msg, msg_len, "%s: write error", path);
        return -1;
    }
    if (rc == 0)
        remove(path);
    return rc;
}

int eb_plots_write_dir(const eb_results *r, const char *dir, FILE *log, char *msg, size_t msg_len)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, msg_len, "%s: cannot create the directory: %s", dir, strerror(errno));
        return -1;
    }
    eb_cells *cs = NULL;
    if (eb_cells_build(r, &cs) != 0) {
        snprintf(msg, msg_len, "out of memory");
        return -1;
    }
    eb_plot_input in = {.results = r, .cells = cs, .standalone = 1};
    char path[4096], why[256];
    int rc = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && rc == 0; k++) {
        if (kinds[k].per_cell) {
            int n = 0;
            for (size_t i = 0; i < cs->n; i++) {
                snprintf(path, sizeof path, "%s/%s_%zu.svg", dir, kinds[k].name, i + 1);
                FILE *f = fopen(path, "w");
                if (!f) {
                    snprintf(msg, msg_len, "%s: cannot write: %s", path, strerror(errno));
                    rc = -1;
                    break;
                }
                int w = eb_plot_cell_timeline(f, &in, &cs->cells[i], 1);
                if (fclose(f) != 0 || w < 0) {
                    snprintf(msg, msg_len, "%s: write error", path);
                    rc = -1;
                    break;
                }
                if (w == 0)
                    remove(path);
                else if (log)
                    fprintf(log, "%s  (%s)\n", path, cs->cells[i].label);
                n += w;
            }
            if (!n && log && rc == 0)
                fprintf(log, "%s: not drawn: no cell has latency samples with start times\n",
                        kinds[k].name);
            continue;
        }
        snprintf(path, sizeof path, "%s/%s.svg", dir, kinds[k].name);
        why[0] = '\0';
        int w = write_one(path, kinds[k].draw, &in, why, sizeof why, msg, msg_len);
        if (w < 0)
            rc = -1;
        else if (log)
            fprintf(log, w ? "%s\n" : "%s: not drawn: %s\n", w ? path : kinds[k].name, why);
    }
    eb_cells_free(cs);
    return rc;
}
