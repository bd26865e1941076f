/* Loading ONNX files into the graph IR: shapes, costs, order, and every kind
 * of bad file rejected with a message naming the file and the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/ref/ref_backend.h"
#include "common/file_util.h"
#include "edgebench/graph.h"
#include "harness/backend/registry.h"
#include "harness/model/model_load.h"

#define MODELS EB_SOURCE_DIR "/tests/data/models/"

static eb_graph *load_ok(const char *name, const eb_load_options *o)
{
    char msg[1024] = "";
    eb_graph *g = NULL;
    eb_status st = eb_graph_load(name, o, &g, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("loading %s failed: %s", name, msg);
    return g;
}

static const eb_node *node_named(const eb_graph *g, const char *name)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return &g->nodes[i];
    fail_msg("no node %s", name);
    return NULL;
}

static void test_tiny_conv_has_inferred_shapes_macs_and_params(void **state)
{
    (void)state;
    eb_graph *g = load_ok(MODELS "tiny_conv.onnx", NULL);
    assert_int_equal(g->n_nodes, 6);
    assert_int_equal(g->n_inputs, 1);
    assert_int_equal(g->n_outputs, 1);
    assert_int_equal(g->opset, 13);
    const eb_tensor *y = &g->tensors[g->outputs[0]];
    assert_string_equal(y->name, "prob");
    assert_int_equal(y->rank, 2);
    assert_int_equal(y->dims[0], 1);
    assert_int_equal(y->dims[1], 10);
    const eb_node *conv = node_named(g, "conv");
    const eb_tensor *c = eb_node_output(g, conv, 0);
    assert_int_equal(c->rank, 4);
    assert_int_equal(c->dims[1], 4);
    assert_int_equal(c->dims[2], 8);
    assert_int_equal(c->dims[3], 8);
    assert_int_equal(conv->macs, 4 * 8 * 8 * 9);
    assert_int_equal(conv->param_count, 40);
    const eb_tensor *p = eb_node_output(g, node_named(g, "pool"), 0);
    assert_int_equal(p->dims[2], 4);
    assert_int_equal(node_named(g, "fc")->macs, 640);
    assert_int_equal(g->macs, 2304 + 640);
    assert_int_equal(g->param_count, 690);
    assert_int_equal(g->param_bytes, 690 * 4);
    assert_int_equal(g->n_unknown_ops, 0);
    eb_graph_destroy(g);
}

static void test_unsorted_file_is_put_in_topological_order(void **state)
{
    (void)state;
    eb_graph *g = load_ok(MODELS "tiny_conv_unsorted.onnx", NULL);
    const char *want[] = {"conv", "relu", "pool", "flatten", "fc", "softmax"};
    for (int i = 0; i < 6; i++)
        assert_string_equal(g->nodes[i].name, want[i]);
    /* producers follow the reordering */
    for (int i = 0; i < g->n_nodes; i++)
        assert_int_equal(g->tensors[g->nodes[i].outputs[0]].producer, i);
    eb_graph_destroy(g);
}

static void test_symbolic_batch_takes_the_default_dim(void **state)
{
    (void)state;
    eb_graph *g = load_ok(MODELS "tiny_conv_dynamic_batch.onnx", NULL);
    assert_int_equal(g->tensors[g->inputs[0]].dims[0], 1);
    eb_graph_destroy(g);
    eb_load_options o = {.default_dim = 4};
    g = load_ok(MODELS "tiny_conv_dynamic_batch.onnx", &o);
    assert_int_equal(g->tensors[g->inputs[0]].dims[0], 4);
    assert_int_equal(g->tensors[g->outputs[0]].dims[0], 4);
    assert_int_equal(g->macs, 4 * (2304 + 640));
    eb_graph_destroy(g);
}

static void test_bad_files_fail_with_file_node_and_problem(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        eb_status status;
        const char *expect[3];
    } cases[] = {
        {"missing.onnx", EB_ERR_NOT_FOUND, {"missing.onnx", "cannot open"}},
        {"empty.onnx", EB_ERR_FORMAT, {"empty.onnx", "empty"}},
        {"truncated.onnx", EB_ERR_FORMAT, {"truncated.onnx", "truncated or corrupt"}},
        {"not_a_model.onnx", EB_ERR_FORMAT, {"not_a_model.onnx", "not a valid ONNX model"}},
        {"dim_overflow.onnx", EB_ERR_OVERFLOW, {"dim_overflow.onnx", "'x'", "overflows"}},
        {"bad_initializer.onnx", EB_ERR_FORMAT, {"initializer 'w'", "15 bytes", "needs 64"}},
        {"external_data.onnx", EB_ERR_UNSUPPORTED, {"initializer 'w'", "weights.bin", "external"}},
        {"undefined_input.onnx", EB_ERR_FORMAT, {"node 'add_ghost' (Add)", "'ghost'", "not produced"}},
        {"cycle.onnx", EB_ERR_FORMAT, {"node 'loop_", "cycle"}},
        {"conv_channel_mismatch.onnx", EB_ERR_SHAPE, {"node 'conv_bad' (Conv)", "1 channels", "expects 3"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], msg[1024] = "";
        snprintf(path, sizeof path, MODELS "%s", cases[i].file);
        eb_graph *g = (eb_graph *)0x1;
        eb_status st = eb_graph_load(path, NULL, &g, msg, sizeof msg);
        if (st != cases[i].status)
            fail_msg("%s: status %s, expected %s (%s)", cases[i].file, eb_status_str(st),
                     eb_status_str(cases[i].status), msg);
        assert_null(g);
        assert_non_null(strstr(msg, path));
        for (int k = 0; k < 3 && cases[i].expect[k]; k++)
            if (!strstr(msg, cases[i].expect[k]))
                fail_msg("%s: message '%s' lacks '%s'", cases[i].file, msg, cases[i].expect[k]);
    }
}

