/* Fuzz target: a golden file (docs/outputs.md) for the output 'prob'
 * (float32 [1, 10]) of tests/data/models/tiny_conv.onnx, as run and
 * validate read it before measuring and the cell reads it again: the .npy
 * path and the HDF5 path (by the input's magic), the dataset lookup, the
 * type and shape checks against the output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/model/model_load.h"
#include "harness/run/golden_outputs.h"
#include "tests/fuzz/fuzz.h"

#define MODEL EB_SOURCE_DIR "/tests/data/models/tiny_conv.onnx"

static char npy[300], h5[300];

static void remove_links(void)
{
    unlink(npy);
    unlink(h5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    static eb_graph *g;
    if (!g) {
        eb_load_options lo = {.default_dim = 1};
        char why[512];
        if (eb_graph_load(MODEL, &lo, &g, why, sizeof why) != EB_OK) {
            fprintf(stderr, "fuzz_golden: %s\n", why);
            return 0;
        }
    }
    const char *path = eb_fuzz_file(data, size);
    if (!path)
        return 0;
    /* the golden reader picks the format by the name: link the input under
     * both names (removed at exit) */
    if (!npy[0]) {
        snprintf(npy, sizeof npy, "%s.npy", path);
        snprintf(h5, sizeof h5, "%s.h5", path);
        remove_links();
        atexit(remove_links);
        if (symlink(path, npy) != 0 || symlink(path, h5) != 0)
            return 0;
    }
    int is_npy = size >= 6 && memcmp(data, "\x93NUMPY", 6) == 0;
    eb_nd nd;
    uint64_t n;
    char msg[2048];
    eb_status st = eb_golden_for_output(is_npy ? npy : h5, MODEL, g, 0, &nd, &n, msg, sizeof msg);
    if (st == EB_OK)
        eb_nd_free(&nd);
    else if (st != EB_ERR_NOT_FOUND)
        eb_fuzz_note(msg);
    return 0;
}
