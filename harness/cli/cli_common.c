/* Small helpers shared by the subcommands. */
#include "edgebench/status.h"
#include "harness/cli/cli.h"

int eb_exit_for_outcome(eb_job_outcome outcome)
{
    switch (outcome) {
    case EB_JOB_DONE: return EB_EXIT_OK;
    case EB_JOB_FAILED: return EB_EXIT_RUN;
    case EB_JOB_CHECK_FAILED: return EB_EXIT_FAILED;
    default: return EB_EXIT_USAGE;
    }
}

int eb_exit_for_status(int status)
{
    return eb_exit_for_outcome(eb_job_outcome_for_status((eb_status)status));
}

