/* The load scheduler (harness/run/load_sched.c) on a fake clock with a fake
 * backend of fixed service time D: server queueing against M/D/1 theory,
 * achieved rate below and past saturation, the rate search, multi_stream's
 * interval and offline's throughput. No real time is involved: the issue
 * hook advances the clock by D and the sleep hook jumps it forward. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness/run/load_sched.h"

#define MS 1000000ull

typedef struct fake {
    uint64_t now;
    uint64_t d;          /* service time of one inference */
    uint64_t issued;
    uint64_t fail_at;    /* issue number that fails; 0: none */
    uint64_t *t, *lat;   /* queries reported */
    size_t n, cap;
} fake;

static uint64_t fake_clock(void *arg) { return ((fake *)arg)->now; }

static void fake_sleep(void *arg, uint64_t t)
{
    fake *f = arg;
    if (t > f->now)
        f->now = t;
}

static eb_status fake_issue(void *arg, uint64_t i, char *msg, size_t len)
{
    fake *f = arg;
    assert_int_equal(i, f->issued); /* one stream, in order */
    f->issued++;
    if (f->fail_at && f->issued == f->fail_at) {
        snprintf(msg, len, "backend broke");
        return EB_ERR_BACKEND;
    }
    f->now += f->d;
    return EB_OK;
}

static int fake_query(void *arg, uint64_t t, uint64_t lat)
{
    fake *f = arg;
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 4096;
        f->t = realloc(f->t, f->cap * sizeof *f->t);
        f->lat = realloc(f->lat, f->cap * sizeof *f->lat);
        assert_non_null(f->t);
        assert_non_null(f->lat);
    }
    f->t[f->n] = t;
    f->lat[f->n] = lat;
    f->n++;
    return 0;
}

static void fake_free(fake *f)
{
    free(f->t);
    free(f->lat);
}

static eb_load_result run(fake *f, const eb_load_spec *sp, eb_loop_settings stop)
{
    eb_load_hooks h = {.arg = f, .issue = fake_issue, .query = fake_query, .clock = fake_clock,
                       .sleep_until = fake_sleep, .clock_arg = f};
    eb_load_result r;
    char msg[256] = "";
    assert_int_equal(eb_load_run(sp, &stop, &h, &r, msg, sizeof msg), EB_OK);
    return r;
}

static eb_load_spec server(double qps, double duration_s)
{
    return (eb_load_spec){.kind = EB_LOAD_SERVER, .target_qps = qps,
                          .duration_ns = (uint64_t)(duration_s * 1e9), .seed = 7};
}

/* Mean queueing wait (latency - D) and its standard error by batch means:
 * consecutive waits are correlated, so the error of their mean is
 * estimated from 50 batch means, not from the samples as if independent. */
static void wait_mean_se(const fake *f, double *mean, double *se)
{
    const size_t nb = 50;
    size_t per = f->n / nb;
    double sum = 0, bm[50];
    for (size_t b = 0; b < nb; b++) {
        double s = 0;
        for (size_t i = b * per; i < (b + 1) * per; i++)
            s += (double)(f->lat[i] - f->d);
        bm[b] = s / (double)per;
        sum += bm[b];
    }
    *mean = sum / (double)nb;
    double v = 0;
    for (size_t b = 0; b < nb; b++)
        v += (bm[b] - *mean) * (bm[b] - *mean);
    *se = sqrt(v / (double)(nb - 1) / (double)nb);
}

/* M/D/1: Wq = rho D / (2 (1 - rho)); by PASTA a share 1 - rho of arrivals
 * finds the server idle (waits exactly 0). */
