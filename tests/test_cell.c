/* One cell in an isolated child process: the parent records a clean run,
 * a failure, a crash (signal named), a hang (killed at the timeout) and an
 * abort, and survives all of them. Uses the test-only "chaos" plugin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "harness/run/cell.h"
#include "harness/run/timing_loop.h"

#define EXE EB_BINARY_DIR "/harness/edgebench"
#define MODEL EB_SOURCE_DIR "/tests/data/models/tiny_conv.onnx"

static eb_cell_job chaos_job(const char *mode, long after)
{
    eb_cell_job j;
    memset(&j, 0, sizeof j);
    snprintf(j.backend, sizeof j.backend, "chaos");
    snprintf(j.model_path, sizeof j.model_path, "%s", MODEL);
    j.threads = 1;
    j.batch = 1;
    j.n_options = 2;
    snprintf(j.keys[0], sizeof j.keys[0], "mode");
    snprintf(j.values[0], sizeof j.values[0], "%s", mode);
    snprintf(j.keys[1], sizeof j.keys[1], "after");
    snprintf(j.values[1], sizeof j.values[1], "%ld", after);
    j.inputs.seed = 1;
    j.inputs.b = 1.0;
    j.loop.warmup_iterations = 2;
    j.loop.iterations = 50;
    j.loop.max_ns = 5000000000ull;
    return j;
}

static eb_run_record run_isolated(const eb_cell_job *j, double timeout_s,
                                  volatile sig_atomic_t *abort_flag)
{
    eb_run_record rec;
    memset(&rec, 0, sizeof rec);
    char msg[512];
    assert_int_equal(eb_cell_run_isolated(EXE, j, timeout_s, abort_flag, &rec, msg, sizeof msg),
                     EB_OK);
    return rec;
}

static void test_clean_cell_streams_every_sample_to_the_parent(void **state)
{
    (void)state;
    eb_cell_job j = chaos_job("ok", 0);
    j.loop.iterations = 10000; /* more than one batch of the stream */
    eb_run_record rec = run_isolated(&j, 60, NULL);
    assert_int_equal(rec.status, EB_RUN_OK);
    assert_int_equal(rec.n, 10000);
    assert_int_equal(rec.warmup_n, 2);
    assert_string_equal(rec.backend_version, "1");
    assert_true(rec.model_bytes > 1000);
    assert_true(rec.peak_rss_bytes > 0);
    for (uint64_t i = 1; i < rec.n; i++)
        assert_true(rec.t_ns[i] >= rec.t_ns[i - 1] + rec.latency_ns[i - 1]);
    eb_run_record_free(&rec);
}

static void test_failing_backend_is_recorded_as_failed_with_its_message(void **state)
{
    (void)state;
    eb_cell_job j = chaos_job("fail", 5);
    eb_run_record rec = run_isolated(&j, 60, NULL);
    assert_int_equal(rec.status, EB_RUN_FAILED);
    assert_non_null(strstr(rec.message, "chaos: failing in run"));
    eb_run_record_free(&rec);
}

static void test_crashing_backend_is_recorded_as_crashed_with_the_signal(void **state)
{
    (void)state;
    eb_cell_job j = chaos_job("crash", 3);
    eb_run_record rec = run_isolated(&j, 60, NULL);
    assert_int_equal(rec.status, EB_RUN_CRASHED);
    assert_non_null(strstr(rec.message, "SIGSEGV"));
    assert_non_null(strstr(rec.message, "chaos: about to crash"));
    eb_run_record_free(&rec);
}

static void test_hanging_backend_is_killed_at_the_timeout(void **state)
{
    (void)state;
    eb_cell_job j = chaos_job("hang", 3);
    uint64_t t0 = eb_now_ns();
    eb_run_record rec = run_isolated(&j, 1.0, NULL);
    double s = (double)(eb_now_ns() - t0) / 1e9;
    assert_int_equal(rec.status, EB_RUN_TIMEOUT);
    assert_true(s >= 0.9 && s < 10.0);
    assert_non_null(strstr(rec.message, "timeout"));
    eb_run_record_free(&rec);
}

static void test_abort_flag_kills_the_cell_as_interrupted(void **state)
{
    (void)state;
    eb_cell_job j = chaos_job("hang", 0);
    static volatile sig_atomic_t flag = 1;
    eb_run_record rec = run_isolated(&j, 60, &flag);
    assert_int_equal(rec.status, EB_RUN_INTERRUPTED);
    eb_run_record_free(&rec);
}

static void test_missing_model_fails_naming_the_file(void **state)
{
    (void)state;
    eb_cell_job j = chaos_job("ok", 0);
    snprintf(j.model_path, sizeof j.model_path, "/nonexistent/model.onnx");
    eb_run_record rec = run_isolated(&j, 60, NULL);
    assert_int_equal(rec.status, EB_RUN_FAILED);
    assert_non_null(strstr(rec.message, "/nonexistent/model.onnx"));
    eb_run_record_free(&rec);
}

/* The loop itself, without a process, on the real clock: lower bounds
 * only (count and minimum time met), which load cannot break. */
typedef struct counter {
    uint64_t calls, samples;
    uint64_t spin_ns;
} counter;

static eb_status spin(void *arg, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    counter *c = arg;
    c->calls++;
    uint64_t t = eb_now_ns();
    while (eb_now_ns() - t < c->spin_ns)
        ;
    return EB_OK;
}

static int count_sample(void *arg, uint64_t t, uint64_t lat)
{
    (void)t;
    (void)lat;
    ((counter *)arg)->samples++;
    return 0;
}

