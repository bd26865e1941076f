/* The ref backend's shared float32 kernels against naive definitions: the
 * blocked GEMM against a triple loop, Conv (im2col + GEMM, pointwise and
 * depthwise paths) against a direct convolution, and the broadcasting loop
 * nest against plain index arithmetic. Shapes are ragged on purpose (not
 * multiples of the GEMM's register or cache blocks). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/ref/broadcast.h"
#include "backends/ref/gemm_f32.h"
#include "backends/ref/im2col_f32.h"
#include "backends/ref/ref_op.h"

/* ---- helpers ------------------------------------------------------------ */

static uint32_t rng_state = 0x2545f491u;

static float rnd(void) /* uniform in [-1, 1), reproducible */
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)(rng_state >> 8) / (float)(1u << 23) - 1.0f;
}

static float *rnd_array(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = rnd();
    return p;
}

/* Relative-plus-absolute closeness, naming the first element that is off. */
static void assert_close(const float *got, const double *want, size_t n, double tol,
                         const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= tol * (1.0 + fabs(want[i]))))
            fail_msg("%s: element %zu is %.9g, expected %.9g", what, i, got[i], want[i]);
}

/* ---- GEMM ----------------------------------------------------------------- */

/* C = alpha * op(A) op(B) + beta * C in double, A/B/C row-major with strides. */
static void naive_gemm(int ta, int tb, int m, int n, int k, double alpha, const float *a,
                       int lda, const float *b, int ldb, double beta, const float *c, int ldc,
                       double *out)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++)
                s += (double)(ta ? a[p * lda + i] : a[i * lda + p]) *
                     (double)(tb ? b[j * ldb + p] : b[p * ldb + j]);
            out[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * c[i * ldc + j]);
        }
}

static void check_gemm(int ta, int tb, int m, int n, int k, float alpha, float beta, int pad)
{
    /* leading dims larger than the rows, so strides are really used */
    int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
    int rows_a = ta ? k : m, rows_b = tb ? n : k;
    float *a = rnd_array((size_t)rows_a * lda), *b = rnd_array((size_t)rows_b * ldb);
    float *c = rnd_array((size_t)m * ldc);
    double *want = malloc(((size_t)m * n + 1) * sizeof *want);
    naive_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, want);
    float *scratch = malloc(eb_ref_gemm_f32_scratch_bytes(m, n, k) + 1);
    eb_ref_gemm_f32(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
    char what[128];
    snprintf(what, sizeof what, "gemm ta=%d tb=%d %dx%dx%d alpha=%g beta=%g", ta, tb, m, n, k,
             alpha, beta);
    for (int i = 0; i < m; i++)
        assert_close(c + (size_t)i * ldc, want + (size_t)i * n, (size_t)n, 1e-5 * (k + 1),
                     what);
    free(a);
    free(b);
    free(c);
    free(want);
    free(scratch);
}

static void test_gemm_matches_naive_on_ragged_shapes_and_all_transposes(void **state)
{
    (void)state;
    static const int shapes[][3] = {{1, 1, 1},  {3, 5, 7},  {4, 8, 16}, {5, 9, 3},
                                    {17, 13, 1}, {1, 37, 29}, {33, 1, 65}, {7, 23, 100}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int t = 0; t < 4; t++)
            check_gemm(t & 1, t >> 1, shapes[s][0], shapes[s][1], shapes[s][2], 1.0f, 0.0f,
                       (int)s % 3);
}

static void test_gemm_applies_alpha_and_accumulates_beta_c(void **state)
{
    (void)state;
    for (int t = 0; t < 4; t++) {
        check_gemm(t & 1, t >> 1, 6, 11, 9, 0.25f, 0.35f, 1);
        check_gemm(t & 1, t >> 1, 6, 11, 9, -1.5f, 1.0f, 0);
    }
}

