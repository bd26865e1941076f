/* The device description stored with every results file (/devices/<id>):
 * what this host is, as key/value strings. The full probe (caches, sensors,
 * counters, frequency policy) grows from here. */
#ifndef EB_HOST_DESCRIBE_H
#define EB_HOST_DESCRIBE_H

#include "edgebench/host.h"

#define EB_HOST_DESC_MAX 24

typedef struct eb_host_desc {
    int n;
    char keys[EB_HOST_DESC_MAX][32];
    char values[EB_HOST_DESC_MAX][256];
} eb_host_desc;

/* Describe the running host (never fails; unknown values are "unknown"). */
void eb_host_describe(const eb_host *h, eb_host_desc *d);

/* Space-separated names of the EB_CPU_* bits in `features`. */
void eb_cpu_feature_names(uint64_t features, char *buf, size_t len);

/* A device id for this host: its hostname, reduced to [A-Za-z0-9._-]. */
void eb_default_device_id(char *buf, size_t len);

#endif
