/* Fuzz target: the npy dataset reader, as samples (float) and as labels
 * (int64). */
#include "harness/inputs/dataset.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    const char *path = eb_fuzz_file(data, size);
    if (!path)
        return 0;
    for (int labels = 0; labels < 2; labels++) {
        eb_nd a;
        char msg[1024];
        if (eb_read_npy(path, labels, &a, msg, sizeof msg) == EB_OK)
            eb_nd_free(&a);
    }
    return 0;
}
