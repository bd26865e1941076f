/* The hardware side of one cell: thermal condition, sensor sampling,
 * energy, PAPI counters, throttling and competing-load detection, around
 * the timing loop.
 *
 * In the cell's process (run/cell_exec.c):
 *     eb_cell_hw *hw;
 *     eb_cell_hw_begin(&hw, &job->hw, &job->cond,
 *                      sink, infer, arg, msg, len);  // cooldown, idle
 *         // baseline, calibration, throttle / background load, soak, sampler, counters
 *     hooks.phase = eb_cell_hw_phase; hooks.phase_arg = hw;       // measured phase edges
 *     eb_timing_loop(...);
 *     eb_cell_hw_end(hw, &lr, threads, sink); // calibration again, extras to the sink
 *     eb_cell_hw_destroy(hw);             // stops whatever still runs (error paths too)
 *
 * What it records (names in docs/results-schema.md, meaning in docs/sensors.md)
 * goes to the sink as run extras. Nothing here fails a cell because a
 * sensor or counter is missing: those are recorded as unavailable. */
#ifndef EB_CELL_HW_H
#define EB_CELL_HW_H

#include <stdint.h>
#include <stdio.h>

#include "devices/counters.h"
#include "harness/conditions/condition.h"
#include "edgebench/status.h"

struct eb_cell_sink;
struct eb_loop_result;
struct eb_scenario;
struct eb_matrix_cell;

/* The cell job's hardware block (crosses the pipe as "hw.<key>=<value>").
 * The condition itself travels in the job's typed `cond` ("cond.<key>" lines). */
typedef struct eb_cell_hw_job {
    int n_counters;
    char counters[EB_COUNTERS_MAX][EB_COUNTER_NAME_MAX];
    int64_t sample_period_ms;    /* 0: no sampler */
    char power[16];
    char power_sensor[64];
    char power_command[1024];
    char temperature_sensor[64];
    char frequency_sensor[64];
    char sysfs_root[1024];
    int64_t idle_baseline_ms;
    int64_t calibration_ms;
    double throttle_threshold;
    double temperature_limit_c;
    double frequency_limit_mhz;
} eb_cell_hw_job;

/* From a scenario cell (parent side). */
void eb_cell_hw_job_from(eb_cell_hw_job *j, const struct eb_scenario *s,
                         const struct eb_matrix_cell *c);

/* Serialise as "hw.<key>=<value>\n" lines; parse one line's key (without
 * "hw.") and value. Values are escaped (\\n, \\\\) so a command keeps its
 * newlines. Parse returns 0 when the key is known. */
void eb_cell_hw_job_write(FILE *f, const eb_cell_hw_job *j);
int eb_cell_hw_job_parse(eb_cell_hw_job *j, const char *key, const char *value);

typedef struct eb_cell_hw eb_cell_hw;

typedef eb_status (*eb_cell_hw_infer_fn)(void *arg, char *msg, size_t msg_len);

/* Prepare the cell's conditions and measurement for the typed condition
 * cond (NULL or kind "": plain), its parameters read through the condition
 * table's accessors (harness/conditions/condition.h); kinds that
 * are not thermal set-ups are none of this code's business. Fails (with msg) only when
 * the condition itself cannot be set up as asked (e.g. throttle method
 * cgroup where cpu is not delegated) or the soak's inference fails. */
eb_status eb_cell_hw_begin(eb_cell_hw **out, const eb_cell_hw_job *job, const eb_condition *cond,
                           const struct eb_cell_sink *sink,
                           eb_cell_hw_infer_fn infer,
                           void *infer_arg, char *msg, size_t msg_len);

/* Timing-loop hook: measured = 1 when the measured phase begins, 0 when it
 * ends (starts/stops counters, marks the sensor series). */
void eb_cell_hw_phase(void *hw, int measured);

/* After the loop: calibration after, stop the conditions, send the extras
 * (threads: the cell's, for cpu_share = CPU time / (wall x threads)). */
void eb_cell_hw_end(eb_cell_hw *hw, const struct eb_loop_result *lr, int threads,
                    const struct eb_cell_sink *sink);

void eb_cell_hw_destroy(eb_cell_hw *hw); /* NULL is a no-op */

#endif
