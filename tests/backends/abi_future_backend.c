/* Test-only plugin built for a backend ABI this edgebench does not speak:
 * the loader must refuse it by version before touching anything else. */
#include "edgebench/backend.h"

static const char *const no_ops[] = {NULL};

static const eb_backend future = {
    .abi_version = EB_BACKEND_ABI_VERSION + 1,
    .struct_size = sizeof(eb_backend),
    .name = "abi_future",
    .version = "1",
    .description = "test-only plugin with a newer ABI version",
    .ops = no_ops,
};

__attribute__((visibility("default"))) const eb_backend *edgebench_backend_entry(void)
{
    return &future;
}
