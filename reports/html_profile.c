/* The HTML report's per-node profile tables, below the op-profile chart:
 * one collapsible table per variant and condition (and device), a row per
 * node in graph order, a column per backend (its median µs per inference,
 * "–" where that backend did not time the node on its own). The nodes that
 * take the most time are shown; the rest are counted. Runs that were asked
 * for a profile and have none are named with the reason. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "reports/html_profile.h"
#include "reports/plot_style.h"
#include "results/run_profile.h"

enum { MAX_ROWS = 25 }; /* nodes per table; the rest are counted */

typedef struct prof_cell {
    const eb_cell *c;
    const eb_run_record *r;
    eb_run_profile p;
    int group;
} prof_cell;

/* A node's time in profile p, matched by index when the graphs agree, else
 * by name; NAN when untimed or absent. */
static double node_time(const eb_run_profile *p, const eb_run_profile *first, int i)
{
    int k = -1;
    if (i < p->n && strcmp(p->name[i], first->name[i]) == 0)
        k = i;
    for (int j = 0; k < 0 && j < p->n; j++)
        if (strcmp(p->name[j], first->name[i]) == 0)
            k = j;
    return k < 0 || p->ns[k] == EB_OP_UNTIMED ? NAN : (double)p->ns[k];
}

static int by_time_desc(const void *a, const void *b)
{
    const double *x = a, *y = b; /* pairs: time, index */
    if (x[0] != y[0])
        return x[0] < y[0] ? 1 : -1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static int by_index(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void table(FILE *f, const char *title, prof_cell *pc, size_t n, int g)
{
    const prof_cell *first = NULL;
    int cols = 0;
    for (size_t i = 0; i < n; i++)
        if (pc[i].group == g) {
            first = first ? first : &pc[i];
            cols++;
        }
    const eb_run_profile *fp = &first->p;
    /* rank the nodes by their largest time over the backends */
    double(*rank)[2] = malloc((fp->n ? (size_t)fp->n : 1) * sizeof *rank);
    if (!rank)
        return;
    int rows = 0;
    for (int i = 0; i < fp->n; i++) {
        double most = NAN;
        for (size_t k = 0; k < n; k++)
            if (pc[k].group == g) {
                double t = node_time(&pc[k].p, fp, i);
                if (isfinite(t) && !(most >= t))
                    most = t;
            }
        if (isfinite(most)) {
            rank[rows][0] = most;
            rank[rows++][1] = i;
        }
    }
    qsort(rank, (size_t)rows, sizeof *rank, by_time_desc);
    int shown = rows > MAX_ROWS ? MAX_ROWS : rows;
    double cut = shown < rows ? rank[shown][0] : 0;
    qsort(rank, (size_t)shown, sizeof *rank, by_index); /* graph order */
    fputs("<details><summary>", f);
    eb_xml_text(f, title);
    fprintf(f, " (%d nodes timed)</summary>\n<table>\n<tr><th class=\"l\">node</th>"
               "<th class=\"l\">op</th>", rows);
    for (size_t k = 0; k < n; k++)
        if (pc[k].group == g) {
            char who[EB_PLOT_NAME];
            eb_plot_backend_key(pc[k].r, who, sizeof who);
            fputs("<th>", f);
            eb_xml_text(f, who);
            fputs(" µs</th>", f);
        }
    fputs("</tr>\n", f);
    for (int j = 0; j < shown; j++) {
        int i = (int)rank[j][1];
        fputs("<tr><td class=\"l\">", f);
        eb_xml_text(f, fp->name[i]);
        fputs("</td><td class=\"l\">", f);
        eb_xml_text(f, fp->op[i]);
        fputs("</td>", f);
        for (size_t k = 0; k < n; k++)
            if (pc[k].group == g) {
                double t = node_time(&pc[k].p, fp, i);
                if (isfinite(t))
                    fprintf(f, "<td>%.1f</td>", t / 1e3);
                else
                    fputs("<td title=\"not timed on its own: fused into a neighbour, folded at "
                          "load, or run inside a group\">–</td>", f);
            }
        fputs("</tr>\n", f);
    }
    /* the inference as a whole, for the share the rows cover */
    fputs("<tr><td class=\"l\"><b>inference</b></td><td class=\"l\">median</td>", f);
    for (size_t k = 0; k < n; k++)
        if (pc[k].group == g) {
            double ms = NAN;
            eb_run_record_metric(pc[k].r, "profile_inference_ms", &ms);
            if (isfinite(ms))
                fprintf(f, "<td><b>%.1f</b></td>", ms * 1e3);
            else
                fputs("<td>–</td>", f);
        }
    fputs("</tr>\n</table>\n", f);
    if (shown < rows)
        fprintf(f, "<p>%d more nodes, each at most %.1f µs on every backend.</p>\n", rows - shown,
                cut / 1e3);
    fputs("</details>\n", f);
    free(rank);
}

int eb_html__profile_tables(FILE *f, const eb_cells *cs)
{
    size_t n = cs->n, m = 0;
    prof_cell *pc = calloc(n ? n : 1, sizeof *pc);
    eb_plot_names groups = {0}, reasons = {0};
    int rc = -1, unprofiled = 0;
    if (!pc)
        goto out;
    int with_device = eb_plot_n_devices(cs) > 1;
    for (size_t i = 0; i < n; i++) {
        const eb_cell *c = &cs->cells[i];
        const eb_run_record *r = eb_run_profile_first(c->runs, c->n_runs, &pc[m].p);
        if (!r) {
            /* asked for and not there: the reason, once per reason */
            const char *why = c->n_ok ? eb_run_record_text(c->runs[0], "profile_unavailable") : NULL;
            if (why && eb_plot_name_index(&reasons, why) < 0)
                goto out;
            if (why)
                unprofiled++;
            continue;
        }
        char key[EB_PLOT_NAME * 2];
        size_t kl = (size_t)snprintf(key, sizeof key, "%s · ", r->variant);
        if (kl < sizeof key)
            eb_plot_panel_key(r, with_device, 1, key + kl, sizeof key - kl);
        pc[m].c = c;
        pc[m].r = r;
        if ((pc[m].group = eb_plot_name_index(&groups, key)) < 0)
            goto out;
        m++;
    }
    if (reasons.n) {
        fputs("<p>Not profiled: ", f);
        for (int k = 0; k < reasons.n; k++) {
            fputs(k ? "; " : "", f);
            eb_xml_text(f, reasons.v[k]);
        }
        fprintf(f, " (%d cell%s).</p>\n", unprofiled, unprofiled == 1 ? "" : "s");
    }
    if (groups.n)
        fputs("<p>Per node: the median time of each node per inference, the nodes that take the "
              "most time in graph order; open a table to read it.</p>\n", f);
    for (int g = 0; g < groups.n; g++)
        table(f, groups.v[g], pc, m, g);
    rc = ferror(f) ? -1 : 0;
out:
    for (size_t i = 0; pc && i < n; i++)
        eb_run_profile_free(&pc[i].p);
    free(pc);
    eb_plot_names_free(&groups);
    eb_plot_names_free(&reasons);
    return rc;
}
