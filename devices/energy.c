/* Energy over a window from power samples or counter samples. */
#include "devices/energy.h"

double eb_series_at(const double *t, const double *v, size_t n, double x)
{
    if (x <= t[0])
        return v[0];
    if (x >= t[n - 1])
        return v[n - 1];
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    double span = t[hi] - t[lo];
    if (span <= 0)
        return v[hi];
    return v[lo] + (v[hi] - v[lo]) * (x - t[lo]) / span;
}

double eb_energy_from_power(const double *t, const double *v, size_t n, double t0, double t1)
{
    if (n < 2 || t1 <= t0)
        return 0;
    double e = 0, pt = t0, pv = eb_series_at(t, v, n, t0);
    for (size_t i = 0; i < n; i++) {
        if (t[i] <= t0)
            continue;
        if (t[i] >= t1)
            break;
        e += 0.5 * (pv + v[i]) * (t[i] - pt);
        pt = t[i];
        pv = v[i];
    }
    e += 0.5 * (pv + eb_series_at(t, v, n, t1)) * (t1 - pt);
    return e;
}

double eb_energy_from_counter(const double *t, const double *v, size_t n, double t0, double t1)
{
    if (n < 1 || t1 <= t0)
        return 0;
    return eb_series_at(t, v, n, t1) - eb_series_at(t, v, n, t0);
}
