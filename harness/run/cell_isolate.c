/* Parent side of an isolated cell: start `edgebench __cell`, feed it the job,
 * read its stream, enforce the timeout, and turn however it ended into a
 * run status. The parent survives whatever the backend does. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/signal_name.h"
#include "common/spawn.h"
#include "harness/run/cell.h"
#include "harness/run/cell_record.h"
#include "harness/run/cell_wire.h"

#define LOG_TAIL 2048

typedef struct stream {
    eb_record_builder b;
    char *buf;
    size_t len, cap;
    int got_error;
    int error_status;
    char error[1024];
    int oversized; /* a frame beyond EB_FRAME_MAX_BYTES: the rest of the stream is dropped */
} stream;

/* An extra's frame (cell_wire.h) into the record; a malformed one is
 * dropped (the child and parent are the same binary, so it cannot happen
 * short of memory corruption in the child). */
static void parse_extra(stream *s, char type, const char *p, uint32_t n)
{
    size_t nl = strnlen(p, n);
    if (nl == n || nl >= EB_EXTRA_NAME_MAX)
        return;
    const char *body = p + nl + 1;
    size_t blen = n - nl - 1;
    if (type == EB_FRAME_METRIC && blen == 8) {
        double v;
        memcpy(&v, body, 8);
        eb_record_metric(&s->b, p, v);
    } else if (type == EB_FRAME_TEXT) {
        char v[EB_EXTRA_TEXT_MAX];
        snprintf(v, sizeof v, "%.*s", (int)blen, body);
        eb_record_text(&s->b, p, v);
    } else if (type == EB_FRAME_ARRAY && blen >= 20) {
        int32_t t;
        uint64_t rows, cols;
        memcpy(&t, body, 4);
        memcpy(&rows, body + 4, 8);
        memcpy(&cols, body + 12, 8);
        size_t esz = eb_array_type_size((eb_array_type)t);
        if (esz && rows * (cols ? cols : 1) * esz == blen - 20)
            eb_record_array(&s->b, p, (eb_array_type)t, rows, cols, body + 20);
    } else if (type == EB_FRAME_ARRAY_ND && blen >= 8) {
        int32_t t, rank;
        uint64_t dims[EB_ARRAY_MAX_RANK];
        memcpy(&t, body, 4);
        memcpy(&rank, body + 4, 4);
        size_t esz = eb_array_type_size((eb_array_type)t);
        if (!esz || rank < 1 || rank > EB_ARRAY_MAX_RANK || blen < 8 + 8 * (size_t)rank)
            return;
        memcpy(dims, body + 8, 8 * (size_t)rank);
        /* the element count, without overflow, must be what the frame holds */
        uint64_t count = 1, data_len = blen - 8 - 8 * (size_t)rank;
        for (int d = 0; d < rank; d++) {
            if (dims[d] && count > data_len / dims[d])
                return;
            count *= dims[d];
        }
        if (count * esz == data_len)
            eb_record_array_nd(&s->b, p, (eb_array_type)t, rank, dims, body + 8 + 8 * rank);
    }
}

