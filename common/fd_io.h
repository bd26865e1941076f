/* Whole reads and writes on a pipe or file descriptor: the loops every
 * parent/child stream of the harness needs (cell children, the results
 * sandbox, farm transports, thermal load helpers). */
#ifndef EB_FD_IO_H
#define EB_FD_IO_H

#include <stddef.h>

/* Write all n bytes, retrying on EINTR and short writes. 0 ok, -1 error. */
int eb_write_all(int fd, const void *buf, size_t n);
/* Read n bytes unless EOF or an error comes first (EINTR retried); the
 * count read. */
size_t eb_read_all(int fd, void *buf, size_t n);

#endif