static void check_md1(double rho, double duration_s)
{
    fake f = {.now = 5 * MS, .d = 1 * MS};
    double qps = rho / 1e-3;
    eb_load_spec sp = server(qps, duration_s);
    eb_load_result r = run(&f, &sp, (eb_loop_settings){0});
    assert_int_equal(r.issued, r.completed);
    assert_int_equal(f.n, r.completed);
    assert_true(f.n > 20000);
    double mean, se;
    wait_mean_se(&f, &mean, &se);
    double wq = rho * 1e6 / (2 * (1 - rho));
    printf("rho %.2f: %zu queries, mean wait %.1f us (M/D/1 %.1f us, se %.1f us), achieved %.1f "
           "of %.1f qps\n",
           rho, f.n, mean / 1e3, wq / 1e3, se / 1e3, r.achieved_qps, qps);
    /* 4 standard errors (seeded: the same figures every run) */
    assert_true(fabs(mean - wq) < 4 * se);
    assert_true(se < 0.1 * wq); /* and the check is sharp enough to mean something */
    size_t idle = 0;
    for (size_t i = 0; i < f.n; i++)
        idle += f.lat[i] == f.d;
    double p0 = (double)idle / (double)f.n;
    assert_true(fabs(p0 - (1 - rho)) < 0.02);
    /* below saturation the achieved rate tracks the target */
    assert_true(fabs(r.achieved_qps - qps) < 0.03 * qps);
    assert_int_equal(r.n_trials, 1);
    assert_true(isnan(r.search_qps));
    /* busy time (cpu_share's denominator) is the service time, not the gaps */
    assert_int_equal(r.busy_ns, r.completed * f.d);
    fake_free(&f);
}

static void test_server_waits_match_md1_at_half_load(void **state)
{
    (void)state;
    check_md1(0.5, 100);
}

static void test_server_waits_match_md1_at_high_load(void **state)
{
    (void)state;
    check_md1(0.8, 200);
}

/* Latency is from the scheduled arrival: the first query, arriving at an
 * idle server, waits nothing; arrivals are non-decreasing. */
static void test_server_latency_counts_from_the_scheduled_arrival(void **state)
{
    (void)state;
    fake f = {.d = 2 * MS};
    eb_load_spec sp = server(50, 2);
    run(&f, &sp, (eb_loop_settings){0});
    assert_true(f.n > 50);
    assert_int_equal(f.lat[0], f.d);
    for (size_t i = 1; i < f.n; i++) {
        assert_true(f.t[i] >= f.t[i - 1]);
        assert_true(f.lat[i] >= f.d);
        assert_true(f.t[i] < 2000 * MS);
    }
    fake_free(&f);
}

/* Past saturation (rho 2.5) the server serves at 1/D, the queue and the
 * latency grow through the window and what is still queued when the drain
 * ends (twice the window: 20 s of service for 25 s of work) is issued but
 * never completed. */
static void test_server_past_saturation_latency_grows(void **state)
{
    (void)state;
    fake f = {.d = 1 * MS};
    eb_load_spec sp = server(2500, 10);
    eb_load_result r = run(&f, &sp, (eb_loop_settings){0});
    assert_true(r.issued > 24000);
    assert_true(r.completed < r.issued);
    assert_true(r.completed > 19900 && r.completed <= 20001);
    assert_true(fabs(r.achieved_qps - 1000) < 30);
    size_t tenth = f.n / 10;
    double early = 0, late = 0;
    for (size_t i = 0; i < tenth; i++) {
        early += (double)f.lat[i];
        late += (double)f.lat[f.n - 1 - i];
    }
    assert_true(late > 5 * early);
    assert_true(f.lat[f.n - 1] > 1000 * f.d);
    fake_free(&f);
}

/* The search: a higher rate never lowers latency on the shared arrival
 * stream, so every rate that met the bound is at most the answer and every
 * rate that failed is above it; the answer lies below saturation. */
static void test_server_search_finds_the_highest_rate_meeting_the_bound(void **state)
{
    (void)state;
    fake f = {.d = 1 * MS};
    eb_load_spec sp = server(200, 20);
    sp.search = 1;
    sp.max_trials = 12;
    sp.latency_bound_ns = 10 * MS;
    eb_load_result r = run(&f, &sp, (eb_loop_settings){0});
    assert_true(r.n_trials >= 3 && r.n_trials <= 12);
    assert_true(r.search_qps > 500 && r.search_qps < 1000);
    int failed = 0;
    for (int k = 0; k < r.n_trials; k++) {
        const eb_load_trial *t = &r.trials[k];
        printf("trial %d: %.1f qps -> achieved %.1f, p99 %.2f ms, %s\n", k, t->target_qps,
               t->achieved_qps, t->p99_ns / 1e6, t->met ? "met" : "missed");
        if (t->met)
            assert_true(t->target_qps <= r.search_qps);
        else {
            assert_true(t->target_qps > r.search_qps);
            failed++;
        }
    }
    assert_true(failed > 0);
    /* the reported queries are the chosen trial's, replayed once */
    assert_int_equal(f.n, r.completed);
    assert_true(fabs(r.trials[0].target_qps - 200) < 1e-9);
    fake_free(&f);
}

