/* Input transforms: exact results on tiny images, statistical properties
 * with fixed seeds, determinism per (seed, sample), drift, parameter
 * from a typed condition, and agreement between the transforms' functions,
 * the condition table and the scenario's condition kinds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness/scenario/scenario_schema.h"
#include "harness/transforms/transform.h"

#define N 64

/* A transform from a condition typed through the table, as the run
 * matrix types it. */
static eb_transform make(const char *kind, const char *params)
{
    eb_transform t;
    eb_condition c;
    char msg[256] = "";
    if (eb_condition_parse_text(&c, kind, params, msg, sizeof msg) != EB_OK ||
        eb_transform_from_condition(&c, 100, &t, msg, sizeof msg) != EB_OK)
        fail_msg("%s", msg);
    return t;
}

static void fill(float *px, size_t n, float v)
{
    for (size_t i = 0; i < n; i++)
        px[i] = v;
}

static void test_pixel_transforms_exact(void **state)
{
    (void)state;
    float px[4] = {0.0f, 0.25f, 0.5f, 1.0f}, scratch[4];
    eb_image img = {.c = 1, .h = 2, .w = 2, .px = px};
    eb_transform t = make("brightness", "delta=0.25");
    eb_transform_apply(&t, &img, 0, scratch);
    assert_float_equal(px[0], 0.25, 1e-7);
    assert_float_equal(px[3], 1.0, 1e-7); /* clamped */
    t = make("contrast", "factor=2");
    float c[4] = {0.25f, 0.25f, 0.75f, 0.75f};
    img.px = c;
    eb_transform_apply(&t, &img, 0, scratch);
    assert_float_equal(c[0], 0.0, 1e-7);
    assert_float_equal(c[2], 1.0, 1e-7);
    t = make("bit_depth", "bits=1");
    float b[4] = {0.1f, 0.49f, 0.51f, 0.9f};
    img.px = b;
    eb_transform_apply(&t, &img, 0, scratch);
    assert_float_equal(b[0], 0, 0);
    assert_float_equal(b[1], 0, 0);
    assert_float_equal(b[2], 1, 0);
    assert_float_equal(b[3], 1, 0);
    t = make("bit_depth", "bits=2"); /* levels 0, 1/3, 2/3, 1 */
    float q[4] = {0.2f, 0.4f, 0.6f, 0.8f};
    img.px = q;
    eb_transform_apply(&t, &img, 0, scratch);
    assert_float_equal(q[0], 1.0 / 3, 1e-6);
    assert_float_equal(q[1], 1.0 / 3, 1e-6);
    assert_float_equal(q[2], 2.0 / 3, 1e-6);
    assert_float_equal(q[3], 2.0 / 3, 1e-6);
}

static void test_spatial_transforms_exact(void **state)
{
    (void)state;
    /* 3x3 with a single bright pixel at (0, 1) */
    float px[9] = {0, 1, 0, 0, 0, 0, 0, 0, 0}, scratch[9];
    eb_image img = {.c = 1, .h = 3, .w = 3, .px = px};
    eb_transform t = make("rotate", "degrees=90");
    eb_transform_apply(&t, &img, 0, scratch);
    /* 90 degrees (y down, x right): the top-middle pixel goes to the middle-right */
    for (int i = 0; i < 9; i++)
        assert_float_equal(px[i], i == 5 ? 1.0 : 0.0, 1e-6);
    t = make("translate", "dx=-1;dy=1");
    eb_transform_apply(&t, &img, 0, scratch);
    for (int i = 0; i < 9; i++)
        assert_float_equal(px[i], i == 7 ? 1.0 : 0.0, 1e-6);
    /* blur keeps a constant image and spreads a point symmetrically */
    float flat[25];
    fill(flat, 25, 0.4f);
    float s25[25];
    eb_image im5 = {.c = 1, .h = 5, .w = 5, .px = flat};
    t = make("blur", "sigma=1");
    eb_transform_apply(&t, &im5, 0, s25);
    for (int i = 0; i < 25; i++)
        assert_float_equal(flat[i], 0.4, 1e-6);
    float dot[25] = {0};
    dot[12] = 1;
    im5.px = dot;
    eb_transform_apply(&t, &im5, 0, s25);
    assert_true(dot[12] < 1 && dot[12] > dot[11]);
    assert_float_equal(dot[11], dot[13], 1e-7);
    assert_float_equal(dot[7], dot[17], 1e-7);
    /* occlusion: exactly size x size values set, inside the image */
    float o[N * N];
    fill(o, N * N, 1.0f);
    static float so[N * N];
    eb_image imo = {.c = 1, .h = N, .w = N, .px = o};
    t = make("occlusion", "size=5;value=0;seed=3");
    eb_transform_apply(&t, &imo, 4, so);
    int zeros = 0;
    for (int i = 0; i < N * N; i++)
        zeros += o[i] == 0;
    assert_int_equal(zeros, 25);
}