/* Consume complete frames from s->buf. */
static void parse_frames(stream *s)
{
    size_t off = 0;
    while (s->len - off >= 5) {
        char type = s->buf[off];
        uint32_t n;
        memcpy(&n, s->buf + off + 1, 4);
        if (type == EB_FRAME_ARRAY_ND && n > EB_FRAME_MAX_BYTES) {
            /* never buffer toward outputs beyond their cap: the stream is
             * broken (other frames keep the uint32 length's own bound) */
            s->oversized = 1;
            s->len = 0;
            return;
        }
        if (s->len - off - 5 < n)
            break;
        const char *p = s->buf + off + 5;
        switch (type) {
        case EB_FRAME_META: {
            const char *bv = p;
            size_t l1 = strnlen(bv, n);
            const char *lv = l1 < n ? bv + l1 + 1 : "";
            size_t l2 = l1 < n ? strnlen(lv, n - l1 - 1) : 0;
            uint64_t mb = 0;
            if (l1 + l2 + 2 + 8 <= n)
                memcpy(&mb, lv + l2 + 1, 8);
            char v1[64], v2[128];
            snprintf(v1, sizeof v1, "%.*s", (int)l1, bv);
            snprintf(v2, sizeof v2, "%.*s", (int)l2, lv);
            eb_record_meta(&s->b, v1, v2, mb);
            break;
        }
        case EB_FRAME_SAMPLES:
            for (uint32_t k = 0; k + 16 <= n; k += 16) {
                uint64_t pair[2];
                memcpy(pair, p + k, 16);
                eb_record_sample(&s->b, pair[0], pair[1]);
            }
            break;
        case EB_FRAME_DONE: {
            eb_loop_result lr;
            memset(&lr, 0, sizeof lr);
            memcpy(&lr, p, n < sizeof lr ? n : sizeof lr);
            eb_record_done(&s->b, &lr);
            break;
        }
        case EB_FRAME_ERROR:
            if (n >= 4) {
                int32_t st;
                memcpy(&st, p, 4);
                s->got_error = 1;
                s->error_status = st;
                snprintf(s->error, sizeof s->error, "%.*s", (int)(n - 4), p + 4);
            }
            break;
        case EB_FRAME_METRIC:
        case EB_FRAME_TEXT:
        case EB_FRAME_ARRAY:
        case EB_FRAME_ARRAY_ND:
            parse_extra(s, type, p, n);
            break;
        default:
            break;
        }
        off += 5 + n;
    }
    memmove(s->buf, s->buf + off, s->len - off);
    s->len -= off;
}

static int read_into(int fd, stream *s)
{
    if (s->cap - s->len < 65536) {
        size_t cap = s->cap ? s->cap * 2 : 1 << 17;
        char *nb = realloc(s->buf, cap);
        if (!nb) {
            errno = ENOMEM;
            return -1;
        }
        s->buf = nb;
        s->cap = cap;
    }
    errno = 0;
    ssize_t k = read(fd, s->buf + s->len, s->cap - s->len);
    if (k > 0 && s->oversized)
        return (int)k; /* drained and dropped */
    if (k > 0) {
        s->len += (size_t)k;
        parse_frames(s);
    }
    return (int)k;
}

