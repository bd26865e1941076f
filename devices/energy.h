/* Energy from sampled time series: integrated power or counter deltas over
 * a window. Pure functions over arrays of (t, value) with t ascending. */
#ifndef EB_DEVICES_ENERGY_H
#define EB_DEVICES_ENERGY_H

#include <stddef.h>

/* The series' value at t, linearly interpolated between the samples around
 * it (the first or last value outside the sampled span). n >= 1. */
double eb_series_at(const double *t, const double *v, size_t n, double t_at);

/* Integral of power v (W) over [t0, t1] (s) by the trapezoid rule, with the
 * window's ends interpolated; joules. 0 when n < 2 or t1 <= t0. */
double eb_energy_from_power(const double *t, const double *v, size_t n, double t0, double t1);

/* Energy of a cumulative counter v (J) over [t0, t1]: v(t1) - v(t0),
 * interpolated; joules. */
double eb_energy_from_counter(const double *t, const double *v, size_t n, double t0, double t1);

#endif