static void test_noise_statistics_and_determinism(void **state)
{
    (void)state;
    static float a[N * N], b[N * N], s[N * N];
    eb_image ia = {.c = 1, .h = N, .w = N, .px = a}, ib = {.c = 1, .h = N, .w = N, .px = b};
    eb_transform t = make("noise", "sigma=0.05;seed=11");
    fill(a, N * N, 0.5f);
    eb_transform_apply(&t, &ia, 17, s);
    double mean = 0, var = 0;
    for (int i = 0; i < N * N; i++)
        mean += a[i];
    mean /= N * N;
    for (int i = 0; i < N * N; i++)
        var += (a[i] - mean) * (a[i] - mean);
    double sd = sqrt(var / (N * N - 1));
    assert_true(fabs(mean - 0.5) < 0.005);
    assert_true(fabs(sd - 0.05) < 0.004);
    /* same (seed, sample): same image; another sample: another image */
    fill(b, N * N, 0.5f);
    eb_transform_apply(&t, &ib, 17, s);
    assert_memory_equal(a, b, sizeof a);
    fill(b, N * N, 0.5f);
    eb_transform_apply(&t, &ib, 18, s);
    assert_true(memcmp(a, b, sizeof a) != 0);

    t = make("salt_pepper", "p=0.1;seed=2");
    fill(a, N * N, 0.5f);
    eb_transform_apply(&t, &ia, 0, s);
    int black = 0, white = 0;
    for (int i = 0; i < N * N; i++) {
        black += a[i] == 0;
        white += a[i] == 1;
    }
    /* 4096 sites at p = 0.1: 410 expected, sd about 19 */
    assert_true(black + white > 330 && black + white < 490);
    assert_true(black > 130 && white > 130);

    /* dead pixels: the same sites on every sample, the fraction asked */
    eb_transform d = make("dead_pixels", "fraction=0.02;value=0;seed=5");
    fill(a, N * N, 0.5f);
    fill(b, N * N, 0.7f);
    eb_transform_apply(&d, &ia, 0, s);
    eb_transform_apply(&d, &ib, 99, s);
    int dead = 0;
    for (int i = 0; i < N * N; i++) {
        assert_int_equal(a[i] == 0, b[i] == 0);
        dead += a[i] == 0;
    }
    assert_int_equal(dead, (int)lround(0.02 * N * N));
    eb_transform_free(&d);
}

