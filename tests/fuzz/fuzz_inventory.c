/* Fuzz target: a farm inventory file (edgebench farm INVENTORY ...). */
#include "harness/farm/inventory.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    const char *path = eb_fuzz_file(data, size);
    if (!path)
        return 0;
    eb_inventory *inv = NULL;
    char msg[1024];
    if (eb_inventory_load(path, "/usr/bin/edgebench", &inv, msg, sizeof msg) == EB_OK) {
        char where[512];
        for (int i = 0; i < inv->n_devices; i++)
            eb_farm_device_where(&inv->devices[i], where, sizeof where);
        eb_inventory_free(inv);
    }
    return 0;
}
