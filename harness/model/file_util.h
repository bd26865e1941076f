/* Whole-file reading with messages that name the file. */
#ifndef EB_FILE_UTIL_H
#define EB_FILE_UTIL_H

#include <stddef.h>

#include "edgebench/status.h"

/* Read all of `path` into a malloc'd buffer (*bytes, *n); caller frees. */
eb_status eb_read_file(const char *path, void **bytes, size_t *n, char *msg, size_t msg_len);

#endif
