/* CSV report for spreadsheets and pandas: one header row, one row per run.
 *
 * RFC 4180: records end in CRLF; a field containing a comma, a double quote,
 * CR or LF is enclosed in double quotes with inner quotes doubled; other
 * fields are written bare. Latencies are µs with 3 decimals (ns resolution,
 * one unit for every file so columns stay comparable across reports), cv in
 * percent, sizes in bytes. A missing number (no samples, NAN, size 0 =
 * unknown) is "-", as in the text table (pandas: na_values=["-"]); an empty
 * string field stays empty. The columns are the contract: new ones are only
 * appended. After the fixed columns comes one column per metric extra any
 * run of the report carries ("top1", "energy_per_inference_j", ...), sorted
 * by name, "-" where a run has none; a metric whose name is a fixed
 * column's is headed "metric.<name>". The JSON report lists the same
 * metrics per run. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/render.h"
#include "reports/render_internal.h"
#include "reports/render_load.h"

static const char *const csv_header =
    "id,device,scenario,backend,backend_version,library_version,variant,model_path,"
    "condition,condition_params,sweep,cell_index,repetition,threads,status,message,"
    "started,finished,wall_s,warmup_n,n,min_us,p50_us,p90_us,p95_us,p99_us,p999_us,"
    "max_us,mean_us,stdev_us,cv_pct,mad_us,median_ci_lo_us,median_ci_hi_us,outliers,"
    "drift_pct,verdict,stability,peak_rss_bytes,model_bytes,backend_options,load_pattern,"
    "load_params";

static void put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* ",field" */
static void next_str(FILE *f, const char *s)
{
    fputc(',', f);
    put_field(f, s);
}

static void next_fixed(FILE *f, double v, double scale, int decimals)
{
    if (isfinite(v))
        fprintf(f, ",%.*f", decimals, v * scale);
    else
        fputs(",-", f);
}

static void next_latency(FILE *f, double ns)
{
    next_fixed(f, ns, 1e-3, 3);
}

static void next_bytes(FILE *f, uint64_t v)
{
    if (v)
        fprintf(f, ",%" PRIu64, v);
    else
        fputs(",-", f);
}

/* 1 when name is one of the fixed columns of csv_header. */
static int is_fixed_column(const char *name)
{
    size_t len = strlen(name);
    for (const char *p = csv_header; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, name, n) == 0)
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

static void put_metric_cells(FILE *f, const eb_run_record *r, const char **names, int n_names)
{
    for (int k = 0; k < n_names; k++) {
        double v;
        fputc(',', f);
        if (eb_run_record_metric(r, names[k], &v) == 1 && isfinite(v))
            eb_render__num(f, v);
        else
            fputc('-', f);
    }
}

static void put_row(FILE *f, const eb_run_record *r, const char **names, int n_names)
{
    /* Statistics of a record without samples are whatever it was built with:
     * never shown. */
    const eb_summary *s = &r->summary;
    int has = s->n > 0;
    double none = NAN;
    put_field(f, r->id);
    next_str(f, r->device);
    next_str(f, r->scenario);
    next_str(f, r->backend);
    next_str(f, r->backend_version);
    next_str(f, r->library_version);
    next_str(f, r->variant);
    next_str(f, r->model_path);
    next_str(f, r->condition);
    char ctext[EB_CONDITION_TEXT_MAX];
    eb_condition_text(&r->cond, ctext, sizeof ctext);
    next_str(f, ctext);
    next_str(f, r->sweep);
    fprintf(f, ",%d,%d,%d", r->cell_index, r->repetition, r->threads);
    next_str(f, eb_run_status_str(r->status));
    next_str(f, r->message);
    next_str(f, r->started);
    next_str(f, r->finished);
    next_fixed(f, r->wall_s, 1.0, 3);
    fprintf(f, ",%" PRIu64 ",%" PRIu64, r->warmup_n, r->n);
    next_latency(f, has ? s->min : none);
    next_latency(f, has ? s->p50 : none);
    next_latency(f, has ? s->p90 : none);
    next_latency(f, has ? s->p95 : none);
    next_latency(f, has ? s->p99 : none);
    next_latency(f, has ? s->p999 : none);
    next_latency(f, has ? s->max : none);
    next_latency(f, has ? s->mean : none);
    next_latency(f, has ? s->stdev : none);
    next_fixed(f, has ? s->cv : none, 100.0, 2);
    next_latency(f, has ? s->mad : none);
    next_latency(f, has ? s->median_ci_lo : none);
    next_latency(f, has ? s->median_ci_hi : none);
    if (has)
        fprintf(f, ",%" PRIu64, s->outliers);
    else
        fputs(",-", f);
    next_fixed(f, has ? s->drift : none, 100.0, 2);
    next_str(f, !has ? "-" : s->stable ? "stable" : "unstable");
    next_str(f, has ? s->stability : "");
    next_bytes(f, r->peak_rss_bytes);
    next_bytes(f, r->model_bytes);
    next_str(f, r->backend_options); /* schema 1.2; appended: the columns only grow */
    /* schema 1.4 (docs/load-patterns.md): the pattern and its parameters;
     * its figures are the load.* metric columns */
    next_str(f, eb_render__load_pattern(r));
    const char *lp = eb_run_record_text(r, "load.params");
    next_str(f, lp ? lp : "");
    put_metric_cells(f, r, names, n_names);
    fputs("\r\n", f);
}

int eb_render_csv(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n)
{
    (void)meta; /* a CSV file is one table: nothing above the header */
    const char **names = NULL;
    int n_names = eb_render__metric_names(runs, n, &names);
    if (n_names < 0)
        return -1;
    fputs(csv_header, f);
    for (int k = 0; k < n_names; k++) {
        fputc(',', f);
        if (is_fixed_column(names[k]))
            fputs("metric.", f);
        put_field(f, names[k]);
    }
    fputs("\r\n", f);
    for (int i = 0; i < n; i++)
        put_row(f, &runs[i], names, n_names);
    free(names);
    return ferror(f) ? -1 : 0;
}
