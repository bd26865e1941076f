/* One device's part of a farm run, step by step: reachability and the
 * edgebench version there, the work directory, copying what changed
 * (manifest of SHA-256), the run, fetching the results file. Runs in a
 * worker process of its own (farm.c), so a hung step is ended by killing
 * the worker's process group. */
#ifndef EB_FARM_DEVICE_JOB_H
#define EB_FARM_DEVICE_JOB_H

#include <stddef.h>

#include "harness/farm/inventory.h"
#include "harness/farm/stage.h"

typedef enum eb_farm_status {
    EB_FARM_OK = 0,
    EB_FARM_CELLS_FAILED = 1, /* ran, results fetched, some cells failed/crashed/timed out */
    EB_FARM_UNREACHABLE = 2,  /* connection, authentication or host key failed */
    EB_FARM_NO_EDGEBENCH = 3, /* reachable, but no edgebench at the configured path */
    EB_FARM_FAILED = 4,       /* a step failed (copy, refused scenario, fetch) */
    EB_FARM_TIMEOUT = 5,      /* the attempt exceeded the device's timeout_s */
    EB_FARM_INTERRUPTED = 6,  /* Ctrl-C ended it */
    EB_FARM_NOT_RUN = 7       /* never started (Ctrl-C before its turn) */
} eb_farm_status;

/* "ok", "cells_failed", "unreachable", "no_edgebench", "failed", "timeout",
 * "interrupted", "not_run". */
const char *eb_farm_status_str(eb_farm_status s);

typedef struct eb_farm_job {
    const eb_farm_device *dev;
    const eb_farm_stage *stage;
    const char *const *sets;   /* farm-wide --set, before the device's own */
    int n_sets;
    const char *session;       /* names the results file on the device */
    const char *results_local; /* where the fetched results file goes */
    int log_fd;                /* the device's log */
    int allow_commands;        /* pass --allow-commands to the device's run */
} eb_farm_job;

/* Run every step. Returns the status; msg says what happened in one line,
 * version gets the device's edgebench version ("" when unknown). */
eb_farm_status eb_farm_job_run(const eb_farm_job *j, char *msg, size_t msg_len, char *version,
                               size_t version_len);

#endif
