/* PAPI event counters around a measured region.
 *
 *     eb_counters *c;
 *     eb_counters_open(&c, names, n);      // never fails for an unavailable event:
 *     eb_counters_start(c);                // it is marked with PAPI's reason
 *     ... measured loop ...
 *     eb_counters_stop(c);
 *     for each i: eb_counters_value(c, i, &v) or eb_counters_why(c, i)
 *     eb_counters_close(c);
 *
 * Events are PAPI names: presets (PAPI_TOT_INS, PAPI_TOT_CYC) or native
 * events (perf::TASK-CLOCK, perf::CONTEXT-SWITCHES). Each is added to the
 * event set on its own so one the host cannot count does not take the
 * others with it; an event that cannot be counted is reported unavailable
 * with PAPI's reason, never as 0. Counting covers the calling thread.
 * Built without PAPI, every event is unavailable with that reason. */
#ifndef EB_COUNTERS_H
#define EB_COUNTERS_H

#include <stddef.h>

#define EB_COUNTERS_MAX 16
#define EB_COUNTER_NAME_MAX 64

typedef struct eb_counters eb_counters;

/* Open an event set with the given events (at most EB_COUNTERS_MAX).
 * Returns 0, or -1 with *out NULL when out of memory. */
int eb_counters_open(eb_counters **out, const char *const *names, int n);

/* Start and stop counting (no-ops when no event is available). Stop keeps
 * the totals; a failure makes every event unavailable with the reason. */
void eb_counters_start(eb_counters *c);
void eb_counters_stop(eb_counters *c);

int eb_counters_count(const eb_counters *c);
const char *eb_counters_name(const eb_counters *c, int i);
/* 0 and *value set when event i was counted, -1 when unavailable. */
int eb_counters_value(const eb_counters *c, int i, long long *value);
/* Why event i is unavailable ("" when it is available). */
const char *eb_counters_why(const eb_counters *c, int i);

void eb_counters_close(eb_counters *c); /* NULL is a no-op */

/* For the probe: whether event name can be counted here (1) or not (0,
 * with why filled). */
int eb_counters_probe_event(const char *name, char *why, size_t why_len);

/* For the probe: the PAPI library version and hardware counter count,
 * or why PAPI is unusable. Returns 1 when PAPI initialised. */
int eb_counters_probe_library(char *version, size_t version_len, int *hw_counters, char *why,
                              size_t why_len);

/* 1 when perf:: events (software ones such as perf::TASK-CLOCK included)
 * can be counted through PAPI here; else 0 and why (PAPI missing, or its
 * perf_event component disabled, e.g. libpfm4 knows no PMU of this CPU). */
int eb_counters_perf_events(char *why, size_t why_len);

#endif
