/* One measured cell of a run matrix, as plain data (google/benchmark's Run).
 *
 * The runner fills it, the results store writes and reads it, reporters only
 * read it. Strings are fixed-size and NUL-terminated so a record can be
 * copied and streamed as-is; the two sample arrays are heap-owned by the
 * record (eb_run_record_free releases them). */
#ifndef EB_RUN_RECORD_H
#define EB_RUN_RECORD_H

#include <stdint.h>

#include "harness/stats/stats.h"

typedef enum eb_run_status {
    EB_RUN_OK = 0,
    EB_RUN_FAILED = 1,      /* the backend reported an error (message says which) */
    EB_RUN_CRASHED = 2,     /* the cell's process died of a signal (message names it) */
    EB_RUN_TIMEOUT = 3,     /* killed at the scenario's timeout */
    EB_RUN_SKIPPED = 4,     /* not run (backend unavailable here, filtered out) */
    EB_RUN_INTERRUPTED = 5  /* aborted by a second Ctrl-C */
} eb_run_status;

/* "ok", "failed", "crashed", "timeout", "skipped", "interrupted". */
const char *eb_run_status_str(eb_run_status s);
/* Inverse; -1 for an unknown string. */
int eb_run_status_parse(const char *s);

typedef struct eb_run_record {
    char id[16];                 /* "000042": assigned by the store when appended */
    char device[64];             /* device id ("local" or the farm's id) */
    char scenario[128];          /* scenario name */
    char backend[64];
    char backend_version[64];
    char library_version[128];   /* vendor library version, "" when none */
    char variant[64];
    char model_path[512];
    char condition[64];
    char condition_params[256];  /* resolved parameters, "key=value;key=value" */
    char sweep[256];             /* sweep point, "threads=2;batch=4", "" when none */
    int cell_index;              /* position in the expanded matrix */
    int repetition;              /* 0-based */
    int threads;
    eb_run_status status;
    char message[1024];          /* why it failed / crashed / timed out; "" when ok */
    char started[32];            /* ISO 8601 UTC, e.g. "2026-11-26T07:01:02Z" */
    char finished[32];
    double wall_s;               /* wall time of the whole cell incl. prepare and warm-up */
    uint64_t warmup_n;           /* warm-up inferences run */
    uint64_t n;                  /* measured inferences */
    uint64_t *latency_ns;        /* n entries: duration of each inference */
    uint64_t *t_ns;              /* n entries: start of each inference from cell start */
    uint64_t peak_rss_bytes;     /* from the cell process's rusage (0 when unknown) */
    uint64_t model_bytes;        /* size of the model file */
    eb_summary summary;          /* of latency_ns; filled by eb_run_record_summarize */
} eb_run_record;

/* Compute rec->summary from rec->latency_ns. 0 ok, -1 out of memory. */
int eb_run_record_summarize(eb_run_record *rec);

/* Free the sample arrays (the record itself is caller-owned). NULL-safe. */
void eb_run_record_free(eb_run_record *rec);

#endif
