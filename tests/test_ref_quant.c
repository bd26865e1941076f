/* The int8 side of the ref backend: the requantisation rule at its edges,
 * the QLinearConv / QLinearMatMul kernels against naive integer definitions
 * on ragged random shapes, and QDQ models end to end (fused integer
 * execution vs the QLinear model, vs the unfused DQ -> float -> Q
 * execution, vs the golden outputs tools/make_qdq_test_models.py computed,
 * and whether fusion happened at all). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/ref/ref_backend.h"
#include "backends/ref/ref_plan.h"
#include "backends/ref/ref_q8.h"
#include "harness/model/model_load.h"
#include "harness/model/tensor_proto.h"

#define QDQ_DIR EB_SOURCE_DIR "/tests/data/qdq/"

/* ---- requantisation rule ------------------------------------------------ */

static void test_requant_rounds_ties_to_even(void **state)
{
    (void)state;
    /* acc * 0.5 lands exactly on .5: the even neighbour wins */
    assert_int_equal(eb_ref_requant_s32(5, 0.5f, 0, -128, 127), 2);
    assert_int_equal(eb_ref_requant_s32(7, 0.5f, 0, -128, 127), 4);
    assert_int_equal(eb_ref_requant_s32(-5, 0.5f, 0, -128, 127), -2);
    assert_int_equal(eb_ref_requant_s32(-7, 0.5f, 0, -128, 127), -4);
    assert_int_equal(eb_ref_requant_s32(1, 0.5f, 0, -128, 127), 0);
    assert_int_equal(eb_ref_requant_s32(-1, 0.5f, 0, -128, 127), 0);
    /* the zero point is added after rounding: 2.5 -> 2, + 11 */
    assert_int_equal(eb_ref_requant_s32(5, 0.5f, 11, 0, 255), 13);
    /* not a tie: ordinary nearest */
    assert_int_equal(eb_ref_requant_s32(11, 0.25f, 0, -128, 127), 3);
    assert_int_equal(eb_ref_requant_s32(-11, 0.25f, 0, -128, 127), -3);
}

static void test_requant_saturates_at_both_ends(void **state)
{
    (void)state;
    assert_int_equal(eb_ref_requant_s32(INT32_MAX, 1.0f, 0, -128, 127), 127);
    assert_int_equal(eb_ref_requant_s32(INT32_MIN, 1.0f, 0, -128, 127), -128);
    assert_int_equal(eb_ref_requant_s32(INT32_MAX, 1.0f, 0, 0, 255), 255);
    assert_int_equal(eb_ref_requant_s32(INT32_MIN, 1.0f, 0, 0, 255), 0);
    /* the zero point shifts where saturation starts */
    assert_int_equal(eb_ref_requant_s32(55, 1.0f, 200, 0, 255), 255);
    assert_int_equal(eb_ref_requant_s32(54, 1.0f, 200, 0, 255), 254);
    assert_int_equal(eb_ref_requant_s32(-28, 1.0f, -100, -128, 127), -128);
    assert_int_equal(eb_ref_requant_s32(-27, 1.0f, -100, -128, 127), -127);
    /* 127.5 rounds (to even) to 128 and then saturates; 126.5 stays 126 */
    assert_int_equal(eb_ref_requant_s32(255, 0.5f, 0, -128, 127), 127);
    assert_int_equal(eb_ref_requant_s32(253, 0.5f, 0, -128, 127), 126);
    /* a clamp narrowed by a fused Relu: nothing below the zero point */
    assert_int_equal(eb_ref_requant_s32(-1000, 0.01f, 3, 3, 255), 3);
    /* NaN (never produced by valid scales) is pinned to qmin */
    assert_int_equal(eb_ref_q_round(NAN, 5, 0, 255), 0);
}

static void test_requant_multiplier_is_product_then_quotient_in_float32(void **state)
{
    (void)state;
    /* (sx * sw) / sy rounds differently from sx * (sw / sy) and from the
     * exact value rounded once; values found by search (float32 repr). */
    assert_true(eb_ref_requant_multiplier(0.02114207f, 0.026969021f, 0.075286105f) ==
                0.0075735217f);
    assert_true(eb_ref_requant_multiplier(0.08626707f, 0.087777175f, 0.04771906f) ==
                0.1586846f);
}

