/* IDX files (the MNIST family's format): a big-endian header of magic
 * 0x0000TTNN (TT element type, NN rank) and NN uint32 dimensions, then the
 * elements in big-endian order. Read through zlib, which reads gzip and
 * plain files alike, as Debian's dataset packages ship both. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "common/file_util.h"
#include "harness/inputs/dataset.h"

static int read_exact(gzFile f, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
        int k = gzread(f, p, chunk);
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static size_t type_size(unsigned t)
{
    switch (t) {
    case 0x08: /* uint8 */
    case 0x09: /* int8 */
        return 1;
    case 0x0B: /* int16 */
        return 2;
    case 0x0C: /* int32 */
    case 0x0D: /* float32 */
        return 4;
    case 0x0E: /* float64 */
        return 8;
    }
    return 0;
}

/* Element k of big-endian raw data of type t, as a double. */
static double element(const unsigned char *raw, unsigned t, uint64_t k)
{
    size_t sz = type_size(t);
    const unsigned char *p = raw + k * sz;
    uint64_t u = 0;
    for (size_t b = 0; b < sz; b++)
        u = (u << 8) | p[b];
    switch (t) {
    case 0x08:
        return (double)(uint8_t)u;
    case 0x09:
        return (double)(int8_t)(uint8_t)u;
    case 0x0B:
        return (double)(int16_t)(uint16_t)u;
    case 0x0C:
        return (double)(int32_t)(uint32_t)u;
    case 0x0D: {
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, 4);
        return f;
    }
    default: {
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    }
}

eb_status eb_read_idx(const char *path, int as_labels, eb_nd *out, char *msg, size_t msg_len)
{
    memset(out, 0, sizeof *out);
    gzFile f = gzopen(path, "rb");
    if (!f) {
        snprintf(msg, msg_len, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
        return EB_ERR_IO;
    }
    eb_status st = EB_ERR_FORMAT;
    unsigned char *raw = NULL;
    unsigned char head[4];
    if (read_exact(f, head, 4) != 0) {
        snprintf(msg, msg_len, "%s: not an IDX file (shorter than its 4-byte magic)", path);
        goto done;
    }
    unsigned type = head[2], rank = head[3];
    if (head[0] != 0 || head[1] != 0 || !type_size(type) || rank < 1 ||
        rank > EB_DATASET_MAX_RANK + 1) {
        snprintf(msg, msg_len,
                 "%s: not an IDX file (magic 0x%02x%02x%02x%02x; expected 0x0000TTNN with a known "
                 "type TT and 1..%d dimensions NN)",
                 path, head[0], head[1], head[2], head[3], EB_DATASET_MAX_RANK + 1);
        goto done;
    }
    if (as_labels && (type == 0x0D || type == 0x0E)) {
        snprintf(msg, msg_len, "%s: labels must be integers, the file holds floating-point values",
                 path);
        goto done;
    }
    out->rank = (int)rank;
    out->count = 1;
    for (unsigned d = 0; d < rank; d++) {
        unsigned char b[4];
        if (read_exact(f, b, 4) != 0) {
            snprintf(msg, msg_len, "%s: truncated IDX header", path);
            goto done;
        }
        out->dims[d] = ((int64_t)b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
        if (out->dims[d] == 0 || out->count > (UINT64_MAX / 16) / (uint64_t)out->dims[d]) {
            snprintf(msg, msg_len, "%s: IDX dimension %u is %lld", path, d,
                     (long long)out->dims[d]);
            goto done;
        }
        out->count *= (uint64_t)out->dims[d];
    }
    size_t bytes = (size_t)out->count * type_size(type);
    /* The header's dimensions are untrusted. The decoded array must fit the
     * limit; a plain file must hold the bytes (checked before allocating);
     * a gzip stream is read in growing steps, so memory follows what it
     * really inflates to, not what it claims. */
    uint64_t decoded = out->count * (as_labels ? 8 : 4);
    if (decoded > eb_limit_array_bytes()) {
        eb_limit_fail(path, "the decoded array", decoded, 0, msg, msg_len);
        goto done;
    }
    if (gzdirect(f)) {
        struct stat sb;
        uint64_t head_bytes = 4 + 4 * (uint64_t)rank;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            snprintf(msg, msg_len, "%s: not a regular file", path);
            st = EB_ERR_IO;
            goto done;
        }
        if ((uint64_t)sb.st_size < head_bytes || (uint64_t)sb.st_size - head_bytes < bytes) {
            snprintf(msg, msg_len,
                     "%s: truncated: the header promises %llu elements (%zu bytes), the file "
                     "holds %llu bytes of data",
                     path, (unsigned long long)out->count, bytes,
                     (unsigned long long)((uint64_t)sb.st_size > head_bytes
                                              ? (uint64_t)sb.st_size - head_bytes
                                              : 0));
            goto done;
        }
    }
    size_t cap = bytes < (1u << 20) ? bytes : (1u << 20), have = 0;
    raw = malloc(cap ? cap : 1);
    if (!raw) {
        snprintf(msg, msg_len, "%s: out of memory for %zu bytes", path, cap);
        st = EB_ERR_NOMEM;
        goto done;
    }
    while (have < bytes) {
        if (have == cap) {
            size_t ncap = cap * 2 < bytes ? cap * 2 : bytes;
            unsigned char *grown = realloc(raw, ncap);
            if (!grown) {
                snprintf(msg, msg_len, "%s: out of memory for %zu bytes", path, ncap);
                st = EB_ERR_NOMEM;
                goto done;
            }
            raw = grown;
            cap = ncap;
        }
        if (read_exact(f, raw + have, cap - have) != 0) {
            int errnum;
            const char *zerr = gzerror(f, &errnum);
            snprintf(msg, msg_len,
                     "%s: truncated: the header promises %llu elements (%zu bytes)%s%s", path,
                     (unsigned long long)out->count, bytes,
                     errnum != Z_OK && errnum != Z_STREAM_END ? "; " : "",
                     errnum != Z_OK && errnum != Z_STREAM_END ? zerr : "");
            goto done;
        }
        have = cap;
    }
    if ((st = eb_nd_alloc(out, as_labels, path, msg, msg_len)) != EB_OK)
        goto done;
    st = EB_ERR_FORMAT;
    for (uint64_t k = 0; k < out->count; k++) {
        double v = element(raw, type, k);
        if (as_labels)
            out->i[k] = (int64_t)v; /* IDX integers are at most 32 bits */
        else
            out->f[k] = (float)v;
    }
    st = EB_OK;
done:
    free(raw);
    gzclose(f);
    if (st != EB_OK)
        eb_nd_free(out);
    return st;
}
