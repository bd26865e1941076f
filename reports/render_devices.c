/* The "by device" pivot of text and Markdown reports (render_devices.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "reports/render_devices.h"

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

static void cell_key(char *buf, const eb_run_record *r)
{
    char label[1024];
    eb_render__label(label, sizeof label, r);
    snprintf(buf, KEY_LEN, "%s %s", r->scenario, label);
}

int eb_render__by_device(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u,
                         int markdown)
{
    int n_dev = eb_render__n_devices(runs, n);
    if (n_dev < 2)
        return 0;
    char(*devs)[64] = calloc((size_t)n_dev, sizeof *devs);
    char(*keys)[KEY_LEN] = calloc((size_t)n, sizeof *keys);
    int *pick = malloc((size_t)n * (size_t)n_dev * sizeof *pick); /* [key][device] -> run */
    if (!devs || !keys || !pick) {
        free(devs);
        free(keys);
        free(pick);
        return -1;
    }
    int nd = 0, nk = 0;
    char key[KEY_LEN];
    /* Columns sorted by device id: the same file gives the same table
     * whichever device of a farm finished first. */
    for (int i = 0; i < n; i++)
        if (index_of(devs, nd, runs[i].device) < 0)
            snprintf(devs[nd++], 64, "%s", runs[i].device);
    qsort(devs, (size_t)nd, sizeof *devs, name_cmp);
    for (int i = 0; i < n; i++) {
        cell_key(key, &runs[i]);
        int k = 0;
        while (k < nk && strcmp(keys[k], key) != 0)
            k++;
        if (k == nk) {
            memcpy(keys[nk++], key, KEY_LEN);
            for (int d = 0; d < n_dev; d++)
                pick[k * n_dev + d] = -1;
        }
        pick[k * n_dev + index_of(devs, nd, runs[i].device)] = i; /* ids ascend: latest wins */
    }

    /* cells[k][d] as text */
    char(*cells)[48] = calloc((size_t)nk * (size_t)n_dev, sizeof *cells);
    if (!cells) {
        free(devs);
        free(keys);
        free(pick);
        return -1;
    }
    for (int k = 0; k < nk; k++) {
        const eb_run_record *first = pick[k * n_dev] >= 0 ? &runs[pick[k * n_dev]] : NULL;
        double base = first && first->status == EB_RUN_OK && eb_render__has_samples(first)
                          ? first->summary.p50
                          : NAN;
        for (int d = 0; d < n_dev; d++) {
            char *c = cells[k * n_dev + d];
            int i = pick[k * n_dev + d];
            if (i < 0) {
                snprintf(c, 48, "-");
                continue;
            }
            const eb_run_record *r = &runs[i];
            if (r->status != EB_RUN_OK || !eb_render__has_samples(r) || isnan(r->summary.p50)) {
                snprintf(c, 48, "%s", eb_run_status_str(r->status));
                continue;
            }
            double v = r->summary.p50 / u->ns;
            if (d > 0 && !isnan(base) && base > 0)
                snprintf(c, 48, "%.*f (%.2fx)", u->decimals, v, r->summary.p50 / base);
            else
                snprintf(c, 48, "%.*f", u->decimals, v);
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
        free(cells);
        free(devs);
        free(keys);
        free(pick);
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
        free(pick);
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
    free(w);
    free(cells);
    free(devs);
    free(keys);
    free(pick);
    return 0;
}
