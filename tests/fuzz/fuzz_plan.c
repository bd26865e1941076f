/* Fuzz target: the backends' plan builders and kernels behind the ONNX
 * loader. A model the loader accepts is prepared and run once on ref and
 * on simd (two threads, so the pool's splits run too) with inputs of
 * zeros. The builders read every shape, attribute and constant of a graph
 * that may be hostile yet valid: a MatMul with K = 0 or a conv with no
 * output channels once divided by zero there (SIGFPE), past every check
 * of the loader.
 *
 * Graphs whose tensors take more than PLAN_MAX_BYTES in all are skipped:
 * shape inference may give a small file activations of any size, and the
 * plans allocate them (that is a memory limit, not a bug). */
#include <stdlib.h>

#include "backends/ref/ref_backend.h"
#include "backends/simd/simd_backend.h"
#include "edgebench/backend.h"
#include "edgebench/graph.h"
#include "harness/inputs/random_inputs.h"
#include "harness/model/model_load.h"
#include "tests/fuzz/fuzz.h"

#define PLAN_MAX_BYTES ((size_t)64 << 20)

static size_t graph_bytes(const eb_graph *g)
{
    size_t total = 0;
    for (int i = 0; i < g->n_tensors; i++) {
        if (g->tensors[i].nbytes > PLAN_MAX_BYTES - total)
            return PLAN_MAX_BYTES + 1;
        total += g->tensors[i].nbytes;
    }
    return total;
}

static void run_on(const eb_backend *be, const eb_graph *g, const eb_input_set *in)
{
    char msg[1024];
    const eb_backend_options o = {.struct_size = sizeof o, .threads = 2};
    eb_backend_ctx *ctx = NULL;
    if (be->open(&o, &ctx, msg, sizeof msg) != EB_OK)
        return;
    eb_model m = {.struct_size = sizeof m, .graph = g, .path = g->path};
    eb_plan *plan = NULL;
    if (be->prepare(ctx, &m, &plan, msg, sizeof msg) == EB_OK) {
        eb_value *out = calloc((size_t)g->n_outputs + 1, sizeof *out);
        int ok = out != NULL;
        for (int i = 0; ok && i < g->n_outputs; i++) {
            const eb_tensor *t = &g->tensors[g->outputs[i]];
            out[i].nbytes = t->nbytes;
            ok = (out[i].data = calloc(1, t->nbytes + 1)) != NULL;
        }
        if (ok && be->run(ctx, plan, in->values, in->n, out, g->n_outputs, msg, sizeof msg) !=
                      EB_OK)
            eb_fuzz_note(msg);
        for (int i = 0; out && i < g->n_outputs; i++)
            free(out[i].data);
        free(out);
        be->release(ctx, plan);
    } else {
        eb_fuzz_note(msg);
    }
    be->close(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eb_fuzz_limits();
    eb_graph *g = NULL;
    char msg[1024];
    eb_load_options o = {.default_dim = 1};
    if (eb_graph_load_buffer(data, size, "fuzz.onnx", &o, &g, msg, sizeof msg) != EB_OK) {
        eb_fuzz_note(msg);
        return 0;
    }
    eb_input_set in = {0};
    const eb_random_spec zeros = {.seed = 1, .dist = EB_DIST_UNIFORM, .a = 0.0, .b = 0.0};
    if (graph_bytes(g) > PLAN_MAX_BYTES) {
        eb_fuzz_note("the graph's tensors are over the plan limit");
    } else if (eb_random_inputs(g, &zeros, &in, msg, sizeof msg) == EB_OK) {
        run_on(eb_ref_backend(), g, &in);
        run_on(eb_simd_backend(), g, &in);
        eb_input_set_free(&in);
    } else {
        eb_fuzz_note(msg);
    }
    eb_graph_destroy(g);
    return 0;
}
