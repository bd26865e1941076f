/* hwmon: /sys/class/hwmon/hwmonN/{power*_input (uW), energy*_input (uJ,
 * cumulative), curr*_input (mA) x in*_input (mV), temp*_input (m°C)}.
 *
 * INA-style monitors (INA3221 on Jetson, INA219/INA226 on Raspberry Pi
 * boards) expose current and bus voltage per channel rather than power: a
 * channel with currN_input and inN_input becomes one power sensor. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/sensor.h"

static int read_scaled(eb_sensor *s, double *value, char *why, size_t why_len)
{
    long long raw;
    if (eb_sysfs_read_ll(s->path, &raw) != 0) {
        snprintf(why, why_len, "%s: %s", s->path, strerror(errno));
        return -1;
    }
    *value = (double)raw * s->scale;
    return 0;
}

static int read_counter(eb_sensor *s, double *value, char *why, size_t why_len)
{
    long long raw;
    if (eb_sysfs_read_ll(s->path, &raw) != 0) {
        snprintf(why, why_len, "%s: %s", s->path, strerror(errno));
        return -1;
    }
    *value = eb_sensor_counter_update(s, (double)raw);
    return 0;
}

static int read_curr_volt(eb_sensor *s, double *value, char *why, size_t why_len)
{
    long long ma, mv;
    if (eb_sysfs_read_ll(s->path, &ma) != 0) {
        snprintf(why, why_len, "%s: %s", s->path, strerror(errno));
        return -1;
    }
    if (eb_sysfs_read_ll(s->path2, &mv) != 0) {
        snprintf(why, why_len, "%s: %s", s->path2, strerror(errno));
        return -1;
    }
    *value = (double)ma * (double)mv * 1e-6; /* mA x mV = uW */
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of dir whose name starts with prefix and ends with suffix. */
static int list(const char *dir, const char *prefix, const char *suffix, char **out, int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    size_t pl = strlen(prefix), sl = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l > pl + sl && strncmp(e->d_name, prefix, pl) == 0 &&
            strcmp(e->d_name + l - sl, suffix) == 0)
            out[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(out, (size_t)n, sizeof *out, by_name);
    return n;
}

static void free_list(char **l, int n)
{
    for (int i = 0; i < n; i++)
        free(l[i]);
}

/* "power1" from "power1_input". */
static void channel(const char *file, char *out, size_t len)
{
    snprintf(out, len, "%.*s", (int)strcspn(file, "_"), file);
}

static eb_sensor *add(eb_sensor_set *set, const char *dev, const char *hw, const char *ch,
                      const char *source, eb_sensor_quantity q)
{
    char name[EB_SENSOR_NAME_MAX];
    snprintf(name, sizeof name, "%.40s:%.20s", dev, ch);
    eb_sensor *s = eb_sensor_set_add(set, name, source, q);
    if (s)
        snprintf(s->alias, sizeof s->alias, "%.40s:%.20s", hw, ch);
    return s;
}

int eb_sensor_hwmon_discover(eb_sensor_set *set, const char *root, char *why_power,
                             size_t why_power_len, char *why_temp, size_t why_temp_len)
{
    char dir[EB_SYSFS_PATH_MAX];
    eb_sysfs_path(dir, sizeof dir, root, "/sys/class/hwmon");
    char *hws[64];
    int nh = list(dir, "hwmon", "", hws, 64);
    int added = 0, powers = 0, temps = 0;
    for (int h = 0; h < nh; h++) {
        char base[EB_SYSFS_PATH_MAX], p[EB_SYSFS_PATH_MAX + 64], dev[48] = "";
        snprintf(base, sizeof base, "%.900s/%.100s", dir, hws[h]);
        snprintf(p, sizeof p, "%s/name", base);
        if (eb_sysfs_read_line(p, dev, sizeof dev) != 0 || !dev[0])
            snprintf(dev, sizeof dev, "%s", hws[h]);
        char *files[128], ch[32];
        int nf = list(base, "power", "_input", files, 128);
        for (int i = 0; i < nf; i++) {
            channel(files[i], ch, sizeof ch);
            eb_sensor *s = add(set, dev, hws[h], ch, "hwmon", EB_Q_POWER_W);
            if (!s)
                break;
            snprintf(s->path, sizeof s->path, "%s/%.100s", base, files[i]);
            s->scale = 1e-6; /* uW */
            s->read = read_scaled;
            powers++;
        }
        free_list(files, nf);
        nf = list(base, "energy", "_input", files, 128);
        for (int i = 0; i < nf; i++) {
            channel(files[i], ch, sizeof ch);
            eb_sensor *s = add(set, dev, hws[h], ch, "hwmon", EB_Q_ENERGY_J);
            if (!s)
                break;
            snprintf(s->path, sizeof s->path, "%s/%.100s", base, files[i]);
            s->scale = 1e-6; /* uJ; 64-bit, so no wrap to undo */
            s->read = read_counter;
            powers++;
        }
        free_list(files, nf);
        nf = list(base, "curr", "_input", files, 128);
        for (int i = 0; i < nf; i++) {
            channel(files[i], ch, sizeof ch);
            char volt[EB_SYSFS_PATH_MAX + 64];
            snprintf(volt, sizeof volt, "%s/in%s_input", base, ch + 4);
            if (!eb_sysfs_exists(volt))
                continue; /* a current without its bus voltage is no power */
            char pname[80];
            snprintf(pname, sizeof pname, "%sxin%s", ch, ch + 4);
            eb_sensor *s = add(set, dev, hws[h], pname, "hwmon", EB_Q_POWER_W);
            if (!s)
                break;
            snprintf(s->path, sizeof s->path, "%s/%.100s", base, files[i]);
            snprintf(s->path2, sizeof s->path2, "%s", volt);
            s->read = read_curr_volt;
            powers++;
        }
        free_list(files, nf);
        nf = list(base, "temp", "_input", files, 128);
        for (int i = 0; i < nf; i++) {
            channel(files[i], ch, sizeof ch);
            eb_sensor *s = add(set, dev, hws[h], ch, "hwmon", EB_Q_TEMP_C);
            if (!s)
                break;
            snprintf(s->path, sizeof s->path, "%s/%.100s", base, files[i]);
            s->scale = 1e-3; /* m°C */
            s->read = read_scaled;
            temps++;
        }
        free_list(files, nf);
    }
    free_list(hws, nh);
    added = powers + temps;
    if (!powers)
        snprintf(why_power, why_power_len, "hwmon: %s",
                 nh ? "no power*_input, energy*_input or curr*_input with in*_input in any "
                      "hwmon device"
                    : "no hwmon device in /sys/class/hwmon");
    if (!temps)
        snprintf(why_temp, why_temp_len, "hwmon: %s",
                 nh ? "no temp*_input" : "no hwmon device");
    return added;
}
