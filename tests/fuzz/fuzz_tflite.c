/* Fuzz target: the TFLite loader (FlatBuffer offsets, vtables and vectors,
 * tensor and quantisation checks, operator mapping, shape inference and
 * the shape cross-check) over a model's bytes. The label ends in .tflite so
 * every input reaches the TFLite reader, whatever its identifier says. */
#include <stdlib.h>

#include "edgebench/graph.h"
#include "harness/model/model_load.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    eb_graph *g = NULL;
    char msg[1024];
    if (eb_graph_load_buffer(data, size, "fuzz.tflite", NULL, &g, msg, sizeof msg) == EB_OK)
        eb_graph_destroy(g);
    return 0;
}
