/* eb_read_file: read a whole file, naming it in every error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/file_util.h"

eb_status eb_read_file(const char *path, void **bytes, size_t *n, char *msg, size_t msg_len)
{
    *bytes = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msg_len, "%s: cannot open: %s", path, strerror(errno));
        return errno == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "%s: not a regular file", path);
        fclose(f);
        return EB_ERR_IO;
    }
    size_t size = (size_t)sb.st_size;
    void *buf = malloc(size ? size : 1);
    if (!buf) {
        snprintf(msg, msg_len, "%s: out of memory reading %zu bytes", path, size);
        fclose(f);
        return EB_ERR_NOMEM;
    }
    if (size && fread(buf, 1, size, f) != size) {
        snprintf(msg, msg_len, "%s: read failed: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return EB_ERR_IO;
    }
    fclose(f);
    *bytes = buf;
    *n = size;
    return EB_OK;
}
