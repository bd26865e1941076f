/* The load scheduler: issues the queries of a load pattern (load_pattern.h)
 * to one inference stream and measures each query's latency from its
 * scheduled start.
 *
 * One thread issues and waits: the system under test serves one query at a
 * time (MLPerf LoadGen with a single SUT thread), so under server a query
 * that arrives while another is served waits, and that wait is part of its
 * latency. Everything time-related goes through the clock and sleep hooks:
 * a test gives a fake clock that its issue hook advances by a fixed service
 * time and a sleep that jumps the clock forward, and checks the queueing
 * figures against M/D/1 without depending on real time. */
#ifndef EB_LOAD_SCHED_H
#define EB_LOAD_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"
#include "harness/run/load_pattern.h"
#include "harness/run/timing_loop.h"

typedef struct eb_load_hooks {
    void *arg;
    /* issue inference `i` of the measured stream (0, 1, ... across queries
     * and search trials) and return when it is done */
    eb_status (*issue)(void *arg, uint64_t i, char *msg, size_t msg_len);
    /* optional: one completed query of the reported trial: its scheduled
     * start (from the trial's start) and its latency; non-zero stops the
     * run (interrupted). Called as queries complete, except under a server
     * search, where the chosen trial's queries are replayed at the end. */
    int (*query)(void *arg, uint64_t t_ns, uint64_t latency_ns);
    /* optional: monotonic nanoseconds; NULL reads eb_now_ns */
    uint64_t (*clock)(void *clock_arg);
    /* optional: return no earlier than clock() == t_ns; NULL sleeps on the
     * real clock (nanosleep, then re-reads it) */
    void (*sleep_until)(void *clock_arg, uint64_t t_ns);
    void *clock_arg;
} eb_load_hooks;

/* One server trial at one rate. */
typedef struct eb_load_trial {
    double target_qps;
    double achieved_qps; /* completed / (last completion - trial start) */
    uint64_t issued;     /* arrivals scheduled inside the window */
    uint64_t completed;  /* queries served (the rest were still queued at the drain cap) */
    double p99_ns;       /* of the completed queries' latencies; NaN when none */
    int met;             /* every query completed and p99 <= latency bound */
} eb_load_trial;

typedef struct eb_load_result {
    uint64_t issued, completed; /* queries of the reported trial */
    uint64_t inferences;        /* inferences of the completed queries */
    uint64_t measured_ns;       /* the reported trial's start to its last completion */
    double achieved_qps;        /* completed queries per second of measured_ns */
    double inferences_per_s;    /* inferences per second of measured_ns */
    int capped;                 /* stopped by max time before the query count */
    int stopped;                /* the query hook asked to stop */
    int n_trials;               /* server: trials run (1 without search) */
    eb_load_trial trials[EB_LOAD_MAX_TRIALS];
    double search_qps;          /* search: highest rate that met the bound; 0: none did */
    uint64_t total_issued_inferences; /* every inference issued, all trials */
    uint64_t busy_ns;           /* time spent in issue, all trials (not waiting) */
} eb_load_result;

/* Run spec's pattern (not single_stream: that is eb_timing_loop).
 * multi_stream and offline stop like the measured loop (stop->iterations
 * queries and stop->min_ns, at most stop->max_ns); server runs its
 * arrival window (serving what is queued at its end until twice the
 * window) once, or per search trial. Fails with the issue hook's status. */
eb_status eb_load_run(const eb_load_spec *spec, const eb_loop_settings *stop,
                      const eb_load_hooks *h, eb_load_result *r, char *msg, size_t msg_len);

#endif