/* m, n and k each cross the micro-tile and the MC / NC / KC cache blocks. */
static void test_gemm_matches_naive_across_cache_block_edges(void **state)
{
    (void)state;
    check_gemm(0, 0, 131, 1030, 300, 1.0f, 0.0f, 0);
    check_gemm(1, 1, 67, 515, 513, 0.5f, 2.0f, 3);
    check_gemm(0, 1, 65, 9, 257, 1.0f, 1.0f, 0);
}

static void test_gemm_with_beta_zero_never_reads_c(void **state)
{
    (void)state;
    float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {1, 0, 0, 1, 1, 1}; /* 2x3 * 3x2 */
    float c[4] = {NAN, NAN, NAN, NAN};
    float scratch[256];
    assert_true(eb_ref_gemm_f32_scratch_bytes(2, 2, 3) <= sizeof scratch);
    eb_ref_gemm_f32(0, 0, 2, 2, 3, 1.0f, a, 3, b, 2, 0.0f, c, 2, scratch);
    const float want[4] = {4, 5, 10, 11};
    for (int i = 0; i < 4; i++)
        assert_true(c[i] == want[i]);
}

static void test_gemm_with_empty_k_scales_c_by_beta(void **state)
{
    (void)state;
    float c[3] = {1, -2, 4};
    eb_ref_gemm_f32(0, 0, 1, 3, 0, 1.0f, NULL, 0, NULL, 3, 0.5f, c, 3, NULL);
    assert_true(c[0] == 0.5f && c[1] == -1.0f && c[2] == 2.0f);
    eb_ref_gemm_f32(0, 0, 1, 3, 0, 1.0f, NULL, 0, NULL, 3, 0.0f, c, 3, NULL);
    assert_true(c[0] == 0.0f && c[1] == 0.0f && c[2] == 0.0f);
}

/* ---- Conv ---------------------------------------------------------------- */

/* A convolution case, in up to 3 spatial dims (unused leading dims are 1). */
typedef struct conv_case {
    const char *name;
    int ns;                       /* spatial dims: 1, 2 or 3 */
    int n, c, m, group;
    int in[3], k[3], stride[3], dil[3], pb[3], pe[3];
    int bias;
} conv_case;

static int out_dim(int in, int k, int s, int d, int pb, int pe)
{
    return (in + pb + pe - ((k - 1) * d + 1)) / s + 1;
}

/* Direct convolution from the definition, in double, on 3-D volumes. */
static void naive_conv(const conv_case *t, const int *o3, const float *x, const float *w,
                       const float *b, double *y)
{
    int in3[3], k3[3], s3[3], d3[3], p3[3];
    for (int i = 0; i < 3; i++) {
        int j = i - (3 - t->ns); /* axis of the case, or < 0 for a padding dim */
        in3[i] = j >= 0 ? t->in[j] : 1;
        k3[i] = j >= 0 ? t->k[j] : 1;
        s3[i] = j >= 0 ? t->stride[j] : 1;
        d3[i] = j >= 0 ? t->dil[j] : 1;
        p3[i] = j >= 0 ? t->pb[j] : 0;
    }
    int cg = t->c / t->group, mg = t->m / t->group;
    int in_vol = in3[0] * in3[1] * in3[2], k_vol = k3[0] * k3[1] * k3[2];
    int out_vol = o3[0] * o3[1] * o3[2];
    for (int n = 0; n < t->n; n++)
        for (int m = 0; m < t->m; m++) {
            int g = m / mg;
            for (int od = 0; od < o3[0]; od++)
                for (int oh = 0; oh < o3[1]; oh++)
                    for (int ow = 0; ow < o3[2]; ow++) {
                        double s = b ? b[m] : 0.0;
                        for (int c = 0; c < cg; c++)
                            for (int kd = 0; kd < k3[0]; kd++)
                                for (int kh = 0; kh < k3[1]; kh++)
                                    for (int kw = 0; kw < k3[2]; kw++) {
                                        int id = od * s3[0] - p3[0] + kd * d3[0];
                                        int ih = oh * s3[1] - p3[1] + kh * d3[1];
                                        int iw = ow * s3[2] - p3[2] + kw * d3[2];
                                        if (id < 0 || id >= in3[0] || ih < 0 || ih >= in3[1] ||
                                            iw < 0 || iw >= in3[2])
                                            continue;
                                        s += (double)x[(size_t)(n * t->c + g * cg + c) * in_vol +
                                                       (id * in3[1] + ih) * in3[2] + iw] *
                                             w[(size_t)(m * cg + c) * k_vol +
                                               (kd * k3[1] + kh) * k3[2] + kw];
                                    }
                        y[(size_t)(n * t->m + m) * out_vol + (od * o3[1] + oh) * o3[2] + ow] = s;
                    }
        }
}