static void test_drift_ramps_and_steps(void **state)
{
    (void)state;
    eb_transform t = make("noise", "sigma=0.1;drift.param=sigma;drift.from=0;drift.to=0.4");
    assert_int_equal(t.drift, EB_DRIFT_LINEAR);
    assert_float_equal(eb_transform_param(&t, 0, 0), 0.0, 1e-12);
    assert_float_equal(eb_transform_param(&t, 0, 99), 0.4, 1e-12);  /* span 100 */
    assert_float_equal(eb_transform_param(&t, 0, 500), 0.4, 1e-12); /* held */
    assert_float_equal(eb_transform_param(&t, 0, 33), 0.4 * 33 / 99, 1e-12);
    t = make("brightness", "drift.param=delta;drift.from=0;drift.to=-0.5;drift.shape=step;drift.at=10");
    assert_float_equal(eb_transform_param(&t, 0, 9), 0.0, 0);
    assert_float_equal(eb_transform_param(&t, 0, 10), -0.5, 0);
    assert_float_equal(eb_transform_progress(&t, 10), 1.0, 0);

    char msg[256];
    eb_transform bad;
    eb_condition c;
    assert_int_equal(eb_condition_parse_text(&c, "noise", "drift.param=p;drift.from=0;drift.to=1",
                                             msg, sizeof msg), EB_OK);
    assert_int_equal(eb_transform_from_condition(&c, 10, &bad, msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "drift.param 'p' is not one of its parameters"));
    assert_int_equal(eb_condition_parse_text(&c, "noise", "drift.param=sigma;drift.to=1", msg,
                                             sizeof msg), EB_OK);
    assert_int_equal(eb_transform_from_condition(&c, 10, &bad, msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "drift needs both from and to"));
    /* a number that is not one is refused where it is typed, not later */
    assert_int_equal(eb_condition_parse_text(&c, "noise", "sigma=abc", msg, sizeof msg),
                     EB_ERR_FORMAT);
    eb_condition_init(&c, "plain");
    assert_int_equal(eb_transform_from_condition(&c, 10, &bad, msg, sizeof msg), EB_ERR_NOT_FOUND);
}

/* Every transform kind of the condition table has its function here and
 * every function its kind; the scenario schema's condition kinds are the
 * table's, with its parameters (drift.* as the map drift). */
static void test_table_agrees_with_transforms_and_schema(void **state)
{
    (void)state;
    int n = 0;
    for (const eb_condition_kind *ck = eb_condition_kinds; ck->name; ck++) {
        const eb_transform_kind *k = eb_transform_find(ck->name);
        if ((ck->cls == EB_CC_TRANSFORM) != (k != NULL))
            fail_msg("condition kind %s: class and transform function disagree", ck->name);
        n += k != NULL;
    }
    int nf = 0;
    for (const eb_transform_kind *k = eb_transform_kinds; k->name; k++, nf++)
        assert_non_null(eb_condition_kind_find(k->name));
    assert_int_equal(n, nf);
    assert_int_equal(n, 10);

    const eb_key *cond = NULL;
    for (const eb_key *f = eb_schema_root()->fields; f->name; f++)
        if (strcmp(f->name, "conditions") == 0)
            cond = f->item;
    assert_non_null(cond);
    int nk = 0;
    for (const eb_kind *kd = cond->kinds; kd->name; kd++, nk++) {
        const eb_condition_kind *ck = eb_condition_kind_find(kd->name);
        if (!ck)
            fail_msg("schema condition kind %s is not in the table", kd->name);
        for (const eb_key *f = kd->fields; f->name; f++) {
            if (f->type == EB_K_MAP) {
                for (const eb_key *g = f->fields; g->name; g++) {
                    char full[64];
                    snprintf(full, sizeof full, "%s.%s", f->name, g->name);
                    assert_non_null(eb_condition_kind_param(ck, full));
                }
                continue;
            }
            const eb_cparam_def *d = eb_condition_kind_param(ck, f->name);
            if (!d)
                fail_msg("schema key %s of kind %s is not in the table", f->name, kd->name);
            assert_int_equal(!!(f->flags & EB_KF_SWEEP), !!(d->flags & EB_CP_SWEEP));
            if (d->type == EB_CP_NUM)
                assert_true(strtod(f->def, NULL) == d->def_num);
        }
    }
    int nt = 0;
    for (const eb_condition_kind *ck = eb_condition_kinds; ck->name; ck++)
        nt++;
    assert_int_equal(nk, nt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pixel_transforms_exact),
        cmocka_unit_test(test_spatial_transforms_exact),
        cmocka_unit_test(test_noise_statistics_and_determinism),
        cmocka_unit_test(test_drift_ramps_and_steps),
        cmocka_unit_test(test_table_agrees_with_transforms_and_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
