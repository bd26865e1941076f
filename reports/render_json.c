/* JSON report, version 1: every field of every run record except the raw
 * sample arrays, for scripts and dashboards.
 *
 *   {
 *     "format": "edgebench-report",
 *     "version": 1,
 *     "results": "results.h5",        (meta: string or null)
 *     "tool_version": "0.1.0",
 *     "created": "2026-11-26T07:01:02Z",
 *     "command": "edgebench run ...",
 *     "runs": [
 *       {
 *         "id": "000001", ... record fields in run_record.h order ...,
 *         "peak_rss_bytes": 25690112,     (null when unknown, i.e. 0)
 *         "model_bytes": 1677721,         (null when unknown, i.e. 0)
 *         "metrics": {"top1": 0.8897, ...},  (every metric name any run of the
 *                                        report has, sorted, null where this run
 *                                        has none: the CSV's metric columns)
 *         "summary": {                    (null when the run has no samples)
 *           "n": 1000, "min_ns": ..., ..., "median_ci_ns": [lo, hi],
 *           "outliers": 3, "drift": 0.01, "stable": true, "stability": "stable"
 *         }
 *       }
 *     ]
 *   }
 *
 * Two-space indentation, one member per line. Numbers: integers as such,
 * doubles in the shortest form that reads back to the same double; NAN and
 * infinities are null. Strings are escaped per RFC 8259 and invalid UTF-8
 * bytes (a crash message can hold anything) become U+FFFD, so the document
 * is always valid JSON. Version 1 only gains members; renaming or removing
 * one makes version 2. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "reports/render.h"
#include "reports/render_internal.h"
#include "reports/render_load.h"

static void put_str(FILE *f, const char *str)
{
    if (str)
        eb_json_str(f, str);
    else
        fputs("null", f);
}

/* A JSON number, null when not finite. */
static void put_num(FILE *f, double v)
{
    if (isfinite(v))
        eb_render__num(f, v);
    else
        fputs("null", f);
}

static void put_key(FILE *f, int indent, const char *key)
{
    fprintf(f, "%*s\"%s\": ", indent, "", key);
}

/* One "key": value member; `last` omits the comma. */
static void member_str(FILE *f, int indent, const char *key, const char *v, int last)
{
    put_key(f, indent, key);
    put_str(f, v);
    fputs(last ? "\n" : ",\n", f);
}

static void member_num(FILE *f, int indent, const char *key, double v, int last)
{
    put_key(f, indent, key);
    put_num(f, v);
    fputs(last ? "\n" : ",\n", f);
}

static void member_u64(FILE *f, int indent, const char *key, uint64_t v, int last)
{
    put_key(f, indent, key);
    fprintf(f, "%" PRIu64, v);
    fputs(last ? "\n" : ",\n", f);
}

/* Sizes of 0 mean unknown. */
static void member_bytes(FILE *f, int indent, const char *key, uint64_t v, int last)
{
    if (v == 0) {
        put_key(f, indent, key);
        fputs(last ? "null\n" : "null,\n", f);
    } else {
        member_u64(f, indent, key, v, last);
    }
}

static void put_summary(FILE *f, int in, const eb_summary *s)
{
    fputs("{\n", f);
    member_u64(f, in + 2, "n", s->n, 0);
    member_num(f, in + 2, "min_ns", s->min, 0);
    member_num(f, in + 2, "p50_ns", s->p50, 0);
    member_num(f, in + 2, "p90_ns", s->p90, 0);
    member_num(f, in + 2, "p95_ns", s->p95, 0);
    member_num(f, in + 2, "p99_ns", s->p99, 0);
    member_num(f, in + 2, "p999_ns", s->p999, 0);
    member_num(f, in + 2, "max_ns", s->max, 0);
    member_num(f, in + 2, "mean_ns", s->mean, 0);
    member_num(f, in + 2, "stdev_ns", s->stdev, 0);
    member_num(f, in + 2, "cv", s->cv, 0);
    member_num(f, in + 2, "mad_ns", s->mad, 0);
    put_key(f, in + 2, "median_ci_ns");
    if (isnan(s->median_ci_lo) || isnan(s->median_ci_hi)) {
        fputs("null,\n", f);
    } else {
        fputc('[', f);
        put_num(f, s->median_ci_lo);
        fputs(", ", f);
        put_num(f, s->median_ci_hi);
        fputs("],\n", f);
    }
    member_u64(f, in + 2, "outliers", s->outliers, 0);
    member_num(f, in + 2, "drift", s->drift, 0);
    put_key(f, in + 2, "stable");
    fputs(s->stable ? "true,\n" : "false,\n", f);
    member_str(f, in + 2, "stability", s->stability, 1);
    fprintf(f, "%*s}\n", in, "");
}