static void set_tensor(eb_tensor *t, const char *name, int rank, const int64_t *dims, void *data)
{
    memset(t, 0, sizeof *t);
    t->name = (char *)name;
    t->dtype = EB_DT_F32;
    t->rank = rank;
    t->numel = 1;
    for (int i = 0; i < rank; i++) {
        t->dims[i] = dims[i];
        t->numel *= dims[i];
    }
    t->nbytes = (size_t)t->numel * sizeof(float);
    t->data = data;
    t->kind = data ? EB_TENSOR_CONSTANT : EB_TENSOR_ACTIVATION;
}

static void value_of(eb_value *v, const eb_tensor *t, void *data)
{
    memset(v, 0, sizeof *v);
    v->dtype = t->dtype;
    v->rank = t->rank;
    memcpy(v->dims, t->dims, sizeof v->dims);
    v->nbytes = t->nbytes;
    v->data = data;
}

/* Builds a one-node Conv graph for the case, runs the ref op's check,
 * prepare and run as the plan would, and compares with naive_conv. */
static void check_conv(const conv_case *t)
{
    const int r = t->ns + 2;
    int64_t xd[5] = {t->n, t->c}, wd[5] = {t->m, t->c / t->group}, yd[5] = {t->n, t->m};
    int64_t bd[1] = {t->m};
    int o3[3] = {1, 1, 1};
    int64_t strides[3], dil[3], pads[6];
    for (int i = 0; i < t->ns; i++) {
        xd[i + 2] = t->in[i];
        wd[i + 2] = t->k[i];
        yd[i + 2] = out_dim(t->in[i], t->k[i], t->stride[i], t->dil[i], t->pb[i], t->pe[i]);
        o3[3 - t->ns + i] = (int)yd[i + 2];
        strides[i] = t->stride[i];
        dil[i] = t->dil[i];
        pads[i] = t->pb[i];
        pads[t->ns + i] = t->pe[i];
    }
    eb_tensor ts[4];
    set_tensor(&ts[0], "x", r, xd, NULL);
    set_tensor(&ts[1], "w", r, wd, NULL);
    set_tensor(&ts[2], "b", 1, bd, NULL);
    set_tensor(&ts[3], "y", r, yd, NULL);
    float *x = rnd_array((size_t)ts[0].numel), *w = rnd_array((size_t)ts[1].numel);
    float *b = rnd_array((size_t)ts[2].numel), *y = malloc(ts[3].nbytes + 1);
    ts[1].data = w; /* constant weight, as in a real model */
    ts[1].kind = EB_TENSOR_CONSTANT;
    eb_attr attrs[4] = {
        {.name = "strides", .type = EB_ATTR_INTS, .n = t->ns, .ints = strides},
        {.name = "dilations", .type = EB_ATTR_INTS, .n = t->ns, .ints = dil},
        {.name = "pads", .type = EB_ATTR_INTS, .n = 2 * t->ns, .ints = pads},
        {.name = "group", .type = EB_ATTR_INT, .i = t->group},
    };
    int inputs[3] = {0, 1, 2}, outputs[1] = {3};
    eb_node node = {.name = (char *)t->name, .op_type = "Conv", .domain = "", .opset = 11,
                    .n_inputs = t->bias ? 3 : 2, .inputs = inputs, .n_outputs = 1,
                    .outputs = outputs, .n_attrs = 4, .attrs = attrs};
    eb_graph g = {.path = "<test>", .n_tensors = 4, .tensors = ts, .n_nodes = 1, .nodes = &node};
    eb_graph_set_layout(&g);

    char why[256] = "";
    if (!eb_ref_op_conv.check(&g, &node, why, sizeof why))
        fail_msg("%s: check refused: %s", t->name, why);
    void *st = NULL;
    size_t scratch_bytes = 0;
    char msg[256] = "";
    if (eb_ref_op_conv.prepare(&g, &node, &st, &scratch_bytes, msg, sizeof msg) != EB_OK)
        fail_msg("%s: prepare failed: %s", t->name, msg);
    eb_value vx, vw, vb, vy;
    value_of(&vx, &ts[0], x);
    value_of(&vw, &ts[1], w);
    value_of(&vb, &ts[2], b);
    value_of(&vy, &ts[3], y);
    eb_value *in[3] = {&vx, &vw, &vb}, *out[1] = {&vy};
    void *scratch = malloc(scratch_bytes + 1);
    eb_ref_exec ex = {.g = &g, .node = &node, .in = in, .out = out, .state = st,
                      .scratch = scratch};
    if (eb_ref_op_conv.run(&ex, msg, sizeof msg) != EB_OK)
        fail_msg("%s: run failed: %s", t->name, msg);
    double *want = malloc((size_t)ts[3].numel * sizeof *want);
    naive_conv(t, o3, x, w, t->bias ? b : NULL, want);
    assert_close(y, want, (size_t)ts[3].numel, 1e-5 * (1 + ts[1].numel / t->m), t->name);
    eb_ref_op_conv.release(st);
    free(scratch);
    free(want);
    free(x);
    free(w);
    free(b);
    free(y);
}

