/* Linux powercap / RAPL: /sys/class/powercap/intel-rapl:N[:M]/energy_uj, a
 * microjoule counter that wraps at max_energy_range_uj (every few minutes
 * on a busy package). AMD's RAPL appears under the same names. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/sensor.h"

static int read_rapl(eb_sensor *s, double *value, char *why, size_t why_len)
{
    long long raw;
    if (eb_sysfs_read_ll(s->path, &raw) != 0) {
        snprintf(why, why_len, "%s: %s%s", s->path, strerror(errno),
                 errno == EACCES ? " (energy_uj is root-only since Linux 5.10)" : "");
        return -1;
    }
    *value = eb_sensor_counter_update(s, (double)raw);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int eb_sensor_rapl_discover(eb_sensor_set *set, const char *root, char *why, size_t why_len)
{
    char dir[EB_SYSFS_PATH_MAX];
    eb_sysfs_path(dir, sizeof dir, root, "/sys/class/powercap");
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(why, why_len, "RAPL: no %s (%s)", dir, strerror(errno));
        return 0;
    }
    char *names[64];
    int nn = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nn < 64)
        if (strncmp(e->d_name, "intel-rapl:", 11) == 0)
            names[nn++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)nn, sizeof *names, by_name);
    int added = 0;
    char first_err[512] = "";
    for (int i = 0; i < nn; i++) {
        if (!names[i])
            continue;
        char base[EB_SYSFS_PATH_MAX], p[EB_SYSFS_PATH_MAX + 32], label[64] = "";
        snprintf(base, sizeof base, "%.900s/%.100s", dir, names[i]);
        snprintf(p, sizeof p, "%s/name", base);
        if (eb_sysfs_read_line(p, label, sizeof label) != 0 || !label[0])
            snprintf(label, sizeof label, "%s", names[i]);
        snprintf(p, sizeof p, "%s/energy_uj", base);
        long long v;
        if (eb_sysfs_read_ll(p, &v) != 0) {
            if (!first_err[0])
                snprintf(first_err, sizeof first_err, "%.400s: %s%s", p, strerror(errno),
                         errno == EACCES ? " (root-only since Linux 5.10)" : "");
            continue;
        }
        /* a sub-domain (intel-rapl:0:1, "dram", "core") is named with its
         * package so two packages' "core" stay apart */
        char name[EB_SENSOR_NAME_MAX];
        if (strchr(names[i] + 11, ':'))
            snprintf(name, sizeof name, "rapl:%.20s/%.30s", names[i] + 11, label);
        else
            snprintf(name, sizeof name, "%.60s", label);
        eb_sensor *s = eb_sensor_set_add(set, name, "rapl", EB_Q_ENERGY_J);
        if (!s)
            break;
        snprintf(s->alias, sizeof s->alias, "%.60s", names[i]);
        snprintf(s->path, sizeof s->path, "%s", p);
        s->scale = 1e-6;
        snprintf(p, sizeof p, "%s/max_energy_range_uj", base);
        if (eb_sysfs_read_ll(p, &v) == 0 && v > 0)
            s->wrap = (double)v;
        s->read = read_rapl;
        added++;
    }
    for (int i = 0; i < nn; i++)
        free(names[i]);
    if (!added)
        snprintf(why, why_len, "RAPL: %s",
                 first_err[0] ? first_err : "no intel-rapl:* domain in /sys/class/powercap");
    return added;
}
