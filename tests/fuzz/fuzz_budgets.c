/* Fuzz target: a budgets file (gate --budgets) from its text. */
#include "reports/budget.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    eb_budget_set *b = NULL;
    char msg[1024];
    if (eb_budget_set_parse("fuzz-budgets.yaml", (const char *)data, size, &b, msg, sizeof msg) ==
        EB_OK)
        eb_budget_set_free(b);
    return 0;
}
