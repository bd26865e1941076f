/* Whole-file reading with messages that name the file, and the limits on
 * what edgebench reads from files that may be hostile (docs/security.md,
 * "Hostile files and fuzzing"). */
#ifndef EB_FILE_UTIL_H
#define EB_FILE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"

/* Largest model file read or hashed (ONNX models, TensorProto files):
 * EDGEBENCH_MAX_MODEL_MB MiB, default 2048 (protobuf's own 2 GiB limit). */
uint64_t eb_limit_model_bytes(void);
/* Largest array decoded from a data file (dataset images or labels as
 * float32/int64, a results file's sample or extra dataset):
 * EDGEBENCH_MAX_ARRAY_MB MiB, default 1024. */
uint64_t eb_limit_array_bytes(void);

/* "PATH: WHAT of N bytes is over the limit of L MiB (EDGEBENCH_MAX_..._MB)"
 * into msg; `is_model` picks the limit named. Returns EB_ERR_FORMAT. */
eb_status eb_limit_fail(const char *path, const char *what, uint64_t bytes, int is_model,
                        char *msg, size_t msg_len);

/* Check that `path` is a regular file of at most eb_limit_model_bytes():
 * EB_OK, or EB_ERR_IO / EB_ERR_NOT_FOUND / EB_ERR_FORMAT with "PATH:
 * problem" in msg. `what` names the file's role ("model file"). *size
 * (optional) gets its size. */
eb_status eb_check_model_file(const char *path, const char *what, uint64_t *size, char *msg,
                              size_t msg_len);

/* Read all of `path` into a malloc'd buffer (*bytes, *n); caller frees.
 * Refuses anything but a regular file and files over eb_limit_model_bytes. */
eb_status eb_read_file(const char *path, void **bytes, size_t *n, char *msg, size_t msg_len);

#endif
