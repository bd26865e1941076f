/* The cell job's hardware block: filled from the scenario, carried over the
 * job pipe (see cell_hw.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "harness/run/cell_hw.h"
#include "harness/scenario/scenario.h"

void eb_cell_hw_job_from(eb_cell_hw_job *j, const eb_scenario *s, const eb_matrix_cell *c)
{
    memset(j, 0, sizeof *j);
    const eb_scenario_metrics *m = &s->metrics;
    (void)c; /* the condition travels in the job's own fields (run/job_inputs.c) */
    for (int i = 0; i < m->n_counters && j->n_counters < EB_COUNTERS_MAX; i++)
        snprintf(j->counters[j->n_counters++], sizeof j->counters[0], "%s", m->counters[i]);
    j->sample_period_ms = m->sample_period_ms;
    snprintf(j->power, sizeof j->power, "%s", m->power ? m->power : "auto");
    snprintf(j->power_sensor, sizeof j->power_sensor, "%s", m->power_sensor ? m->power_sensor : "");
    snprintf(j->power_command, sizeof j->power_command, "%s",
             m->power_command ? m->power_command : "");
    snprintf(j->temperature_sensor, sizeof j->temperature_sensor, "%s",
             m->temperature_sensor ? m->temperature_sensor : "");
    snprintf(j->frequency_sensor, sizeof j->frequency_sensor, "%s",
             m->frequency_sensor ? m->frequency_sensor : "");
    snprintf(j->sysfs_root, sizeof j->sysfs_root, "%s", m->sysfs_root ? m->sysfs_root : "");
    j->idle_baseline_ms = m->idle_baseline_ms;
    j->calibration_ms = m->calibration_ms;
    j->throttle_threshold = m->throttle_threshold;
    j->temperature_limit_c = m->temperature_limit_c;
    j->frequency_limit_mhz = m->frequency_limit_mhz;
}

static void put(FILE *f, const char *key, const char *v)
{
    fprintf(f, "hw.%s=", key);
    for (; *v; v++) {
        if (*v == '\\')
            fputs("\\\\", f);
        else if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
    fputc('\n', f);
}

void eb_cell_hw_job_write(FILE *f, const eb_cell_hw_job *j)
{
    for (int i = 0; i < j->n_counters; i++)
        put(f, "counter", j->counters[i]);
    fprintf(f, "hw.sample_period_ms=%" PRId64 "\n", j->sample_period_ms);
    put(f, "power", j->power);
    put(f, "power_sensor", j->power_sensor);
    put(f, "power_command", j->power_command);
    put(f, "temperature_sensor", j->temperature_sensor);
    put(f, "frequency_sensor", j->frequency_sensor);
    put(f, "sysfs_root", j->sysfs_root);
    fprintf(f, "hw.idle_baseline_ms=%" PRId64 "\nhw.calibration_ms=%" PRId64 "\n",
            j->idle_baseline_ms, j->calibration_ms);
    fprintf(f, "hw.throttle_threshold=%.17g\nhw.temperature_limit_c=%.17g\n"
               "hw.frequency_limit_mhz=%.17g\n",
            j->throttle_threshold, j->temperature_limit_c, j->frequency_limit_mhz);
}

static void unescape(char *out, size_t len, const char *v)
{
    size_t o = 0;
    for (; *v && o + 1 < len; v++) {
        if (*v == '\\' && v[1] == 'n') {
            out[o++] = '\n';
            v++;
        } else if (*v == '\\' && v[1] == '\\') {
            out[o++] = '\\';
            v++;
        } else {
            out[o++] = *v;
        }
    }
    out[o] = '\0';
}

int eb_cell_hw_job_parse(eb_cell_hw_job *j, const char *k, const char *v)
{
#define STR(name)                                                                              \
    if (strcmp(k, #name) == 0) {                                                               \
        unescape(j->name, sizeof j->name, v);                                                  \
        return 0;                                                                              \
    }
    STR(power)
    STR(power_sensor)
    STR(power_command)
    STR(temperature_sensor)
    STR(frequency_sensor)
    STR(sysfs_root)
#undef STR
    if (strcmp(k, "counter") == 0) {
        if (j->n_counters < EB_COUNTERS_MAX)
            unescape(j->counters[j->n_counters++], sizeof j->counters[0], v);
    } else if (strcmp(k, "sample_period_ms") == 0) {
        j->sample_period_ms = strtoll(v, NULL, 10);
    } else if (strcmp(k, "idle_baseline_ms") == 0) {
        j->idle_baseline_ms = strtoll(v, NULL, 10);
    } else if (strcmp(k, "calibration_ms") == 0) {
        j->calibration_ms = strtoll(v, NULL, 10);
    } else if (strcmp(k, "throttle_threshold") == 0) {
        j->throttle_threshold = strtod(v, NULL);
    } else if (strcmp(k, "temperature_limit_c") == 0) {
        j->temperature_limit_c = strtod(v, NULL);
    } else if (strcmp(k, "frequency_limit_mhz") == 0) {
        j->frequency_limit_mhz = strtod(v, NULL);
    } else {
        return -1;
    }
    return 0;
}
