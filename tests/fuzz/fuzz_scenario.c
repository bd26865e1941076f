/* Fuzz target: a scenario from YAML text through load, --set overrides,
 * validation and matrix expansion. The input is the YAML text; lines after
 * a line "#--set" are overrides (KEY=VALUE), one per line, as on the
 * command line. Relative model paths resolve against the source tree's
 * tests/data/scenarios/ (seeds name real models; a missing one is an error
 * like any other). */
#include <stdlib.h>
#include <string.h>

#include "harness/backend/registry.h"
#include "harness/scenario/scenario.h"
#include "tests/fuzz/fuzz.h"

#define MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static eb_registry *reg;
    eb_fuzz_limits();
    if (!reg && eb_registry_create_for(NULL, 0, &reg) != EB_OK)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *sets[MAX_SETS];
    int n_sets = 0;
    char *mark = strstr(text, "#--set\n");
    if (mark) {
        *mark = '\0';
        for (char *save = NULL, *l = strtok_r(mark + 7, "\n", &save); l && n_sets < MAX_SETS;
             l = strtok_r(NULL, "\n", &save))
            sets[n_sets++] = l;
    }
    eb_backend_names names = {eb_registry_knows, eb_registry_available_names, reg};
    eb_scenario_source src = {.path = EB_SOURCE_DIR "/tests/data/scenarios/fuzz.yaml",
                              .text = text,
                              .overrides = sets,
                              .n_overrides = n_sets,
                              .backends = &names};
    eb_scenario *s = NULL;
    eb_scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    if (eb_scenario_load_source(&src, &s, &errs) == EB_OK) {
        eb_matrix *m = NULL;
        char msg[1024];
        if (eb_scenario_expand(s, &m, msg, sizeof msg) == EB_OK)
            eb_matrix_destroy(m);
        eb_scenario_destroy(s);
    } else {
        char msg[4096];
        eb_scenario_errors_format(&errs, msg, sizeof msg);
    }
    free(text);
    return 0;
}
