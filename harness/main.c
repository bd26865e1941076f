/* edgebench: entry point and subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "edgebench/version.h"
#include "harness/cli/cli.h"
#include "harness/cli/cli_help.h"
#include "harness/run/cell.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
} commands[] = {
    {"run", eb_cmd_run},         {"report", eb_cmd_report},   {"compare", eb_cmd_compare},
    {"gate", eb_cmd_gate},       {"inspect", eb_cmd_inspect}, {"backends", eb_cmd_backends},
    {"conformance", eb_cmd_conformance}, {"merge", eb_cmd_merge}, {"farm", eb_cmd_farm},
    {"probe", eb_cmd_probe},     {"validate", eb_cmd_validate}, {"ab", eb_cmd_ab},
    {"profile", eb_cmd_profile},
};

static void usage(FILE *f)
{
    fprintf(f, "edgebench %s: will this model run well enough on that hardware?\n\nusage:\n",
            EB_VERSION_STRING);
    int n;
    const eb_cli_command *c = eb_cli_commands(&n);
    for (int i = 0; i < n; i++)
        fprintf(f, "  edgebench %-44s %s\n", c[i].synopsis, c[i].summary);
    fprintf(f, "  edgebench --version\n\n`edgebench COMMAND --help` lists a command's options.\n"
               "exit codes: 0 ok, 1 a check failed, 2 bad usage or input, 3 the run failed\n");
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        /* the options table answers --help and names a mistyped option
         * before the command parses anything */
        const eb_cli_command *help = eb_cli_find_command(commands[i].name);
        if (help && eb_cli_wants_help(help, argc - 1, argv + 1)) {
            eb_cli_print_help(stdout, help);
            return EB_EXIT_OK;
        }
        if (help && eb_cli_check_options(help, argc - 1, argv + 1) != 0)
            return EB_EXIT_USAGE;
        return commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "edgebench: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EB_EXIT_USAGE;
}
