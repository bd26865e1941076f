/* edgebench conformance: the ONNX operator node tests on one backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "harness/conformance/conformance.h"

static int usage(void)
{
    fprintf(stderr, "usage: edgebench conformance [--backend NAME] [--filter PATTERN] "
                    "[--dir DIR] [--rtol X] [--atol X] [-v]\n");
    return EB_EXIT_USAGE;
}

int eb_cmd_conformance(int argc, char **argv)
{
    const char *backend = "ref";
    eb_conf_options o = {.rtol = 1e-3, .atol = 1e-5};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc)
            backend = argv[++i];
        else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
            o.filter = argv[++i];
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            o.dir = argv[++i];
        else if (strcmp(argv[i], "--rtol") == 0 && i + 1 < argc)
            o.rtol = atof(argv[++i]);
        else if (strcmp(argv[i], "--atol") == 0 && i + 1 < argc)
            o.atol = atof(argv[++i]);
        else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
            o.verbose = 1;
        else
            return usage();
    }
    eb_registry *r;
    if (eb_registry_create(&r) != EB_OK)
        return EB_EXIT_RUN;
    const eb_registry_entry *e = eb_registry_find(r, backend);
    int rc = EB_EXIT_OK;
    if (!e) {
        fprintf(stderr, "edgebench conformance: unknown backend '%s' (see edgebench backends)\n",
                backend);
        rc = EB_EXIT_USAGE;
    } else if (!e->available) {
        fprintf(stderr, "edgebench conformance: backend '%s' is unavailable here: %s\n", backend,
                e->why);
        rc = EB_EXIT_USAGE;
    } else {
        char msg[1024];
        eb_conf_counts c;
        if (eb_conformance_run(e, &o, stdout, &c, msg, sizeof msg) != EB_OK) {
            fprintf(stderr, "edgebench conformance: %s\n", msg);
            rc = EB_EXIT_USAGE;
        } else {
            printf("conformance %s: %d passed, %d failed, %d skipped\n", backend, c.passed,
                   c.failed, c.skipped);
            rc = c.failed ? EB_EXIT_FAILED : EB_EXIT_OK;
        }
    }
    eb_registry_destroy(r);
    return rc;
}