static void test_conv_im2col_matches_direct_with_groups_dilation_strides_pads(
    void **state)
{
    (void)state;
    static const conv_case cases[] = {
        {"2d grouped dilated strided", 2, 2, 6, 4, 2, {9, 11}, {3, 2}, {2, 1}, {1, 2},
         {1, 0}, {2, 1}, 1},
        {"2d plain no bias", 2, 1, 3, 5, 1, {7, 6}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, 0},
        {"2d strided 1x1 (subsampling, not the pointwise path)", 2, 1, 4, 3, 1, {7, 8},
         {1, 1}, {2, 3}, {1, 1}, {0, 0}, {0, 0}, 1},
        {"2d pads only at the end", 2, 1, 2, 2, 1, {5, 5}, {2, 4}, {3, 1}, {2, 1}, {0, 0},
         {3, 2}, 1},
        {"1d strided dilated", 1, 2, 3, 4, 1, {17}, {3}, {2}, {2}, {2}, {1}, 1},
        {"3d grouped", 3, 1, 4, 6, 2, {4, 5, 6}, {2, 3, 2}, {1, 2, 1}, {1, 1, 2},
         {1, 0, 1}, {0, 2, 1}, 1},
        /* K = 40*9 and OH*OW = 900 cross the GEMM's KC and NC blocks */
        {"2d large (several GEMM blocks)", 2, 1, 40, 70, 1, {30, 30}, {3, 3}, {1, 1},
         {1, 1}, {1, 1}, {1, 1}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_conv(&cases[i]);
}

static void test_conv_pointwise_path_matches_direct(void **state)
{
    (void)state;
    static const conv_case cases[] = {
        {"1x1", 2, 2, 7, 9, 1, {5, 6}, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, 1},
        {"1x1 grouped", 2, 1, 8, 6, 2, {4, 3}, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_conv(&cases[i]);
}

static void test_conv_depthwise_path_matches_direct(void **state)
{
    (void)state;
    static const conv_case cases[] = {
        {"depthwise 3x3 s2 asymmetric pads", 2, 2, 5, 5, 5, {9, 8}, {3, 3}, {2, 2}, {1, 1},
         {1, 0}, {0, 2}, 1},
        {"depthwise multiplier 2 dilated", 2, 1, 3, 6, 3, {10, 7}, {3, 2}, {1, 1}, {2, 3},
         {2, 1}, {2, 3}, 1},
        {"depthwise 5x5 stride (1,3) no bias", 2, 1, 4, 4, 4, {6, 13}, {5, 5}, {1, 3}, {1, 1},
         {2, 2}, {2, 2}, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_conv(&cases[i]);
}

/* Padding taps read as 0 and rows come in the weight's (c, kh, kw) order. */
static void test_im2col_zero_fills_padding_in_weight_row_order(void **state)
{
    (void)state;
    eb_window w = {.n_spatial = 2, .in = {2, 2}, .out = {2, 2}, .kernel = {2, 2},
                   .stride = {1, 1}, .dilation = {1, 1}, .pad_begin = {1, 0},
                   .pad_end = {0, 1}};
    const float x[4] = {1, 2, 3, 4}; /* [[1,2],[3,4]] */
    float col[16];
    assert_int_equal(eb_ref_im2col_rows(&w, 1), 4);
    assert_int_equal(eb_ref_im2col_cols(&w), 4);
    eb_ref_im2col_f32(&w, 1, x, col);
    /* tap (kh,kw) at output (oh,ow) reads x[oh-1+kh][ow+kw] */
    const float want[16] = {0, 0, 1, 2, 0, 0, 2, 0, 1, 2, 3, 4, 2, 0, 4, 0};
    for (int i = 0; i < 16; i++)
        if (col[i] != want[i])
            fail_msg("col[%d] = %g, expected %g", i, col[i], want[i]);
}

/* ---- broadcasting ---------------------------------------------------------- */

static void add_row(const void *a, int64_t sa, const void *b, int64_t sb, void *y, int64_t n,
                    void *ctx)
{
    int *rows = ctx;
    (*rows)++;
    const float *fa = a, *fb = b;
    float *fy = y;
    for (int64_t i = 0; i < n; i++)
        fy[i] = fa[i * sa] + fb[i * sb];
}

/* a + b through the helper, against per-element numpy index arithmetic. */
static void check_broadcast(int ra, const int64_t *da, int rb, const int64_t *db)
{
    eb_ref_broadcast bc;
    assert_int_equal(eb_ref_broadcast_init(&bc, ra, da, rb, db), 0);
    int r = ra > rb ? ra : rb;
    int64_t dy[EB_MAX_RANK], na = 1, nb = 1, ny = 1;
    for (int i = 0; i < r; i++) {
        int64_t x = i < r - ra ? 1 : da[i - (r - ra)], z = i < r - rb ? 1 : db[i - (r - rb)];
        dy[i] = x == 1 ? z : x;
        ny *= dy[i];
    }
    for (int i = 0; i < ra; i++)
        na *= da[i];
    for (int i = 0; i < rb; i++)
        nb *= db[i];
    assert_int_equal(bc.numel, ny);
    float *a = rnd_array((size_t)na), *b = rnd_array((size_t)nb), *y = rnd_array((size_t)ny);
    int rows = 0;
    eb_ref_broadcast_run(&bc, a, 4, b, 4, y, 4, add_row, &rows);
    for (int64_t flat = 0; flat < ny; flat++) {
        int64_t rem = flat, ia = 0, ib = 0, sa = 1, sb = 1;
        for (int i = r - 1; i >= 0; i--) {
            int64_t idx = rem % dy[i];
            rem /= dy[i];
            int ja = i - (r - ra), jb = i - (r - rb);
            if (ja >= 0) {
                ia += (da[ja] == 1 ? 0 : idx) * sa;
                sa *= da[ja];
            }
            if (jb >= 0) {
                ib += (db[jb] == 1 ? 0 : idx) * sb;
                sb *= db[jb];
            }
        }
        if (y[flat] != a[ia] + b[ib])
            fail_msg("output %lld: got %g, expected a[%lld] + b[%lld] = %g", (long long)flat,
                     y[flat], (long long)ia, (long long)ib, a[ia] + b[ib]);
    }
    assert_int_equal(rows * bc.dims[bc.rank - 1], ny ? ny : 0);
    free(a);
    free(b);
    free(y);
}

static void test_broadcast_matches_numpy_index_arithmetic(void **state)
{
    (void)state;
    const int64_t a1[] = {2, 1, 4, 1, 3}, b1[] = {4, 5, 1};
    check_broadcast(5, a1, 3, b1);
    const int64_t a2[] = {3, 4, 5}, b2[] = {5};
    check_broadcast(3, a2, 1, b2);
    check_broadcast(1, b2, 3, a2); /* broadcast operand first */
    const int64_t a3[] = {4, 1}, b3[] = {1, 6};
    check_broadcast(2, a3, 2, b3); /* both sides broadcast */
    const int64_t a4[] = {2, 3, 1, 1, 7}, b4[] = {2, 3, 5, 6, 7};
    check_broadcast(5, a4, 5, b4);
    check_broadcast(0, NULL, 3, a2); /* scalar */
    check_broadcast(0, NULL, 0, NULL);
}

static void test_broadcast_merges_axes_that_broadcast_alike(void **state)
{
    (void)state;
    eb_ref_broadcast bc;
    const int64_t a[] = {8, 16, 32}, b[] = {32};
    assert_int_equal(eb_ref_broadcast_init(&bc, 3, a, 3, a), 0);
    assert_int_equal(bc.rank, 1); /* same shape: one row of 4096 */
    assert_int_equal(bc.dims[0], 8 * 16 * 32);
    assert_int_equal(eb_ref_broadcast_init(&bc, 3, a, 1, b), 0);
    assert_int_equal(bc.rank, 2); /* [128 rows, b repeated] x [32] */
    assert_int_equal(bc.dims[0], 128);
    assert_int_equal(bc.stride_b[0], 0);
    assert_int_equal(bc.dims[1], 32);
    assert_int_equal(bc.stride_a[1], 1);
    assert_int_equal(bc.stride_b[1], 1);
    const int64_t c[] = {1, 16, 1}; /* extent-1 axes of the output disappear */
    assert_int_equal(eb_ref_broadcast_init(&bc, 3, c, 3, c), 0);
    assert_int_equal(bc.rank, 1);
    assert_int_equal(bc.dims[0], 16);
}

static void test_broadcast_rejects_incompatible_shapes(void **state)
{
    (void)state;
    eb_ref_broadcast bc;
    const int64_t a[] = {3, 4}, b[] = {3};
    assert_int_equal(eb_ref_broadcast_init(&bc, 2, a, 1, b), -1);
}

static void test_broadcast_of_an_empty_extent_calls_nothing(void **state)
{
    (void)state;
    eb_ref_broadcast bc;
    const int64_t a[] = {0, 3}, b[] = {3};
    assert_int_equal(eb_ref_broadcast_init(&bc, 2, a, 1, b), 0);
    assert_int_equal(bc.numel, 0);
    int rows = 0;
    float unused = 0;
    eb_ref_broadcast_run(&bc, &unused, 4, &unused, 4, &unused, 4, add_row, &rows);
    assert_int_equal(rows, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_matches_naive_on_ragged_shapes_and_all_transposes),
        cmocka_unit_test(test_gemm_applies_alpha_and_accumulates_beta_c),
        cmocka_unit_test(test_gemm_matches_naive_across_cache_block_edges),
        cmocka_unit_test(test_gemm_with_beta_zero_never_reads_c),
        cmocka_unit_test(test_gemm_with_empty_k_scales_c_by_beta),
        cmocka_unit_test(test_conv_im2col_matches_direct_with_groups_dilation_strides_pads),
        cmocka_unit_test(test_conv_pointwise_path_matches_direct),
        cmocka_unit_test(test_conv_depthwise_path_matches_direct),
        cmocka_unit_test(test_im2col_zero_fills_padding_in_weight_row_order),
        cmocka_unit_test(test_broadcast_matches_numpy_index_arithmetic),
        cmocka_unit_test(test_broadcast_merges_axes_that_broadcast_alike),
        cmocka_unit_test(test_broadcast_rejects_incompatible_shapes),
        cmocka_unit_test(test_broadcast_of_an_empty_extent_calls_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
