/* The warm-up and measured loops around one inference function.
 *
 * Warm-up runs until both its iteration count and its minimum time are met
 * (capped by the measured phase's maximum time, so a very slow model cannot
 * warm up forever). The measured phase runs until both the iteration count
 * and the minimum time are met, and stops at the maximum time whatever the
 * count. Only infer() is inside the timed region; before()/after() (input
 * preparation, output checking) run between timestamps. Every measured
 * inference's start (from loop start) and duration go to the sink. */
#ifndef EB_TIMING_LOOP_H
#define EB_TIMING_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"

typedef struct eb_loop_settings {
    uint64_t warmup_iterations;
    uint64_t warmup_min_ns;
    uint64_t iterations;
    uint64_t min_ns;
    uint64_t max_ns;   /* 0: no cap */
} eb_loop_settings;

typedef struct eb_loop_hooks {
    void *arg;
    /* optional, untimed: prepare inference i (i counts warm-up and measured
     * inferences together; measured is 1 for the measured phase) */
    eb_status (*before)(void *arg, uint64_t i, int measured, char *msg, size_t msg_len);
    /* timed: one inference */
    eb_status (*infer)(void *arg, char *msg, size_t msg_len);
    /* optional, untimed: look at the outputs of measured inference i */
    eb_status (*after)(void *arg, uint64_t i, char *msg, size_t msg_len);
    /* receives measured samples; returns non-zero to stop (e.g. interrupted) */
    int (*sample)(void *arg, uint64_t t_ns, uint64_t latency_ns);
    /* optional, untimed: called with 1 just before the measured phase
     * begins and 0 just after it ends (counters, sensor marks) */
    void (*phase)(void *phase_arg, int measured);
    void *phase_arg;
    /* optional: the clock the loop reads, monotonic nanoseconds; NULL (the
     * default) is eb_now_ns (common/clock.h), read inline. A test gives a fake
     * clock (advanced by its infer) to check the loop's stopping rules
     * without depending on real time. */
    uint64_t (*clock)(void *clock_arg);
    void *clock_arg;
} eb_loop_hooks;

typedef struct eb_loop_result {
    uint64_t warmup_n;    /* warm-up inferences run */
    uint64_t n;           /* measured inferences run */
    uint64_t warmup_ns;   /* wall time of the warm-up */
    uint64_t measured_ns; /* wall time of the measured phase */
    int capped;           /* stopped by max time before the iteration count */
    /* time the stream was serving inferences in the measured phase; 0: all
     * of it (the loop). A load pattern that waits for arrivals
     * (docs/load-patterns.md) sets it, so cpu_share is of the busy time. */
    uint64_t busy_ns;
} eb_loop_result;

/* Run the loops. Fails (with the hook's message) when a hook fails. */
eb_status eb_timing_loop(const eb_loop_settings *s, const eb_loop_hooks *h, eb_loop_result *r,
                         char *msg, size_t msg_len);

#endif
