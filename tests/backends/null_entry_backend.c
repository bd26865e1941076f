/* Test-only plugin whose entry point returns NULL (as a plugin does when its
 * own initialisation fails): the loader must report it, not crash. */
#include <stddef.h>

#include "edgebench/backend.h"

__attribute__((visibility("default"))) const eb_backend *edgebench_backend_entry(void)
{
    return NULL;
}
