/* Dataset readers (IDX gzip/plain, .npy, HDF5) on the committed Fashion-MNIST
 * slices and on broken copies of them, and the stream that turns samples
 * into model inputs (order, cycling, normalisation, layout, resize). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "harness/inputs/dataset.h"
#include "harness/inputs/dataset_stream.h"

#define FDIR EB_SOURCE_DIR "/tests/data/fashion"
#define IDX_IMAGES FDIR "/t1k-images-idx3-ubyte.gz"
#define IDX_LABELS FDIR "/t1k-labels-idx1-ubyte.gz"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/eb-test-dataset.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static eb_dataset *load_ok(const char *path, const char *labels, uint64_t limit)
{
    eb_dataset_spec spec;
    memset(&spec, 0, sizeof spec);
    snprintf(spec.path, sizeof spec.path, "%s", path);
    snprintf(spec.labels, sizeof spec.labels, "%s", labels ? labels : "");
    spec.limit = limit;
    eb_dataset *d = NULL;
    char msg[512] = "";
    eb_status st = eb_dataset_load(&spec, &d, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("%s", msg);
    return d;
}

static void expect_load_error(const eb_dataset_spec *spec, eb_status want, const char *needle)
{
    eb_dataset *d = (eb_dataset *)1;
    char msg[512] = "";
    assert_int_equal(eb_dataset_load(spec, &d, msg, sizeof msg), want);
    assert_null(d);
    if (!strstr(msg, needle))
        fail_msg("message '%s' lacks '%s'", msg, needle);
}

/* Fill the spec for path (and labels). */
static eb_dataset_spec spec_of(const char *path, const char *labels)
{
    eb_dataset_spec spec;
    memset(&spec, 0, sizeof spec);
    snprintf(spec.path, sizeof spec.path, "%s", path);
    snprintf(spec.labels, sizeof spec.labels, "%s", labels ? labels : "");
    return spec;
}

static void test_idx_gzip_npy_and_hdf5_read_the_same_samples(void **state)
{
    (void)state;
    eb_dataset *idx = load_ok(IDX_IMAGES, IDX_LABELS, 0);
    assert_int_equal(idx->n, 1000);
    assert_int_equal(idx->rank, 2);
    assert_int_equal(idx->dims[0], 28);
    assert_int_equal(idx->dims[1], 28);
    assert_non_null(idx->labels);
    /* Fashion-MNIST's first test image is an ankle boot (class 9) */
    assert_int_equal(idx->labels[0], 9);
    eb_dataset *npy = load_ok(FDIR "/t100-images.npy", FDIR "/t100-labels.npy", 0);
    eb_dataset_spec h5 = spec_of(FDIR "/t100.h5", NULL);
    snprintf(h5.h5_labels, sizeof h5.h5_labels, "labels");
    eb_dataset *hd = NULL;
    char msg[256];
    assert_int_equal(eb_dataset_load(&h5, &hd, msg, sizeof msg), EB_OK);
    assert_int_equal(npy->n, 100);
    assert_int_equal(hd->n, 100);
    assert_memory_equal(npy->data, idx->data, 100 * 784 * sizeof(float));
    assert_memory_equal(hd->data, idx->data, 100 * 784 * sizeof(float));
    for (int i = 0; i < 100; i++) {
        assert_int_equal(npy->labels[i], idx->labels[i]);
        assert_int_equal(hd->labels[i], idx->labels[i]);
    }
    float mx = 0;
    for (size_t i = 0; i < 784; i++)
        mx = idx->data[i] > mx ? idx->data[i] : mx;
    assert_true(mx > 200 && mx <= 255); /* uint8 pixels stay 0..255 */
    eb_dataset_free(idx);
    eb_dataset_free(npy);
    eb_dataset_free(hd);

    eb_dataset *lim = load_ok(IDX_IMAGES, IDX_LABELS, 10);
    assert_int_equal(lim->n, 10);
    eb_dataset_free(lim);
}

/* Write the decompressed IDX file, cut to `keep` bytes (0: whole). */
static void write_plain_idx(const char *src, const char *dst, size_t keep)
{
    gzFile in = gzopen(src, "rb");
    assert_non_null(in);
    static unsigned char buf[1 << 20];
    int n = gzread(in, buf, sizeof buf);
    gzclose(in);
    assert_true(n > 0);
    FILE *f = fopen(dst, "wb");
    assert_non_null(f);
    fwrite(buf, 1, keep ? keep : (size_t)n, f);
    fclose(f);
}

