/* The run record's own functions (results/run_record.c): status names
 * round-trip, summary of the samples, NULL-safe release. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "results/run_record.h"

static void test_every_status_round_trips_through_its_name(void **state)
{
    (void)state;
    static const char *names[] = {"ok", "failed", "crashed", "timeout", "skipped", "interrupted"};
    for (int s = EB_RUN_OK; s <= EB_RUN_INTERRUPTED; s++) {
        assert_string_equal(eb_run_status_str((eb_run_status)s), names[s]);
        assert_int_equal(eb_run_status_parse(names[s]), s);
    }
    assert_int_equal(eb_run_status_parse("OK"), -1);
    assert_int_equal(eb_run_status_parse(""), -1);
    assert_int_equal(eb_run_status_parse(NULL), -1);
    assert_string_equal(eb_run_status_str((eb_run_status)42), "unknown");
}

static void test_summarize_uses_the_latency_samples(void **state)
{
    (void)state;
    eb_run_record rec;
    memset(&rec, 0, sizeof rec);
    static const uint64_t lat[] = {1000, 1200, 1100, 5000, 1050, 1010, 990, 1300, 1020, 1080};
    rec.n = 10;
    rec.latency_ns = malloc(sizeof lat);
    rec.t_ns = calloc(10, sizeof(uint64_t));
    assert_non_null(rec.latency_ns);
    memcpy(rec.latency_ns, lat, sizeof lat);
    assert_int_equal(eb_run_record_summarize(&rec), 0);
    assert_int_equal(rec.summary.n, 10);
    assert_true(rec.summary.p50 == 1065.0); /* (1050 + 1080) / 2 */
    assert_true(rec.summary.min == 990.0);
    assert_true(rec.summary.max == 5000.0);
    eb_run_record_free(&rec);
    assert_null(rec.latency_ns);
    assert_null(rec.t_ns);
}

static void test_summarize_without_samples_is_all_nan(void **state)
{
    (void)state;
    eb_run_record rec;
    memset(&rec, 0, sizeof rec);
    rec.status = EB_RUN_CRASHED;
    assert_int_equal(eb_run_record_summarize(&rec), 0);
    assert_int_equal(rec.summary.n, 0);
    assert_true(isnan(rec.summary.p50));
    assert_true(isnan(rec.summary.mean));
    eb_run_record_free(&rec);
    eb_run_record_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_round_trips_through_its_name),
        cmocka_unit_test(test_summarize_uses_the_latency_samples),
        cmocka_unit_test(test_summarize_without_samples_is_all_nan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