static void test_unknown_op_loads_and_backend_refuses_it_by_name(void **state)
{
    (void)state;
    eb_graph *g = load_ok(MODELS "unknown_op.onnx", NULL);
    assert_int_equal(g->n_unknown_ops, 1);
    assert_int_equal(g->nodes[0].shape_known, 0);
    const eb_backend *ref = eb_ref_backend();
    eb_backend_ctx *ctx;
    char msg[1024];
    eb_backend_options o = {.struct_size = sizeof o};
    assert_int_equal(ref->open(&o, &ctx, msg, sizeof msg), EB_OK);
    assert_int_equal(eb_backend_check_graph(ref, ctx, g, msg, sizeof msg), EB_ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, "unknown_op.onnx: node 'n0' (FooBar): not supported by backend 'ref'"));
    ref->close(ctx);
    eb_graph_destroy(g);
}

/* Every prefix of a valid file and seeded random corruptions must either
 * load or fail with a message: never crash, never succeed silently wrong. */
static void test_truncations_and_corruptions_never_crash(void **state)
{
    (void)state;
    void *bytes;
    size_t n;
    char msg[1024];
    assert_int_equal(eb_read_file(MODELS "tiny_conv.onnx", &bytes, &n, msg, sizeof msg), EB_OK);
    unsigned char *copy = malloc(n);
    for (size_t len = 0; len < n; len++) {
        eb_graph *g = NULL;
        msg[0] = '\0';
        eb_status st = eb_graph_load_buffer(bytes, len, "prefix", NULL, &g, msg, sizeof msg);
        if (st != EB_OK)
            assert_true(msg[0] != '\0');
        else
            assert_non_null(g);
        eb_graph_destroy(g);
    }
    uint32_t seed = 12345;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(copy, bytes, n);
        for (int k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 1664525u + 1013904223u;
            size_t pos = (seed >> 8) % n;
            seed = seed * 1664525u + 1013904223u;
            copy[pos] = (unsigned char)(seed >> 24);
        }
        eb_graph *g = NULL;
        msg[0] = '\0';
        eb_status st = eb_graph_load_buffer(copy, n, "corrupt", NULL, &g, msg, sizeof msg);
        if (st != EB_OK)
            assert_true(msg[0] != '\0');
        eb_graph_destroy(g);
    }
    free(copy);
    free(bytes);
}

/* The loader stamps its layout; a plugin built for larger structs is told
 * why it cannot read the graph, and the stride accessors land on element i
 * whatever the harness's struct sizes are. */
static void test_graph_carries_its_layout_and_accessors_index_by_stride(void **state)
{
    (void)state;
    eb_graph *g = load_ok(MODELS "tiny_conv.onnx", NULL);
    assert_int_equal(g->struct_size, sizeof(eb_graph));
    assert_int_equal(g->tensor_size, sizeof(eb_tensor));
    assert_int_equal(g->node_size, sizeof(eb_node));
    char why[256] = "";
    assert_true(eb_graph_layout_ok(g, why, sizeof why));
    for (int i = 0; i < g->n_tensors; i++)
        assert_ptr_equal(eb_graph_tensor(g, i), &g->tensors[i]);
    for (int i = 0; i < g->n_nodes; i++)
        assert_ptr_equal(eb_graph_node(g, i), &g->nodes[i]);

    /* an older harness: tensors smaller than this build's */
    eb_graph older = *g;
    older.tensor_size = (uint32_t)sizeof(eb_tensor) - 8;
    assert_false(eb_graph_layout_ok(&older, why, sizeof why));
    assert_non_null(strstr(why, "eb_tensor is"));
    /* never stamped */
    eb_graph bare = {.n_tensors = 0};
    assert_false(eb_graph_layout_ok(&bare, why, sizeof why));
    assert_non_null(strstr(why, "eb_graph is 0 bytes"));

    /* a newer harness: every tensor followed by 24 bytes this build does not know */
    struct wide { eb_tensor t; char appended[24]; } wide[3];
    memset(wide, 0, sizeof wide);
    for (int i = 0; i < 3; i++)
        wide[i].t.rank = 10 + i;
    eb_graph newer = {.n_tensors = 3, .tensors = &wide[0].t};
    eb_graph_set_layout(&newer);
    newer.struct_size += 16;
    newer.tensor_size = (uint32_t)sizeof(struct wide);
    assert_true(eb_graph_layout_ok(&newer, why, sizeof why));
    for (int i = 0; i < 3; i++)
        assert_int_equal(eb_graph_tensor(&newer, i)->rank, 10 + i);
    eb_graph_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_conv_has_inferred_shapes_macs_and_params),
        cmocka_unit_test(test_graph_carries_its_layout_and_accessors_index_by_stride),
        cmocka_unit_test(test_unsorted_file_is_put_in_topological_order),
        cmocka_unit_test(test_symbolic_batch_takes_the_default_dim),
        cmocka_unit_test(test_bad_files_fail_with_file_node_and_problem),
        cmocka_unit_test(test_unknown_op_loads_and_backend_refuses_it_by_name),
        cmocka_unit_test(test_truncations_and_corruptions_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
