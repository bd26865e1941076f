/* The child -> parent stream of a cell: framed records on a pipe.
 * Frame: 1 byte type, uint32 payload length, payload (native byte order:
 * both ends are the same binary on the same machine). */
#ifndef EB_CELL_WIRE_H
#define EB_CELL_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum {
    EB_FRAME_META = 'M',    /* backend_version NUL library_version NUL uint64 model_bytes */
    EB_FRAME_SAMPLES = 'S', /* (uint64 t_ns, uint64 latency_ns) pairs */
    EB_FRAME_DONE = 'D',    /* eb_loop_result */
    EB_FRAME_ERROR = 'E'    /* int32 status, message bytes */
};

/* Write a whole frame, retrying on EINTR and short writes. 0 ok, -1 error. */
int eb_frame_write(int fd, char type, const void *payload, uint32_t len);

/* Write all n bytes. 0 ok, -1 error. */
int eb_write_all(int fd, const void *buf, size_t n);

#endif
