/* Load pattern names, parameters as text and the cell-job lines (load_pattern.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "harness/run/load_pattern.h"

static const char *const kind_names[] = {"single_stream", "multi_stream", "server", "offline"};

const char *eb_load_kind_str(eb_load_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "?";
}

uint64_t eb_load_samples_per_query(const eb_load_spec *s)
{
    if (s->kind == EB_LOAD_MULTI_STREAM && s->samples_per_query)
        return s->samples_per_query;
    if (s->kind == EB_LOAD_OFFLINE && s->batch)
        return s->batch;
    return 1;
}

void eb_load_params_format(const eb_load_spec *s, char *out, size_t out_len)
{
    switch (s->kind) {
    case EB_LOAD_MULTI_STREAM:
        snprintf(out, out_len, "samples_per_query=%" PRIu64 ";interval_ms=%.17g",
                 s->samples_per_query, (double)s->interval_ns / 1e6);
        break;
    case EB_LOAD_SERVER:
        snprintf(out, out_len,
                 "target_qps=%.17g;duration_s=%.17g;latency_bound_ms=%.17g;search=%s"
                 ";max_trials=%d;seed=%" PRIu64,
                 s->target_qps, (double)s->duration_ns / 1e9, (double)s->latency_bound_ns / 1e6,
                 s->search ? "true" : "false", s->max_trials, s->seed);
        break;
    case EB_LOAD_OFFLINE:
        snprintf(out, out_len, "batch=%" PRIu64, s->batch);
        break;
    default:
        if (out_len)
            out[0] = '\0';
    }
}

void eb_load_spec_write(FILE *f, const eb_load_spec *s)
{
    fprintf(f,
            "load.kind=%d\nload.samples_per_query=%" PRIu64 "\nload.interval_ns=%" PRIu64
            "\nload.target_qps=%.17g\nload.duration_ns=%" PRIu64 "\nload.latency_bound_ns=%" PRIu64
            "\nload.search=%d\nload.max_trials=%d\nload.batch=%" PRIu64 "\nload.seed=%" PRIu64 "\n",
            (int)s->kind, s->samples_per_query, s->interval_ns, s->target_qps, s->duration_ns,
            s->latency_bound_ns, s->search, s->max_trials, s->batch, s->seed);
}

int eb_load_spec_parse(eb_load_spec *s, const char *key, const char *value)
{
    if (strcmp(key, "kind") == 0) {
        int k = atoi(value);
        s->kind = k >= 0 && k <= EB_LOAD_OFFLINE ? (eb_load_kind)k : EB_LOAD_SINGLE_STREAM;
    } else if (strcmp(key, "samples_per_query") == 0)
        s->samples_per_query = strtoull(value, NULL, 10);
    else if (strcmp(key, "interval_ns") == 0)
        s->interval_ns = strtoull(value, NULL, 10);
    else if (strcmp(key, "target_qps") == 0)
        s->target_qps = strtod(value, NULL);
    else if (strcmp(key, "duration_ns") == 0)
        s->duration_ns = strtoull(value, NULL, 10);
    else if (strcmp(key, "latency_bound_ns") == 0)
        s->latency_bound_ns = strtoull(value, NULL, 10);
    else if (strcmp(key, "search") == 0)
        s->search = atoi(value) != 0;
    else if (strcmp(key, "max_trials") == 0)
        s->max_trials = atoi(value);
    else if (strcmp(key, "batch") == 0)
        s->batch = strtoull(value, NULL, 10);
    else if (strcmp(key, "seed") == 0)
        s->seed = strtoull(value, NULL, 10);
    else
        return 0;
    return 1;
}
