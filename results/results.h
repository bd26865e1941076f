/* The HDF5 results store, reader side: loads a results file written by
 * results/store.c (schema in docs/results-schema.md) into plain data for
 * reports, compare and gate.
 *
 * Everything in an eb_results is owned by it and released by
 * eb_results_free; pointers stay valid until then. */
#ifndef EB_RESULTS_H
#define EB_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"
#include "results/run_record.h"

typedef struct eb_results_kv {
    char *key;
    char *value;
} eb_results_kv;

/* /devices/<id>: the device description, attributes sorted by key. */
typedef struct eb_results_device {
    char *id;
    size_t n_attrs;
    eb_results_kv *attrs;
} eb_results_device;

/* /scenarios/<name>. */
typedef struct eb_results_scenario {
    char *name;
    char *yaml;
    size_t n_models;
    char **model_paths;   /* n_models entries */
    char **model_sha256;  /* n_models entries, 64 hex characters each */
    uint64_t *model_bytes; /* n_models entries */
} eb_results_scenario;

typedef struct eb_results {
    char *path;            /* the file read */
    char *format;          /* "edgebench" */
    char *schema_version;  /* "MAJOR.MINOR" as stored */
    int schema_major, schema_minor;
    char *tool_version;    /* edgebench that created the file */
    char *created;         /* ISO 8601 UTC */
    char *command;         /* command line that created the file */
    size_t n_devices;
    eb_results_device *devices;     /* sorted by id */
    size_t n_scenarios;
    eb_results_scenario *scenarios; /* sorted by name */
    size_t n_runs;
    eb_run_record *runs; /* sorted by numeric id; latency_ns / t_ns are NULL
                            unless read with samples (n is always set) */
} eb_results;

/* Read the results file at `path`. with_samples != 0 also loads every
 * run's latency_ns and t_ns (memory: 16 bytes per inference); without,
 * only attributes are read (fast, for summaries). *out is caller-owned
 * until eb_results_free.
 *
 * Errors, each with a message naming the file:
 *   EB_ERR_NOT_FOUND   the file does not exist;
 *   EB_ERR_IO          cannot be opened / read (permissions, locked, damaged);
 *   EB_ERR_FORMAT      not an HDF5 file; an HDF5 file that is not an
 *                      edgebench results file; a required attribute or
 *                      dataset is missing or mistyped (the message names it);
 *   EB_ERR_UNSUPPORTED a newer schema major version than this edgebench reads;
 *   EB_ERR_NOMEM. */
eb_status eb_results_read(const char *path, int with_samples, eb_results **out, char *msg,
                          size_t msg_len);

/* eb_results_read first reads the file in a child process
 * (results/results_sandbox.c): libhdf5 itself crashes on some corrupt
 * files, and a crash there becomes EB_ERR_FORMAT "...: the HDF5 library
 * crashed reading it". eb_results_set_sandbox(0) (or the environment's
 * EDGEBENCH_RESULTS_SANDBOX=0) reads in the calling process only: for
 * fuzzing, where the read itself is what is under test. */
void eb_results_set_sandbox(int on);

/* The two halves, for the above: the child's (and the caller's) read, and
 * the child. */
eb_status eb_results__read_direct(const char *path, int with_samples, eb_results **out, char *msg,
                                  size_t msg_len);
eb_status eb_results__preflight(const char *path, int with_samples, char *msg, size_t msg_len);

/* Free everything. NULL is a no-op. */
void eb_results_free(eb_results *r);

/* Lookups; NULL when absent. Borrowed from r. */
const eb_results_device *eb_results_find_device(const eb_results *r, const char *id);
const char *eb_results_device_attr(const eb_results_device *d, const char *key);
const eb_results_scenario *eb_results_find_scenario(const eb_results *r, const char *name);
const eb_run_record *eb_results_find_run(const eb_results *r, const char *id);

#endif
