/* eb_job_outcome_for_status (see job_outcome.h). */
#include "harness/run/job_outcome.h"

eb_job_outcome eb_job_outcome_for_status(eb_status s)
{
    switch (s) {
    case EB_OK: return EB_JOB_DONE;
    case EB_ERR_BACKEND:
    case EB_ERR_NOMEM:
    case EB_ERR_INTERRUPTED:
    case EB_ERR_TIMEOUT: return EB_JOB_FAILED;
    default: return EB_JOB_BAD_INPUT;
    }
}
