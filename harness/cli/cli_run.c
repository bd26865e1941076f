/* edgebench run SCENARIO.yaml [-o results.h5] [--append] [--backend NAME]...
 *                [--set KEY=VALUE]... [--device-id ID] [--quiet] [--allow-commands]
 * --allow-commands: the scenario's metrics.power_command may run (docs/security.md).
 * --store-outputs: keep raw outputs, as `--set outputs.store=on` (docs/outputs.md). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/run/runner.h"

#define MAX_ARGS 64

#define MAX_CELLS 4096

/* "0,3,7" -> cell indices (the cell_index of stored runs). */
static int parse_cells(const char *s, int *cells, int *n)
{
    while (*s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 0 || v > INT_MAX || *n >= MAX_CELLS || (*end && *end != ','))
            return -1;
        cells[(*n)++] = (int)v;
        s = *end ? end + 1 : end;
    }
    return *n > 0 ? 0 : -1;
}

static int usage(void)
{
    fprintf(stderr, "usage: edgebench run SCENARIO.yaml [-o RESULTS.h5] [--append] "
                    "[--backend NAME]... [--set KEY=VALUE]... [--cells I,J,...] [--device-id ID] [--quiet]\n"
                    "                     [--allow-commands] [--store-outputs]\n");
    return EB_EXIT_USAGE;
}

int eb_cmd_run(int argc, char **argv)
{
    eb_run_options o = {.output = "results.h5", .log = stderr};
    const char *sets[MAX_ARGS], *backends[MAX_ARGS];
    static int cells[MAX_CELLS];
    o.cells = cells;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc)
            o.output = argv[++i];
        else if (strcmp(a, "--append") == 0)
            o.append = 1;
        else if (strcmp(a, "--backend") == 0 && i + 1 < argc && o.n_backends < MAX_ARGS)
            backends[o.n_backends++] = argv[++i];
        else if (strcmp(a, "--set") == 0 && i + 1 < argc && o.n_overrides < MAX_ARGS)
            sets[o.n_overrides++] = argv[++i];
        else if (strcmp(a, "--cells") == 0 && i + 1 < argc) {
            if (parse_cells(argv[++i], cells, &o.n_cells) != 0) {
                fprintf(stderr, "edgebench run: --cells %s: expected cell indices like 0,3,7 "
                                "(at most %d)\n", argv[i], MAX_CELLS);
                return EB_EXIT_USAGE;
            }
        } else if (strcmp(a, "--device-id") == 0 && i + 1 < argc)
            o.device_id = argv[++i];
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            o.quiet = 1;
        else if (strcmp(a, "--allow-commands") == 0)
            o.allow_commands = 1;
        else if (strcmp(a, "--store-outputs") == 0 && o.n_overrides < MAX_ARGS)
            sets[o.n_overrides++] = "outputs.store=on";
        else if (a[0] == '-' || o.scenario_path)
            return usage();
        else
            o.scenario_path = a;
    }
    if (!o.scenario_path)
        return usage();
    o.overrides = sets;
    o.backends = backends;
    /* the command line, stored in the results file */
    char *cmd = eb_cli_command_line(argc, argv);
    if (!cmd)
        return EB_EXIT_RUN;
    o.command_line = cmd;
    /* isolated cells re-execute this very binary */
    o.exe = eb_cli_self_exe() ? eb_cli_self_exe() : "edgebench";
    int left_running = 0;
    o.left_running = &left_running;
    int rc = eb_exit_for_outcome(eb_run_scenario(&o));
    if (left_running) {
        /* a hung cell thread runs inside a loaded backend: no exit
         * handlers, no unloading under it */
        fflush(NULL);
        _exit(rc);
    }
    free(cmd);
    return rc;
}
