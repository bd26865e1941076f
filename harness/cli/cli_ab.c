/* edgebench ab BASE_SCENARIO.yaml CANDIDATE_SCENARIO.yaml -o BASE.h5 -c CANDIDATE.h5
 *              [--rounds N] [--baseline-program EDGEBENCH] [--set KEY=VALUE]...
 *              [--device-id ID] [--allow-commands] [--quiet]
 *
 * Interleaved A/B measurement in one job: the baseline and the candidate are
 * measured alternately, N rounds of one `edgebench run ... --append` each,
 * in ABBA order (baseline, candidate, candidate, baseline, ...), so that
 * load, frequency and temperature changes of a shared machine fall on both
 * sides alike instead of on whichever ran second. The two files are then
 * judged as usual (`edgebench gate CANDIDATE.h5 --baseline BASE.h5`, or
 * compare), every repetition pooled. Two model files: two scenario files
 * (--set applies to both sides). Two builds: --baseline-program runs the
 * baseline side with another edgebench. Both sides carry the same device id (default: this
 * hardware's), and their scenarios need the same name to match.
 *
 * Exit 0 every run succeeded, 2 bad usage, 3 a run failed (the files keep
 * the finished rounds). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn.h"
#include "devices/host_describe.h"
#include "harness/cli/cli.h"

#define AB_MAX_SETS 64

static int usage(void)
{
    fprintf(stderr, "usage: edgebench ab BASE_SCENARIO.yaml CANDIDATE_SCENARIO.yaml -o BASE.h5 -c CANDIDATE.h5\n"
                    "                    [--rounds N] [--baseline-program EDGEBENCH] [--set KEY=VALUE]...\n"
                    "                    [--device-id ID] [--allow-commands] [--quiet]\n");
    return EB_EXIT_USAGE;
}

static int run_side(const char *program, const char *scenario, const char *out, const char *device,
                    const char *const *sets, int n_sets, int allow_commands)
{
    const char *argv[16 + 2 * AB_MAX_SETS];
    int a = 0;
    argv[a++] = program;
    argv[a++] = "run";
    argv[a++] = scenario;
    argv[a++] = "-o";
    argv[a++] = out;
    argv[a++] = "--append";
    argv[a++] = "--device-id";
    argv[a++] = device;
    argv[a++] = "--quiet";
    if (allow_commands)
        argv[a++] = "--allow-commands";
    for (int i = 0; i < n_sets; i++) {
        argv[a++] = "--set";
        argv[a++] = sets[i];
    }
    argv[a] = NULL;
    return eb_spawn_run(program, (char *const *)argv);
}

int eb_cmd_ab(int argc, char **argv)
{
    const char *scen[2] = {NULL, NULL}, *out[2] = {NULL, NULL};
    const char *base_program = NULL, *device_id = NULL;
    const char *sets[AB_MAX_SETS];
    int n_sets = 0, rounds = 6, quiet = 0, allow = 0, n_scen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && more)
            out[0] = argv[++i];
        else if ((strcmp(a, "-c") == 0 || strcmp(a, "--candidate-output") == 0) && more)
            out[1] = argv[++i];
        else if (strcmp(a, "--rounds") == 0 && more) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 1000) {
                fprintf(stderr, "edgebench ab: --rounds %s: expected 1 to 1000\n", argv[i]);
                return EB_EXIT_USAGE;
            }
            rounds = (int)n;
        } else if (strcmp(a, "--baseline-program") == 0 && more)
            base_program = argv[++i];
        else if (strcmp(a, "--device-id") == 0 && more)
            device_id = argv[++i];
        else if (strcmp(a, "--set") == 0 && more && n_sets < AB_MAX_SETS)
            sets[n_sets++] = argv[++i];
        else if (strcmp(a, "--allow-commands") == 0)
            allow = 1;
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            quiet = 1;
        else if (a[0] == '-' || n_scen == 2)
            return usage();
        else
            scen[n_scen++] = a;
    }
    if (n_scen != 2 || !out[0] || !out[1])
        return usage();
    if (strcmp(out[0], out[1]) == 0) {
        fprintf(stderr, "edgebench ab: -o and -c must be two files\n");
        return EB_EXIT_USAGE;
    }
    const char *self = eb_cli_self_exe();
    if (!self) {
        fprintf(stderr, "edgebench ab: cannot find this program\n");
        return EB_EXIT_RUN;
    }
    char device[64];
    if (device_id && device_id[0])
        snprintf(device, sizeof device, "%s", device_id);
    else
        eb_default_device_id(device, sizeof device);
    const char *program[2] = {base_program ? base_program : self, self};
    const char *side[2] = {"baseline", "candidate"};
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
            int s = (k == 0) == (r % 2 == 0) ? 0 : 1; /* A B, B A, A B, ... */
            if (!quiet)
                fprintf(stderr, "edgebench ab: round %d/%d: %s (%s)\n", r + 1, rounds, side[s],
                        scen[s]);
            int rc = run_side(program[s], scen[s], out[s], device, sets, n_sets, allow);
            if (rc != 0) {
                fprintf(stderr, "edgebench ab: the %s's run of round %d exited %d; the files keep "
                                "the finished rounds\n", side[s], r + 1, rc);
                return rc == EB_EXIT_USAGE && r == 0 && k == 0 ? EB_EXIT_USAGE : EB_EXIT_RUN;
            }
        }
    }
    if (!quiet)
        fprintf(stderr, "edgebench ab: %d rounds of each side into %s and %s (device '%s'); judge "
                        "them with: edgebench gate %s --baseline %s ...\n",
                rounds, out[0], out[1], device, out[1], out[0]);
    return EB_EXIT_OK;
}