static void test_quantize_divides_by_the_scale(void **state)
{
    (void)state;
    /* x / s is exactly 102.5 (ties to 102); x * (1 / s) would give 102.50001 -> 103 */
    assert_int_equal(eb_ref_quantize_f32(5.2962103f, 0.051670343f, 0, -128, 127), 102);
    assert_int_equal(eb_ref_quantize_f32(-9.539088f, 0.0949163f, 0, -128, 127), -100);
    assert_int_equal(eb_ref_quantize_f32(3.5823812f, 0.031016288f, 0, 0, 255), 116);
    /* ONNX QuantizeLinear's own example (test_quantizelinear) */
    assert_int_equal(eb_ref_quantize_f32(3.0f, 2.0f, 128, 0, 255), 130);
    assert_int_equal(eb_ref_quantize_f32(-254.0f, 2.0f, 128, 0, 255), 1);
    assert_int_equal(eb_ref_quantize_f32(-1000.0f, 2.0f, 128, 0, 255), 0);
    assert_int_equal(eb_ref_quantize_f32(INFINITY, 2.0f, 0, -128, 127), 127);
}

/* ---- kernels vs naive integer definitions ------------------------------- */

static uint32_t rng_state = 0x9e3779b9u;

static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static int rnd_range(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }

static eb_dtype rnd_q8(void) { return rnd() & 1 ? EB_DT_U8 : EB_DT_I8; }

static void fill_q8(void *p, eb_dtype dt, int64_t n)
{
    int32_t lo, hi;
    eb_ref_q8_range(dt, &lo, &hi);
    for (int64_t i = 0; i < n; i++)
        eb_ref_q8_put(p, dt, i, rnd_range(lo, hi));
}

static float rnd_scale(float lo, float hi)
{
    return lo + (hi - lo) * (float)(rnd() % 10000) / 10000.0f;
}

/* Direct convolution: explicit zero-point subtraction, padding materialised
 * as x_zp, int64 sums wrapped to int32 at the end; then the rule. */
static void naive_conv(const eb_ref_conv_q8_params *p, const void *x, const void *w, eb_dtype w_dt,
                       const int32_t *w_zp, int per_channel, void *y)
{
    const eb_window *wn = &p->win;
    int ns = wn->n_spatial;
    int64_t cg = p->in_channels / p->group, mg = p->out_channels / p->group;
    int64_t in_plane = 1, out_plane = 1, ksize = 1;
    for (int d = 0; d < ns; d++) {
        in_plane *= wn->in[d];
        out_plane *= wn->out[d];
        ksize *= wn->kernel[d];
    }
    for (int64_t n = 0; n < p->batch; n++)
        for (int64_t m = 0; m < p->out_channels; m++)
            for (int64_t o = 0; o < out_plane; o++) {
                int64_t oc[EB_MAX_SPATIAL], rem = o;
                for (int d = ns - 1; d >= 0; d--) {
                    oc[d] = rem % wn->out[d];
                    rem /= wn->out[d];
                }
                int64_t sum = p->bias ? p->bias[m] : 0;
                for (int64_t c = 0; c < cg; c++)
                    for (int64_t k = 0; k < ksize; k++) {
                        int64_t kc[EB_MAX_SPATIAL], r = k, xi = 0, inside = 1;
                        for (int d = ns - 1; d >= 0; d--) {
                            kc[d] = r % wn->kernel[d];
                            r /= wn->kernel[d];
                        }
                        for (int d = 0; d < ns; d++) {
                            int64_t i = oc[d] * wn->stride[d] - wn->pad_begin[d] +
                                        kc[d] * wn->dilation[d];
                            inside &= i >= 0 && i < wn->in[d];
                            xi = xi * wn->in[d] + i;
                        }
                        int64_t chan = n * p->in_channels + (m / mg) * cg + c;
                        int32_t xv = inside ? eb_ref_q8_get(x, p->x_dtype, chan * in_plane + xi)
                                            : p->x_zp;
                        int32_t wv = eb_ref_q8_get(w, w_dt, (m * cg + c) * ksize + k);
                        sum += (int64_t)(xv - p->x_zp) * (wv - w_zp[per_channel ? m : 0]);
                    }
                int32_t q = eb_ref_requant_s32((int32_t)(uint32_t)(uint64_t)sum, p->mult[m],
                                               p->y_zp, p->y_min, p->y_max);
                eb_ref_q8_put(y, p->y_dtype, (n * p->out_channels + m) * out_plane + o, q);
            }
}

