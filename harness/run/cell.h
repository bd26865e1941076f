/* Executing one cell of the run matrix: load the model, open the backend,
 * prepare, make inputs, run the timing loop, report samples.
 *
 * The same executor runs in-process (isolation: none) or inside a child
 * process (isolation: process, the default) that the parent started as
 * `edgebench __cell`; the sink decides where samples go. */
#ifndef EB_CELL_H
#define EB_CELL_H

#include <signal.h>
#include <stdio.h>
#include <stdint.h>

#include "harness/backend/registry.h"
#include "harness/inputs/dataset_stream.h"
#include "harness/inputs/random_inputs.h"
#include "harness/run/cell_hw.h"
#include "harness/run/cell_outputs_job.h"
#include "harness/run/load_pattern.h"
#include "harness/run/timing_loop.h"
#include "results/run_record.h"

#define EB_CELL_MAX_OPTIONS 32

/* Everything a cell needs, as plain data (it crosses a pipe). */
typedef struct eb_cell_job {
    char backend[64];
    int threads;
    int n_options;
    char keys[EB_CELL_MAX_OPTIONS][64];
    char values[EB_CELL_MAX_OPTIONS][256];
    char model_path[1024];
    int64_t batch;            /* value for symbolic input dims; 1 by default */
    eb_random_spec inputs;
    eb_loop_settings loop;
    eb_load_spec load;           /* run.load ("load.<key>" lines); single_stream: the loop */
    /* dataset inputs, the condition, accuracy (cell_job_inputs.c carries them) */
    int use_dataset;             /* 1: inputs come from `dataset`, not `inputs` */
    eb_dataset_input dataset;
    eb_condition cond;           /* typed, as the run matrix resolved it; kind "" = plain
                                  * (carried as cond_kind= and one "cond.<key>=" line each) */
    int top_k;                   /* 0: top-1 only */
    int compare_reference;       /* compare outputs with reference_model on ref */
    int64_t max_compare;         /* samples compared at most */
    char reference_model[1024];  /* "": no comparison (this cell is the reference) */
    /* hardware: thermal condition, sensors, counters, throttling detection
     * (harness/run/cell_hw.h; carried as "hw.<key>" lines) */
    eb_cell_hw_job hw;
    /* raw outputs kept and the golden check (cell_outputs_job.h; "out.<key>" lines) */
    eb_cell_outputs_job outputs;
    int op_profile_iterations;   /* metrics.op_profile: inferences profiled after the loop; 0 off */
} eb_cell_job;

typedef struct eb_cell_sink {
    void *arg;
    void (*meta)(void *arg, const char *backend_version, const char *library_version,
                 uint64_t model_bytes);
    int (*sample)(void *arg, uint64_t t_ns, uint64_t latency_ns); /* non-zero: stop */
    void (*done)(void *arg, const eb_loop_result *r);
    /* Extras of the record (results/run_record.h): each callback may be NULL.
     * Names follow eb_extra_name_valid; data is copied before returning. */
    void (*metric)(void *arg, const char *name, double value);
    void (*text)(void *arg, const char *name, const char *value);
    void (*array)(void *arg, const char *name, eb_array_type type, uint64_t rows, uint64_t cols,
                  const void *data);
    /* an N-D array (model outputs: [samples, <tensor dims>]) */
    void (*array_nd)(void *arg, const char *name, eb_array_type type, int rank,
                     const uint64_t *dims, const void *data);
} eb_cell_sink;

/* Helpers for producers inside a cell: forward to the sink when it takes
 * extras (NULL-safe). */
void eb_cell_metric(const eb_cell_sink *sink, const char *name, double value);
void eb_cell_text(const eb_cell_sink *sink, const char *name, const char *value);
void eb_cell_array(const eb_cell_sink *sink, const char *name, eb_array_type type, uint64_t rows,
                   uint64_t cols, const void *data);
void eb_cell_array_nd(const eb_cell_sink *sink, const char *name, eb_array_type type, int rank,
                      const uint64_t *dims, const void *data);

/* Run the cell in this process. Errors come back with a message naming
 * the model, backend and node where known. */
eb_status eb_cell_execute(const eb_registry *reg, const eb_cell_job *job,
                          const eb_cell_sink *sink, char *msg, size_t msg_len);

/* The dataset / condition / accuracy part of a job as "key=value" lines,
 * and one such line parsed back (1 when the key was one of them). */
void eb_cell_job_write_inputs(FILE *f, const eb_cell_job *job);
/* 1: the line was one of these fields; 0: not one; -1: a bad typed
 * condition line (why in msg). */
int eb_cell_job_read_inputs(const char *key, const char *value, eb_cell_job *job, char *msg,
                            size_t msg_len);

/* Serialise a job as text lines ("key=value") and parse it back. */
int eb_cell_job_write(int fd, const eb_cell_job *job);
eb_status eb_cell_job_read(int fd, eb_cell_job *job, char *msg, size_t msg_len);

/* Run the cell in a child process (`exe __cell`), filling rec: status
 * (ok / failed / crashed / timeout / interrupted), message, samples,
 * versions, peak RSS. A crash, hang or failure of the cell is recorded in
 * rec, not returned: the return value is EB_OK unless the child could not
 * be started at all. *abort_flag set (by a second Ctrl-C) kills the child. */
eb_status eb_cell_run_isolated(const char *exe, const eb_cell_job *job, double timeout_s,
                               volatile sig_atomic_t *abort_flag, eb_run_record *rec,
                               char *msg, size_t msg_len);

/* Same contract, in this process (no crash protection): the cell runs on
 * a thread; at timeout_s (> 0) or *abort_flag it is asked to stop at its
 * next sample. Returns EB_ERR_TIMEOUT when it did not stop within a grace
 * period: rec is complete (timeout / interrupted), the thread is left
 * running, and the caller must run no further cell in this process, keep
 * reg alive and end the process with _exit. */
eb_status eb_cell_run_inprocess(const eb_registry *reg, const eb_cell_job *job, double timeout_s,
                                volatile sig_atomic_t *abort_flag, eb_run_record *rec);

/* Child side of eb_cell_run_isolated: read the job from stdin, stream
 * results to fd 3. Returns the process exit code. */
int eb_cell_child_main(void);

#endif
