/* Reading the kernel's sysfs files under a configurable root.
 *
 * Every sensor and the probe read sysfs through these helpers, so a test can
 * point them at a fixture tree that mimics the kernel's layout
 * (tests/data/sysfs/...). The root is, in order: the value a caller passes
 * (scenario key metrics.sysfs_root), the environment variable EB_SYSFS_ROOT,
 * or "" (the real /sys). */
#ifndef EB_DEVICES_SYSFS_H
#define EB_DEVICES_SYSFS_H

#include <stddef.h>

#define EB_SYSFS_PATH_MAX 1024 /* a path under the root; the root itself at most 900 bytes */

/* The root to use: configured when non-empty, else $EB_SYSFS_ROOT, else "".
 * The returned string is configured itself, the environment's or a literal. */
const char *eb_sysfs_root(const char *configured);

/* out = root + rel ("/sys/class/thermal"); rel starts with '/'. */
void eb_sysfs_path(char *out, size_t len, const char *root, const char *rel);

/* First line of a file without its newline. 0 ok, -1 cannot read (errno set). */
int eb_sysfs_read_line(const char *path, char *buf, size_t len);

/* A file holding one integer. 0 ok, -1 cannot read or not an integer. */
int eb_sysfs_read_ll(const char *path, long long *out);

/* 1 when path exists. */
int eb_sysfs_exists(const char *path);

#endif
