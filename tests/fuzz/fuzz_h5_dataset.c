/* Fuzz target: an HDF5 file as a dataset input (samples "images" as float,
 * labels "labels" as int64). HDF5 itself is not instrumented: a crash
 * inside libhdf5 is the library's (docs/security.md). */
#include "harness/inputs/dataset.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    const char *path = eb_fuzz_file(data, size);
    if (!path)
        return 0;
    static const char *const names[2] = {"images", "labels"};
    for (int labels = 0; labels < 2; labels++) {
        eb_nd a;
        char msg[1024];
        if (eb_read_h5_dataset(path, names[labels], labels, &a, msg, sizeof msg) == EB_OK)
            eb_nd_free(&a);
        else
            eb_fuzz_note(msg);
    }
    return 0;
}