eb_status eb_cell_run_isolated(const char *exe, const eb_cell_job *job, double timeout_s,
                               volatile sig_atomic_t *abort_flag, eb_run_record *rec,
                               char *msg, size_t msg_len)
{
    int jp[2] = {-1, -1}, rp[2] = {-1, -1}, lp[2] = {-1, -1};
    /* close-on-exec: the child gets only the ends placed at 0-3 */
    if (pipe2(jp, O_CLOEXEC) || pipe2(rp, O_CLOEXEC) || pipe2(lp, O_CLOEXEC)) {
        snprintf(msg, msg_len, "cannot create pipes for the cell: %s", strerror(errno));
        goto fail_fds;
    }
    eb_utc_now(rec->started, sizeof rec->started);
    uint64_t t0 = eb_now_ns();
    /* the child: its own process group (the terminal's Ctrl-C is the
     * parent's to handle), killed when edgebench dies (killed, or its ssh
     * dropped: never an orphan measuring on); stdin = job, fd 3 = results,
     * stdout/stderr = log */
    eb_spawn_options so;
    eb_spawn_options_init(&so);
    so.fd[0] = jp[0];
    so.fd[1] = so.fd[2] = lp[1];
    so.fd[3] = rp[1];
    so.own_group = so.die_with_parent = so.ignore_sigint = 1;
    char *const argv[] = {"edgebench", "__cell", NULL};
    pid_t pid = eb_spawn(exe, argv, &so, msg, msg_len);
    if (pid < 0)
        goto fail_fds;
    close(jp[0]);
    close(rp[1]);
    close(lp[1]);
    signal(SIGPIPE, SIG_IGN);
    eb_cell_job_write(jp[1], job);
    close(jp[1]);

    stream s;
    memset(&s, 0, sizeof s);
    eb_record_builder_init(&s.b, rec);
    char log[LOG_TAIL + 1];
    size_t log_len = 0;
    int res_open = 1, log_open = 1, timed_out = 0, aborted = 0;
    uint64_t deadline = t0 + (uint64_t)(timeout_s * 1e9);
    while (res_open || log_open) {
        struct pollfd p[2] = {{.fd = res_open ? rp[0] : -1, .events = POLLIN},
                              {.fd = log_open ? lp[0] : -1, .events = POLLIN}};
        int rc = poll(p, 2, 100);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            /* errno is only meaningful for k < 0: a stale EINTR from an
             * interrupted poll must not keep a closed pipe "open" */
            int k = read_into(rp[0], &s);
            if (k == 0 || (k < 0 && errno != EINTR))
                res_open = 0;
        }
        if (rc > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char tmp[4096];
            ssize_t k = read(lp[0], tmp, sizeof tmp);
            if (k <= 0) {
                if (k == 0 || errno != EINTR)
                    log_open = 0;
            } else {
                /* keep the tail: what a crashing backend printed last */
                size_t kk = (size_t)k;
                if (kk >= LOG_TAIL) {
                    memcpy(log, tmp + kk - LOG_TAIL, LOG_TAIL);
                    log_len = LOG_TAIL;
                } else {
                    if (log_len + kk > LOG_TAIL) {
                        size_t drop = log_len + kk - LOG_TAIL;
                        memmove(log, log + drop, log_len - drop);
                        log_len -= drop;
                    }
                    memcpy(log + log_len, tmp, kk);
                    log_len += kk;
                }
            }
        }
        if (!timed_out && !aborted) {
            if (abort_flag && *abort_flag) {
                aborted = 1;
                kill(-pid, SIGKILL);
            } else if (timeout_s > 0 && eb_now_ns() > deadline) {
                timed_out = 1;
                kill(-pid, SIGKILL);
            }
        }
    }
    close(rp[0]);
    close(lp[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    rec->peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024u; /* Linux reports KiB */
    rec->wall_s = (double)(eb_now_ns() - t0) / 1e9;
    eb_utc_now(rec->finished, sizeof rec->finished);
    log[log_len] = '\0';
    /* last line of the child's output, for context in the message */
    char tail[512] = "";
    if (log_len) {
        char *end = log + log_len;
        while (end > log && (end[-1] == '\n' || end[-1] == '\r'))
            *--end = '\0';
        char *start = end;
        while (start > log && start[-1] != '\n')
            start--;
        snprintf(tail, sizeof tail, "%.400s", start);
    }
    char sig[32];
    if (timed_out) {
        rec->status = EB_RUN_TIMEOUT;
        snprintf(rec->message, sizeof rec->message,
                 "no result within the %.0f s timeout; cell process killed after %llu samples",
                 timeout_s, (unsigned long long)rec->n);
    } else if (aborted) {
        rec->status = EB_RUN_INTERRUPTED;
        snprintf(rec->message, sizeof rec->message, "aborted by a second interrupt");
    } else if (s.oversized) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "the cell sent an outputs frame over the "
                 "limit of %u bytes; its results were dropped", EB_FRAME_MAX_BYTES);
    } else if (s.got_error) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "%s", s.error);
    } else if (WIFSIGNALED(status)) {
        rec->status = EB_RUN_CRASHED;
        int n = snprintf(rec->message, sizeof rec->message, "cell process killed by %s (%s)",
                         eb_signal_name(WTERMSIG(status), sig, sizeof sig),
                         strsignal(WTERMSIG(status)));
        if (tail[0] && n > 0 && (size_t)n < sizeof rec->message)
            snprintf(rec->message + n, sizeof rec->message - (size_t)n, "; last output: %s", tail);
    } else if (!s.b.got_done || WEXITSTATUS(status) != 0) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "cell process exited with status %d%s%s",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, tail[0] ? ": " : "", tail);
    } else if (s.b.oom) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "out of memory storing samples");
    } else {
        rec->status = EB_RUN_OK;
        rec->message[0] = '\0';
    }
    free(s.buf);
    return EB_OK;
fail_fds:
    for (int i = 0; i < 2; i++) {
        if (jp[i] >= 0)
            close(jp[i]);
        if (rp[i] >= 0)
            close(rp[i]);
        if (lp[i] >= 0)
            close(lp[i]);
    }
    return EB_ERR_IO;
}
