/* NumPy .npy files (format versions 1-3): magic "\x93NUMPY", a header
 * dictionary with 'descr', 'fortran_order' and 'shape', then the raw
 * C-ordered elements. Little- and big-endian integers and floats of the
 * common sizes are read; anything else is refused by name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file_util.h"
#include "harness/inputs/dataset.h"

/* Value of 'key' in the header dict: pointer just after "'key':" and spaces. */
static const char *dict_value(const char *h, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "'%s':", key);
    const char *p = strstr(h, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    return p;
}

static double element(const unsigned char *p, char kind, size_t size, int big)
{
    unsigned char b[8];
    for (size_t k = 0; k < size; k++)
        b[k] = big ? p[size - 1 - k] : p[k];
    /* b is little-endian now; this machine's order is assumed little-endian
     * (all supported targets: x86-64, aarch64) */
    switch (kind) {
    case 'u': {
        uint64_t u = 0;
        memcpy(&u, b, size);
        return (double)u;
    }
    case 'i': {
        if (size == 1)
            return (double)(int8_t)b[0];
        if (size == 2) {
            int16_t v;
            memcpy(&v, b, 2);
            return v;
        }
        if (size == 4) {
            int32_t v;
            memcpy(&v, b, 4);
            return v;
        }
        int64_t v;
        memcpy(&v, b, 8);
        return (double)v;
    }
    default:
        if (size == 4) {
            float f;
            memcpy(&f, b, 4);
            return f;
        }
        double d;
        memcpy(&d, b, 8);
        return d;
    }
}

