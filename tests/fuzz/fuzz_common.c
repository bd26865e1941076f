/* Helpers of the fuzz targets (fuzz.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

const char *eb_fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("eb-fuzz-input", 0);
        if (fd < 0)
            return NULL;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        return NULL;
    size_t off = 0;
    while (off < size) {
        ssize_t k = pwrite(fd, data + off, size - off, (off_t)off);
        if (k <= 0)
            return NULL;
        off += (size_t)k;
    }
    return path;
}

void eb_fuzz_limits(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    setenv("EDGEBENCH_MAX_ARRAY_MB", "64", 0);
    setenv("EDGEBENCH_MAX_MODEL_MB", "64", 0);
}
