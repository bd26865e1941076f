/* eb_read_file: read a whole file, naming it in every error; the limits on
 * untrusted sizes (file_util.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_util.h"

static uint64_t env_mib(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    if (!v || !v[0])
        return dflt << 20;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end || x == 0 || x > (1ull << 40))
        return dflt << 20; /* malformed: keep the default rather than lift it */
    return (uint64_t)x << 20;
}

uint64_t eb_limit_model_bytes(void)
{
    return env_mib("EDGEBENCH_MAX_MODEL_MB", 2048);
}

uint64_t eb_limit_array_bytes(void)
{
    return env_mib("EDGEBENCH_MAX_ARRAY_MB", 1024);
}

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

eb_status eb_limit_fail(const char *path, const char *what, uint64_t bytes, int is_model,
                        char *msg, size_t msg_len)
{
    uint64_t limit = is_model ? eb_limit_model_bytes() : eb_limit_array_bytes();
    snprintf(msg, msg_len, "%s: %s of %llu bytes is over the limit of %llu MiB (raise it with "
             "EDGEBENCH_MAX_%s_MB)", path, what, (unsigned long long)bytes,
             (unsigned long long)(limit >> 20), is_model ? "MODEL" : "ARRAY");
    return EB_ERR_FORMAT;
}

static eb_status check_stat(const char *path, const char *what, const struct stat *sb,
                            char *msg, size_t msg_len)
{
    if (!S_ISREG(sb->st_mode)) {
        snprintf(msg, msg_len, "%s: %s is %s, not a regular file", path, what,
                 kind_of(sb->st_mode));
        return EB_ERR_IO;
    }
    if ((uint64_t)sb->st_size > eb_limit_model_bytes())
        return eb_limit_fail(path, what, (uint64_t)sb->st_size, 1, msg, msg_len);
    return EB_OK;
}

eb_status eb_check_model_file(const char *path, const char *what, uint64_t *size, char *msg,
                              size_t msg_len)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        int err = errno;
        snprintf(msg, msg_len, "%s: cannot open %s: %s", path, what, strerror(err));
        return err == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO;
    }
    eb_status st = check_stat(path, what, &sb, msg, msg_len);
    if (st == EB_OK && size)
        *size = (uint64_t)sb.st_size;
    return st;
}

eb_status eb_read_file(const char *path, void **bytes, size_t *n, char *msg, size_t msg_len)
{
    *bytes = NULL;
    *n = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat
     * below refuses it. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        snprintf(msg, msg_len, "%s: cannot open: %s", path, strerror(err));
        return err == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        snprintf(msg, msg_len, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return EB_ERR_IO;
    }
    eb_status st = check_stat(path, "the file", &sb, msg, msg_len);
    if (st != EB_OK) {
        close(fd);
        return st;
    }
    size_t size = (size_t)sb.st_size;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) {
        snprintf(msg, msg_len, "%s: out of memory reading %zu bytes", path, size);
        close(fd);
        return EB_ERR_NOMEM;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t k = read(fd, buf + got, size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            snprintf(msg, msg_len, "%s: read failed: %s", path,
                     k < 0 ? strerror(errno) : "the file shrank while being read");
            free(buf);
            close(fd);
            return EB_ERR_IO;
        }
        got += (size_t)k;
    }
    close(fd);
    *bytes = buf;
    *n = size;
    return EB_OK;
}