static void test_loop_meets_both_count_and_minimum_time(void **state)
{
    (void)state;
    counter c = {.spin_ns = 100000}; /* 0.1 ms per inference */
    eb_loop_hooks h = {.arg = &c, .infer = spin, .sample = count_sample};
    eb_loop_settings s = {.warmup_iterations = 3, .iterations = 5, .min_ns = 20000000,
                          .max_ns = 2000000000};
    eb_loop_result r;
    char msg[64];
    assert_int_equal(eb_timing_loop(&s, &h, &r, msg, sizeof msg), EB_OK);
    assert_int_equal(r.warmup_n, 3);
    assert_true(r.n > 5); /* 20 ms at 0.1 ms each is far more than 5 */
    assert_true(r.measured_ns >= 20000000);
    assert_int_equal(c.samples, r.n);
    assert_int_equal(c.calls, r.n + r.warmup_n);
    assert_false(r.capped);
}

/* The loop's rules through a fake clock that each inference advances by a
 * fixed step: the counts are exact, whatever else the machine runs. */
typedef struct fake {
    uint64_t now, step, calls, samples, before_measured;
    uint64_t last_t, last_lat;
} fake;

static uint64_t fake_clock(void *arg) { return ((fake *)arg)->now; }

static eb_status fake_infer(void *arg, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    fake *f = arg;
    f->calls++;
    f->now += f->step;
    return EB_OK;
}

static eb_status fake_before(void *arg, uint64_t i, int measured, char *msg, size_t len)
{
    (void)i;
    (void)msg;
    (void)len;
    fake *f = arg;
    f->before_measured += measured != 0;
    f->now += 7; /* untimed work: must not count in a latency */
    return EB_OK;
}

static int fake_sample(void *arg, uint64_t t, uint64_t lat)
{
    fake *f = arg;
    f->samples++;
    f->last_t = t;
    f->last_lat = lat;
    return 0;
}

static eb_loop_result fake_loop(fake *f, eb_loop_settings s)
{
    eb_loop_hooks h = {.arg = f, .infer = fake_infer, .before = fake_before,
                       .sample = fake_sample, .clock = fake_clock, .clock_arg = f};
    eb_loop_result r;
    char msg[64];
    assert_int_equal(eb_timing_loop(&s, &h, &r, msg, sizeof msg), EB_OK);
    return r;
}

static void test_loop_stops_at_the_maximum_time(void **state)
{
    (void)state;
    /* 1 ms per inference (+7 ns of untimed preparation), capped at 30 ms:
     * the 30th inference ends past 30 ms of the phase, and the loop stops */
    fake f = {.now = 1000, .step = 1000000};
    eb_loop_result r = fake_loop(&f, (eb_loop_settings){.iterations = 1000000, .max_ns = 30000000});
    assert_true(r.capped);
    assert_int_equal(r.warmup_n, 0);
    assert_int_equal(r.n, 30);
    assert_int_equal(f.samples, 30);
    assert_int_equal(f.last_lat, 1000000); /* the preparation is not timed */
    assert_int_equal(f.last_t, 29 * 1000007ull + 7);
    assert_int_equal(r.measured_ns, 30 * 1000007ull);
    /* the cap does not count as capped when the count was met anyway */
    fake g = {.step = 1000000};
    r = fake_loop(&g, (eb_loop_settings){.iterations = 10, .min_ns = 50000000,
                                         .max_ns = 20000000});
    assert_int_equal(r.n, 20);
    assert_false(r.capped);
}

static void test_loop_warmup_and_minimum_time_on_a_fake_clock(void **state)
{
    (void)state;
    /* warm-up: 3 iterations and 10 ms at 2 ms each -> 5 (time rules);
     * measured: 5 iterations and 20 ms at 2 ms each -> 10 */
    fake f = {.step = 2000000};
    eb_loop_result r = fake_loop(&f, (eb_loop_settings){.warmup_iterations = 3,
                                                        .warmup_min_ns = 10000000,
                                                        .iterations = 5, .min_ns = 20000000,
                                                        .max_ns = 1000000000});
    assert_int_equal(r.warmup_n, 5);
    assert_int_equal(r.n, 10);
    assert_int_equal(f.calls, 15);
    assert_int_equal(f.before_measured, 10);
    assert_false(r.capped);
    /* the count rules when it is the larger */
    fake g = {.step = 2000000};
    r = fake_loop(&g, (eb_loop_settings){.warmup_iterations = 8, .warmup_min_ns = 1000000,
                                         .iterations = 40, .min_ns = 2000000});
    assert_int_equal(r.warmup_n, 8);
    assert_int_equal(r.n, 40);
    /* a slow model cannot warm up past the measured phase's cap */
    fake h = {.step = 50000000};
    r = fake_loop(&h, (eb_loop_settings){.warmup_iterations = 100, .iterations = 100,
                                         .max_ns = 200000000});
    assert_int_equal(r.warmup_n, 4);
    assert_int_equal(r.n, 4);
    assert_true(r.capped);
}

int main(void)
{
    setenv("EDGEBENCH_BACKEND_PATH", EB_BINARY_DIR "/tests/backends", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_cell_streams_every_sample_to_the_parent),
        cmocka_unit_test(test_failing_backend_is_recorded_as_failed_with_its_message),
        cmocka_unit_test(test_crashing_backend_is_recorded_as_crashed_with_the_signal),
        cmocka_unit_test(test_hanging_backend_is_killed_at_the_timeout),
        cmocka_unit_test(test_abort_flag_kills_the_cell_as_interrupted),
        cmocka_unit_test(test_missing_model_fails_naming_the_file),
        cmocka_unit_test(test_loop_meets_both_count_and_minimum_time),
        cmocka_unit_test(test_loop_stops_at_the_maximum_time),
        cmocka_unit_test(test_loop_warmup_and_minimum_time_on_a_fake_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