static void test_conv_q8_matches_naive_on_ragged_shapes(void **state)
{
    (void)state;
    for (int iter = 0; iter < 300; iter++) {
        eb_ref_conv_q8_params p;
        memset(&p, 0, sizeof p);
        int ns = iter % 7 == 0 ? 1 : iter % 7 == 1 ? 3 : 2;
        int kind = rnd_range(0, 3); /* plain, grouped, depthwise, depthwise multiplier */
        int64_t group = kind == 0 ? 1 : kind == 1 ? rnd_range(2, 3) : rnd_range(2, 5);
        int64_t cg = kind >= 2 ? 1 : rnd_range(1, 5);
        int64_t mg = kind == 2 ? 1 : rnd_range(1, 4);
        p.group = group;
        p.in_channels = group * cg;
        p.out_channels = group * mg;
        p.batch = rnd_range(1, 2);
        p.win.n_spatial = ns;
        int64_t in_plane = 1, out_plane = 1, ksize = 1;
        for (int d = 0; d < ns; d++) {
            p.win.kernel[d] = rnd_range(1, ns == 3 ? 2 : 3);
            p.win.stride[d] = rnd_range(1, 3);
            p.win.dilation[d] = rnd_range(1, 2);
            p.win.pad_begin[d] = rnd_range(0, 2);
            p.win.pad_end[d] = rnd_range(0, 2);
            int64_t span = (p.win.kernel[d] - 1) * p.win.dilation[d] + 1;
            p.win.in[d] = rnd_range(ns == 3 ? 1 : 2, ns == 3 ? 5 : 9);
            if (p.win.in[d] + p.win.pad_begin[d] + p.win.pad_end[d] < span)
                p.win.in[d] = span;
            p.win.out[d] = (p.win.in[d] + p.win.pad_begin[d] + p.win.pad_end[d] - span) /
                               p.win.stride[d] + 1;
            in_plane *= p.win.in[d];
            out_plane *= p.win.out[d];
            ksize *= p.win.kernel[d];
        }
        p.x_dtype = rnd_q8();
        p.y_dtype = rnd_q8();
        eb_dtype w_dt = rnd_q8();
        int32_t lo, hi;
        eb_ref_q8_range(p.x_dtype, &lo, &hi);
        p.x_zp = rnd_range(lo, hi);
        eb_ref_q8_range(p.y_dtype, &p.y_min, &p.y_max);
        p.y_zp = rnd_range(p.y_min, p.y_max);
        if (iter % 5 == 0) /* a fused Relu's narrowed clamp */
            p.y_min = p.y_zp;

        int64_t m = p.out_channels, x_n = p.batch * p.in_channels * in_plane;
        int64_t w_n = m * cg * ksize, y_n = p.batch * m * out_plane;
        void *x = malloc((size_t)x_n + 1), *w = malloc((size_t)w_n + 1);
        void *y = malloc((size_t)y_n + 1), *want = malloc((size_t)y_n + 1);
        int16_t *wc = malloc((size_t)w_n * sizeof *wc + 1);
        int32_t *bias = malloc((size_t)m * sizeof *bias);
        int32_t *w_zp = malloc((size_t)m * sizeof *w_zp);
        float *scales = malloc((size_t)m * sizeof *scales), *mult = malloc((size_t)m * sizeof *mult);
        assert_true(x && w && y && want && wc && bias && w_zp && scales && mult);
        fill_q8(x, p.x_dtype, x_n);
        fill_q8(w, w_dt, w_n);
        int per_channel = iter % 3 != 0;
        eb_ref_q8_range(w_dt, &lo, &hi);
        float sx = rnd_scale(0.001f, 0.05f), sy = rnd_scale(0.01f, 0.5f);
        for (int64_t c = 0; c < m; c++) {
            w_zp[c] = rnd_range(lo, hi);
            scales[c] = rnd_scale(0.001f, 0.05f);
            bias[c] = rnd_range(-40000, 40000);
        }
        eb_ref_qparams wq = {.count = per_channel ? m : 1, .axis = per_channel ? 0 : -1,
                             .scale = scales, .zp = w_zp, .zp_count = per_channel ? m : 1,
                             .zp_dtype = EB_DT_I32};
        eb_ref_q8_center(w, w_dt, 1, m, cg * ksize, &wq, wc);
        for (int64_t c = 0; c < m; c++)
            mult[c] = eb_ref_requant_multiplier(sx, eb_ref_qp_scale(&wq, c), sy);
        p.w = wc;
        p.mult = mult;
        p.bias = iter % 4 == 3 ? NULL : bias;
        void *scratch = malloc(eb_ref_conv_q8_scratch_bytes(&p) + 1);
        assert_non_null(scratch);
        eb_ref_conv_q8(&p, x, y, scratch);
        free(scratch);
        naive_conv(&p, x, w, w_dt, w_zp, per_channel, want);
        for (int64_t i = 0; i < y_n; i++) {
            int32_t got = eb_ref_q8_get(y, p.y_dtype, i), exp = eb_ref_q8_get(want, p.y_dtype, i);
            if (got != exp)
                fail_msg("iteration %d (%dD, group %lld, C %lld, M %lld): element %lld is %d, "
                         "expected %d",
                         iter, ns, (long long)group, (long long)p.in_channels, (long long)m,
                         (long long)i, got, exp);
        }
        free(x), free(w), free(y), free(want), free(wc);
        free(bias), free(w_zp), free(scales), free(mult);
    }
}

