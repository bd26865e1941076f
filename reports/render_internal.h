/* What the text and Markdown renderers share: the table's columns, the
 * choice of time unit and the formatting of one run's cells. Internal to
 * reports/render_*.c; not part of the render API. */
#ifndef EB_RENDER_INTERNAL_H
#define EB_RENDER_INTERNAL_H

#include <stddef.h>

#include "reports/render.h"

/* The unit latency columns are shown in. */
typedef struct eb_render__unit {
    const char *name; /* "µs" or "ms" (UTF-8) */
    double ns;        /* nanoseconds per unit */
    int decimals;
} eb_render__unit;

/* µs, or ms when every run with samples has p50 >= 10 ms (so a table never
 * mixes units and the fastest run keeps at least 4 significant digits). */
eb_render__unit eb_render__pick_unit(const eb_run_record *runs, int n);

/* The run table's columns: the numbers first, then where the run came
 * from (device and scenario last, as the device id is long and a table
 * of one device repeats it on every row). */
enum { EB_RENDER__N_COLS = 21, EB_RENDER__CELL = 320 };

typedef struct eb_render__column {
    const char *header;
    int numeric;  /* right-aligned */
    int latency;  /* header gets the unit appended: "p50 µs" */
} eb_render__column;

extern const eb_render__column eb_render__columns[EB_RENDER__N_COLS];

/* Header of column i with the unit where it applies. */
void eb_render__header(char *buf, size_t cap, int i, const eb_render__unit *u);

/* The cells of one run's row, in column order, as plain UTF-8 text with
 * control characters replaced by spaces; missing values are "-". */
void eb_render__cells(const eb_run_record *r, const eb_render__unit *u,
                      char cells[EB_RENDER__N_COLS][EB_RENDER__CELL]);

/* Whether the run has latency statistics to show (summary.n > 0). */
int eb_render__has_samples(const eb_run_record *r);

/* Whether the run goes to the unstable list: samples and a verdict of unstable. */
int eb_render__is_unstable(const eb_run_record *r);

/* "ref/fp32/baseline threads=2 rep 0": names a run in the lists below the
 * table (sweep only when there is one). Control characters become spaces. */
void eb_render__label(char *buf, size_t cap, const eb_run_record *r);

/* Copy src into buf, replacing control characters (newlines of a crash
 * message, tabs) by spaces so that one entry stays one line. */
void eb_render__one_line(char *buf, size_t cap, const char *src);

/* The names of every metric extra any of the runs carries ("top1",
 * "energy_per_inference_j", "counter.PAPI_TOT_INS", ...), sorted and each
 * once: the metric columns of the CSV report and the metric members of
 * the JSON one, so both list the same. *names (caller frees the array, not
 * the strings: they point into runs) and the count; -1 out of memory. */
int eb_render__metric_names(const eb_run_record *runs, int n, const char ***names);

/* Line k (0-based) of run r's golden check, one per output checked
 * (docs/outputs.md): "logits: 3 of 80 elements differ (3.75%) over 8
 * samples, max abs err 1, max rel err 0.515; worst: ...". 1 when written,
 * 0 when r has no k-th output checked. */
int eb_render__golden_line(const eb_run_record *r, int k, char *buf, size_t cap);

/* Run r's op profile in a line (metrics.op_profile, docs/profiling.md):
 * "124.4 µs per inference (30 profiled), the timed nodes cover 99.6%:
 * Conv 58.1% (2 nodes), Gemm 33.6% (2), ...", or why it has none
 * ("not profiled: backend 'xnnpack' implements no profile hook"). 1 when
 * written, 0 when the run was not asked for a profile. */
int eb_render__profile_line(const eb_run_record *r, char *buf, size_t cap);

/* The variant tables of the variants report (render_variants.c): one per
 * device, backend, condition and sweep point, a row per variant run, as
 * Markdown (html 0) or HTML tables (html 1). 0, or -1 on a write error or
 * out of memory. eb_render__variants_intro explains the columns. */
int eb_render__variant_tables(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u,
                              int html);
extern const char *const eb_render__variants_intro;

/* The shortest %.*g that reads back to the same double (integral values
 * below 2^53 without exponent: "812345"); v must be finite. */
void eb_render__num(FILE *f, double v);

#endif
