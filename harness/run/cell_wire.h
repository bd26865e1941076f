/* The child -> parent stream of a cell: framed records on a pipe.
 * Frame: 1 byte type, uint32 payload length, payload (native byte order:
 * both ends are the same binary on the same machine). */
#ifndef EB_CELL_WIRE_H
#define EB_CELL_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "common/fd_io.h"

enum {
    EB_FRAME_META = 'M',    /* backend_version NUL library_version NUL uint64 model_bytes */
    EB_FRAME_SAMPLES = 'S', /* (uint64 t_ns, uint64 latency_ns) pairs */
    EB_FRAME_DONE = 'D',    /* eb_loop_result */
    EB_FRAME_ERROR = 'E',   /* int32 status, message bytes */
    EB_FRAME_METRIC = 'm',  /* name NUL, float64 value */
    EB_FRAME_TEXT = 't',    /* name NUL, value bytes */
    EB_FRAME_ARRAY = 'a',   /* name NUL, int32 type, uint64 rows, uint64 cols, data */
    EB_FRAME_ARRAY_ND = 'n' /* name NUL, int32 type, int32 rank, uint64 dims[rank], data */
};

/* The largest EB_FRAME_ARRAY_ND frame the parent accepts: the outputs cap
 * (outputs.max_mb, at most 1024 MiB per run) plus room for a name and a
 * shape. One announcing more ends the cell's stream as broken, before it is
 * buffered. */
#define EB_FRAME_MAX_BYTES ((1024u << 20) + 4096u)

/* Write an extra as its frame. 0 ok, -1 error (too large or a write error). */
int eb_frame_write_metric(int fd, const char *name, double value);
int eb_frame_write_text(int fd, const char *name, const char *value);
int eb_frame_write_array(int fd, const char *name, int32_t type, uint64_t rows, uint64_t cols,
                         const void *data, size_t data_bytes);
int eb_frame_write_array_nd(int fd, const char *name, int32_t type, int32_t rank,
                            const uint64_t *dims, const void *data, size_t data_bytes);

/* Write a whole frame, retrying on EINTR and short writes. 0 ok, -1 error. */
int eb_frame_write(int fd, char type, const void *payload, uint32_t len);


#endif
