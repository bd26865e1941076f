/* The edgebench command line: one function per subcommand. */
#ifndef EB_CLI_H
#define EB_CLI_H

#include <stdio.h>

#include "harness/run/job_outcome.h"

/* Exit codes (DESIGN.md): a gate, budget or check failed -> 1; bad usage or
 * bad input -> 2; the run itself failed -> 3. */
enum {
    EB_EXIT_OK = 0,
    EB_EXIT_FAILED = 1,
    EB_EXIT_USAGE = 2,
    EB_EXIT_RUN = 3
};

/* A job's outcome as an exit code: done 0, bad input 2, failed 3. */
int eb_exit_for_outcome(eb_job_outcome outcome);
/* Map a status from loading/validating input to an exit code. */
int eb_exit_for_status(int status);

/* "edgebench ARG ..." as typed: the command a results file records.
 * Allocated (the caller frees it); NULL when out of memory. */
char *eb_cli_command_line(int argc, char **argv);

/* This program's path (/proc/self/exe), for the commands that run it again
 * (isolated cells, farm workers, gate re-runs, ab); NULL where unknown.
 * A static buffer, filled once. */
const char *eb_cli_self_exe(void);

int eb_cmd_inspect(int argc, char **argv);
int eb_cmd_profile(int argc, char **argv);
int eb_cmd_backends(int argc, char **argv);
int eb_cmd_conformance(int argc, char **argv);
int eb_cmd_validate(int argc, char **argv);
int eb_cmd_run(int argc, char **argv);
int eb_cmd_report(int argc, char **argv);
int eb_cmd_probe(int argc, char **argv);
int eb_cmd_merge(int argc, char **argv);
int eb_cmd_farm(int argc, char **argv);
int eb_cmd_compare(int argc, char **argv);
int eb_cmd_gate(int argc, char **argv);
int eb_cmd_ab(int argc, char **argv);

#endif