static void put_metrics(FILE *f, int in, const eb_run_record *r, const char **names, int n_names)
{
    put_key(f, in, "metrics");
    if (n_names == 0) {
        fputs("{},\n", f);
        return;
    }
    fputs("{\n", f);
    for (int k = 0; k < n_names; k++) {
        double v;
        /* metric names are checked when stored (eb_extra_name_valid);
         * escaped anyway, the file may not come from edgebench */
        fprintf(f, "%*s", in + 2, "");
        eb_json_str(f, names[k]);
        fputs(": ", f);
        if (eb_run_record_metric(r, names[k], &v) == 1)
            put_num(f, v);
        else
            fputs("null", f);
        fputs(k == n_names - 1 ? "\n" : ",\n", f);
    }
    fprintf(f, "%*s},\n", in, "");
}

static void put_run(FILE *f, const eb_run_record *r, int last, const char **names, int n_names)
{
    const int in = 6;
    fputs("    {\n", f);
    member_str(f, in, "id", r->id, 0);
    member_str(f, in, "device", r->device, 0);
    member_str(f, in, "scenario", r->scenario, 0);
    member_str(f, in, "backend", r->backend, 0);
    member_str(f, in, "backend_version", r->backend_version, 0);
    member_str(f, in, "library_version", r->library_version, 0);
    member_str(f, in, "variant", r->variant, 0);
    member_str(f, in, "model_path", r->model_path, 0);
    member_str(f, in, "condition", r->condition, 0);
    char ctext[EB_CONDITION_TEXT_MAX];
    eb_condition_text(&r->cond, ctext, sizeof ctext);
    member_str(f, in, "condition_params", ctext, 0);
    member_str(f, in, "sweep", r->sweep, 0);
    member_num(f, in, "cell_index", r->cell_index, 0);
    member_num(f, in, "repetition", r->repetition, 0);
    member_num(f, in, "threads", r->threads, 0);
    member_str(f, in, "status", eb_run_status_str(r->status), 0);
    member_str(f, in, "message", r->message, 0);
    member_str(f, in, "started", r->started, 0);
    member_str(f, in, "finished", r->finished, 0);
    member_num(f, in, "wall_s", r->wall_s, 0);
    member_u64(f, in, "warmup_n", r->warmup_n, 0);
    member_u64(f, in, "n", r->n, 0);
    member_bytes(f, in, "peak_rss_bytes", r->peak_rss_bytes, 0);
    member_bytes(f, in, "model_bytes", r->model_bytes, 0);
    member_str(f, in, "backend_options", r->backend_options, 0); /* 1.2: appended */
    /* 1.4: the load pattern and its parameters; the figures are the load.*
     * metrics (docs/load-patterns.md) */
    member_str(f, in, "load_pattern", eb_render__load_pattern(r), 0);
    const char *lp = eb_run_record_text(r, "load.params");
    member_str(f, in, "load_params", lp ? lp : "", 0);
    put_metrics(f, in, r, names, n_names);
    put_key(f, in, "summary");
    if (r->summary.n > 0)
        put_summary(f, in, &r->summary);
    else
        fputs("null\n", f);
    fputs(last ? "    }\n" : "    },\n", f);
}

int eb_render_json(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n)
{
    fputs("{\n", f);
    member_str(f, 2, "format", "edgebench-report", 0);
    member_num(f, 2, "version", EB_REPORT_JSON_VERSION, 0);
    member_str(f, 2, "results", meta ? meta->results_path : NULL, 0);
    member_str(f, 2, "tool_version", meta ? meta->tool_version : NULL, 0);
    member_str(f, 2, "created", meta ? meta->created : NULL, 0);
    member_str(f, 2, "command", meta ? meta->command : NULL, 0);
    if (n <= 0) {
        fputs("  \"runs\": []\n}\n", f);
        return ferror(f) ? -1 : 0;
    }
    const char **names = NULL;
    int n_names = eb_render__metric_names(runs, n, &names);
    if (n_names < 0)
        return -1;
    fputs("  \"runs\": [\n", f);
    for (int i = 0; i < n; i++)
        put_run(f, &runs[i], i == n - 1, names, n_names);
    fputs("  ]\n}\n", f);
    free(names);
    return ferror(f) ? -1 : 0;
}
