/* Small helpers shared by the subcommands. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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


char *eb_cli_command_line(int argc, char **argv)
{
    size_t len = sizeof "edgebench";
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *cmd = malloc(len);
    if (!cmd)
        return NULL;
    char *p = cmd + snprintf(cmd, len, "edgebench");
    for (int i = 0; i < argc; i++)
        p += snprintf(p, len - (size_t)(p - cmd), " %s", argv[i]);
    return cmd;
}

const char *eb_cli_self_exe(void)
{
    static char exe[PATH_MAX];
    if (!exe[0]) {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) {
            exe[0] = '\0';
            return NULL;
        }
        exe[n] = '\0';
    }
    return exe;
}
