/* ctest-labels: timing
 *
 * Real-time proofs of harness/thermal, in the `timing` test group (run alone
 * after the rest by `make check`, retried once; see tests/CMakeLists.txt):
 * the calibration's size against the wall clock, the slowdown that a real
 * 50% duty cycle gives CPU-bound work, and the share of the time a real
 * helper keeps its target stopped. Their logic (the schedule) is checked on a
 * fake clock in test_thermal.c; these say that it works on this machine.
 * Each failure message gives the measured figure. */
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
#include "harness/thermal/thermal.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_calibration_is_sized_to_the_target_time(void **state)
{
    (void)state;
    double s0 = cpu_s();
    uint64_t w0 = eb_now_ns();
    uint64_t units = eb_calibration_size(20);
    double share = (cpu_s() - s0) / ((double)(eb_now_ns() - w0) / 1e9);
    assert_true(units >= 1);
    /* CPU time, so other processes on a shared machine do not count */
    double c0 = cpu_s();
    eb_calibration_work(units);
    double ms = (cpu_s() - c0) * 1e3;
    printf("calibration: %llu units in %.1f ms of CPU time (target 20)\n",
           (unsigned long long)units, ms);
    /* the size is found on the wall clock (the fastest of three tries):
     * with under a third of a core every try is interrupted */
    if (!(ms > 5 && ms < 80) && share < 0.33) {
        printf("inconclusive: sizing got %.2f of a core (machine overloaded)\n", share);
        skip();
    }
    if (!(ms > 5 && ms < 80))
        fail_msg("calibration sized for 20 ms took %.1f ms of CPU time (%.2f of a core)", ms,
                 share);
    double cpu = 0;
    assert_true(eb_calibration_speed(units, 3, &cpu) > 0);
    assert_true(cpu > 0);
}

/* Wall time per CPU second of a fixed amount of work: 1 on an idle core,
 * more when others share the core, twice that at half duty. Dividing by
 * the CPU time makes the slowdown independent of how busy the (shared)
 * machine is, as long as that stays put. */
