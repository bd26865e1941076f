/* Thermal zones: /sys/class/thermal/thermal_zoneN/{type,temp (m°C)}. A
 * zone is named by its type ("x86_pkg_temp", "cpu-thermal", "soc_thermal");
 * "thermal_zoneN" works as well. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/sensor.h"

static int read_temp(eb_sensor *s, double *value, char *why, size_t why_len)
{
    long long raw;
    if (eb_sysfs_read_ll(s->path, &raw) != 0) {
        snprintf(why, why_len, "%s: %s", s->path, strerror(errno));
        return -1;
    }
    *value = (double)raw * s->scale;
    return 0;
}

static int by_zone(const void *a, const void *b)
{
    /* thermal_zone2 before thermal_zone10 */
    int na = atoi(*(char *const *)a + 12), nb = atoi(*(char *const *)b + 12);
    return na - nb;
}

int eb_sensor_thermal_discover(eb_sensor_set *set, const char *root, char *why, size_t why_len)
{
    char dir[EB_SYSFS_PATH_MAX];
    eb_sysfs_path(dir, sizeof dir, root, "/sys/class/thermal");
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(why, why_len, "thermal zones: no %s (%s)", dir, strerror(errno));
        return 0;
    }
    char *zones[64];
    int nz = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nz < 64)
        if (strncmp(e->d_name, "thermal_zone", 12) == 0)
            zones[nz++] = strdup(e->d_name);
    closedir(d);
    qsort(zones, (size_t)nz, sizeof *zones, by_zone);
    int added = 0;
    for (int i = 0; i < nz; i++) {
        char p[EB_SYSFS_PATH_MAX + 64], type[48] = "";
        snprintf(p, sizeof p, "%s/%s/type", dir, zones[i]);
        if (eb_sysfs_read_line(p, type, sizeof type) != 0 || !type[0])
            snprintf(type, sizeof type, "%s", zones[i]);
        snprintf(p, sizeof p, "%s/%s/temp", dir, zones[i]);
        long long v;
        if (eb_sysfs_read_ll(p, &v) != 0)
            continue;
        /* two zones of one type ("cpu-thermal" per cluster) keep apart */
        char name[EB_SENSOR_NAME_MAX];
        snprintf(name, sizeof name, "%.60s", type);
        if (eb_sensor_set_find(set, name))
            snprintf(name, sizeof name, "%.40s.%.20s", type, zones[i] + 12);
        eb_sensor *s = eb_sensor_set_add(set, name, "thermal", EB_Q_TEMP_C);
        if (!s)
            break;
        snprintf(s->alias, sizeof s->alias, "%.60s", zones[i]);
        snprintf(s->path, sizeof s->path, "%s", p);
        s->scale = 1e-3;
        s->read = read_temp;
        added++;
    }
    for (int i = 0; i < nz; i++)
        free(zones[i]);
    if (!added)
        snprintf(why, why_len, "thermal zones: %s",
                 nz ? "no readable thermal_zone*/temp" : "no thermal_zone* in /sys/class/thermal");
    return added;
}
