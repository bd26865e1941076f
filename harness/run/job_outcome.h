/* How a job of the harness (a run, a farm) ended, in words the caller maps
 * to its own terms: the CLI to process exit codes (cli.h), a library user
 * to whatever it reports. The run layer never speaks exit codes. */
#ifndef EB_JOB_OUTCOME_H
#define EB_JOB_OUTCOME_H

#include "edgebench/status.h"

typedef enum eb_job_outcome {
    EB_JOB_DONE = 0,   /* every cell / device ok (or skipped as unavailable) */
    EB_JOB_BAD_INPUT,  /* the scenario, inventory, options or output file were
                        * refused: nothing was measured */
    EB_JOB_FAILED,     /* it ran, and a cell or device failed, crashed, timed
                        * out, or the job was interrupted */
    EB_JOB_CHECK_FAILED /* every cell ran, and a check of their results failed
                        * (outputs against the golden file: docs/outputs.md) */
} eb_job_outcome;

/* The outcome of a job stopped by status s while loading or preparing:
 * EB_OK done; a backend, memory, timeout or interrupt status failed; any
 * other (the input was bad or unusable) bad input. */
eb_job_outcome eb_job_outcome_for_status(eb_status s);

#endif
