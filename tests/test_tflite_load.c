/* Loading .tflite files into the graph IR (harness/model/tflite_*.c) and the
 * FlatBuffer reader under them (flatbuf.c): layout and quantisation as the
 * IR states them, TFLite's padding rule, refusals by operator name, and
 * hostile bytes (offsets out of the buffer, every truncation) refused with a
 * message instead of read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/file_util.h"
#include "edgebench/graph.h"
#include "harness/model/flatbuf.h"
#include "harness/model/model_load.h"

#define CORPUS EB_SOURCE_DIR "/tests/fuzz/corpus/tflite/"

static eb_graph *load_ok(const char *path)
{
    char msg[1024] = "";
    eb_graph *g = NULL;
    if (eb_graph_load(path, NULL, &g, msg, sizeof msg) != EB_OK)
        fail_msg("loading %s failed: %s", path, msg);
    return g;
}

static const eb_tensor *tensor(const eb_graph *g, const char *name)
{
    int i = eb_graph_find_tensor(g, name);
    if (i < 0)
        fail_msg("no tensor %s", name);
    return &g->tensors[i];
}

static const eb_node *first_op(const eb_graph *g, const char *op)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].op_type, op) == 0)
            return &g->nodes[i];
    fail_msg("no %s node", op);
    return NULL;
}

static void test_fashion_int8_keeps_nhwc_io_and_gets_oihw_per_channel_weights(void **state)
{
    (void)state;
    eb_graph *g = load_ok(EB_SOURCE_DIR "/models/fashion/int8.tflite");
    const eb_tensor *in = &g->tensors[g->inputs[0]], *out = &g->tensors[g->outputs[0]];
    assert_string_equal(in->name, "input");
    assert_int_equal(in->dtype, EB_DT_F32);
    assert_int_equal(in->rank, 4);
    assert_int_equal(in->dims[1], 28);
    assert_int_equal(in->dims[3], 1); /* NHWC, as the file states */
    assert_string_equal(out->name, "logits");
    assert_int_equal(out->numel, 10);
    /* OHWI [16, 3, 3, 1] became OIHW [16, 1, 3, 3]; 16 scales along axis 0 */
    const eb_tensor *w = tensor(g, "conv1.weight/q");
    assert_int_equal(w->dtype, EB_DT_I8);
    assert_int_equal(w->dims[0], 16);
    assert_int_equal(w->dims[1], 1);
    assert_int_equal(w->dims[2], 3);
    assert_int_equal(w->quant.count, 16);
    assert_int_equal(w->quant.axis, 0);
    /* activations stay int8 with the file's parameters */
    const eb_tensor *a = tensor(g, "conv1/nchw");
    assert_int_equal(a->dtype, EB_DT_I8);
    assert_int_equal(a->dims[1], 16); /* NCHW between conv and pool: no transpose back */
    assert_int_equal(a->quant.count, 1);
    assert_int_equal(g->n_unknown_ops, 0);
    assert_true(g->macs > 1000000);
    eb_graph_destroy(g);
}

static void test_same_padding_puts_the_odd_pixel_at_the_end(void **state)
{
    (void)state;
    eb_graph *g = load_ok(CORPUS "float_net.tflite");
    /* 3x3 input, window 2, stride 2, SAME: 2 outputs need 1 pixel of padding,
     * which TFLite puts after (pads = top, left, bottom, right) */
    const eb_node *pool = first_op(g, "AveragePool");
    const int64_t *pads = NULL;
    assert_int_equal(eb_node_attr_ints(pool, "pads", &pads), 4);
    assert_int_equal(pads[0], 0);
    assert_int_equal(pads[1], 0);
    assert_int_equal(pads[2], 1);
    assert_int_equal(pads[3], 1);
    /* depthwise: one group per input channel, 1HWO weights as [8, 1, 3, 3] */
    const eb_node *conv = NULL;
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].op_type, "Conv") == 0 && eb_node_attr_int(&g->nodes[i], "group", 1) == 4)
            conv = &g->nodes[i];
    assert_non_null(conv);
    const eb_tensor *w = eb_node_input(g, conv, 1);
    assert_int_equal(w->dims[0], 8);
    assert_int_equal(w->dims[1], 1);
    eb_graph_destroy(g);
}

