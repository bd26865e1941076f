/* edgebench farm INVENTORY.yaml SCENARIO.yaml [-o farm.h5] [--jobs N]
 *                [--device ID]... [--tag TAG]... [--set KEY=VALUE]... [--quiet]
 *                [--trust-inventory] [--allow-commands] [--allow-outside-paths]
 * One scenario on every device of an inventory (harness/farm/farm.h,
 * docs/farm.md). The flags are the user's consent (docs/security.md): an
 * inventory's exec prefixes and local programs run here, a scenario's
 * meter command runs on the devices, files outside the scenario's folder
 * are copied to them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/farm/farm.h"

#define MAX_ARGS 64

static int usage(void)
{
    fprintf(stderr, "usage: edgebench farm INVENTORY.yaml SCENARIO.yaml [-o FARM.h5] [--jobs N] "
                    "[--device ID]... [--tag TAG]... [--set KEY=VALUE]... [--quiet]\n"
                    "                      [--trust-inventory] [--allow-commands] "
                    "[--allow-outside-paths]\n");
    return EB_EXIT_USAGE;
}

int eb_cmd_farm(int argc, char **argv)
{
    eb_farm_options o = {.output = "farm.h5", .log = stderr, .out = stdout};
    const char *sets[MAX_ARGS], *ids[MAX_ARGS], *tags[MAX_ARGS];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && more)
            o.output = argv[++i];
        else if ((strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) && more) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 256) {
                fprintf(stderr, "edgebench farm: --jobs takes 1 to 256, got '%s'\n", argv[i]);
                return EB_EXIT_USAGE;
            }
            o.jobs = (int)v;
        } else if (strcmp(a, "--device") == 0 && more && o.n_only_ids < MAX_ARGS)
            ids[o.n_only_ids++] = argv[++i];
        else if (strcmp(a, "--tag") == 0 && more && o.n_only_tags < MAX_ARGS)
            tags[o.n_only_tags++] = argv[++i];
        else if (strcmp(a, "--set") == 0 && more && o.n_sets < MAX_ARGS)
            sets[o.n_sets++] = argv[++i];
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            o.quiet = 1;
        else if (strcmp(a, "--allow-commands") == 0)
            o.allow_commands = 1;
        else if (strcmp(a, "--trust-inventory") == 0)
            o.trust_inventory = 1;
        else if (strcmp(a, "--allow-outside-paths") == 0)
            o.allow_outside_paths = 1;
        else if (a[0] == '-')
            return usage();
        else if (!o.inventory_path)
            o.inventory_path = a;
        else if (!o.scenario_path)
            o.scenario_path = a;
        else
            return usage();
    }
    if (!o.inventory_path || !o.scenario_path)
        return usage();
    o.sets = sets;
    o.only_ids = ids;
    o.only_tags = tags;
    char *cmd = eb_cli_command_line(argc, argv);
    if (!cmd)
        return EB_EXIT_RUN;
    o.command_line = cmd;
    o.exe = eb_cli_self_exe() ? eb_cli_self_exe() : "edgebench";
    int rc = eb_exit_for_outcome(eb_farm_run(&o));
    free(cmd);
    return rc;
}
