/* Claiming disk space before the store writes (see store_space.h). */
#define _GNU_SOURCE /* fallocate, FALLOC_FL_* */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/store_space.h"

void eb_store__space_open(eb_store_space *sp, const char *path)
{
    sp->fd = open(path, O_WRONLY | O_CLOEXEC);
    sp->unsupported = sp->fd < 0;
    sp->end = 0;
}

uint64_t eb_store__space_for(uint64_t payload)
{
    /* Twice the data (a chunk that does not compress is stored raw, plus
     * its index) and 256 KiB for object headers and B-tree nodes: measured
     * growth is about 1.75x the samples plus a few KiB per run
     * (docs/results-schema.md, "Disk space"). */
    const uint64_t meta = UINT64_C(256) << 10;
    if (payload > (UINT64_MAX - meta) / 2)
        return UINT64_MAX;
    return 2 * payload + meta;
}

int eb_store__space_claim(eb_store_space *sp, uint64_t bytes, char *err, size_t err_len)
{
    if (sp->unsupported)
        return 0;
    struct stat sb;
    if (fstat(sp->fd, &sb) != 0)
        return 0; /* cannot tell the end: write unclaimed, as before */
    uint64_t size = (uint64_t)sb.st_size;
    /* and a sixteenth of the file: a group's name heap doubles when full,
     * and it is always far smaller than the file holding its runs */
    uint64_t grow = size / 16;
    bytes = bytes > UINT64_MAX - grow ? UINT64_MAX : bytes + grow;
    uint64_t want = bytes > UINT64_MAX - size ? UINT64_MAX : size + bytes;
    /* fallocate with KEEP_SIZE does not change the size, so the kernel
     * checks no file size limit here; the write later would fail half-way
     * (SIGXFSZ/EFBIG): check the limit first. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        want > (uint64_t)rl.rlim_cur) {
        snprintf(err, err_len,
                 "the next write needs up to %" PRIu64 " bytes beyond the file's %" PRIu64
                 " and this process may not write files over %" PRIu64 " bytes (ulimit -f)",
                 bytes, size, (uint64_t)rl.rlim_cur);
        return -1;
    }
    if (want > (uint64_t)INT64_MAX) {
        snprintf(err, err_len, "the next write would need %" PRIu64 " bytes", bytes);
        return -1;
    }
    /* From 0: also fills holes HDF5 left below the end (space it
     * allocated but has not written yet). */
    if (fallocate(sp->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)want) != 0) {
        if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) {
            sp->unsupported = 1; /* e.g. NFS before 4.2: written unclaimed */
            return 0;
        }
        snprintf(err, err_len,
                 "cannot claim %" PRIu64 " bytes beyond the file's %" PRIu64
                 " for the next write: %s",
                 bytes, size, strerror(errno));
        return -1;
    }
    if (want > sp->end)
        sp->end = want;
    return 0;
}

void eb_store__space_close(eb_store_space *sp)
{
    if (sp->fd < 0)
        return;
    struct stat sb;
    if (!sp->unsupported && sp->end && fstat(sp->fd, &sb) == 0 &&
        (uint64_t)sb.st_size < sp->end)
        /* best effort: a file system that cannot punch keeps the blocks
         * until the file is next truncated */
        (void)fallocate(sp->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, sb.st_size,
                        (off_t)(sp->end - (uint64_t)sb.st_size));
    close(sp->fd);
    sp->fd = -1;
}
