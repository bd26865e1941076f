/* The device description: what this host is, as ordered key/value strings.
 * One source of truth for `edgebench probe` (devices/device_file.c prints it
 * as a device description file, devices/NAME.yaml) and for /devices/<id> of
 * every results file. devices/probe.c fills it; docs/probe.md lists the
 * keys. Only facts that stay put belong here (a results file refuses a
 * device whose recorded value changed), never a current temperature or
 * frequency. */
#ifndef EB_HOST_DESCRIBE_H
#define EB_HOST_DESCRIBE_H

#include "edgebench/host.h"

#define EB_HOST_DESC_MAX 128

typedef struct eb_host_desc {
    int n;
    char keys[EB_HOST_DESC_MAX][48];
    char values[EB_HOST_DESC_MAX][512];
} eb_host_desc;

/* Describe the running host (never fails; unknown values are "unknown",
 * missing facilities say "unavailable: <why>"). Sysfs is read under
 * $EB_SYSFS_ROOT when set (devices/sysfs.h). */
void eb_host_describe(const eb_host *h, eb_host_desc *d);

/* Same, with sysfs read under sysfs_root ("" or NULL: as above). */
void eb_host_describe_at(const eb_host *h, const char *sysfs_root, eb_host_desc *d);

/* Append or replace key (at most 47 bytes) with value (NULL or "": "unknown"). */
void eb_host_desc_put(eb_host_desc *d, const char *key, const char *value);

/* The value of key, or NULL. */
const char *eb_host_desc_get(const eb_host_desc *d, const char *key);

/* arch, CPU, cores, features, OS, kernel, virtualisation, memory only. */
void eb_host_describe_basic(const eb_host *h, eb_host_desc *d);

/* Space-separated names of the EB_CPU_* bits in `features`. */
void eb_cpu_feature_names(uint64_t features, char *buf, size_t len);

/* A device id for this host, from its hardware and never its host name (a
 * cloud CI runner gets a new name every job): the CPU brand in a few
 * lower-case words, logical CPUs, memory in GiB (rounded up) and 8 hex
 * digits of an FNV-1a hash of arch, vendor, brand, features, logical and
 * physical cores and memory, e.g. "amd-epyc-7763-64-2c-8g-1f3a9c2e".
 * Characters [a-z0-9.-] only; at most 63 bytes with len >= 64. */
void eb_default_device_id(char *buf, size_t len);

/* The same from a given host and memory size (bytes, 0 unknown). Pure. */
void eb_device_id_from(const eb_host *h, long long memory_bytes, char *buf, size_t len);

#endif
