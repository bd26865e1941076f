/* Status codes shared by the harness, the SDK and every backend.
 *
 * Functions that can fail return an eb_status and, where the caller needs the
 * detail, write a one-line message into a caller-owned buffer (msg, msg_len).
 * The message names the file and the thing that was wrong, e.g.
 * "model.onnx: node 'conv1' (Conv): weight has rank 3, expected 4". */
#ifndef EDGEBENCH_STATUS_H
#define EDGEBENCH_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum eb_status {
    EB_OK = 0,
    EB_ERR_INVALID_ARG = -1,  /* caller passed something unusable */
    EB_ERR_NOMEM = -2,        /* allocation failed */
    EB_ERR_IO = -3,           /* a file could not be opened / read / written */
    EB_ERR_FORMAT = -4,       /* a file was read but its content is malformed */
    EB_ERR_UNSUPPORTED = -5,  /* valid input this code does not handle (op, dtype) */
    EB_ERR_SHAPE = -6,        /* shapes inconsistent or not inferable */
    EB_ERR_OVERFLOW = -7,     /* a size or dimension overflows */
    EB_ERR_BACKEND = -8,      /* a backend failed at run time */
    EB_ERR_ABI = -9,          /* plugin ABI version / struct size mismatch */
    EB_ERR_NOT_FOUND = -10,   /* a named thing (backend, file, key) does not exist */
    EB_ERR_UNAVAILABLE = -11, /* exists but cannot be used on this host */
    EB_ERR_INTERRUPTED = -12, /* stopped by a signal */
    EB_ERR_TIMEOUT = -13      /* gave up after a time limit */
} eb_status;

/* Short constant description of a status, e.g. "unsupported". Never NULL. */
const char *eb_status_str(eb_status s);

#ifdef __cplusplus
}
#endif
#endif
