/* Unit tests of harness/thermal: condition parameters (typed), the throttle
 * schedule (fake clock), throttle set-up errors, background load and the
 * cell job's hardware block. What needs real time (the calibration's size,
 * the slowdown of a real duty cycle) is in test_thermal_timing.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/clock.h"
#include "harness/run/cell_hw.h"
#include "harness/thermal/thermal.h"

/* The thermal set-ups read their parameters through the condition table:
 * a value the condition holds, else the table's default for the kind. */
static void test_thermal_params_come_typed_with_table_defaults(void **state)
{
    (void)state;
    char msg[256];
    eb_condition c;
    eb_condition_init(&c, "throttle");
    assert_int_equal(eb_condition_set_text(&c, "duty", "0.25", msg, sizeof msg), EB_OK);
    assert_int_equal(eb_condition_set_text(&c, "period_ms", "50", msg, sizeof msg), EB_OK);
    assert_true(eb_condition_num(&c, "duty") == 0.25);
    assert_true(eb_condition_num(&c, "period_ms") == 50);
    assert_string_equal(eb_condition_str(&c, "method"), "signal"); /* the table's default */
    eb_condition_init(&c, "cooldown");
    assert_true(eb_condition_num(&c, "below_c") == 50);
    assert_true(eb_condition_num(&c, "timeout_s") == 300);
    assert_string_equal(eb_condition_str(&c, "sensor"), "");
    /* a type the table does not allow is refused, not read as text */
    eb_condition_init(&c, "throttle");
    assert_int_equal(eb_condition_set_text(&c, "period_ms", "5.5", msg, sizeof msg), EB_ERR_FORMAT);
    assert_int_equal(eb_condition_set_text(&c, "method", "sometimes", msg, sizeof msg),
                     EB_ERR_FORMAT);
}

/* The duty cycle's schedule on a fake clock: every period starts on time
 * and runs duty x period, even when wake-ups come late (a busy machine):
 * the schedule keeps absolute times, so lateness never accumulates. */
typedef struct fake_sched {
    uint64_t now, late_ns;
    int wakes, periods, max_periods;
    uint64_t stop_at[16], cont_at[16];
    int n_stop, n_cont;
} fake_sched;

static int fake_alive(void *arg)
{
    fake_sched *f = arg;
    return f->periods++ < f->max_periods;
}

static void fake_sleep_until(void *arg, uint64_t t)
{
    fake_sched *f = arg;
    if (t > f->now)
        f->now = t;
    if (++f->wakes % 3 == 0)
        f->now += f->late_ns; /* every third wake-up is late */
}

static void fake_set_running(void *arg, int running)
{
    fake_sched *f = arg;
    if (running)
        f->cont_at[f->n_cont++] = f->now;
    else
        f->stop_at[f->n_stop++] = f->now;
}

static void test_throttle_schedule_keeps_the_duty_on_a_fake_clock(void **state)
{
    (void)state;
    const uint64_t start = 5000000000ull, ms = 1000000;
    fake_sched f = {.now = start, .late_ns = 7 * ms, .max_periods = 10};
    eb_throttle_ops ops = {.arg = &f, .alive = fake_alive, .sleep_until = fake_sleep_until,
                           .set_running = fake_set_running};
    eb_throttle_schedule(start, 0.25, 40, &ops);
    assert_int_equal(f.n_stop, 10);
    assert_int_equal(f.n_cont, 10);
    uint64_t stopped = 0;
    for (int k = 0; k < 10; k++) {
        /* on time, or late by one wake-up's lateness, never more */
        uint64_t want_stop = start + (uint64_t)k * 40 * ms + 10 * ms;
        uint64_t want_cont = start + (uint64_t)(k + 1) * 40 * ms;
        assert_true(f.stop_at[k] == want_stop || f.stop_at[k] == want_stop + 7 * ms);
        assert_true(f.cont_at[k] == want_cont || f.cont_at[k] == want_cont + 7 * ms);
        stopped += f.cont_at[k] - f.stop_at[k];
    }
    /* 75% of 400 ms stopped, give or take one late wake-up */
    printf("fake clock, 25%% duty: stopped %.1f of 400 ms\n", (double)stopped / ms);
    assert_true(stopped >= 300 * ms - 7 * ms && stopped <= 300 * ms + 7 * ms);
    /* full periods: half duty of 100 ms on an exact clock */
    fake_sched g = {.now = start, .max_periods = 4};
    ops.arg = &g;
    eb_throttle_schedule(start, 0.5, 100, &ops);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(g.stop_at[k], start + (uint64_t)k * 100 * ms + 50 * ms);
        assert_int_equal(g.cont_at[k], start + (uint64_t)(k + 1) * 100 * ms);
    }
}

