/* Unit tests of harness/counters: PAPI events around a region, reported
 * unavailable with PAPI's reason when they cannot be counted, never 0. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common/clock.h"
#include "devices/counters.h"

static volatile double sink;

static void busy(double seconds)
{
    uint64_t end = eb_now_ns() + (uint64_t)(seconds * 1e9);
    double x = 1;
    while (eb_now_ns() < end)
        for (int i = 0; i < 10000; i++)
            x = x * 1.0000001 + 1e-9;
    sink = x;
}

static void test_task_clock_counts_the_region_in_nanoseconds(void **state)
{
    (void)state;
    char why[512], version[32];
    int hw;
    if (!eb_counters_probe_library(version, sizeof version, &hw, why, sizeof why))
        skip(); /* built without PAPI: the next test checks the reason */
    if (!eb_counters_perf_events(why, sizeof why)) {
        /* the next test checks that the event then says this reason */
        printf("skipped: perf::TASK-CLOCK cannot be counted here: %s\n", why);
        skip();
    }
    const char *names[] = {"perf::TASK-CLOCK"};
    eb_counters *c;
    assert_int_equal(eb_counters_open(&c, names, 1), 0);
    assert_int_equal(eb_counters_count(c), 1);
    assert_string_equal(eb_counters_why(c, 0), "");
    struct timespec c0, c1;
    uint64_t t0 = eb_now_ns();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    eb_counters_start(c);
    busy(0.2);
    eb_counters_stop(c);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    double wall = (double)(eb_now_ns() - t0);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) * 1e9 + (double)(c1.tv_nsec - c0.tv_nsec);
    long long v = 0;
    assert_int_equal(eb_counters_value(c, 0, &v), 0);
    printf("TASK-CLOCK %lld ns; the thread's CPU clock %.0f ns; wall %.0f ns\n", v, cpu, wall);
    /* the kernel's task clock is this thread's CPU time, which the CPU-time
     * clock measures independently; start/stop are system calls that a
     * loaded machine may preempt, so allow a few milliseconds besides 10% */
    assert_true(fabs((double)v - cpu) <= 0.10 * cpu + 3e6);
    assert_true(v <= 1.02 * wall);
    eb_counters_close(c);
}

static void test_uncountable_events_say_why_and_leave_others_counting(void **state)
{
    (void)state;
    const char *names[] = {"no::SUCH-EVENT", "perf::CONTEXT-SWITCHES", "PAPI_TOT_INS"};
    eb_counters *c;
    assert_int_equal(eb_counters_open(&c, names, 3), 0);
    long long v = -1;
    assert_int_equal(eb_counters_value(c, 0, &v), -1);
    assert_int_equal(v, -1);
    printf("no::SUCH-EVENT: %s\n", eb_counters_why(c, 0));
    assert_non_null(strstr(eb_counters_why(c, 0), "PAPI") ? eb_counters_why(c, 0)
                                                          : strstr(eb_counters_why(c, 0), "built"));
    eb_counters_start(c);
    busy(0.05);
    eb_counters_stop(c);
    /* PAPI_TOT_INS: counted on hardware with a PMU, else unavailable with a
     * reason; never a silent 0 */
    if (eb_counters_value(c, 2, &v) == 0) {
        assert_true(v > 0);
    } else {
        printf("PAPI_TOT_INS: %s\n", eb_counters_why(c, 2));
        assert_true(strlen(eb_counters_why(c, 2)) > 20);
    }
    char version[32], why[512];
    int hw;
    (void)version;
    (void)hw;
    if (eb_counters_perf_events(why, sizeof why)) {
        assert_int_equal(eb_counters_value(c, 1, &v), 0);
    } else {
        /* a software event is unavailable only with the component's reason */
        printf("perf::CONTEXT-SWITCHES: %s\n", eb_counters_why(c, 1));
        assert_int_equal(eb_counters_value(c, 1, &v), -1);
        assert_non_null(strstr(eb_counters_why(c, 1), why));
    }
    eb_counters_close(c);
    eb_counters_close(NULL);
}

static void test_probe_event_matches_open(void **state)
{
    (void)state;
    char why[512];
    assert_int_equal(eb_counters_probe_event("no::SUCH-EVENT", why, sizeof why), 0);
    assert_true(why[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_task_clock_counts_the_region_in_nanoseconds),
        cmocka_unit_test(test_uncountable_events_say_why_and_leave_others_counting),
        cmocka_unit_test(test_probe_event_matches_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
