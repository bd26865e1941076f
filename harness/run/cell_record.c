/* eb_record_builder: samples and metadata of a cell into its run record. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/run/cell_record.h"

void eb_record_builder_init(eb_record_builder *b, eb_run_record *rec)
{
    memset(b, 0, sizeof *b);
    b->rec = rec;
}

void eb_record_meta(eb_record_builder *b, const char *backend_version, const char *library_version,
                    uint64_t model_bytes)
{
    snprintf(b->rec->backend_version, sizeof b->rec->backend_version, "%s", backend_version);
    snprintf(b->rec->library_version, sizeof b->rec->library_version, "%s", library_version);
    b->rec->model_bytes = model_bytes;
    b->got_meta = 1;
}

int eb_record_sample(eb_record_builder *b, uint64_t t_ns, uint64_t latency_ns)
{
    eb_run_record *r = b->rec;
    if (r->n == b->cap) {
        uint64_t cap = b->cap ? b->cap * 2 : 1024;
        uint64_t *lat = realloc(r->latency_ns, cap * sizeof *lat);
        if (lat)
            r->latency_ns = lat;
        uint64_t *t = realloc(r->t_ns, cap * sizeof *t);
        if (t)
            r->t_ns = t;
        if (!lat || !t) {
            b->oom = 1;
            return -1;
        }
        b->cap = cap;
    }
    r->latency_ns[r->n] = latency_ns;
    r->t_ns[r->n] = t_ns;
    r->n++;
    return 0;
}

void eb_record_done(eb_record_builder *b, const eb_loop_result *lr)
{
    b->rec->warmup_n = lr->warmup_n;
    b->got_done = 1;
}

void eb_utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void eb_record_metric(eb_record_builder *b, const char *name, double value)
{
    if (eb_run_record_set_metric(b->rec, name, value) != 0)
        b->oom = 1;
}

void eb_record_text(eb_record_builder *b, const char *name, const char *value)
{
    if (eb_run_record_set_text(b->rec, name, value) != 0)
        b->oom = 1;
}

void eb_record_array(eb_record_builder *b, const char *name, eb_array_type type, uint64_t rows,
                     uint64_t cols, const void *data)
{
    if (eb_run_record_set_array(b->rec, name, type, rows, cols, data) != 0)
        b->oom = 1;
}

void eb_record_array_nd(eb_record_builder *b, const char *name, eb_array_type type, int rank,
                        const uint64_t *dims, const void *data)
{
    if (eb_run_record_set_array_nd(b->rec, name, type, rank, dims, data) != 0)
        b->oom = 1;
}
