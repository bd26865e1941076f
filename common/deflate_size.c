/* eb_gzip_size: deflate into a scratch buffer and count what comes out. */
#include <string.h>
#include <zlib.h>

#include "common/deflate_size.h"

int eb_gzip_size(const void *bytes, size_t n, uint64_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: the gzip frame, as `gzip -6` writes it */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    unsigned char buf[65536];
    const unsigned char *p = bytes;
    size_t left = n;
    uint64_t total = 0;
    int flush;
    do {
        /* avail_in is a uInt: feed large buffers in pieces */
        uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
        z.next_in = (Bytef *)p;
        z.avail_in = chunk;
        p += chunk;
        left -= chunk;
        flush = left ? Z_NO_FLUSH : Z_FINISH;
        do {
            z.next_out = buf;
            z.avail_out = sizeof buf;
            if (deflate(&z, flush) == Z_STREAM_ERROR) {
                deflateEnd(&z);
                return -1;
            }
            total += sizeof buf - z.avail_out;
        } while (z.avail_out == 0);
    } while (flush != Z_FINISH);
    deflateEnd(&z);
    *out = total;
    return 0;
}
