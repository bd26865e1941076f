/* Helpers of the fuzz targets (fuzz.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

static char file_path[256];

static void remove_file(void)
{
    if (file_path[0])
        unlink(file_path);
}

const char *eb_fuzz_file(const uint8_t *data, size_t size)
{
    if (!file_path[0]) {
        /* tmpfs when there is one: no disk traffic. (A memfd would do
         * for most readers, but HDF5 wants the file's real path.) */
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
        snprintf(file_path, sizeof file_path, "%s/eb-fuzz-%ld.bin", dir ? dir : "/tmp",
                 (long)getpid());
        atexit(remove_file);
    }
    int fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return NULL;
    size_t off = 0;
    while (off < size) {
        ssize_t k = write(fd, data + off, size - off);
        if (k <= 0) {
            close(fd);
            return NULL;
        }
        off += (size_t)k;
    }
    close(fd);
    return file_path;
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

void eb_fuzz_note(const char *msg)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("EB_FUZZ_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "refused: %s\n", msg);
}
