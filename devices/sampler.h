/* A sampler thread: reads a sensor set's chosen sensors (sensor.h) at a
 * fixed period into time series, power (summed over the chosen power
 * sensors), temperature and frequency.
 *
 *     eb_sampler *sm;
 *     eb_sampler_start(&sm, &set, 100.0, msg, sizeof msg);
 *     eb_sampler_mark(sm);   // a sample now, e.g. when a phase begins
 *     ...
 *     eb_sampler_stop(sm);   // joins the thread; series stay readable
 *     eb_sampler_destroy(sm);
 *
 * Times are CLOCK_MONOTONIC_RAW nanoseconds (common/clock.h), so they compare
 * with the timing loop's. A sensor whose read fails is skipped for that
 * sample; the first failure's reason is kept. */
#ifndef EB_DEVICES_SAMPLER_H
#define EB_DEVICES_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "devices/sensor.h"
#include "edgebench/status.h"

typedef enum eb_series_kind {
    EB_SERIES_POWER = 0, /* W, or cumulative J when power_is_energy */
    EB_SERIES_TEMP = 1,  /* °C */
    EB_SERIES_FREQ = 2,  /* MHz */
    EB_SERIES_COUNT = 3
} eb_series_kind;

typedef struct eb_series {
    size_t n, cap;
    uint64_t *t_ns; /* absolute monotonic time */
    double *v;
} eb_series;

typedef struct eb_sampler eb_sampler;

/* Start sampling set (borrowed; it must outlive the sampler) every
 * period_ms (>= 1). The first sample is taken before this returns. */
eb_status eb_sampler_start(eb_sampler **out, eb_sensor_set *set, double period_ms, char *msg,
                           size_t msg_len);

/* Take one sample now, between the thread's (thread-safe). */
void eb_sampler_mark(eb_sampler *s);

/* A sampler without a thread: it samples only when eb_sampler_sample_at
 * says so, and stamps the reads with the time given. Replays a recorded
 * (or scripted) sensor trace at its own timestamps, so the reading, series
 * and energy logic can be checked without real time. Stop and destroy as
 * for a started sampler (stop then takes no sample). */
eb_status eb_sampler_open(eb_sampler **out, eb_sensor_set *set, char *msg, size_t msg_len);

/* One sample of every chosen sensor, stamped t_ns (absolute ns, > 0). */
void eb_sampler_sample_at(eb_sampler *s, uint64_t t_ns);

/* Take a last sample and stop the thread (idempotent). */
void eb_sampler_stop(eb_sampler *s);

/* The series of one kind (valid until destroy; read after stop). */
const eb_series *eb_sampler_series(const eb_sampler *s, eb_series_kind k);

/* 1 when the power series holds a cumulative energy counter (J). */
int eb_sampler_power_is_energy(const eb_sampler *s);

/* The first read failure, "" when none. */
const char *eb_sampler_error(const eb_sampler *s);

/* Energy in joules between absolute times t0 and t1 (ns): the counter's
 * delta or the integrated power. Returns -1 when there is no power series
 * or fewer than two samples. */
double eb_sampler_energy(const eb_sampler *s, uint64_t t0_ns, uint64_t t1_ns);

void eb_sampler_destroy(eb_sampler *s); /* NULL is a no-op; stops first */

#endif