static double stretch(uint64_t units)
{
    double c0 = cpu_s();
    uint64_t t0 = eb_now_ns();
    eb_calibration_work(units);
    return (double)(eb_now_ns() - t0) / 1e9 / (cpu_s() - c0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The slowdown of CPU-bound work at 50% duty: rounds alternating free and
 * throttled runs, medians of each, so a change in the machine's other load
 * affects both sides alike. */
static void test_half_duty_throttle_halves_the_speed(void **state)
{
    (void)state;
    uint64_t units = eb_calibration_size(400); /* four 100 ms periods */
    enum { ROUNDS = 4 };
    double free_s[ROUNDS], slow_s[ROUNDS], ratio = 0;
    /* a second attempt when a burst of other load spoiled the first (ctest
     * runs the timing group alone and retries it; other users of the
     * machine remain) */
    for (int attempt = 0; attempt < 2 && !(ratio > 1.5 && ratio < 3.3); attempt++) {
    for (int r = 0; r < ROUNDS; r++) {
        free_s[r] = stretch(units);
        eb_throttle t;
        char msg[256];
        assert_int_equal(eb_throttle_start(&t, getpid(), 0.5, 100, "signal", "", msg, sizeof msg),
                         EB_OK);
        slow_s[r] = stretch(units);
        eb_throttle_stop(&t);
        eb_throttle_stop(&t); /* idempotent */
    }
    qsort(free_s, ROUNDS, sizeof *free_s, cmp_double);
    qsort(slow_s, ROUNDS, sizeof *slow_s, cmp_double);
    double f = (free_s[1] + free_s[2]) / 2, s = (slow_s[1] + slow_s[2]) / 2;
    ratio = s / f;
    printf("throttle 50%%: slowdown %.2fx (median wall per CPU second %.2f free, %.2f throttled)\n",
           ratio, f, s);
    if (f > 1 / 0.15) {
        /* the free runs got under 15% of a core: the off-part of a duty
         * cycle mostly overlaps time spent waiting for the CPU anyway
         * (1.37x measured at 7%), so this machine cannot show it now */
        printf("inconclusive: free runs got %.2f of a core (machine overloaded)\n", 1 / f);
        skip();
    }
    }
    /* what it proves: half duty is about half the speed, clearly apart from
     * no throttling (1x) and from a quarter duty (4x). On an idle machine
     * it is 2.0x; a duty cycle beside competing load reads higher (the
     * off-phase's CPU goes to the others, who then hold the core into the
     * on-phase), up to ~2.9x measured on a loaded 2-core VM. */
    if (!(ratio > 1.5 && ratio < 3.3))
        fail_msg("50%% duty: slowdown %.2fx, outside [1.5, 3.3]", ratio);
}

/* Nanoseconds pid ran and waited runnable on a run queue
 * (/proc/PID/schedstat); -1 when the kernel keeps no such statistics. */
static double on_cpu_or_queued_ns(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long long run, wait;
    int ok = f && fscanf(f, "%llu %llu", &run, &wait) == 2;
    if (f)
        fclose(f);
    return ok ? (double)run + (double)wait : -1;
}

/* The schedule itself, independent of how busy the machine is: a spinning
 * child is always running or queued for a CPU unless stopped, so the part of
 * the wall time it was neither (schedstat) is the time it was stopped: 75%
 * at 25% duty. */
static void test_throttle_stops_the_target_for_the_off_part(void **state)
{
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        for (;;)
            eb_calibration_work(1000);
    }
    usleep(20000);
    if (on_cpu_or_queued_ns(child) < 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        skip(); /* no schedstat in this kernel */
    }
    /* the child's share of a core, free: on an overloaded machine a stop
     * waits in the run queue with the child, and the off-part shrinks */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)child);
    unsigned long long run0 = 0, run1 = 0;
    FILE *sf = fopen(path, "r");
    if (sf && fscanf(sf, "%llu", &run0) != 1)
        run0 = 0;
    if (sf)
        fclose(sf);
    uint64_t w0 = eb_now_ns();
    usleep(200000);
    sf = fopen(path, "r");
    if (sf && fscanf(sf, "%llu", &run1) != 1)
        run1 = 0;
    if (sf)
        fclose(sf);
    double free_share = (double)(run1 - run0) / (double)(eb_now_ns() - w0);
    if (free_share < 0.15) {
        printf("inconclusive: the spinning child got %.2f of a core (machine overloaded)\n",
               free_share);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        skip();
    }
    double frac = 0;
    for (int attempt = 0; attempt < 2 && !(frac > 0.35 && frac < 0.85); attempt++) {
        double a = on_cpu_or_queued_ns(child);
        uint64_t t0 = eb_now_ns();
        eb_throttle t;
        char msg[256];
        assert_int_equal(eb_throttle_start(&t, child, 0.25, 40, "signal", "", msg, sizeof msg),
                         EB_OK);
        usleep(800000);
        eb_throttle_stop(&t);
        double b = on_cpu_or_queued_ns(child);
        double wall = (double)(eb_now_ns() - t0);
        frac = 1 - (b - a) / wall;
        printf("25%% duty: stopped %.2f of %.0f ms\n", frac, wall / 1e6);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    /* a stop reaches a task only when it next runs, and until then it
     * counts as queued: 0.75 on an idle machine, 0.43-0.49 measured beside
     * two busy loops (a quarter of a core free). What this proves is that a
     * real helper stops a real process for a large part of the time (a
     * free one is stopped 0); that the schedule is exact is proved on a
     * fake clock in test_thermal.c. */
    if (!(frac > 0.35 && frac < 0.85))
        fail_msg("25%% duty: stopped %.2f of the time, outside (0.35, 0.85)", frac);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_is_sized_to_the_target_time),
        cmocka_unit_test(test_half_duty_throttle_halves_the_speed),
        cmocka_unit_test(test_throttle_stops_the_target_for_the_off_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