/* multi_stream: a query of 4 samples every 10 ms takes 4 D; with an
 * interval shorter than 4 D every query starts later than scheduled and
 * the lateness adds up. */
static void test_multi_stream_issues_at_the_interval(void **state)
{
    (void)state;
    fake f = {.now = 123, .d = 1 * MS};
    eb_load_spec sp = {.kind = EB_LOAD_MULTI_STREAM, .samples_per_query = 4,
                       .interval_ns = 10 * MS};
    eb_load_result r = run(&f, &sp, (eb_loop_settings){.iterations = 50});
    assert_int_equal(r.completed, 50);
    assert_int_equal(r.inferences, 200);
    assert_int_equal(f.issued, 200);
    assert_int_equal(r.busy_ns, 200 * MS);
    for (size_t k = 0; k < f.n; k++) {
        assert_int_equal(f.t[k], k * 10 * MS);
        assert_int_equal(f.lat[k], 4 * MS);
    }
    assert_true(fabs(r.achieved_qps - 50 / 0.494) < 0.01);
    fake_free(&f);

    fake g = {.d = 1 * MS};
    sp.interval_ns = 3 * MS;
    run(&g, &sp, (eb_loop_settings){.iterations = 20});
    for (size_t k = 0; k < g.n; k++)
        assert_int_equal(g.lat[k], (4 + k) * MS);
    fake_free(&g);
}

/* offline: queries back to back; throughput 1/D inferences per second;
 * the measured phase's stopping rules apply to queries. */
static void test_offline_throughput_is_one_over_d(void **state)
{
    (void)state;
    fake f = {.d = 1 * MS};
    eb_load_spec sp = {.kind = EB_LOAD_OFFLINE, .batch = 8};
    eb_load_result r = run(&f, &sp, (eb_loop_settings){.iterations = 10, .min_ns = 200 * MS});
    assert_int_equal(r.completed, 25); /* 10 queries take 80 ms: the minimum time rules */
    assert_true(fabs(r.inferences_per_s - 1000) < 1e-6);
    assert_true(fabs(r.achieved_qps - 125) < 1e-6);
    for (size_t k = 0; k < f.n; k++)
        assert_int_equal(f.lat[k], 8 * MS);
    fake_free(&f);

    fake g = {.d = 1 * MS};
    r = run(&g, &sp, (eb_loop_settings){.iterations = 1000, .max_ns = 40 * MS});
    assert_int_equal(r.completed, 5);
    assert_true(r.capped);
    fake_free(&g);
}

static void test_a_failing_inference_fails_the_run(void **state)
{
    (void)state;
    fake f = {.d = 1 * MS, .fail_at = 3};
    eb_load_spec sp = server(100, 1);
    eb_load_hooks h = {.arg = &f, .issue = fake_issue, .query = fake_query, .clock = fake_clock,
                       .sleep_until = fake_sleep, .clock_arg = &f};
    eb_load_result r;
    char msg[256] = "";
    eb_loop_settings stop = {0};
    assert_int_equal(eb_load_run(&sp, &stop, &h, &r, msg, sizeof msg), EB_ERR_BACKEND);
    assert_string_equal(msg, "backend broke");
    sp.kind = EB_LOAD_SINGLE_STREAM;
    assert_int_equal(eb_load_run(&sp, &stop, &h, &r, msg, sizeof msg), EB_ERR_INVALID_ARG);
    fake_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_waits_match_md1_at_half_load),
        cmocka_unit_test(test_server_waits_match_md1_at_high_load),
        cmocka_unit_test(test_server_latency_counts_from_the_scheduled_arrival),
        cmocka_unit_test(test_server_past_saturation_latency_grows),
        cmocka_unit_test(test_server_search_finds_the_highest_rate_meeting_the_bound),
        cmocka_unit_test(test_multi_stream_issues_at_the_interval),
        cmocka_unit_test(test_offline_throughput_is_one_over_d),
        cmocka_unit_test(test_a_failing_inference_fails_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
