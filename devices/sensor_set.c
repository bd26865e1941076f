/* Discovering a host's sensors and choosing what the sampler records. */
#include <stdio.h>
#include <string.h>

#include "devices/sensor.h"

static int is_power(const eb_sensor *s)
{
    return s->quantity == EB_Q_POWER_W || s->quantity == EB_Q_ENERGY_J;
}

static void append(char *buf, size_t len, const char *text)
{
    if (!text[0])
        return;
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", used ? "; " : "", text);
}

/* Choose the power sensors of one source; 0 when it has none. */
static int choose_power(eb_sensor_set *set, const char *source)
{
    set->n_power = 0;
    if (strcmp(source, "rapl") == 0) {
        /* the packages together are the CPU's power; sub-domains (core,
         * dram, uncore) and psys overlap with them */
        for (int i = 0; i < set->n && set->n_power < 8; i++) {
            eb_sensor *s = &set->items[i];
            if (strcmp(s->source, "rapl") == 0 && strncmp(s->name, "package", 7) == 0)
                set->power[set->n_power++] = i;
        }
        if (set->n_power)
            return 1;
    }
    /* otherwise the first sensor of the source: channels of one INA monitor
     * or several GPUs overlap (a board's total rail includes the others) */
    for (int i = 0; i < set->n; i++)
        if (is_power(&set->items[i]) && strcmp(set->items[i].source, source) == 0) {
            set->power[set->n_power++] = i;
            return 1;
        }
    return 0;
}

static int choose_named(eb_sensor_set *set, const char *name, eb_sensor_quantity q, int *slot,
                        char *why, size_t why_len, const char *what)
{
    eb_sensor *s = eb_sensor_set_find(set, name);
    if (!s) {
        snprintf(why, why_len, "%s: no sensor named '%s' on this host (edgebench probe lists them)",
                 what, name);
        return 0;
    }
    int ok = q == EB_Q_POWER_W ? is_power(s) : s->quantity == q;
    if (!ok) {
        snprintf(why, why_len, "%s: sensor '%s' does not measure %s", what, name, what);
        return 0;
    }
    *slot = (int)(s - set->items);
    return 1;
}

static int cpu_like(const char *name)
{
    static const char *const words[] = {"pkg", "cpu", "CPU", "soc", "SOC", "k10temp", "coretemp",
                                        "Tctl", NULL};
    for (int i = 0; words[i]; i++)
        if (strstr(name, words[i]))
            return 1;
    return 0;
}

void eb_sensor_set_discover(eb_sensor_set *set, const eb_sensor_config *cfg)
{
    memset(set, 0, sizeof *set);
    set->temp = set->freq = -1;
    const char *root = eb_sysfs_root(cfg ? cfg->sysfs_root : NULL);
    const char *src = cfg && cfg->power_source && cfg->power_source[0] ? cfg->power_source : "auto";
    const char *cmd = cfg && cfg->power_command ? cfg->power_command : "";
    char w_rapl[384] = "", w_hw[384] = "", w_nvml[256] = "", w_cmd[384] = "", w_hwt[128] = "",
         w_th[256] = "";
    eb_sensor_rapl_discover(set, root, w_rapl, sizeof w_rapl);
    eb_sensor_hwmon_discover(set, root, w_hw, sizeof w_hw, w_hwt, sizeof w_hwt);
    eb_sensor_thermal_discover(set, root, w_th, sizeof w_th);
    snprintf(set->why_thermal, sizeof set->why_thermal, "%s", w_th);
    eb_sensor_cpufreq_discover(set, root, set->why_freq, sizeof set->why_freq);
    /* NVML only where power could come from it: loading the driver library
     * costs tens of milliseconds */
    if (strcmp(src, "auto") == 0 || strcmp(src, "nvml") == 0)
        eb_sensor_nvml_discover(set, w_nvml, sizeof w_nvml);
    if (cmd[0])
        eb_sensor_command_add(set, cmd, w_cmd, sizeof w_cmd);
    else
        snprintf(w_cmd, sizeof w_cmd, "meter command: none given (metrics.power_command)");

    /* power */
    const char *named = cfg && cfg->power_sensor ? cfg->power_sensor : "";
    if (strcmp(src, "none") == 0) {
        snprintf(set->why_power, sizeof set->why_power, "not measured (metrics.power: none)");
    } else if (named[0]) {
        int slot;
        if (choose_named(set, named, EB_Q_POWER_W, &slot, set->why_power, sizeof set->why_power,
                         "power")) {
            set->power[0] = slot;
            set->n_power = 1;
        }
    } else if (strcmp(src, "auto") == 0) {
        static const char *const order[] = {"command", "rapl", "hwmon", "nvml", NULL};
        for (int i = 0; order[i] && !set->n_power; i++)
            choose_power(set, order[i]);
        if (!set->n_power) {
            append(set->why_power, sizeof set->why_power, w_rapl);
            append(set->why_power, sizeof set->why_power, w_hw);
            append(set->why_power, sizeof set->why_power,
                   w_nvml[0] ? w_nvml : "NVML: no GPU");
            append(set->why_power, sizeof set->why_power, w_cmd);
        }
    } else if (!choose_power(set, src)) {
        const char *w = strcmp(src, "rapl") == 0    ? w_rapl
                        : strcmp(src, "hwmon") == 0 ? w_hw
                        : strcmp(src, "nvml") == 0  ? w_nvml
                                                    : w_cmd;
        snprintf(set->why_power, sizeof set->why_power, "%s",
                 w[0] ? w : "the source found no sensor");
    }

    /* temperature */
    named = cfg && cfg->temp_sensor ? cfg->temp_sensor : "";
    if (named[0]) {
        choose_named(set, named, EB_Q_TEMP_C, &set->temp, set->why_temp, sizeof set->why_temp,
                     "temperature");
    } else {
        /* a CPU-ish thermal zone, a CPU-ish hwmon sensor, any zone, anything */
        for (int pass = 0; pass < 4 && set->temp < 0; pass++)
            for (int i = 0; i < set->n && set->temp < 0; i++) {
                const eb_sensor *s = &set->items[i];
                int zone = strcmp(s->source, "thermal") == 0, cpu = cpu_like(s->name);
                if (s->quantity == EB_Q_TEMP_C &&
                    (pass == 0   ? zone && cpu
                     : pass == 1 ? cpu
                     : pass == 2 ? zone
                                 : 1))
                    set->temp = i;
            }
        if (set->temp < 0) {
            append(set->why_temp, sizeof set->why_temp, w_th);
            append(set->why_temp, sizeof set->why_temp, w_hwt);
        }
    }

    /* frequency */
    named = cfg && cfg->freq_sensor ? cfg->freq_sensor : "";
    if (named[0]) {
        set->why_freq[0] = '\0';
        choose_named(set, named, EB_Q_FREQ_MHZ, &set->freq, set->why_freq, sizeof set->why_freq,
                     "frequency");
    } else {
        for (int i = 0; i < set->n && set->freq < 0; i++)
            if (set->items[i].quantity == EB_Q_FREQ_MHZ)
                set->freq = i;
    }
}

void eb_sensor_set_close(eb_sensor_set *set)
{
    /* NVML stays loaded for the process (nvmlShutdown would invalidate the
     * handles of another set); sysfs and command sensors hold nothing */
    set->n = 0;
    set->n_power = 0;
}
