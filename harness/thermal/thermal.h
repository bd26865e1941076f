/* Thermal set-ups of a cell (scenario condition kinds soak, cooldown,
 * throttle, background_load) and the calibration that detects throttling.
 * The pieces run inside the cell's process; cell_hw.c strings them together.
 * docs/sensors.md describes what each does. */
#ifndef EB_THERMAL_H
#define EB_THERMAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "edgebench/status.h"

/* ---- throttle: duty-cycle a process ----------------------------------------- */

typedef struct eb_throttle {
    int method;          /* 0 signal, 1 cgroup */
    pid_t helper;        /* signal: the process sending SIGSTOP / SIGCONT */
    pid_t target;
    char cgroup[1100];   /* cgroup: the cgroup made for the target */
    char origin[1100];   /* cgroup: where the target was */
} eb_throttle;

/* Let target run duty (0 < duty <= 1) of every period_ms. method "signal":
 * a helper process stops and continues target (works on any Linux host);
 * "cgroup": target moves to a new cgroup v2 child with cpu.max = duty x
 * period (needs the cpu controller delegated; the message says what is
 * missing). cgroup_root: where cgroup2 is mounted ("" -> /sys/fs/cgroup). */
eb_status eb_throttle_start(eb_throttle *t, pid_t target, double duty, int period_ms,
                            const char *method, const char *cgroup_root, char *msg,
                            size_t msg_len);
/* Stop duty-cycling; the target runs freely afterwards. Idempotent. */
void eb_throttle_stop(eb_throttle *t);

/* The signal method's schedule, apart from the clock and the signals (the
 * helper gives CLOCK_MONOTONIC sleeps and SIGSTOP/SIGCONT; a test gives a
 * fake clock): period k, from start_ns + k x period, runs the target for
 * duty x period, then stops it until the next period. Times are absolute,
 * so a late wake-up never shifts later periods. Returns when alive() says 0,
 * checked at the start of each period. */
typedef struct eb_throttle_ops {
    void *arg;
    int (*alive)(void *arg);
    void (*sleep_until)(void *arg, uint64_t t_ns); /* absolute, monotonic ns */
    void (*set_running)(void *arg, int running);   /* 0: stop, 1: continue */
} eb_throttle_ops;
void eb_throttle_schedule(uint64_t start_ns, double duty, int period_ms,
                          const eb_throttle_ops *ops);

/* ---- background load -------------------------------------------------------- */

/* Start threads of load ("cpu": integer arithmetic, "fp": floating-point
 * multiply-add chains, "memory": streaming over 64 MiB per thread) in a
 * helper process; returns its pid (0 on failure with msg). */
pid_t eb_background_load_start(int threads, const char *load, char *msg, size_t msg_len);
void eb_background_load_stop(pid_t pid); /* 0 is a no-op */

/* ---- calibration ------------------------------------------------------------ */

/* Fixed work: `units` rounds of an integer mix no compiler can fold. */
uint64_t eb_calibration_work(uint64_t units);

/* Units of work that take about target_ms on this core now (at least 1). */
uint64_t eb_calibration_size(double target_ms);

/* Speed (units per wall-clock second) of reps runs of units: the fastest
 * run. The effective speed: a slower core, a duty cycle and competing
 * processes all lower it. *cpu_speed (may be NULL) gets units per second of
 * this thread's CPU time, the fastest run too: the core's own speed, which
 * only a lower clock (thermal throttling) lowers. */
double eb_calibration_speed(uint64_t units, int reps, double *cpu_speed);

/* ---- verdicts: throttled or competing load ---------------------------------- */

/* What a cell measured about the machine under it (harness/run/cell_hw.c). */
typedef struct eb_hw_evidence {
    double threshold;       /* metrics.throttle_threshold, e.g. 0.15 */
    int threads;            /* the cell's threads */
    double cpu_share;       /* CPU time / (wall x threads), measured phase; < 0: none */
    double speed_ratio;     /* calibration after / before, wall clock; 0: none */
    double cpu_speed_ratio; /* calibration after / before, per CPU second; 0: none */
    double temp_max_c;      /* highest temperature in the phase; NAN: none */
    double temp_limit_c;    /* 0: not checked */
    double freq_min_mhz;    /* lowest frequency in the phase; NAN: none */
    double freq_limit_mhz;  /* 0: not checked */
    int emulated;           /* the throttle condition ran (duty cycle emulation) */
    double duty, period_ms; /* its parameters */
    const char *method;     /* "signal" or "cgroup" */
} eb_hw_evidence;

enum { EB_HW_COMPETING = 1, EB_HW_THROTTLED = 2 };

/* The texts "throttled" and "competing_load" (each "yes: ..." or "no: ...",
 * docs/sensors.md). Throttled is "yes" only when the core itself ran
 * slower: the calibration's speed per CPU second dropped by more than the
 * threshold, the temperature reached or the frequency fell below its limit;
 * or, under emulation, for the emulated duty cycle (said so, with the
 * measured speeds and cpu_share). Competing load is "yes" when cpu_share is
 * more than the threshold below what the cell could get (1, or the duty).
 * Returns which texts were written (EB_HW_* bits); an unwritten one is "". */
int eb_hw_verdicts(const eb_hw_evidence *e, char *throttled, size_t throttled_len,
                   char *competing, size_t competing_len);

#endif
