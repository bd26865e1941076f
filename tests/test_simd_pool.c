/* The simd thread pool under stress: thousands of parallel sections of
 * random sizes, on more threads than the machine has cores, with two
 * alternating task functions and arguments. Every task of a section must run
 * exactly once, with that section's function, and must have finished when
 * eb_simd_pool_run returns. The verdict is about counts, never about time:
 * load on the machine only changes the interleavings it explores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sched.h>

#include <cmocka.h>

#include "backends/simd/simd_pool.h"

#define MAX_TASKS 257

typedef struct section_arg {
    int id;                       /* which of the two alternating sections */
    int threads;
    atomic_int started[MAX_TASKS];
    atomic_int finished[MAX_TASKS];
    atomic_int wrong_fn;          /* a task ran with the other section's function */
    atomic_int bad_thread;
    uint64_t work_seed;
} section_arg;

static void busy(uint64_t seed, int t)
{
    /* a task-dependent amount of work, sometimes a yield: tasks end out of
     * order and workers are preempted in the middle of a section */
    uint64_t x = seed ^ ((uint64_t)t * 0x9E3779B97F4A7C15ull);
    x ^= x >> 31;
    int steps = (int)(x % 400);
    volatile uint64_t sink = 0;
    for (int i = 0; i < steps; i++)
        sink += (uint64_t)i * x;
    if ((x & 15) == 0)
        sched_yield();
}

static void task_common(section_arg *a, int id, int t, int thread)
{
    if (a->id != id)
        atomic_store(&a->wrong_fn, 1);
    if (thread < 0 || thread >= a->threads)
        atomic_store(&a->bad_thread, 1);
    atomic_fetch_add(&a->started[t], 1);
    busy(a->work_seed, t);
    atomic_fetch_add(&a->finished[t], 1);
}

static void task_a(void *arg, int t, int thread) { task_common(arg, 0, t, thread); }
static void task_b(void *arg, int t, int thread) { task_common(arg, 1, t, thread); }

static uint64_t next_rand(uint64_t *s)
{
    *s += 0x9E3779B97F4A7C15ull;
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void stress(int threads, int sections, uint64_t seed)
{
    eb_simd_pool *p = eb_simd_pool_create(threads);
    assert_non_null(p);
    assert_int_equal(eb_simd_pool_threads(p), threads);
    section_arg *args = calloc(2, sizeof *args);
    assert_non_null(args);
    uint64_t rng = seed;
    for (int s = 0; s < sections; s++) {
        section_arg *a = &args[s & 1];
        int n = (int)(next_rand(&rng) % MAX_TASKS);
        a->id = s & 1;
        a->threads = threads;
        a->work_seed = next_rand(&rng);
        for (int t = 0; t < MAX_TASKS; t++) {
            atomic_store(&a->started[t], 0);
            atomic_store(&a->finished[t], 0);
        }
        eb_simd_pool_run(p, n, (s & 1) ? task_b : task_a, a);
        /* read right after the return: a task still running shows as
         * started but not finished, a task run twice as 2 */
        for (int t = 0; t < MAX_TASKS; t++) {
            int st = atomic_load(&a->started[t]), fi = atomic_load(&a->finished[t]);
            int want = t < n ? 1 : 0;
            if (st != want || fi != want)
                fail_msg("%d threads, section %d of %d tasks: task %d started %d times, "
                         "finished %d times when the caller returned (want %d)",
                         threads, s, n, t, st, fi, want);
        }
        if (atomic_load(&a->wrong_fn) || atomic_load(&a->bad_thread))
            fail_msg("%d threads, section %d: %s", threads, s,
                     atomic_load(&a->wrong_fn) ? "a task ran with another section's function"
                                               : "a task got a thread index out of range");
    }
    eb_simd_pool_destroy(p);
    free(args);
}

static int cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

static void test_every_task_runs_once_and_finishes_before_the_caller_returns(void **state)
{
    (void)state;
    /* more threads than cores: workers are preempted inside sections */
    stress(2 * cores() + 1, 3000, 1);
}

static void test_two_threads_and_many_tiny_sections(void **state)
{
    (void)state;
    /* back-to-back sections of a few tasks: the window in which a late
     * worker meets the next section is widest here */
    eb_simd_pool *p = eb_simd_pool_create(2);
    assert_non_null(p);
    section_arg *a = calloc(1, sizeof *a);
    assert_non_null(a);
    a->threads = 2;
    for (int s = 0; s < 20000; s++) {
        int n = 2 + s % 3;
        for (int t = 0; t < n; t++) {
            atomic_store(&a->started[t], 0);
            atomic_store(&a->finished[t], 0);
        }
        a->work_seed = (uint64_t)s;
        eb_simd_pool_run(p, n, task_a, a);
        for (int t = 0; t < n; t++)
            if (atomic_load(&a->started[t]) != 1 || atomic_load(&a->finished[t]) != 1)
                fail_msg("section %d task %d: started %d, finished %d", s, t,
                         atomic_load(&a->started[t]), atomic_load(&a->finished[t]));
    }
    eb_simd_pool_destroy(p);
    free(a);
}

static void test_a_pool_of_one_runs_inline_in_order(void **state)
{
    (void)state;
    eb_simd_pool *p = eb_simd_pool_create(0); /* taken as 1 */
    assert_non_null(p);
    assert_int_equal(eb_simd_pool_threads(p), 1);
    assert_int_equal(eb_simd_pool_threads(NULL), 1);
    section_arg *a = calloc(1, sizeof *a);
    assert_non_null(a);
    a->threads = 1;
    eb_simd_pool_run(p, 5, task_a, a);
    eb_simd_pool_run(NULL, 5, task_a, a);
    eb_simd_pool_run(p, 0, task_a, a);
    for (int t = 0; t < 5; t++)
        assert_int_equal(atomic_load(&a->finished[t]), 2);
    assert_int_equal(atomic_load(&a->bad_thread), 0);
    eb_simd_pool_destroy(p);
    eb_simd_pool_destroy(NULL);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_task_runs_once_and_finishes_before_the_caller_returns),
        cmocka_unit_test(test_two_threads_and_many_tiny_sections),
        cmocka_unit_test(test_a_pool_of_one_runs_inline_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