/* The verdicts from given evidence: a busy machine is competing load, not
 * throttling; only a slower core (per CPU second), a hot or slowed-down
 * device, or the emulated duty cycle is throttling. */
static eb_hw_evidence evidence(void)
{
    return (eb_hw_evidence){.threshold = 0.15, .threads = 1, .cpu_share = 1.0,
                            .speed_ratio = 1.0, .cpu_speed_ratio = 1.0, .temp_max_c = NAN,
                            .freq_min_mhz = NAN};
}

static void test_verdicts_tell_competing_load_from_throttling(void **state)
{
    (void)state;
    char t[512], c[512];
    /* an idle machine */
    eb_hw_evidence e = evidence();
    assert_int_equal(eb_hw_verdicts(&e, t, sizeof t, c, sizeof c),
                     EB_HW_COMPETING | EB_HW_THROTTLED);
    assert_string_equal(t, "no: calibration speed 1.00x per CPU second (1.00x wall clock)");
    assert_string_equal(c, "no: cpu_share 1.00");
    /* two busy loops beside the cell: it got 40% of a core and the
     * calibration ran at 0.46x on the wall clock, at full speed per CPU
     * second: competing load, not throttled */
    e.cpu_share = 0.40;
    e.speed_ratio = 0.46;
    e.cpu_speed_ratio = 0.99;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_string_equal(t, "no: calibration speed 0.99x per CPU second (0.46x wall clock)");
    assert_string_equal(c, "yes: the cell got 40% of the CPU time of its 1 thread over the "
                           "measured phase: other processes competed for the CPU (or its "
                           "threads waited)");
    /* within the threshold is no competing load */
    e.cpu_share = 0.86;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_string_equal(c, "no: cpu_share 0.86");
    e.threads = 4;
    e.cpu_share = 0.5;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_non_null(strstr(c, "yes: the cell got 50% of the CPU time of its 4 threads"));
    /* the core got slower for the same CPU time: throttled */
    e = evidence();
    e.speed_ratio = 0.70;
    e.cpu_speed_ratio = 0.72;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_string_equal(t, "yes: the core ran slower: calibration speed per CPU second dropped "
                           "28% (wall clock 0.70x)");
    assert_string_equal(c, "no: cpu_share 1.00");
    /* temperature and frequency limits */
    e = evidence();
    e.temp_limit_c = 80;
    e.temp_max_c = 85.5;
    e.freq_limit_mhz = 1500;
    e.freq_min_mhz = 1200;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_string_equal(t, "yes: temperature reached 85.5 C (limit 80.0 C); frequency fell to "
                           "1200 MHz (limit 1500 MHz)");
    e.temp_max_c = 79.9;
    e.freq_min_mhz = 1500;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_int_equal(strncmp(t, "no: ", 4), 0);
    /* nothing measured: no verdict at all */
    e = evidence();
    e.cpu_share = -1;
    e.speed_ratio = e.cpu_speed_ratio = 0;
    assert_int_equal(eb_hw_verdicts(&e, t, sizeof t, c, sizeof c), 0);
    assert_string_equal(t, "");
    assert_string_equal(c, "");
}

static void test_emulated_throttling_says_so(void **state)
{
    (void)state;
    char t[512], c[512];
    eb_hw_evidence e = evidence();
    e.emulated = 1;
    e.duty = 0.5;
    e.period_ms = 100;
    e.method = "signal";
    e.cpu_share = 0.49;
    e.speed_ratio = 0.50;
    e.cpu_speed_ratio = 1.01;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_string_equal(t, "yes: emulated duty cycle 50% of every 100 ms (condition kind "
                           "throttle, method signal); calibration speed 0.50x wall clock, 1.01x "
                           "per CPU second; cpu_share 0.49");
    /* the duty's share is what the cell could get: 0.49 of 0.5 is no
     * competing load, 0.30 is */
    assert_string_equal(c, "no: cpu_share 0.49");
    e.cpu_share = 0.30;
    e.method = "cgroup";
    e.cpu_speed_ratio = 0.60;
    eb_hw_verdicts(&e, t, sizeof t, c, sizeof c);
    assert_string_equal(c, "yes: the cell got 30% of the CPU time of its 1 thread over the "
                           "measured phase, less than the 50% its duty cycle allows: other "
                           "processes competed for the CPU");
    assert_non_null(strstr(t, "yes: emulated duty cycle 50% of every 100 ms (condition kind "
                              "throttle, method cgroup)"));
    assert_non_null(strstr(t, "; also the core ran slower: calibration speed per CPU second "
                              "dropped 40%"));
}