static void test_plain_idx_and_broken_files(void **state)
{
    (void)state;
    char plain[300], cut[300], junk[300], npy[300];
    snprintf(plain, sizeof plain, "%s/images.idx", tmpdir);
    snprintf(cut, sizeof cut, "%s/cut.idx", tmpdir);
    snprintf(junk, sizeof junk, "%s/junk.idx", tmpdir);
    snprintf(npy, sizeof npy, "%s/bad.npy", tmpdir);
    write_plain_idx(IDX_IMAGES, plain, 0);
    eb_dataset *d = load_ok(plain, IDX_LABELS, 0);
    assert_int_equal(d->n, 1000);
    eb_dataset_free(d);

    write_plain_idx(IDX_IMAGES, cut, 16 + 5000);
    eb_dataset_spec s = spec_of(cut, NULL);
    expect_load_error(&s, EB_ERR_FORMAT, "truncated: the header promises 784000 elements");
    expect_load_error(&s, EB_ERR_FORMAT, cut);

    FILE *f = fopen(junk, "wb");
    fputs("hello, not a dataset", f);
    fclose(f);
    s = spec_of(junk, NULL);
    expect_load_error(&s, EB_ERR_FORMAT, "not an IDX file (magic 0x68656c6c");

    s = spec_of("/nonexistent/images.idx", NULL);
    expect_load_error(&s, EB_ERR_IO, "/nonexistent/images.idx: cannot open");

    /* labels that do not match the samples */
    s = spec_of(FDIR "/t100-images.npy", IDX_LABELS);
    expect_load_error(&s, EB_ERR_FORMAT, "1000 labels for 100 samples");
    /* float labels */
    s = spec_of(FDIR "/t100-labels.npy", FDIR "/t100-images.npy");
    expect_load_error(&s, EB_ERR_FORMAT, "samples must have at least one dimension");

    const char *hdr = "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }\n";
    f = fopen(npy, "wb");
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc((int)strlen(hdr), f);
    fputc(0, f);
    fputs(hdr, f);
    fclose(f);
    s = spec_of(npy, NULL);
    expect_load_error(&s, EB_ERR_FORMAT, "element type '<c8' is not supported");

    s = spec_of(FDIR "/t100.h5", NULL);
    snprintf(s.h5_images, sizeof s.h5_images, "pictures");
    expect_load_error(&s, EB_ERR_FORMAT, "t100.h5: no dataset 'pictures'");
    s = spec_of(IDX_IMAGES, NULL);
    s.format = EB_DATASET_HDF5;
    expect_load_error(&s, EB_ERR_FORMAT, "not an HDF5 file");
}

/* A graph with one float input of the given shape and one output. */
static eb_graph *graph_with_input(int rank, const int64_t *dims)
{
    static eb_tensor tensors[2];
    static int inputs[1] = {0}, outputs[1] = {1};
    static eb_graph g;
    memset(&g, 0, sizeof g);
    eb_graph_set_layout(&g);
    memset(tensors, 0, sizeof tensors);
    tensors[0].name = (char *)"x";
    tensors[0].dtype = EB_DT_F32;
    tensors[0].rank = rank;
    memcpy(tensors[0].dims, dims, (size_t)rank * sizeof *dims);
    tensors[1].dtype = EB_DT_F32;
    tensors[1].name = (char *)"y";
    tensors[1].rank = 2;
    tensors[1].dims[0] = 1;
    tensors[1].dims[1] = 10;
    tensors[1].nbytes = 40;
    g.path = (char *)"model.onnx";
    g.tensors = tensors;
    g.n_tensors = 2;
    g.inputs = inputs;
    g.n_inputs = 1;
    g.outputs = outputs;
    g.n_outputs = 1;
    return &g;
}

static eb_dataset_input idx_input(void)
{
    eb_dataset_input in;
    memset(&in, 0, sizeof in);
    in.data = spec_of(IDX_IMAGES, IDX_LABELS);
    in.scale = 1.0 / 255;
    in.n_mean = in.n_std = 1;
    in.mean[0] = 0.5;
    in.std[0] = 0.25;
    return in;
}

