/* How small a file gets compressed: the size gzip -6 would give a buffer
 * (deflate at level 6 plus gzip's 18-byte frame). Reports show it next to a
 * model's plain size, because weights that are pruned to zero or quantised
 * cost less to ship than their dense storage says (docs/accuracy.md). */
#ifndef EB_DEFLATE_SIZE_H
#define EB_DEFLATE_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Compressed size of bytes[0..n) into *out. Streams through a small
 * buffer, so a large model costs time, not memory. Returns 0, or -1 when
 * zlib fails (out of memory). */
int eb_gzip_size(const void *bytes, size_t n, uint64_t *out);

#endif
