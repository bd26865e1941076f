/* `edgebench run`: a scenario's matrix, cell by cell, into a results file.
 *
 * The parent process loads and expands the scenario, opens the results
 * store, and runs each cell (in a child process unless the scenario says
 * isolation: none). Only the parent writes the file, and it flushes after
 * every cell, so a crash of a backend, a hang, or Ctrl-C leaves a readable
 * file with every finished cell. */
#ifndef EB_RUNNER_H
#define EB_RUNNER_H

#include <stdio.h>

#include "harness/run/job_outcome.h"

typedef struct eb_run_options {
    const char *scenario_path;
    const char *const *overrides; /* --set KEY=VALUE */
    int n_overrides;
    const char *const *backends;  /* --backend NAME: run only these (empty: all) */
    int n_backends;
    const int *cells;             /* --cells: run only these matrix positions (a run's
                                   * cell_index; none: all), e.g. to re-run failing cells */
    int n_cells;
    const char *output;           /* results file */
    int append;                   /* add to an existing results file */
    const char *device_id;        /* NULL: this host's name */
    const char *command_line;     /* stored in the file */
    const char *exe;              /* this program, started again for isolated cells */
    int quiet;
    int allow_commands;           /* --allow-commands: run metrics.power_command */
    FILE *log;                    /* progress and messages (stderr) */
    int *left_running;            /* optional out: set to 1 when a cell of isolation:
                                   * none did not stop; its thread still runs inside a
                                   * loaded backend, which was not unloaded, and the
                                   * caller must end the process at once (_exit) */
} eb_run_options;

/* Done: every cell ok (or skipped as unavailable); bad input: the
 * scenario, options or output file were refused; failed: a cell failed,
 * crashed or timed out, or the run was interrupted. */
eb_job_outcome eb_run_scenario(const eb_run_options *o);

#endif