static void test_stream_normalises_orders_cycles_and_resizes(void **state)
{
    (void)state;
    int64_t nchw[4] = {1, 1, 28, 28};
    eb_dataset_input in = idx_input();
    eb_dataset_stream *s = NULL;
    char msg[512] = "";
    assert_int_equal(eb_dataset_stream_open(&in, graph_with_input(4, nchw), NULL, &s, msg,
                                            sizeof msg), EB_OK);
    eb_dataset *raw = load_ok(IDX_IMAGES, IDX_LABELS, 0);
    float x[784];
    eb_value v = {.dtype = EB_DT_F32, .data = x, .nbytes = sizeof x};
    eb_dataset_stream_fill(s, 1001, 1, &v); /* cycles: sample 1 */
    for (int i = 0; i < 784; i++)
        assert_float_equal(x[i], (raw->data[784 + i] / 255.0 - 0.5) / 0.25, 1e-5);
    assert_int_equal(eb_dataset_stream_label(s, 1001), raw->labels[1]);
    eb_dataset_stream_close(s);

    /* a shuffled order is a permutation, the same for the same seed */
    in.shuffle = 1;
    in.seed = 7;
    in.data.limit = 50;
    int64_t seen[50] = {0};
    assert_int_equal(eb_dataset_stream_open(&in, graph_with_input(4, nchw), NULL, &s, msg,
                                            sizeof msg), EB_OK);
    int moved = 0;
    for (uint64_t m = 0; m < 50; m++) {
        eb_dataset_stream_fill(s, m, 0, &v);
        for (uint64_t k = 0; k < 50; k++) {
            int same = 1;
            for (int i = 0; i < 784 && same; i++)
                same = fabsf(x[i] - (float)((raw->data[k * 784 + i] / 255.0 - 0.5) / 0.25)) < 1e-5f;
            if (same) {
                seen[k]++;
                moved += k != m;
                break;
            }
        }
    }
    int covered = 0;
    for (int k = 0; k < 50; k++)
        covered += seen[k] > 0;
    assert_int_equal(covered, 50);
    assert_true(moved > 30);
    eb_dataset_stream_close(s);

    /* NHWC, 3 channels, 56x56: replicated channels, resized */
    int64_t nhwc[4] = {1, 56, 56, 3};
    in = idx_input();
    assert_int_equal(eb_dataset_stream_open(&in, graph_with_input(4, nhwc), NULL, &s, msg,
                                            sizeof msg), EB_OK);
    static float big[56 * 56 * 3];
    eb_value vb = {.dtype = EB_DT_F32, .data = big, .nbytes = sizeof big};
    eb_dataset_stream_fill(s, 0, 0, &vb);
    for (int i = 0; i < 56 * 56; i++) {
        assert_float_equal(big[i * 3], big[i * 3 + 1], 0);
        assert_float_equal(big[i * 3], big[i * 3 + 2], 0);
    }
    /* bilinear at 2x: an output pixel lies between source pixels */
    float lo = -2, hi = 2;
    for (int i = 0; i < 56 * 56; i++) {
        lo = big[i * 3] > lo ? lo : big[i * 3];
        hi = big[i * 3] < hi ? hi : big[i * 3];
    }
    assert_true(lo >= -2.0f - 1e-5f && hi <= 2.0f + 1e-5f);
    eb_dataset_stream_close(s);

    /* resize none: the mismatch is an error naming both shapes */
    in.resize = EB_RESIZE_NONE;
    assert_int_equal(eb_dataset_stream_open(&in, graph_with_input(4, nhwc), NULL, &s, msg,
                                            sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "samples are 28x28 with 1 channel; model input 'x' wants 56x56 "
                                "with 3 and resize is none"));
    /* a batch of 4 (inputs.batch): call 2 holds samples 8..11, one per row */
    int64_t batch4[4] = {4, 1, 28, 28};
    in.resize = EB_RESIZE_BILINEAR;
    assert_int_equal(eb_dataset_stream_open(&in, graph_with_input(4, batch4), NULL, &s, msg,
                                            sizeof msg), EB_OK);
    assert_int_equal(eb_dataset_stream_batch(s), 4);
    static float x4[4 * 784];
    eb_value v4 = {.dtype = EB_DT_F32, .data = x4, .nbytes = sizeof x4};
    eb_dataset_stream_fill(s, 2, 0, &v4);
    for (int b = 0; b < 4; b++)
        for (int i = 0; i < 784; i += 97)
            assert_float_equal(x4[b * 784 + i], (raw->data[(8 + b) * 784 + i] / 255.0 - 0.5) / 0.25,
                               1e-5);
    eb_dataset_stream_close(s);
    int64_t batch0[4] = {0, 1, 28, 28};
    assert_int_equal(eb_dataset_stream_open(&in, graph_with_input(4, batch0), NULL, &s, msg,
                                            sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "[B, C, H, W]"));
    /* a flat model input of the right size takes the flattened sample */
    int64_t flat[2] = {1, 784};
    assert_int_equal(eb_dataset_stream_open(&in, graph_with_input(2, flat), NULL, &s, msg,
                                            sizeof msg), EB_OK);
    eb_dataset_stream_fill(s, 3, 0, &v);
    assert_float_equal(x[500], (raw->data[3 * 784 + 500] / 255.0 - 0.5) / 0.25, 1e-5);
    eb_dataset_stream_close(s);
    eb_dataset_free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idx_gzip_npy_and_hdf5_read_the_same_samples),
        cmocka_unit_test(test_plain_idx_and_broken_files),
        cmocka_unit_test(test_stream_normalises_orders_cycles_and_resizes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