static void test_calibration_speeds_are_positive(void **state)
{
    (void)state;
    double cpu = 0;
    assert_true(eb_calibration_work(3) != eb_calibration_work(4));
    assert_true(eb_calibration_speed(eb_calibration_size(2), 3, &cpu) > 0);
    assert_true(cpu > 0);
}

static void test_throttle_rejects_bad_duty_and_explains_cgroup(void **state)
{
    (void)state;
    eb_throttle t;
    char msg[512];
    assert_int_equal(eb_throttle_start(&t, getpid(), 0, 100, "signal", "", msg, sizeof msg),
                     EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "duty 0 must be in (0, 1]"));
    assert_int_equal(eb_throttle_start(&t, getpid(), 1.0, 100, "signal", "", msg, sizeof msg),
                     EB_OK);
    assert_int_equal(t.helper, 0); /* full duty: nothing to do */
    /* a cgroup2 mount that lacks the cpu controller (a fixture directory) */
    char dir[] = "/tmp/eb-cgroup-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char rel[600] = "";
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(rel, sizeof rel, "%s", strcmp(line + 3, "/") == 0 ? "" : line + 3);
        }
    if (f)
        fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s%s' && echo 'memory pids' > '%s%s/cgroup.controllers'",
             dir, rel, dir, rel);
    assert_int_equal(system(cmd), 0);
    eb_status st = eb_throttle_start(&t, getpid(), 0.5, 100, "cgroup", dir, msg, sizeof msg);
    printf("cgroup: %s\n", msg);
    if (rel[0] || access("/proc/self/cgroup", R_OK) == 0) {
        assert_int_equal(st, EB_ERR_UNAVAILABLE);
        assert_true(strstr(msg, "cpu controller is not delegated") != NULL ||
                    strstr(msg, "cgroup v1") != NULL);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_background_load_runs_until_stopped(void **state)
{
    (void)state;
    char msg[256];
    assert_int_equal(eb_background_load_start(2, "nonsense", msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "unknown load 'nonsense'"));
    pid_t pid = eb_background_load_start(2, "memory", msg, sizeof msg);
    assert_true(pid > 0);
    usleep(100000);
    assert_int_equal(waitpid(pid, NULL, WNOHANG), 0); /* still running */
    eb_background_load_stop(pid);
    assert_int_equal(kill(pid, 0), -1); /* gone and reaped */
    eb_background_load_stop(0);
}

static void test_hw_job_survives_the_pipe_format(void **state)
{
    (void)state;
    eb_cell_hw_job a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.n_counters = 2;
    snprintf(a.counters[0], sizeof a.counters[0], "PAPI_TOT_INS");
    snprintf(a.counters[1], sizeof a.counters[1], "perf::TASK-CLOCK");
    a.sample_period_ms = 25;
    snprintf(a.power, sizeof a.power, "command");
    snprintf(a.power_command, sizeof a.power_command, "printf '1 W\\n' # a \\ back\nslash");
    snprintf(a.sysfs_root, sizeof a.sysfs_root, "/tmp/x");
    a.idle_baseline_ms = 300;
    a.calibration_ms = 30;
    a.throttle_threshold = 0.15;
    a.temperature_limit_c = 85.5;
    a.frequency_limit_mhz = 1200;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    eb_cell_hw_job_write(f, &a);
    fclose(f);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        assert_int_equal(strncmp(line, "hw.", 3), 0);
        char *eq = strchr(line, '=');
        assert_non_null(eq);
        *eq = '\0';
        assert_int_equal(eb_cell_hw_job_parse(&b, line + 3, eq + 1), 0);
    }
    free(buf);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(eb_cell_hw_job_parse(&b, "nonsense", "1"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thermal_params_come_typed_with_table_defaults),
        cmocka_unit_test(test_throttle_schedule_keeps_the_duty_on_a_fake_clock),
        cmocka_unit_test(test_calibration_speeds_are_positive),
        cmocka_unit_test(test_verdicts_tell_competing_load_from_throttling),
        cmocka_unit_test(test_emulated_throttling_says_so),
        cmocka_unit_test(test_throttle_rejects_bad_duty_and_explains_cgroup),
        cmocka_unit_test(test_background_load_runs_until_stopped),
        cmocka_unit_test(test_hw_job_survives_the_pipe_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