static void test_matmul_q8_matches_naive_with_per_column_params(void **state)
{
    (void)state;
    for (int iter = 0; iter < 100; iter++) {
        eb_ref_matmul_q8_params p = {.m = rnd_range(1, 9), .k = rnd_range(1, 37),
                                     .n = rnd_range(1, 11)};
        p.a_dtype = rnd_q8();
        p.y_dtype = rnd_q8();
        eb_dtype b_dt = rnd_q8();
        int32_t lo, hi;
        eb_ref_q8_range(p.a_dtype, &lo, &hi);
        p.a_zp = rnd_range(lo, hi);
        eb_ref_q8_range(p.y_dtype, &p.y_min, &p.y_max);
        p.y_zp = rnd_range(p.y_min, p.y_max);
        void *a = malloc((size_t)(p.m * p.k)), *b = malloc((size_t)(p.k * p.n));
        void *y = malloc((size_t)(p.m * p.n));
        int16_t *bc = malloc((size_t)(p.k * p.n) * sizeof *bc);
        int32_t *b_zp = malloc((size_t)p.n * sizeof *b_zp);
        float *mult = malloc((size_t)p.n * sizeof *mult);
        fill_q8(a, p.a_dtype, p.m * p.k);
        fill_q8(b, b_dt, p.k * p.n);
        eb_ref_q8_range(b_dt, &lo, &hi);
        for (int64_t j = 0; j < p.n; j++) {
            b_zp[j] = rnd_range(lo, hi);
            mult[j] = rnd_scale(0.0001f, 0.01f);
        }
        eb_ref_qparams bq = {.count = p.n, .axis = 1, .scale = mult, .zp = b_zp,
                             .zp_count = p.n, .zp_dtype = EB_DT_I32};
        eb_ref_q8_center(b, b_dt, p.k, p.n, 1, &bq, bc);
        p.b = bc;
        p.mult = mult;
        eb_ref_matmul_q8(&p, a, y);
        for (int64_t i = 0; i < p.m; i++)
            for (int64_t j = 0; j < p.n; j++) {
                int64_t sum = 0;
                for (int64_t k = 0; k < p.k; k++)
                    sum += (int64_t)(eb_ref_q8_get(a, p.a_dtype, i * p.k + k) - p.a_zp) *
                           (eb_ref_q8_get(b, b_dt, k * p.n + j) - b_zp[j]);
                int32_t want = eb_ref_requant_s32((int32_t)sum, mult[j], p.y_zp, p.y_min, p.y_max);
                assert_int_equal(eb_ref_q8_get(y, p.y_dtype, i * p.n + j), want);
            }
        free(a), free(b), free(y), free(bc), free(b_zp), free(mult);
    }
}

