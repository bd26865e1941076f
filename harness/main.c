/* edgebench: entry point and subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "cli/cli.h"
#include "edgebench/version.h"
#include "run/cell.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"run", eb_cmd_run,
     "run SCENARIO.yaml [-o RESULTS.h5] [--append] [--backend NAME]... [--set KEY=VALUE]...  measure"},
    {"report", eb_cmd_report, "report RESULTS.h5 [--format text|md|json|csv|html|svg] [-o FILE|DIR]  one row per cell, charts"},
    {"inspect", eb_cmd_inspect, "inspect MODEL.onnx [--format text|json]  ops, shapes, cost, backend support"},
    {"backends", eb_cmd_backends, "backends [--format text|json]  list backends, versions, ops, availability"},
    {"conformance", eb_cmd_conformance,
     "conformance [--backend B] [--filter PATTERN] [--dir DIR] [-v]  run the ONNX node tests"},
    {"merge", eb_cmd_merge, "merge RESULTS.h5... -o MERGED.h5 [--append] [--strict]  one file from several (farm, CI jobs)"},
    {"compare", eb_cmd_compare,
     "compare BASE.h5 CANDIDATE.h5 [--tolerance PCT] [--format text|md|json]  slower / faster / same per cell"},
    {"gate", eb_cmd_gate,
     "gate RESULTS.h5 [--budgets BUDGETS.yaml] [--baseline BASE.h5] [--junit F] [--markdown F] [--json F] [--confirm]  exit 1 when a budget fails"},
    {"farm", eb_cmd_farm,
     "farm INVENTORY.yaml SCENARIO.yaml [-o FARM.h5] [--jobs N] [--device ID]...  run on every device, merge"},
    {"probe", eb_cmd_probe,
     "probe [--format yaml|json] [--id ID] [-o FILE]  describe this host (device description)"},
    {"validate", eb_cmd_validate, "validate SCENARIO.yaml [--set KEY=VALUE]... [--matrix] [--format text|json]  check a scenario, show its run matrix"},
};

static void usage(FILE *f)
{
    fprintf(f, "edgebench %s: will this model run well enough on that hardware?\n\nusage:\n",
            EB_VERSION_STRING);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  edgebench %s\n", commands[i].help);
    fprintf(f, "  edgebench --version\n\nexit codes: 0 ok, 1 a check failed, 2 bad usage or "
               "input, 3 the run failed\n");
}

int main(int argc, char **argv)
{
    /* HDF5's exit handler closes files left open; one whose last write
     * failed (a full disk) then crashes it (exit 139 after the run's
     * summary). Every command closes its files itself and reports a failed
     * write with exit 3, so the handler has nothing to add. */
    H5dont_atexit();
    if (argc < 2) {
        usage(stderr);
        return EB_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EB_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("edgebench %s\n", EB_VERSION_STRING);
        return EB_EXIT_OK;
    }
    /* internal: the child process of an isolated cell (see run/cell.h) */
    if (strcmp(argv[1], "__cell") == 0)
        return eb_cell_child_main();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "edgebench: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EB_EXIT_USAGE;
}
