/* Disk space for the results store, claimed before each write.
 *
 * HDF5 (1.10) has no journal: when a write fails half-way (a full disk, a
 * file size limit), the file on disk holds metadata that points past its
 * end and no reader opens it again ("addr overflow"), so the cells stored
 * before are lost with it. The store therefore claims the blocks a write
 * may need before starting it (fallocate with FALLOC_FL_KEEP_SIZE, which
 * allocates without changing the file's size, so HDF5 sees the same end of
 * file): when the claim fails nothing was written and the file stays as the
 * last flush left it. Internal to the store. */
#ifndef EB_STORE_SPACE_H
#define EB_STORE_SPACE_H

#include <stddef.h>
#include <stdint.h>

typedef struct eb_store_space {
    int fd;          /* the results file, for fallocate; -1 when not claiming */
    int unsupported; /* the file system cannot preallocate: writes go unclaimed */
    uint64_t end;    /* end of the claimed range (bytes from the file's start) */
} eb_store_space;

/* Start claiming for the file at path (opened separately from HDF5's
 * handle; space belongs to the file, not to a descriptor). Never fails:
 * a file that cannot be opened or preallocated is written as before, and
 * eb_store__space_claim then reports nothing. */
void eb_store__space_open(eb_store_space *sp, const char *path);

/* Claim room for `bytes` more beyond the file's current end, and fill any
 * hole below it. 0 ok (also when claiming is unsupported); -1 with why in
 * err (no space left, over the process's file size limit). */
int eb_store__space_claim(eb_store_space *sp, uint64_t bytes, char *err, size_t err_len);

/* Give back what was claimed beyond the file's end, and close. */
void eb_store__space_close(eb_store_space *sp);

/* Room to claim before writing `payload` bytes of data into the file:
 * generous for HDF5's own structures (object headers, B-tree nodes, heaps
 * that grow by doubling), which a payload of a few bytes still needs. */
uint64_t eb_store__space_for(uint64_t payload);

#endif
