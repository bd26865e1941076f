/* Filling an eb_run_record from a cell's stream (shared by the isolated
 * and the in-process paths so both record exactly the same things). */
#ifndef EB_CELL_RECORD_H
#define EB_CELL_RECORD_H

#include <stdint.h>

#include "harness/run/timing_loop.h"
#include "results/run_record.h"

typedef struct eb_record_builder {
    eb_run_record *rec;
    uint64_t cap;
    int got_meta, got_done, oom;
} eb_record_builder;

void eb_record_builder_init(eb_record_builder *b, eb_run_record *rec);
void eb_record_meta(eb_record_builder *b, const char *backend_version, const char *library_version,
                    uint64_t model_bytes);
/* 0 ok, -1 out of memory (the sample is dropped and b->oom set). */
int eb_record_sample(eb_record_builder *b, uint64_t t_ns, uint64_t latency_ns);
void eb_record_done(eb_record_builder *b, const eb_loop_result *r);
/* Extras into the record; an invalid name or no memory sets b->oom. */
void eb_record_metric(eb_record_builder *b, const char *name, double value);
void eb_record_text(eb_record_builder *b, const char *name, const char *value);
void eb_record_array(eb_record_builder *b, const char *name, eb_array_type type, uint64_t rows,
                     uint64_t cols, const void *data);
void eb_record_array_nd(eb_record_builder *b, const char *name, eb_array_type type, int rank,
                        const uint64_t *dims, const void *data);

/* Now as ISO 8601 UTC ("2026-11-26T07:01:02Z"), for started/finished. */
void eb_utc_now(char *buf, size_t len);

#endif