/* ---- end to end on the ref backend ---------------------------------------- */

typedef struct run_result {
    eb_status status;
    char msg[512];
    int n_fused;
    int n_steps;             /* steps the plan executes */
    char kinds[256];         /* "conv,conv,..." */
    eb_value out[8];
    int n_out;
} run_result;

static void result_free(run_result *r)
{
    for (int i = 0; i < r->n_out; i++)
        free(r->out[i].data);
}

static eb_decoded_tensor read_pb(const char *path)
{
    eb_decoded_tensor t;
    char msg[512];
    if (eb_tensor_proto_read_file(path, &t, NULL, 0, msg, sizeof msg) != EB_OK)
        fail_msg("%s", msg);
    return t;
}

/* Load `model`, run it on ref with qdq_fusion=`fusion` on the given .pb
 * inputs. A prepare failure is returned (status, msg), not asserted: the
 * unfused path needs float ops the caller may find missing. */
static run_result run_model(const char *model, int fusion, const char *const *inputs, int n_in)
{
    run_result r;
    memset(&r, 0, sizeof r);
    eb_graph *g = NULL;
    char msg[512];
    if (eb_graph_load(model, NULL, &g, msg, sizeof msg) != EB_OK)
        fail_msg("%s", msg);
    assert_int_equal(g->n_inputs, n_in);
    const eb_backend *be = eb_ref_backend();
    const char *keys[] = {"qdq_fusion"}, *vals[] = {fusion ? "1" : "0"};
    eb_backend_options bo = {.struct_size = sizeof bo, .threads = 1, .n_options = 1,
                             .keys = keys, .values = vals};
    eb_backend_ctx *ctx = NULL;
    assert_int_equal(be->open(&bo, &ctx, msg, sizeof msg), EB_OK);
    eb_model mdl = {.struct_size = sizeof mdl, .graph = g, .path = model};
    eb_plan *plan = NULL;
    r.status = be->prepare(ctx, &mdl, &plan, r.msg, sizeof r.msg);
    if (r.status == EB_OK) {
        const eb_ref_plan *rp = (const eb_ref_plan *)plan;
        r.n_fused = eb_ref_plan_fused_groups(rp);
        r.n_steps = eb_ref_plan_steps(rp);
        for (int i = 0; i < r.n_fused; i++) {
            size_t len = strlen(r.kinds);
            snprintf(r.kinds + len, sizeof r.kinds - len, "%s%s", i ? "," : "",
                     eb_ref_plan_fused_kind(rp, i));
        }
        eb_decoded_tensor in[4];
        eb_value iv[4];
        for (int i = 0; i < n_in; i++) {
            in[i] = read_pb(inputs[i]);
            iv[i] = (eb_value){.dtype = in[i].dtype, .rank = in[i].rank, .data = in[i].data,
                               .nbytes = in[i].nbytes};
            memcpy(iv[i].dims, in[i].dims, sizeof iv[i].dims);
        }
        r.n_out = g->n_outputs;
        for (int i = 0; i < r.n_out; i++) {
            const eb_tensor *t = &g->tensors[g->outputs[i]];
            r.out[i] = (eb_value){.dtype = t->dtype, .rank = t->rank, .nbytes = t->nbytes};
            r.out[i].data = calloc(1, t->nbytes + 1);
        }
        r.status = be->run(ctx, plan, iv, n_in, r.out, r.n_out, r.msg, sizeof r.msg);
        for (int i = 0; i < n_in; i++)
            free(in[i].data);
        be->release(ctx, plan);
    }
    be->close(ctx);
    eb_graph_destroy(g);
    return r;
}

