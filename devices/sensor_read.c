/* Reading a sensor and folding wrapping counters into a running total. */
#include <stdio.h>

#include "devices/sensor.h"

int eb_sensor_read(eb_sensor *s, double *value, char *why, size_t why_len)
{
    char tmp[8];
    if (!why) {
        why = tmp;
        why_len = sizeof tmp;
    }
    why[0] = '\0';
    return s->read(s, value, why, why_len);
}

double eb_sensor_counter_update(eb_sensor *s, double raw)
{
    if (!s->have_last) {
        /* the first read is the origin: totals are energy since then */
        s->have_last = 1;
        s->last_raw = raw;
        s->total = 0;
        return 0;
    }
    double delta = raw - s->last_raw;
    if (delta < 0 && s->wrap > 0)
        delta += s->wrap; /* the counter passed its maximum and started again at 0 */
    else if (delta < 0)
        delta = 0;        /* a counter reset we cannot size: count nothing, not a negative */
    s->last_raw = raw;
    s->total += delta * s->scale;
    return s->total;
}
