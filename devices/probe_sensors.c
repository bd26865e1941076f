/* The probe's sensor and counter keys: what can be measured here, and for
 * what cannot, why. */
#include <stdio.h>
#include <string.h>

#include "devices/counters.h"
#include "devices/probe.h"
#include "devices/sensor.h"

/* "name (source), ..." of the sensors measuring q (power: both power and
 * energy counters), or "" when none. */
static void list(const eb_sensor_set *set, int power, eb_sensor_quantity q, char *out, size_t len)
{
    out[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < set->n && used < len; i++) {
        const eb_sensor *s = &set->items[i];
        int match = power ? (s->quantity == EB_Q_POWER_W || s->quantity == EB_Q_ENERGY_J)
                          : s->quantity == q;
        if (!match)
            continue;
        used += (size_t)snprintf(out + used, len - used, "%s%s (%s%s%s)", used ? ", " : "",
                                 s->name, s->source, s->alias[0] ? " " : "", s->alias);
    }
}

void eb_probe_sensors(const char *root, eb_host_desc *d)
{
    static eb_sensor_set set; /* large: not on the stack */
    eb_sensor_config cfg = {.sysfs_root = root, .power_source = "auto"};
    eb_sensor_set_discover(&set, &cfg);
    char buf[512], val[600];
    list(&set, 1, EB_Q_POWER_W, buf, sizeof buf);
    if (buf[0])
        eb_host_desc_put(d, "power_sensors", buf);
    else {
        snprintf(val, sizeof val, "unavailable: %.580s", set.why_power);
        eb_host_desc_put(d, "power_sensors", val);
    }
    int zones = 0;
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < set.n; i++)
        if (strcmp(set.items[i].source, "thermal") == 0) {
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s (%s)", used ? ", " : "",
                                     set.items[i].name, set.items[i].alias);
            zones++;
        }
    if (zones)
        eb_host_desc_put(d, "thermal_zones", buf);
    list(&set, 0, EB_Q_TEMP_C, buf, sizeof buf);
    if (buf[0])
        eb_host_desc_put(d, "temperature_sensors", buf);
    else {
        snprintf(val, sizeof val, "unavailable: %.580s", set.why_temp);
        eb_host_desc_put(d, "temperature_sensors", val);
    }
    if (!zones) {
        /* the thermal part of why_temp, or the whole when it is all thermal */
        snprintf(val, sizeof val, "unavailable: %.500s",
                 set.why_thermal[0] ? set.why_thermal : "no thermal_zone* with a readable temp");
        eb_host_desc_put(d, "thermal_zones", val);
    }
    list(&set, 0, EB_Q_FREQ_MHZ, buf, sizeof buf);
    if (buf[0]) {
        /* one entry per CPU says nothing more than a count */
        int n = 0;
        for (int i = 0; i < set.n; i++)
            n += set.items[i].quantity == EB_Q_FREQ_MHZ;
        snprintf(val, sizeof val, "scaling_cur_freq of %d CPUs (cpufreq)", n);
        eb_host_desc_put(d, "frequency_sensors", val);
    } else {
        snprintf(val, sizeof val, "unavailable: %.580s", set.why_freq);
        eb_host_desc_put(d, "frequency_sensors", val);
    }
    eb_sensor_set_close(&set);
}

const char *const eb_probe_counter_events[] = {
    "PAPI_TOT_INS", "PAPI_TOT_CYC", "PAPI_L1_DCM", "PAPI_LST_INS", "PAPI_BR_MSP",
    "perf::TASK-CLOCK", "perf::CONTEXT-SWITCHES", "perf::PAGE-FAULTS", "perf::CPU-MIGRATIONS",
    NULL};

void eb_probe_counters(eb_host_desc *d)
{
    char version[32], why[256], val[512];
    int hw = 0;
    if (!eb_counters_probe_library(version, sizeof version, &hw, why, sizeof why)) {
        snprintf(val, sizeof val, "unavailable: %s", why);
        eb_host_desc_put(d, "papi", val);
    } else {
        snprintf(val, sizeof val, "PAPI %s; perf_event: %d hardware counters%s%s", version, hw,
                 why[0] ? "; " : "", why);
        eb_host_desc_put(d, "papi", val);
    }
    char avail[512] = "";
    size_t used = 0;
    for (int i = 0; eb_probe_counter_events[i]; i++) {
        const char *ev = eb_probe_counter_events[i];
        char key[48];
        snprintf(key, sizeof key, "counter.%s", ev);
        if (eb_counters_probe_event(ev, why, sizeof why)) {
            eb_host_desc_put(d, key, "available");
            used += (size_t)snprintf(avail + used, sizeof avail - used, "%s%s", used ? " " : "",
                                     ev);
        } else {
            snprintf(val, sizeof val, "unavailable: %s", why);
            eb_host_desc_put(d, key, val);
        }
    }
    eb_host_desc_put(d, "counters_available", avail[0] ? avail : "none");
}