static void test_unknown_and_custom_operators_are_refused_by_name(void **state)
{
    (void)state;
    char msg[1024];
    eb_graph *g = NULL;
    assert_int_equal(eb_graph_load(CORPUS "unknown_op.tflite", NULL, &g, msg, sizeof msg),
                     EB_ERR_UNSUPPORTED);
    assert_null(g);
    assert_non_null(strstr(msg, "unknown_op.tflite: operator 0 (SQUARE): operator SQUARE is not supported"));
    assert_int_equal(eb_graph_load(CORPUS "custom_op.tflite", NULL, &g, msg, sizeof msg),
                     EB_ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, "custom operator 'MyFancyOp'"));
    assert_int_equal(eb_graph_load(CORPUS "never_written.tflite", NULL, &g, msg, sizeof msg),
                     EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "output 'y' is never written by an operator"));
}

static void test_content_decides_the_format_over_the_name(void **state)
{
    (void)state;
    void *bytes;
    size_t n;
    char msg[1024];
    assert_int_equal(eb_read_file(CORPUS "int8_net.tflite", &bytes, &n, msg, sizeof msg), EB_OK);
    assert_true(eb_model_is_tflite(bytes, n, "model.onnx"));
    eb_graph *g = NULL;
    assert_int_equal(eb_graph_load_buffer(bytes, n, "model.onnx", NULL, &g, msg, sizeof msg), EB_OK);
    eb_graph_destroy(g);
    assert_false(eb_model_is_tflite("\x08\x07", 2, "model.onnx"));
    assert_true(eb_model_is_tflite("", 0, "cut.tflite")); /* the name decides for short files */
    free(bytes);
}

static void test_every_truncation_is_refused_with_a_message(void **state)
{
    (void)state;
    void *bytes;
    size_t n;
    char msg[1024];
    assert_int_equal(eb_read_file(CORPUS "int8_net.tflite", &bytes, &n, msg, sizeof msg), EB_OK);
    for (size_t k = 0; k < n; k++) {
        eb_graph *g = NULL;
        msg[0] = '\0';
        eb_status st = eb_graph_load_buffer(bytes, k, "cut.tflite", NULL, &g, msg, sizeof msg);
        if (st == EB_OK)
            fail_msg("%zu of %zu bytes loaded", k, n);
        assert_null(g);
        assert_non_null(strstr(msg, "cut.tflite: "));
    }
    free(bytes);
}

static void test_flatbuf_refuses_offsets_outside_the_buffer(void **state)
{
    (void)state;
    eb_fb_table t;
    /* root offset past the end */
    uint8_t a[8] = {0x40, 0, 0, 0, 'T', 'F', 'L', '3'};
    eb_fb fb = {.buf = a, .len = sizeof a};
    assert_int_equal(eb_fb_root(&fb, &t), -1);
    assert_non_null(fb.err);
    /* a table whose vtable offset points before the buffer's start */
    uint8_t b[16] = {8, 0, 0, 0, 'T', 'F', 'L', '3', 0x00, 0x01, 0, 0};
    fb = (eb_fb){.buf = b, .len = sizeof b};
    assert_int_equal(eb_fb_root(&fb, &t), -1);
    /* a valid table with one vector field whose length runs past the end */
    uint8_t c[28] = {
        12, 0, 0, 0,               /* root: the table at 12 */
        6, 0, 8, 0, 4, 0, 0, 0,    /* vtable at 4: 6 bytes, table 8 bytes, field 0 at +4 */
        8, 0, 0, 0,                /* table at 12: soffset 8 -> vtable at 4 */
        4, 0, 0, 0,                /* field 0 at 16: uoffset 4 -> vector at 20 */
        0xff, 0xff, 0, 0,          /* vector length 65535 */
        1, 2, 3, 4};
    fb = (eb_fb){.buf = c, .len = sizeof c};
    assert_int_equal(eb_fb_root(&fb, &t), 0);
    eb_fb_vec v;
    assert_int_equal(eb_fb_vector(&t, 0, 4, &v), -1);
    assert_string_equal(fb.err, "vector runs past the end of the file");
    c[20] = 1, c[21] = 0; /* a length that fits: one int32 */
    assert_int_equal(eb_fb_vector(&t, 0, 4, &v), 1);
    assert_int_equal(v.n, 1);
    assert_int_equal(eb_fb_vec_i32(&fb, &v, 0), 0x04030201);
    /* absent fields take their defaults */
    int32_t x;
    assert_int_equal(eb_fb_i32(&t, 5, 7, &x), 0);
    assert_int_equal(x, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fashion_int8_keeps_nhwc_io_and_gets_oihw_per_channel_weights),
        cmocka_unit_test(test_same_padding_puts_the_odd_pixel_at_the_end),
        cmocka_unit_test(test_unknown_and_custom_operators_are_refused_by_name),
        cmocka_unit_test(test_content_decides_the_format_over_the_name),
        cmocka_unit_test(test_every_truncation_is_refused_with_a_message),
        cmocka_unit_test(test_flatbuf_refuses_offsets_outside_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
