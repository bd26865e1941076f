/* The throttling and competing-load verdicts from a cell's evidence (see
 * thermal.h, docs/sensors.md "Throttling and competing load"). Pure: the
 * cell gathers the evidence (harness/run/cell_hw.c), tests give it directly. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/thermal/thermal.h"

int eb_hw_verdicts(const eb_hw_evidence *e, char *throttled, size_t throttled_len,
                   char *competing, size_t competing_len)
{
    int out = 0;
    const double thr = e->threshold;
    const double duty = e->emulated ? e->duty : 1;
    const int n = e->threads > 0 ? e->threads : 1;
    throttled[0] = competing[0] = '\0';

    /* competing load: less CPU than the cell could get (all of its threads,
     * or the duty cycle's share of them under emulation) */
    if (e->cpu_share >= 0) {
        out |= EB_HW_COMPETING;
        if (e->cpu_share >= duty * (1 - thr))
            snprintf(competing, competing_len, "no: cpu_share %.2f", e->cpu_share);
        else if (e->emulated)
            snprintf(competing, competing_len,
                     "yes: the cell got %.0f%% of the CPU time of its %d thread%s over the "
                     "measured phase, less than the %.0f%% its duty cycle allows: other "
                     "processes competed for the CPU",
                     e->cpu_share * 100, n, n > 1 ? "s" : "", duty * 100);
        else
            snprintf(competing, competing_len,
                     "yes: the cell got %.0f%% of the CPU time of its %d thread%s over the "
                     "measured phase: other processes competed for the CPU (or its threads "
                     "waited)",
                     e->cpu_share * 100, n, n > 1 ? "s" : "");
    }

    /* throttling: the core itself ran slower. The wall-clock calibration
     * speed is lowered as much by a duty cycle or competing load; only the
     * speed per CPU second, the temperature and the frequency say it. */
    char text[400] = "";
    size_t used = 0;
    int checked = 0;
    if (e->speed_ratio > 0)
        checked = 1;
    if (e->cpu_speed_ratio > 0 && e->cpu_speed_ratio < 1 - thr)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "the core ran slower: calibration speed per CPU second dropped "
                                 "%.0f%% (wall clock %.2fx)",
                                 (1 - e->cpu_speed_ratio) * 100, e->speed_ratio);
    if (e->temp_limit_c > 0 && !isnan(e->temp_max_c)) {
        checked = 1;
        if (e->temp_max_c >= e->temp_limit_c && used < sizeof text)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "%stemperature reached %.1f C (limit %.1f C)",
                                     used ? "; " : "", e->temp_max_c, e->temp_limit_c);
    }
    if (e->freq_limit_mhz > 0 && !isnan(e->freq_min_mhz)) {
        checked = 1;
        if (e->freq_min_mhz < e->freq_limit_mhz && used < sizeof text)
            snprintf(text + used, sizeof text - used,
                     "%sfrequency fell to %.0f MHz (limit %.0f MHz)", used ? "; " : "",
                     e->freq_min_mhz, e->freq_limit_mhz);
    }
    if (e->emulated) {
        /* the cell knows its throttling is the condition's own duty cycle */
        char measured[160] = "";
        size_t m = 0;
        if (e->speed_ratio > 0)
            m += (size_t)snprintf(measured + m, sizeof measured - m,
                                  "; calibration speed %.2fx wall clock, %.2fx per CPU second",
                                  e->speed_ratio, e->cpu_speed_ratio);
        if (e->cpu_share >= 0 && m < sizeof measured)
            snprintf(measured + m, sizeof measured - m, "; cpu_share %.2f", e->cpu_share);
        snprintf(throttled, throttled_len,
                 "yes: emulated duty cycle %.0f%% of every %.0f ms (condition kind throttle, "
                 "method %s)%s%s%.300s",
                 duty * 100, e->period_ms, e->method && e->method[0] ? e->method : "signal",
                 measured, text[0] ? "; also " : "", text);
        return out | EB_HW_THROTTLED;
    }
    if (!checked && !text[0])
        return out;
    if (text[0])
        snprintf(throttled, throttled_len, "yes: %.400s", text);
    else if (e->cpu_speed_ratio > 0)
        snprintf(throttled, throttled_len,
                 "no: calibration speed %.2fx per CPU second (%.2fx wall clock)",
                 e->cpu_speed_ratio, e->speed_ratio);
    else if (e->speed_ratio > 0)
        snprintf(throttled, throttled_len, "no: calibration speed %.2fx", e->speed_ratio);
    else
        snprintf(throttled, throttled_len, "no");
    return out | EB_HW_THROTTLED;
}
