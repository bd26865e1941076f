/* One measured cell of a run matrix, as plain data (google/benchmark's Run).
 *
 * The runner fills it, the results store writes and reads it, reporters only
 * read it. Strings are fixed-size and NUL-terminated so a record can be
 * copied and streamed as-is; the two sample arrays are heap-owned by the
 * record (eb_run_record_free releases them). */
#ifndef EB_RUN_RECORD_H
#define EB_RUN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "harness/conditions/condition.h"
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

/* Measurements of a cell beyond latency, each under a name its producer
 * chooses (docs/results-schema.md lists the names in use):
 *   metric  a number: "top1", "energy_per_inference_j", "counter.PAPI_TOT_INS"
 *   text    a string: "counters_unavailable", "throttled"
 *   array   a 1-D or 2-D dataset: "accuracy/correct" (uint8[n]),
 *           "sensors/temperature_c" (float64[m][2])
 * The store writes whatever a record carries and the reader reads it back,
 * so a new measurement needs no change to the store, the reader or the
 * child -> parent stream. Names: 1-63 characters of [A-Za-z0-9_.+-:]; an
 * array name may hold one '/' (a group under the run). */
#define EB_EXTRA_NAME_MAX 64
#define EB_EXTRA_TEXT_MAX 512

typedef enum eb_array_type {
    EB_ARRAY_F64 = 0, /* float64, stored as H5T_IEEE_F64LE */
    EB_ARRAY_U8 = 1,  /* uint8, stored as H5T_STD_U8LE */
    EB_ARRAY_I64 = 2, /* int64, stored as H5T_STD_I64LE */
    /* the element types of model outputs (outputs/<tensor>, docs/outputs.md) */
    EB_ARRAY_F32 = 3, /* float32, H5T_IEEE_F32LE */
    EB_ARRAY_I8 = 4,  /* int8, H5T_STD_I8LE */
    EB_ARRAY_I16 = 5, /* int16, H5T_STD_I16LE */
    EB_ARRAY_U16 = 6, /* uint16, H5T_STD_U16LE */
    EB_ARRAY_I32 = 7  /* int32, H5T_STD_I32LE */
} eb_array_type;

#define EB_ARRAY_MAX_RANK 8 /* dimensions of an N-D array (outputs: samples + the tensor's) */

typedef struct eb_run_metric {
    char name[EB_EXTRA_NAME_MAX];
    double value; /* NAN: measured but undefined (e.g. an accuracy over 0 samples) */
} eb_run_metric;

typedef struct eb_run_text {
    char name[EB_EXTRA_NAME_MAX];
    char value[EB_EXTRA_TEXT_MAX];
} eb_run_text;

typedef struct eb_run_array {
    char name[EB_EXTRA_NAME_MAX];
    eb_array_type type;
    uint64_t rows, cols; /* cols 0: a 1-D array of rows elements */
    void *data;          /* rows * max(cols, 1) elements, row-major; owned */
    int rank;            /* 0: 1-D or 2-D as rows, cols say; else the shape is dims[0..rank)
                          * (rows = dims[0], cols = the product of the others) */
    uint64_t dims[EB_ARRAY_MAX_RANK];
} eb_run_array;

typedef struct eb_run_record {
    char id[16];                 /* "000042": assigned by the store when appended */
    char device[64];             /* device id ("local" or the farm's id) */
    char scenario[128];          /* scenario name */
    char backend[64];
    char backend_options[1024];  /* the options the cell ran with (sweeps applied), canonical
                                  * "key=value,key=value" sorted by key (backend_label.h);
                                  * "" when none or read from a file before schema 1.2 */
    char backend_version[64];
    char library_version[128];   /* vendor library version, "" when none */
    char variant[64];
    char model_path[512];
    char condition[64];
    eb_condition cond;           /* the condition's kind and resolved parameters, typed
                                  * (kind "" when read from a file before schema 1.4) */
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
    int n_metrics, n_texts, n_arrays; /* extras (above); heap-owned by the record */
    eb_run_metric *metrics;
    eb_run_text *texts;
    eb_run_array *arrays;
} eb_run_record;

/* Compute rec->summary from rec->latency_ns. 0 ok, -1 out of memory. */
int eb_run_record_summarize(eb_run_record *rec);

/* Free the sample arrays and the extras (the record itself is
 * caller-owned). NULL-safe. */
void eb_run_record_free(eb_run_record *rec);

/* Extras. set_* replace a value of the same name. 0 ok, -1 bad name or out
 * of memory (the record is unchanged). */
int eb_run_record_set_metric(eb_run_record *rec, const char *name, double value);
int eb_run_record_set_text(eb_run_record *rec, const char *name, const char *value);
/* Copies data (rows * max(cols, 1) elements of type). */
int eb_run_record_set_array(eb_run_record *rec, const char *name, eb_array_type type,
                            uint64_t rows, uint64_t cols, const void *data);
/* An N-D array: rank 1..EB_ARRAY_MAX_RANK dimensions, each >= 1 but the first. */
int eb_run_record_set_array_nd(eb_run_record *rec, const char *name, eb_array_type type, int rank,
                               const uint64_t *dims, const void *data);
/* Lookups: 1 and *out when present, 0 when not. */
int eb_run_record_metric(const eb_run_record *rec, const char *name, double *out); /* 1: found */
const char *eb_run_record_text(const eb_run_record *rec, const char *name);   /* NULL: absent */
const eb_run_array *eb_run_record_array(const eb_run_record *rec, const char *name);
/* Copy all extras of src into dst (dst's own of the same names are replaced). */
int eb_run_record_copy_extras(eb_run_record *dst, const eb_run_record *src);

size_t eb_array_type_size(eb_array_type t);       /* bytes per element; 0 if unknown */
const char *eb_array_type_str(eb_array_type t);  /* "float64", "uint8", "int64", "float32", ... */
/* 1 when name is a valid extra name (has_group: one '/' allowed). */
int eb_extra_name_valid(const char *name, int has_group);

#endif