/* Largest |a - b| over the elements of two quantised outputs of one shape. */
static int max_step_diff(const eb_value *a, const void *b_data, eb_dtype b_dt, int64_t n)
{
    int worst = 0;
    for (int64_t i = 0; i < n; i++) {
        int d = abs(eb_ref_q8_get(a->data, a->dtype, i) - eb_ref_q8_get(b_data, b_dt, i));
        worst = d > worst ? d : worst;
    }
    return worst;
}

static int64_t numel(const eb_value *v)
{
    int64_t n = 1;
    for (int d = 0; d < v->rank; d++)
        n *= v->dims[d];
    return n;
}

static void expect_golden(const eb_value *got, const char *pb, int tolerance)
{
    eb_decoded_tensor want = read_pb(pb);
    assert_int_equal(got->dtype, want.dtype);
    assert_int_equal(numel(got), want.numel);
    int d = max_step_diff(got, want.data, want.dtype, want.numel);
    if (d > tolerance)
        fail_msg("%s: differs by %d quantisation steps (allowed %d)", pb, d, tolerance);
    free(want.data);
}

static const char *const convnet_in[] = {QDQ_DIR "convnet_input.pb"};
static const char *const residual_in[] = {QDQ_DIR "residual_input.pb"};

static void test_fused_qdq_convnet_equals_qlinear_model_exactly(void **state)
{
    (void)state;
    run_result fused = run_model(QDQ_DIR "qdq_convnet.onnx", 1, convnet_in, 1);
    assert_int_equal(fused.status, EB_OK);
    run_result qlinear = run_model(QDQ_DIR "qlinear_convnet.onnx", 1, convnet_in, 1);
    assert_int_equal(qlinear.status, EB_OK);
    assert_int_equal(fused.out[0].dtype, EB_DT_I8);
    assert_int_equal(qlinear.out[0].dtype, EB_DT_I8);
    assert_int_equal(fused.out[0].nbytes, qlinear.out[0].nbytes);
    assert_memory_equal(fused.out[0].data, qlinear.out[0].data, fused.out[0].nbytes);
    /* and both are the integer rule as numpy computes it */
    expect_golden(&fused.out[0], QDQ_DIR "convnet_expected_int.pb", 0);
    result_free(&fused);
    result_free(&qlinear);
}

static void test_qdq_convnet_fuses_every_group(void **state)
{
    (void)state;
    run_result fused = run_model(QDQ_DIR "qdq_convnet.onnx", 1, convnet_in, 1);
    assert_int_equal(fused.status, EB_OK);
    assert_string_equal(fused.kinds, "conv,conv,conv,reshape,gemm");
    /* QuantizeLinear of the input, then the five groups: every DQ (of the
     * activations and of the constant weights and biases) is gone */
    assert_int_equal(fused.n_steps, 6);
    result_free(&fused);
}

static void test_fused_qdq_convnet_within_one_step_of_float_semantics(void **state)
{
    (void)state;
    run_result fused = run_model(QDQ_DIR "qdq_convnet.onnx", 1, convnet_in, 1);
    assert_int_equal(fused.status, EB_OK);
    expect_golden(&fused.out[0], QDQ_DIR "convnet_expected_float.pb", 1);
    run_result plain = run_model(QDQ_DIR "qdq_convnet.onnx", 0, convnet_in, 1);
    if (plain.status != EB_OK) {
        result_free(&fused);
        print_message("skipped: the unfused path needs ref's float ops: %s\n", plain.msg);
        skip();
    }
    assert_int_equal(plain.n_fused, 0);
    int d = max_step_diff(&fused.out[0], plain.out[0].data, plain.out[0].dtype,
                          numel(&plain.out[0]));
    if (d > 1)
        fail_msg("fused and unfused executions differ by %d steps", d);
    result_free(&fused);
    result_free(&plain);
}

