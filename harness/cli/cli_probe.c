/* `edgebench probe`: describe this host as a device description file. */
#include <stdio.h>
#include <string.h>

#include "devices/device_file.h"
#include "devices/host_describe.h"
#include "devices/host_detect.h"
#include "harness/cli/cli.h"

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: edgebench probe [--format yaml|json] [--id ID] [--sysfs-root DIR] "
               "[-o FILE]\n"
               "  describes this host (CPU, caches, features, memory, kernel, virtualisation,\n"
               "  frequency policy, sensors, PAPI counters, peak estimate) as a device\n"
               "  description file (devices/NAME.yaml); see docs/probe.md\n");
    return rc;
}

int eb_cmd_probe(int argc, char **argv)
{
    const char *format = "yaml", *id = NULL, *root = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return usage(stdout, EB_EXIT_OK);
        int has_val = i + 1 < argc;
        if (strcmp(a, "--format") == 0 && has_val)
            format = argv[++i];
        else if (strcmp(a, "--id") == 0 && has_val)
            id = argv[++i];
        else if (strcmp(a, "--sysfs-root") == 0 && has_val)
            root = argv[++i];
        else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && has_val)
            out = argv[++i];
        else {
            fprintf(stderr, "edgebench probe: unknown or incomplete argument '%s'\n", a);
            return usage(stderr, EB_EXIT_USAGE);
        }
    }
    if (strcmp(format, "yaml") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, "edgebench probe: --format %s: expected yaml or json\n", format);
        return EB_EXIT_USAGE;
    }
    char dev[64];
    if (id && id[0])
        snprintf(dev, sizeof dev, "%s", id);
    else
        eb_default_device_id(dev, sizeof dev);
    eb_host h;
    eb_host_detect(&h);
    static eb_host_desc d; /* ~70 KB */
    eb_host_describe_at(&h, root, &d);
    FILE *f = stdout;
    if (out && !(f = fopen(out, "w"))) {
        fprintf(stderr, "edgebench probe: cannot write %s\n", out);
        return EB_EXIT_USAGE;
    }
    if (strcmp(format, "json") == 0)
        eb_device_write_json(f, dev, &d);
    else
        eb_device_write_yaml(f, dev, &d);
    if (f != stdout && fclose(f) != 0) {
        fprintf(stderr, "edgebench probe: error writing %s\n", out);
        return EB_EXIT_RUN;
    }
    return EB_EXIT_OK;
}
