/* sysfs reads under a configurable root (see sysfs.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/sysfs.h"

const char *eb_sysfs_root(const char *configured)
{
    if (configured && configured[0])
        return configured;
    const char *env = getenv("EB_SYSFS_ROOT");
    return env && env[0] ? env : "";
}

void eb_sysfs_path(char *out, size_t len, const char *root, const char *rel)
{
    size_t n = root ? strlen(root) : 0;
    /* "/a/b/" + "/sys" must not become "/a/b//sys" in messages */
    while (n > 0 && root[n - 1] == '/')
        n--;
    snprintf(out, len, "%.*s%s", (int)n, root ? root : "", rel);
}

int eb_sysfs_read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    /* sysfs attributes are small; a file being rewritten by a writer may
     * read empty for an instant, which counts as unreadable */
    if (!fgets(buf, (int)len, f)) {
        fclose(f);
        errno = EAGAIN;
        return -1;
    }
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int eb_sysfs_read_ll(const char *path, long long *out)
{
    char buf[64];
    if (eb_sysfs_read_line(path, buf, sizeof buf) != 0)
        return -1;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || end == buf) {
        errno = EINVAL;
        return -1;
    }
    *out = v;
    return 0;
}

int eb_sysfs_exists(const char *path) { return access(path, F_OK) == 0; }