static void test_fused_qdq_residual_net_matches_integer_rule(void **state)
{
    (void)state;
    run_result fused = run_model(QDQ_DIR "qdq_residual.onnx", 1, residual_in, 1);
    assert_int_equal(fused.status, EB_OK);
    /* the DQ of x feeds both the Conv and the Add: it is shared, and both fuse */
    assert_string_equal(fused.kinds, "conv,add,maxpool,relu,reshape,gemm,matmul");
    expect_golden(&fused.out[0], QDQ_DIR "residual_expected_int.pb", 0);
    expect_golden(&fused.out[0], QDQ_DIR "residual_expected_float.pb", 1);
    run_result plain = run_model(QDQ_DIR "qdq_residual.onnx", 0, residual_in, 1);
    if (plain.status != EB_OK) {
        result_free(&fused);
        print_message("skipped: the unfused path needs ref's float ops: %s\n", plain.msg);
        skip();
    }
    int d = max_step_diff(&fused.out[0], plain.out[0].data, plain.out[0].dtype,
                          numel(&plain.out[0]));
    if (d > 1)
        fail_msg("fused and unfused executions differ by %d steps", d);
    result_free(&fused);
    result_free(&plain);
}

static void test_groups_breaking_a_condition_run_as_written(void **state)
{
    (void)state;
    static const char *const in[] = {QDQ_DIR "fallback_input_0.pb", QDQ_DIR "fallback_input_1.pb"};
    run_result fused = run_model(QDQ_DIR "qdq_fallback.onnx", 1, in, 2);
    if (fused.status != EB_OK) {
        print_message("skipped: this model needs ref's float ops: %s\n", fused.msg);
        skip();
    }
    assert_int_equal(fused.n_fused, 0);
    run_result plain = run_model(QDQ_DIR "qdq_fallback.onnx", 0, in, 2);
    assert_int_equal(plain.status, EB_OK);
    assert_int_equal(fused.n_out, plain.n_out);
    for (int i = 0; i < fused.n_out; i++)
        assert_memory_equal(fused.out[i].data, plain.out[i].data, plain.out[i].nbytes);
    result_free(&fused);
    result_free(&plain);
}

static void test_qdq_fusion_option_is_validated(void **state)
{
    (void)state;
    const eb_backend *be = eb_ref_backend();
    char msg[256];
    eb_backend_ctx *ctx = NULL;
    const char *keys[] = {"qdq_fusion"}, *bad[] = {"maybe"};
    eb_backend_options bo = {.struct_size = sizeof bo, .n_options = 1, .keys = keys,
                             .values = bad};
    assert_int_equal(be->open(&bo, &ctx, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "qdq_fusion"));
    const char *other[] = {"fusion"}, *one[] = {"1"};
    bo.keys = other;
    bo.values = one;
    assert_int_equal(be->open(&bo, &ctx, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "unknown option 'fusion'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requant_rounds_ties_to_even),
        cmocka_unit_test(test_requant_saturates_at_both_ends),
        cmocka_unit_test(test_requant_multiplier_is_product_then_quotient_in_float32),
        cmocka_unit_test(test_quantize_divides_by_the_scale),
        cmocka_unit_test(test_conv_q8_matches_naive_on_ragged_shapes),
        cmocka_unit_test(test_matmul_q8_matches_naive_with_per_column_params),
        cmocka_unit_test(test_fused_qdq_convnet_equals_qlinear_model_exactly),
        cmocka_unit_test(test_qdq_convnet_fuses_every_group),
        cmocka_unit_test(test_fused_qdq_convnet_within_one_step_of_float_semantics),
        cmocka_unit_test(test_fused_qdq_residual_net_matches_integer_rule),
        cmocka_unit_test(test_groups_breaking_a_condition_run_as_written),
        cmocka_unit_test(test_qdq_fusion_option_is_validated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
