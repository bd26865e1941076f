/* Device description files (devices/NAME.yaml): a device's description as
 * `edgebench probe` prints it, read back for farms and comparisons.
 *
 *     edgebench_device: 1          # format version
 *     id: "jetson-orin-01"
 *     arch: "aarch64"
 *     cpu_brand: "..."
 *     ...                          # the keys of docs/probe.md, all strings
 *
 * One flat map of strings, so it maps one-to-one onto /devices/<id> of a
 * results file. */
#ifndef EB_DEVICES_DEVICE_FILE_H
#define EB_DEVICES_DEVICE_FILE_H

#include <stdio.h>

#include "devices/host_describe.h"
#include "edgebench/status.h"

#define EB_DEVICE_FORMAT 1

/* Print d as a device description (YAML) or as one JSON object. */
void eb_device_write_yaml(FILE *f, const char *id, const eb_host_desc *d);
void eb_device_write_json(FILE *f, const char *id, const eb_host_desc *d);

/* Read a device description file. EB_ERR_IO (cannot read), EB_ERR_FORMAT
 * (message "<path>:<line>:<col>: <problem>"). id gets the `id` value. */
eb_status eb_device_read(const char *path, char *id, size_t id_len, eb_host_desc *d, char *msg,
                         size_t msg_len);

#endif
