/* NVIDIA GPUs through NVML, loaded at run time with dlopen so edgebench
 * neither links nor needs the driver: libnvidia-ml.so.1 present -> one power
 * sensor (nvmlDeviceGetPowerUsage, mW) and one temperature sensor
 * (nvmlDeviceGetTemperature, °C) per GPU. $EB_NVML_LIBRARY names another
 * library file. The prototypes are NVML's documented C API. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/sensor.h"

typedef void *nvml_device; /* nvmlDevice_t: an opaque pointer */

static struct nvml_api {
    void *lib;
    int (*init)(void);
    int (*count)(unsigned int *);
    int (*handle)(unsigned int, nvml_device *);
    int (*power)(nvml_device, unsigned int *);
    int (*temp)(nvml_device, int, unsigned int *);
    const char *(*error)(int);
} api;

static const char *err_str(int rc)
{
    static char buf[32];
    if (api.error)
        return api.error(rc);
    snprintf(buf, sizeof buf, "NVML error %d", rc);
    return buf;
}

static int read_power(eb_sensor *s, double *value, char *why, size_t why_len)
{
    unsigned int mw = 0;
    int rc = api.power((nvml_device)s->priv, &mw);
    if (rc != 0) {
        snprintf(why, why_len, "NVML %s: nvmlDeviceGetPowerUsage: %s", s->name, err_str(rc));
        return -1;
    }
    *value = mw * 1e-3;
    return 0;
}

static int read_temp(eb_sensor *s, double *value, char *why, size_t why_len)
{
    unsigned int c = 0;
    int rc = api.temp((nvml_device)s->priv, 0 /* NVML_TEMPERATURE_GPU */, &c);
    if (rc != 0) {
        snprintf(why, why_len, "NVML %s: nvmlDeviceGetTemperature: %s", s->name, err_str(rc));
        return -1;
    }
    *value = c;
    return 0;
}

static int load(char *why, size_t why_len)
{
    if (api.lib)
        return 0;
    const char *file = getenv("EB_NVML_LIBRARY");
    if (!file || !file[0])
        file = "libnvidia-ml.so.1";
    void *lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(why, why_len, "NVML: cannot load %s (%s): no NVIDIA driver", file,
                 e ? e : "not found");
        return -1;
    }
    struct nvml_api a = {.lib = lib};
    *(void **)&a.init = dlsym(lib, "nvmlInit_v2");
    *(void **)&a.count = dlsym(lib, "nvmlDeviceGetCount_v2");
    *(void **)&a.handle = dlsym(lib, "nvmlDeviceGetHandleByIndex_v2");
    *(void **)&a.power = dlsym(lib, "nvmlDeviceGetPowerUsage");
    *(void **)&a.temp = dlsym(lib, "nvmlDeviceGetTemperature");
    *(void **)&a.error = dlsym(lib, "nvmlErrorString");
    if (!a.init || !a.count || !a.handle || !a.power || !a.temp) {
        snprintf(why, why_len, "NVML: %s lacks the v2 entry points (driver too old)", file);
        dlclose(lib);
        return -1;
    }
    int rc = a.init();
    if (rc != 0) {
        api = a;
        snprintf(why, why_len, "NVML: nvmlInit_v2 failed: %s", err_str(rc));
        memset(&api, 0, sizeof api);
        dlclose(lib);
        return -1;
    }
    api = a;
    return 0;
}

int eb_sensor_nvml_discover(eb_sensor_set *set, char *why, size_t why_len)
{
    if (load(why, why_len) != 0)
        return 0;
    unsigned int n = 0;
    int rc = api.count(&n);
    if (rc != 0 || n == 0) {
        snprintf(why, why_len, "NVML: %s", rc ? err_str(rc) : "no GPU");
        return 0;
    }
    int added = 0;
    for (unsigned int i = 0; i < n && i < 8; i++) {
        nvml_device dev = NULL;
        if (api.handle(i, &dev) != 0)
            continue;
        char name[32];
        snprintf(name, sizeof name, "nvml:gpu%u", i);
        eb_sensor *s = eb_sensor_set_add(set, name, "nvml", EB_Q_POWER_W);
        if (!s)
            break;
        s->priv = dev;
        s->read = read_power;
        snprintf(s->path, sizeof s->path, "nvmlDeviceGetPowerUsage(%u)", i);
        snprintf(name, sizeof name, "nvml:gpu%u-temp", i);
        if ((s = eb_sensor_set_add(set, name, "nvml", EB_Q_TEMP_C))) {
            s->priv = dev;
            s->read = read_temp;
            snprintf(s->path, sizeof s->path, "nvmlDeviceGetTemperature(%u)", i);
        }
        added++;
    }
    return added;
}
