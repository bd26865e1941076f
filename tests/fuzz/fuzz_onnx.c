/* Fuzz target: the ONNX loader (protobuf, validation, topological sort,
 * shape inference, quantisation annotation, costs) over a model's bytes. */
#include <stdlib.h>

#include "edgebench/graph.h"
#include "harness/model/model_load.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    eb_graph *g = NULL;
    char msg[1024];
    eb_load_options o = {.default_dim = 1};
    if (eb_graph_load_buffer(data, size, "fuzz.onnx", &o, &g, msg, sizeof msg) == EB_OK)
        eb_graph_destroy(g);
    return 0;
}
