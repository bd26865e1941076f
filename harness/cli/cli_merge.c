/* edgebench merge A.h5 B.h5 ... -o ALL.h5 [--append] [--strict] [--quiet]:
 * one results file from several (one per board, CI or LAVA job). The rules
 * (renumbered runs, renamed conflicting devices/scenarios, refused schema
 * versions) are in results/merge.h and docs/farm.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "results/merge.h"

static int usage(void)
{
    fprintf(stderr, "usage: edgebench merge RESULTS.h5... -o MERGED.h5 [--append] [--strict] "
                    "[--quiet]\n");
    return EB_EXIT_USAGE;
}

int eb_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    eb_merge_options o = {.log = stderr};
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t n = 0;
    if (!inputs)
        return EB_EXIT_RUN;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(a, "--append") == 0)
            o.append = 1;
        else if (strcmp(a, "--strict") == 0)
            o.strict = 1;
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            o.log = NULL;
        else if (a[0] == '-' && a[1]) {
            free(inputs);
            return usage();
        } else
            inputs[n++] = a;
    }
    if (!out || n == 0) {
        free(inputs);
        return usage();
    }
    char *cmd = eb_cli_command_line(argc, argv);
    if (!cmd) {
        free(inputs);
        return EB_EXIT_RUN;
    }
    o.command = cmd;
    char msg[1024];
    eb_merge_stats s;
    eb_status st = eb_merge_files(out, inputs, n, &o, &s, msg, sizeof msg);
    free(cmd);
    free(inputs);
    if (st != EB_OK) {
        fprintf(stderr, "edgebench merge: %s\n", msg);
        /* A failure while writing the output is a failed run; a bad input
         * or a refused conflict is bad input. */
        return st == EB_ERR_IO && strstr(msg, out) == msg ? EB_EXIT_RUN : EB_EXIT_USAGE;
    }
    if (o.log)
        fprintf(o.log,
                "merge: %s: %zu runs added, %zu already present; %zu devices added (%zu "
                "renamed), %zu scenarios added (%zu renamed)\n",
                out, s.runs_added, s.runs_skipped, s.devices_added, s.devices_renamed,
                s.scenarios_added, s.scenarios_renamed);
    return EB_EXIT_OK;
}
