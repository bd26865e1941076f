/* cpufreq: /sys/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq (kHz),
 * one sensor per CPU ("cpu0", ...). The sampler records cpu0's, which on
 * big.LITTLE boards is a little core: name another with metrics.frequency_sensor. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/sensor.h"

static int read_freq(eb_sensor *s, double *value, char *why, size_t why_len)
{
    long long raw;
    if (eb_sysfs_read_ll(s->path, &raw) != 0) {
        snprintf(why, why_len, "%s: %s", s->path, strerror(errno));
        return -1;
    }
    *value = (double)raw * s->scale;
    return 0;
}

int eb_sensor_cpufreq_discover(eb_sensor_set *set, const char *root, char *why, size_t why_len)
{
    char dir[EB_SYSFS_PATH_MAX];
    eb_sysfs_path(dir, sizeof dir, root, "/sys/devices/system/cpu");
    int added = 0, cpus = 0;
    for (int c = 0; c < 1024; c++) {
        char p[EB_SYSFS_PATH_MAX + 64];
        snprintf(p, sizeof p, "%s/cpu%d", dir, c);
        if (!eb_sysfs_exists(p))
            break;
        cpus++;
        snprintf(p, sizeof p, "%s/cpu%d/cpufreq/scaling_cur_freq", dir, c);
        long long v;
        if (eb_sysfs_read_ll(p, &v) != 0)
            continue;
        char name[16];
        snprintf(name, sizeof name, "cpu%d", c);
        eb_sensor *s = eb_sensor_set_add(set, name, "cpufreq", EB_Q_FREQ_MHZ);
        if (!s)
            break;
        snprintf(s->path, sizeof s->path, "%s", p);
        s->scale = 1e-3; /* kHz */
        s->read = read_freq;
        added++;
    }
    if (!added && cpus)
        snprintf(why, why_len, "cpufreq: no cpu*/cpufreq/scaling_cur_freq (no cpufreq driver: "
                               "frequency is managed by the hypervisor or firmware)");
    else if (!added)
        snprintf(why, why_len, "cpufreq: no %.200s/cpu*", dir);
    return added;
}
