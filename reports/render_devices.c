/* The "by device" pivot of text and Markdown reports (render_devices.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "reports/render_devices.h"
#include "results/backend_label.h"
#include "results/cell_key.h"

#define KEY_LEN 1200

static int index_of(char (*names)[64], int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int eb_render__n_devices(const eb_run_record *runs, int n)
{
    int count = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int k = 0; k < i && !seen; k++)
            seen = strcmp(runs[k].device, runs[i].device) == 0;
        count += !seen;
    }
    return count;
}

static int utf8_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* The row label: the cell without its repetition (runs of a cell are
 * pooled), with the thread count where it is not named by the sweep. */
static void cell_label(char *buf, const eb_run_record *r)
{
    char raw[KEY_LEN], backend[EB_RENDER__CELL], threads[32] = "";
    eb_backend_label(r, backend, sizeof backend);
    if (!strstr(r->sweep, "threads="))
        snprintf(threads, sizeof threads, " threads=%d", r->threads);
    snprintf(raw, sizeof raw, "%s %s/%s/%s%s%s%s", r->scenario, backend, r->variant, r->condition,
             r->sweep[0] ? " " : "", r->sweep, r->threads > 1 ? threads : "");
    eb_render__one_line(buf, KEY_LEN, raw);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of the p50s of the ok runs of cell k on device d (NAN when none);
 * *n_ok and *n_all count them. */
static double pooled_p50(const eb_run_record *runs, const int *cell_of, int n, int k,
                         const char *dev, int *n_ok, int *n_all, const eb_run_record **last)
{
    double *v = malloc((size_t)n * sizeof *v);
    *n_ok = *n_all = 0;
    *last = NULL;
    for (int i = 0; i < n; i++) {
        if (cell_of[i] != k || strcmp(runs[i].device, dev) != 0)
            continue;
        (*n_all)++;
        *last = &runs[i];
        if (runs[i].status == EB_RUN_OK && eb_render__has_samples(&runs[i]) &&
            !isnan(runs[i].summary.p50) && v)
            v[(*n_ok)++] = runs[i].summary.p50;
    }
    double med = NAN;
    if (v && *n_ok) {
        qsort(v, (size_t)*n_ok, sizeof *v, cmp_double);
        med = *n_ok % 2 ? v[*n_ok / 2] : (v[*n_ok / 2 - 1] + v[*n_ok / 2]) / 2;
    }
    free(v);
    return med;
}

int eb_render__by_device(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u,
                         int markdown)
{
    int n_dev = eb_render__n_devices(runs, n);
    if (n_dev < 2)
        return 0;
    char(*devs)[64] = calloc((size_t)n_dev, sizeof *devs);
    char(*keys)[KEY_LEN] = calloc((size_t)n, sizeof *keys);
    int *cell_of = malloc((size_t)n * sizeof *cell_of); /* run -> row */
    int *first = malloc((size_t)n * sizeof *first);     /* row -> its first run */
    if (!devs || !keys || !cell_of || !first) {
        free(devs);
        free(keys);
        free(cell_of);
        free(first);
        return -1;
    }
    int nd = 0, nk = 0;
    /* Columns sorted by device id: the same file gives the same table
     * whichever device of a farm finished first. */
    for (int i = 0; i < n; i++)
        if (index_of(devs, nd, runs[i].device) < 0)
            snprintf(devs[nd++], 64, "%s", runs[i].device);
    qsort(devs, (size_t)nd, sizeof *devs, name_cmp);
    /* Rows: one per cell of every field but the device (the one cell key),
     * so repetitions and same-keyed runs of merged files pool into it
     * instead of the latest hiding the others. */
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < nk && !eb_cell_fields_equal(&runs[first[k]], &runs[i], EB_CELL_ALL & ~EB_CELL_DEVICE))
            k++;
        if (k == nk) {
            first[nk] = i;
            cell_label(keys[nk++], &runs[i]);
        }
        cell_of[i] = k;
    }

    /* cells[k][d] as text */
    char(*cells)[64] = calloc((size_t)nk * (size_t)n_dev, sizeof *cells);
    if (!cells) {
        free(devs);
        free(keys);
        free(cell_of);
        free(first);
        return -1;
    }
    int pooled = 0;
    for (int k = 0; k < nk; k++) {
        int n_ok, n_all;
        const eb_run_record *last;
        double base = pooled_p50(runs, cell_of, n, k, devs[0], &n_ok, &n_all, &last);
        for (int d = 0; d < n_dev; d++) {
            char *c = cells[k * n_dev + d];
            double p50 = pooled_p50(runs, cell_of, n, k, devs[d], &n_ok, &n_all, &last);
            char runs_note[24] = "";
            if (n_all > 1) {
                snprintf(runs_note, sizeof runs_note, n_ok == n_all ? " [%d runs]" : " [%d of %d ok]",
                         n_ok, n_all);
                pooled = 1;
            }
            if (!n_all) {
                snprintf(c, 64, "-");
            } else if (isnan(p50)) {
                snprintf(c, 64, "%s%s", eb_run_status_str(last->status), runs_note);
            } else if (d > 0 && !isnan(base) && base > 0) {
                snprintf(c, 64, "%.*f (%.2fx)%s", u->decimals, p50 / u->ns, p50 / base, runs_note);
            } else {
                snprintf(c, 64, "%.*f%s", u->decimals, p50 / u->ns, runs_note);
            }
        }
    }

    if (markdown == EB_RENDER__HTML) {
        fprintf(f, "<h2 id=\"by_device\">By device: p50 %s (ratio to ", u->name);
        eb_xml_text(f, devs[0]);
        fputs(")</h2>\n<table>\n<tr><th class=\"l\">cell</th>", f);
        for (int d = 0; d < n_dev; d++) {
            fputs("<th>", f);
            eb_xml_text(f, devs[d]);
            fputs("</th>", f);
        }
        fputs("</tr>\n", f);
        for (int k = 0; k < nk; k++) {
            fputs("<tr><td class=\"l\">", f);
            eb_xml_text(f, keys[k]);
            fputs("</td>", f);
            for (int d = 0; d < n_dev; d++) {
                fputs("<td>", f);
                eb_xml_text(f, cells[k * n_dev + d]);
                fputs("</td>", f);
            }
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
        if (pooled)
            fputs("<p>[n runs]: the median of the p50s of a device's runs of that cell "
                  "(repetitions, and runs merged from several files).</p>\n",
                  f);
        free(cells);
        free(devs);
        free(keys);
        free(cell_of);
        free(first);
        return 0;
    }
    fprintf(f, markdown ? "\n## By device: p50 %s (ratio to %s)\n\n"
                        : "\nBy device: p50 %s (ratio to %s)\n",
            u->name, devs[0]);
    int w0 = 4;
    for (int k = 0; k < nk; k++)
        if (utf8_width(keys[k]) > w0)
            w0 = utf8_width(keys[k]);
    int *w = calloc((size_t)n_dev, sizeof *w);
    if (!w) {
        free(cells);
        free(devs);
        free(keys);
        free(cell_of);
        free(first);
        return -1;
    }
    for (int d = 0; d < n_dev; d++) {
        w[d] = utf8_width(devs[d]);
        for (int k = 0; k < nk; k++)
            if ((int)strlen(cells[k * n_dev + d]) > w[d])
                w[d] = (int)strlen(cells[k * n_dev + d]);
    }
    if (markdown) {
        fputs("| cell |", f);
        for (int d = 0; d < n_dev; d++)
            fprintf(f, " %s |", devs[d]);
        fputs("\n| --- |", f);
        for (int d = 0; d < n_dev; d++)
            fputs(" ---: |", f);
        fputc('\n', f);
        for (int k = 0; k < nk; k++) {
            fprintf(f, "| %s |", keys[k]);
            for (int d = 0; d < n_dev; d++)
                fprintf(f, " %s |", cells[k * n_dev + d]);
            fputc('\n', f);
        }
    } else {
        fprintf(f, "%s%*s", "cell", w0 - 4, "");
        for (int d = 0; d < n_dev; d++)
            fprintf(f, "  %*s%s", w[d] - utf8_width(devs[d]), "", devs[d]);
        fputc('\n', f);
        for (int c = 0; c < w0; c++)
            fputc('-', f);
        for (int d = 0; d < n_dev; d++) {
            fputs("  ", f);
            for (int c = 0; c < w[d]; c++)
                fputc('-', f);
        }
        fputc('\n', f);
        for (int k = 0; k < nk; k++) {
            fprintf(f, "%s%*s", keys[k], w0 - utf8_width(keys[k]), "");
            for (int d = 0; d < n_dev; d++)
                fprintf(f, "  %*s", w[d], cells[k * n_dev + d]);
            fputc('\n', f);
        }
    }
    if (pooled)
        fputs(markdown ? "\n[n runs]: the median of the p50s of a device's runs of that cell "
                         "(repetitions, and runs merged from several files).\n"
                       : "[n runs]: the median of the p50s of a device's runs of that cell "
                         "(repetitions, and runs merged from several files).\n",
              f);
    free(w);
    free(cells);
    free(devs);
    free(keys);
    free(cell_of);
    free(first);
    return 0;
}