eb_status eb_read_npy(const char *path, int as_labels, eb_nd *out, char *msg, size_t msg_len)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msg_len, "%s: cannot open: %s", path, strerror(errno));
        return EB_ERR_IO;
    }
    eb_status st = EB_ERR_FORMAT;
    char *header = NULL;
    unsigned char *raw = NULL;
    unsigned char pre[10];
    if (fread(pre, 1, 8, f) != 8 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        snprintf(msg, msg_len, "%s: not a NumPy .npy file (no \\x93NUMPY magic)", path);
        goto done;
    }
    uint32_t hlen = 0;
    if (pre[6] == 1) {
        unsigned char b[2];
        if (fread(b, 1, 2, f) != 2)
            goto truncated;
        hlen = b[0] | (b[1] << 8);
    } else if (pre[6] == 2 || pre[6] == 3) {
        unsigned char b[4];
        if (fread(b, 1, 4, f) != 4)
            goto truncated;
        hlen = b[0] | (b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    } else {
        snprintf(msg, msg_len, "%s: .npy format version %d is not supported (1-3 are)", path,
                 pre[6]);
        goto done;
    }
    if (hlen > (1u << 20) || !(header = calloc(hlen + 1, 1)))
        goto truncated;
    if (fread(header, 1, hlen, f) != hlen)
        goto truncated;
    const char *descr = dict_value(header, "descr");
    const char *fo = dict_value(header, "fortran_order");
    const char *shape = dict_value(header, "shape");
    if (!descr || !fo || !shape || descr[0] != '\'' || shape[0] != '(') {
        snprintf(msg, msg_len, "%s: malformed .npy header '%.200s'", path, header);
        goto done;
    }
    /* descr is '<order><kind><size>' between quotes: check its length
     * before looking at its characters (a header may end right after the
     * opening quote). */
    const char *dq = strchr(descr + 1, '\'');
    if (!dq || dq - descr < 4 || dq - descr > 6) {
        snprintf(msg, msg_len, "%s: malformed 'descr' in the .npy header '%.200s'", path, header);
        goto done;
    }
    if (strncmp(fo, "True", 4) == 0) {
        snprintf(msg, msg_len, "%s: Fortran-ordered arrays are not supported (save with "
                 "np.ascontiguousarray)", path);
        goto done;
    }
    char order = descr[1], kind = descr[2];
    size_t size = 0;
    for (const char *q = descr + 3; q < dq; q++)
        size = (*q >= '0' && *q <= '9') ? size * 10 + (size_t)(*q - '0') : 99;
    int ok_kind = (kind == 'u' || kind == 'i') ? (size == 1 || size == 2 || size == 4 || size == 8)
                  : kind == 'f'                ? (size == 4 || size == 8)
                                               : 0;
    if (!ok_kind || !(order == '<' || order == '>' || order == '|')) {
        snprintf(msg, msg_len, "%s: element type %.*s is not supported (integers and float32/64 "
                 "are)", path, (int)(dq - descr + 1), descr);
        goto done;
    }
    if (as_labels && kind == 'f') {
        snprintf(msg, msg_len, "%s: labels must be integers, the file holds %.*s", path,
                 (int)(dq - descr + 1), descr);
        goto done;
    }
    out->file_float = kind == 'f';
    const char *p = shape + 1;
    out->count = 1;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end;
        long long d = strtoll(p, &end, 10);
        if (end == p || d <= 0 || out->rank >= EB_DATASET_MAX_RANK + 1 ||
            out->count > (UINT64_MAX / 16) / (uint64_t)d) {
            snprintf(msg, msg_len, "%s: unsupported shape %s in the .npy header", path, shape);
            goto done;
        }
        out->dims[out->rank++] = d;
        out->count *= (uint64_t)d;
        p = end;
    }
    if (out->rank == 0) {
        snprintf(msg, msg_len, "%s: a scalar, not an array of samples", path);
        goto done;
    }
    size_t bytes = (size_t)out->count * size;
    /* The header's shape is untrusted: the file must hold the elements
     * (checked before allocating), and the decoded array must fit the limit. */
    long data_at = ftell(f);
    struct stat sb;
    if (data_at < 0 || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "%s: not a regular file", path);
        st = EB_ERR_IO;
        goto done;
    }
    if ((uint64_t)sb.st_size < (uint64_t)data_at ||
        (uint64_t)sb.st_size - (uint64_t)data_at < bytes) {
        snprintf(msg, msg_len,
                 "%s: truncated: the header promises %llu elements (%zu bytes), the file holds "
                 "%llu bytes of data",
                 path, (unsigned long long)out->count, bytes,
                 (unsigned long long)((uint64_t)sb.st_size - (uint64_t)data_at));
        goto done;
    }
    uint64_t decoded = out->count * (as_labels ? 8 : 4);
    if (decoded > eb_limit_array_bytes()) {
        eb_limit_fail(path, "the decoded array", decoded, 0, msg, msg_len);
        goto done;
    }
    raw = malloc(bytes ? bytes : 1);
    if (!raw) {
        st = EB_ERR_NOMEM;
        snprintf(msg, msg_len, "%s: out of memory", path);
        goto done;
    }
    if (fread(raw, 1, bytes, f) != bytes) {
        snprintf(msg, msg_len, "%s: truncated: the header promises %llu elements (%zu bytes)",
                 path, (unsigned long long)out->count, bytes);
        goto done;
    }
    if ((st = eb_nd_alloc(out, as_labels, path, msg, msg_len)) != EB_OK)
        goto done;
    st = EB_ERR_FORMAT;
    for (uint64_t k = 0; k < out->count; k++) {
        double v = element(raw + k * size, kind, size, order == '>');
        if (as_labels) {
            /* exactly representable range of int64 as a double: [-2^63, 2^63) */
            if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
                snprintf(msg, msg_len, "%s: label %llu is %g, outside the int64 range", path,
                         (unsigned long long)k, v);
                goto done;
            }
            out->i[k] = (int64_t)v;
        } else
            out->f[k] = (float)v;
    }
    st = EB_OK;
    goto done;
truncated:
    snprintf(msg, msg_len, "%s: truncated .npy header", path);
done:
    free(header);
    free(raw);
    fclose(f);
    if (st != EB_OK)
        eb_nd_free(out);
    return st;
}
