/* The commands' options and help (cli_help.h). */
#include <string.h>

#include "harness/cli/cli.h"
#include "harness/cli/cli_help.h"

static const eb_cli_option run_opts[] = {
    {"--output", "-o", "RESULTS.h5", "results file (default results.h5); replaced only once a cell succeeded"},
    {"--append", NULL, NULL, "add this run to an existing results file"},
    {"--backend", NULL, "NAME", "run only this backend entry (repeat for several)"},
    {"--set", NULL, "KEY=VALUE", "override a scenario key, e.g. run.repetitions=5 (repeatable)"},
    {"--cells", NULL, "I,J,...", "run only these cells of the run matrix (validate --matrix numbers them)"},
    {"--device-id", NULL, "ID", "the device id the runs are filed under"},
    {"--quiet", "-q", NULL, "no progress lines"},
    {"--allow-commands", NULL, NULL, "let the scenario's metrics.power_command run (docs/security.md)"},
    {"--store-outputs", NULL, NULL, "keep each captured sample's raw outputs, as --set outputs.store=on (docs/outputs.md)"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option report_opts[] = {
    {"--format", NULL, "FORMAT", "text (default), md, json, csv, variants, html or svg"},
    {"--output", "-o", "FILE|DIR", "write there instead of standard output (a directory for svg)"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option inspect_opts[] = {
    {"--format", NULL, "text|json", "output format (default text)"},
    {"--backend", NULL, "NAME", "check support on this backend only (repeatable)"},
    {"--batch", NULL, "N", "set a dynamic batch dimension to N before shape inference"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option profile_opts[] = {
    {"--backend", NULL, "NAME", "the backend to profile (default ref; it needs a profile hook)"},
    {"--threads", NULL, "N", "threads (default 1)"},
    {"--iterations", NULL, "N", "profiled inferences (default 200)"},
    {"--warmup", NULL, "N", "inferences before them (default 20)"},
    {"--option", NULL, "KEY=VALUE", "a backend option, as in a scenario (repeatable)"},
    {"--format", NULL, "text|json", "output format (default text)"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option backends_opts[] = {
    {"--format", NULL, "text|json", "output format (default text)"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option conformance_opts[] = {
    {"--backend", NULL, "NAME", "backend to check (default ref)"},
    {"--filter", NULL, "PATTERN", "only node tests whose name contains PATTERN"},
    {"--dir", NULL, "DIR", "a directory of ONNX node tests (default: Debian's libonnx-testdata); "
                           "a whole model's outputs against golden files: scenario key outputs, docs/outputs.md"},
    {"--rtol", NULL, "X", "relative tolerance for float outputs"},
    {"--atol", NULL, "X", "absolute tolerance for float outputs"},
    {"--verbose", "-v", NULL, "one line per test"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option merge_opts[] = {
    {"--output", "-o", "MERGED.h5", "the merged file (required)"},
    {"--append", NULL, NULL, "add to an existing MERGED.h5"},
    {"--strict", NULL, NULL, "refuse (exit 2) a device or scenario that differs, instead of renaming it <id>~2"},
    {"--quiet", "-q", NULL, "no progress lines"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option compare_opts[] = {
    {"--tolerance", NULL, "PCT", "a change within PCT percent is 'same' (default 5)"},
    {"--alpha", NULL, "A", "significance level of the one-sided test (default 0.01)"},
    {"--format", NULL, "text|md|json", "output format (default text)"},
    {"--output", "-o", "FILE", "write there instead of standard output"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option gate_opts[] = {
    {"--budgets", NULL, "BUDGETS.yaml", "the budgets (default: the budgets: of the stored scenarios)"},
    {"--baseline", NULL, "BASE.h5", "results to judge max_regression_pct against"},
    {"--junit", NULL, "FILE", "write a JUnit XML report"},
    {"--markdown", NULL, "FILE", "write a Markdown report (a PR comment, a job summary)"},
    {"--json", NULL, "FILE", "write every check as JSON"},
    {"--confirm", NULL, NULL, "re-run the failing cells (and their baseline cells, interleaved) until decided; judge them by the re-runs"},
    {"--confirm-budget", NULL, "SECONDS", "with --confirm: time for all re-run rounds (default 120)"},
    {"--baseline-program", NULL, "EDGEBENCH", "with --confirm: the edgebench that re-runs the baseline's cells (another build)"},
    {"--scenario", NULL, "SCENARIO.yaml", "with --confirm: re-run this scenario instead of the stored one"},
    {"--set", NULL, "KEY=VALUE", "with --confirm: override a scenario key of the re-run (repeatable)"},
    {"--allow-commands", NULL, NULL, "with --confirm: let a --scenario/--set power_command run (never a stored one)"},
    {"--quiet", "-q", NULL, "no progress lines"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option ab_opts[] = {
    {"--output", "-o", "BASE.h5", "the baseline's results (appended to; required)"},
    {"--candidate-output", "-c", "CANDIDATE.h5", "the candidate's results (appended to; required)"},
    {"--rounds", NULL, "N", "rounds of one run per side, in ABBA order (default 6)"},
    {"--baseline-program", NULL, "EDGEBENCH", "the edgebench that measures the baseline (another build)"},
    {"--set", NULL, "KEY=VALUE", "override a scenario key on both sides (repeatable)"},
    {"--device-id", NULL, "ID", "the device id of both sides (default: from this hardware)"},
    {"--allow-commands", NULL, NULL, "let the scenarios' metrics.power_command run (docs/security.md)"},
    {"--quiet", "-q", NULL, "no progress lines"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option farm_opts[] = {
    {"--output", "-o", "FARM.h5", "the merged results file (default farm.h5)"},
    {"--jobs", "-j", "N", "devices run at once"},
    {"--device", NULL, "ID", "only this device of the inventory (repeatable)"},
    {"--tag", NULL, "TAG", "only devices with this tag (repeatable)"},
    {"--set", NULL, "KEY=VALUE", "override a scenario key on every device (repeatable)"},
    {"--quiet", "-q", NULL, "no progress lines"},
    {"--trust-inventory", NULL, NULL, "let exec transports and a local device's own edgebench run here"},
    {"--allow-commands", NULL, NULL, "let the scenario's metrics.power_command run on the devices"},
    {"--allow-outside-paths", NULL, NULL, "copy models and datasets from outside the scenario's folder"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option probe_opts[] = {
    {"--format", NULL, "yaml|json", "output format (default yaml, the device-file format)"},
    {"--id", NULL, "ID", "the device id to write (default: this host's)"},
    {"--sysfs-root", NULL, "DIR", "read sensors under DIR instead of /sys (fixture trees)"},
    {"--output", "-o", "FILE", "write there instead of standard output"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_option validate_opts[] = {
    {"--set", NULL, "KEY=VALUE", "override a scenario key (repeatable)"},
    {"--matrix", NULL, NULL, "print the run matrix, one numbered cell per line"},
    {"--format", NULL, "text|json", "output format (default text)"},
    {NULL, NULL, NULL, NULL}};

static const eb_cli_command commands[] = {
    {"run", "run SCENARIO.yaml [options]", "measure: every cell of the scenario's run matrix, into an HDF5 results file", run_opts,
     "Cells run in child processes (isolation: process); Ctrl-C stops after the current cell, a second one aborts it."},
    {"report", "report RESULTS.h5 [options]", "one row per cell, as text, Markdown, JSON, CSV, a variants table, HTML or SVG charts",
     report_opts, NULL},
    {"compare", "compare BASE.h5 CANDIDATE.h5 [options]", "slower / faster / same per cell, with p and the interval of the median ratio",
     compare_opts, NULL},
    {"gate", "gate RESULTS.h5 [options]", "CI gate: exit 1 when a budget fails, 4 when a check cannot be decided (docs/ci-gating.md)", gate_opts, NULL},
    {"ab", "ab BASE.yaml CANDIDATE.yaml -o BASE.h5 -c CANDIDATE.h5 [options]",
     "interleaved A/B: baseline and candidate measured alternately (ABBA rounds) for gate/compare", ab_opts,
     "Two model files: two scenario files of the same name; two builds: --baseline-program."},
    {"inspect", "inspect MODEL.onnx|MODEL.tflite [options]", "ops, shapes, MACs, parameters and backend support of a model", inspect_opts,
     NULL},
    {"profile", "profile MODEL.onnx|MODEL.tflite [options]", "time per node and per op type of one inference on a backend",
     profile_opts, "Runs in this process on seeded random inputs; docs/profiling.md."},
    {"backends", "backends [options]", "what can run here: backends, versions, ops, where each came from", backends_opts,
     NULL},
    {"conformance", "conformance [options]", "run the ONNX operator node tests on a backend", conformance_opts, NULL},
    {"merge", "merge RESULTS.h5... -o MERGED.h5 [options]", "one results file from several (farm, CI jobs)", merge_opts,
     NULL},
    {"farm", "farm INVENTORY.yaml SCENARIO.yaml [options]", "run a scenario on every device of an inventory and merge the results",
     farm_opts, "Inventories can hold programs to run: docs/security.md says what each flag allows."},
    {"probe", "probe [options]", "describe this device: CPU, SIMD, caches, sensors, counters, peak", probe_opts, NULL},
    {"validate", "validate SCENARIO.yaml [options]", "check a scenario and show its run matrix", validate_opts, NULL},
};

const eb_cli_command *eb_cli_commands(int *n)
{
    *n = (int)(sizeof commands / sizeof commands[0]);
    return commands;
}

const eb_cli_command *eb_cli_find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void eb_cli_print_help(FILE *f, const eb_cli_command *c)
{
    fprintf(f, "usage: edgebench %s\n\n%s\n\noptions:\n", c->synopsis, c->summary);
    for (const eb_cli_option *o = c->options; o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s%s%s", o->alias ? o->alias : "", o->alias ? ", " : "",
                 o->name, o->value ? " " : "", o->value ? o->value : "");
        fprintf(f, "  %-28s %s\n", left, o->help);
    }
    fprintf(f, "  %-28s %s\n", "-h, --help", "this help");
    if (c->more)
        fprintf(f, "\n%s\n", c->more);
    fprintf(f, "\nexit codes: 0 ok, 1 a check failed, 2 bad usage or input, 3 the run failed\n");
}

static const eb_cli_option *find_option(const eb_cli_command *c, const char *arg)
{
    for (const eb_cli_option *o = c->options; o->name; o++)
        if (strcmp(o->name, arg) == 0 || (o->alias && strcmp(o->alias, arg) == 0))
            return o;
    return NULL;
}

static int is_option(const char *a) { return a[0] == '-' && a[1] != '\0'; }

int eb_cli_wants_help(const eb_cli_command *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
        const eb_cli_option *o = is_option(argv[i]) ? find_option(c, argv[i]) : NULL;
        if (o && o->value)
            i++; /* its value, whatever it looks like */
    }
    return 0;
}

/* Edit distance, for the suggestion; options are short. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

int eb_cli_check_options(const eb_cli_command *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return 0;
        if (!is_option(a))
            continue;
        const eb_cli_option *o = find_option(c, a);
        if (o) {
            if (o->value) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "edgebench %s: option '%s' needs a value (%s)\n", c->name, a,
                            o->value);
                    return EB_EXIT_USAGE;
                }
                i++;
            }
            continue;
        }
        const eb_cli_option *best = NULL;
        size_t best_d = 4; /* suggest only what is a few edits away */
        for (const eb_cli_option *k = c->options; k->name; k++) {
            size_t d = distance(a, k->name);
            if (d < best_d) {
                best_d = d;
                best = k;
            }
        }
        fprintf(stderr, "edgebench %s: unknown option '%s'", c->name, a);
        if (best)
            fprintf(stderr, "; did you mean '%s'?", best->name);
        fprintf(stderr, " (edgebench %s --help lists them)\n", c->name);
        return EB_EXIT_USAGE;
    }
    return 0;
}
