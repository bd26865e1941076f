/* Sensors: power, energy, temperature and frequency read from the kernel
 * (powercap/RAPL, hwmon, thermal zones, cpufreq), from NVIDIA's NVML (loaded
 * at run time) or from an external meter command.
 *
 * One eb_sensor is one reading: a file (or pair of files), a library call or
 * a command. Discovery (sensor_set.c) walks the sysfs tree under a root
 * (devices/sysfs.h) and says, for each kind it found nothing of, why. The
 * sampler (sampler.h) reads a set at a period into time series. */
#ifndef EB_DEVICES_SENSOR_H
#define EB_DEVICES_SENSOR_H

#include <stddef.h>

#include "devices/sysfs.h"

typedef enum eb_sensor_quantity {
    EB_Q_POWER_W = 0,  /* instantaneous power, watts */
    EB_Q_ENERGY_J = 1, /* a cumulative energy counter, joules since the first read
                        * (wrap-around of the raw counter already undone) */
    EB_Q_TEMP_C = 2,   /* degrees Celsius */
    EB_Q_FREQ_MHZ = 3  /* MHz */
} eb_sensor_quantity;

#define EB_SENSOR_NAME_MAX 64
#define EB_SENSOR_PATH_MAX (EB_SYSFS_PATH_MAX + 176)
#define EB_SENSOR_MAX 64

typedef struct eb_sensor eb_sensor;

struct eb_sensor {
    char name[EB_SENSOR_NAME_MAX];  /* "package-0", "ina3221:power1", "x86_pkg_temp", "cpu0" */
    char alias[EB_SENSOR_NAME_MAX]; /* another accepted name: "thermal_zone0", "hwmon2:temp1" */
    const char *source;             /* "rapl", "hwmon", "thermal", "cpufreq", "nvml", "command" */
    eb_sensor_quantity quantity;
    char path[EB_SENSOR_PATH_MAX];  /* the file read (or the command) */
    char path2[EB_SENSOR_PATH_MAX]; /* hwmon curr x in: the voltage file */
    double scale;                   /* raw value x scale = unit */
    /* cumulative counters (EB_Q_ENERGY_J) */
    double wrap;                    /* the raw counter wraps after this value; 0: unknown */
    double last_raw;
    int have_last;
    double total;                   /* accumulated, in units */
    /* how to read it: 0 ok with *value set, -1 with why filled */
    int (*read)(eb_sensor *s, double *value, char *why, size_t why_len);
    void *priv;                     /* source-specific (NVML handle) */
};

/* Read one sensor (NULL-safe on why). */
int eb_sensor_read(eb_sensor *s, double *value, char *why, size_t why_len);

/* Fold a raw cumulative counter reading into s->total, undoing one
 * wrap-around per read when the counter went backwards (raw < last):
 * delta = raw + wrap - last. Returns the new total in units. */
double eb_sensor_counter_update(eb_sensor *s, double raw);

/* What a set should look for. */
typedef struct eb_sensor_config {
    const char *sysfs_root;    /* "" or NULL: the real /sys (or $EB_SYSFS_ROOT) */
    const char *power_source;  /* "auto", "none", "rapl", "hwmon", "nvml", "command" */
    const char *power_sensor;  /* a sensor name to use for power; "" or NULL: the
                                * source's default (RAPL packages summed, the first
                                * hwmon channel, GPU 0) */
    const char *power_command; /* external meter; "" or NULL: none */
    const char *temp_sensor;   /* sensor for temperature_c; "" or NULL: the first CPU-ish
                                * thermal zone, else the first temperature found */
    const char *freq_sensor;   /* sensor for freq_mhz; "" or NULL: cpu0 */
} eb_sensor_config;

typedef struct eb_sensor_set {
    int n;
    eb_sensor items[EB_SENSOR_MAX];
    /* what the sampler records: indices into items, -1 when none */
    int power[8];       /* summed into power_w (all the same quantity) */
    int n_power;
    int temp;           /* temperature_c */
    int freq;           /* freq_mhz */
    /* why a quantity has no sensor (empty when one was found) */
    char why_power[768];
    char why_temp[256];
    char why_thermal[256]; /* why no thermal zone (a part of why_temp) */
    char why_freq[256];
} eb_sensor_set;

/* Discover every sensor under the configured root and choose the ones the
 * sampler records. Never fails: what is missing is explained in why_*. */
void eb_sensor_set_discover(eb_sensor_set *set, const eb_sensor_config *cfg);

/* Release what sensors hold (NVML); the set may be discovered again. */
void eb_sensor_set_close(eb_sensor_set *set);

/* The sensor named name (or alias), or NULL. */
eb_sensor *eb_sensor_set_find(eb_sensor_set *set, const char *name);

/* Discovery per source, appending to set (each returns how many it added,
 * and explains in why when none). Used by eb_sensor_set_discover. */
int eb_sensor_rapl_discover(eb_sensor_set *set, const char *root, char *why, size_t why_len);
int eb_sensor_hwmon_discover(eb_sensor_set *set, const char *root, char *why_power,
                             size_t why_power_len, char *why_temp, size_t why_temp_len);
int eb_sensor_thermal_discover(eb_sensor_set *set, const char *root, char *why, size_t why_len);
int eb_sensor_cpufreq_discover(eb_sensor_set *set, const char *root, char *why, size_t why_len);
int eb_sensor_nvml_discover(eb_sensor_set *set, char *why, size_t why_len);
int eb_sensor_command_add(eb_sensor_set *set, const char *command, char *why, size_t why_len);

/* Add a slot to set (NULL when full), zeroed, with name and source set. */
eb_sensor *eb_sensor_set_add(eb_sensor_set *set, const char *name, const char *source,
                             eb_sensor_quantity q);

/* Parse a meter's output: a number, optionally followed by a unit W, mW, J,
 * mJ, uJ (case-insensitive; a bare number is watts). 0 ok with *value in W
 * or J and *quantity set, -1 when no number leads the text. */
int eb_meter_parse(const char *text, double *value, eb_sensor_quantity *quantity);

#endif
