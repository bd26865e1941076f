/* Results files are read once in a child process before the real read.
 * libhdf5 1.10.8 itself crashes on some corrupt files (global-heap reads of
 * variable-length strings, attribute iteration, H5Aexists, raw-data reads:
 * tests/fuzz/library-crashes/README.md), inside single calls on structures
 * its public API does not expose, so no check edgebench makes before a call
 * can prevent it. The child does exactly the read the caller asked for and
 * throws it away; when it dies of a signal or does not finish, the caller
 * gets a message naming the file (exit 2 in the commands) instead of a
 * crash of report, compare, gate or merge. The child's own error is passed
 * back as it is; a file the child read without trouble is then read by the
 * caller as before. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fd_io.h"
#include "common/signal_name.h"
#include "results/results.h"

#define SANDBOX_TIMEOUT_S 300

static int g_sandbox = 1;

/* What the child sends back: its read's status and message. */
typedef struct child_answer {
    eb_status status;
    char msg[1024];
} child_answer;

void eb_results_set_sandbox(int on) { g_sandbox = on; }

static void nap_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

eb_status eb_results__preflight(const char *path, int with_samples, char *msg, size_t msg_len)
{
    const char *env = getenv("EDGEBENCH_RESULTS_SANDBOX");
    if (!g_sandbox || (env && strcmp(env, "0") == 0))
        return EB_OK;
    int fd[2];
    if (pipe(fd) != 0)
        return EB_OK; /* no pipe to spare: read in this process, as before */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return EB_OK;
    }
    if (pid == 0) {
        close(fd[0]);
        struct rlimit no_core = {0, 0}; /* a crash here is reported, not dumped */
        setrlimit(RLIMIT_CORE, &no_core);
        eb_results *r = NULL;
        child_answer a = {0};
        a.status = eb_results__read_direct(path, with_samples, &r, a.msg, sizeof a.msg);
        eb_results_free(r);
        ssize_t w = write(fd[1], &a, sizeof a);
        _exit(w == (ssize_t)sizeof a ? 0 : 1);
    }
    close(fd[1]);
    int status = 0;
    long waited_ms = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            close(fd[0]);
            return EB_OK;
        }
        if (waited_ms >= SANDBOX_TIMEOUT_S * 1000L) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            close(fd[0]);
            snprintf(msg, msg_len,
                     "%s: refused: reading it did not finish in %d s (a corrupt results file?)",
                     path, SANDBOX_TIMEOUT_S);
            return EB_ERR_FORMAT;
        }
        long step = waited_ms < 100 ? 2 : 50; /* small files answer in milliseconds */
        nap_ms(step);
        waited_ms += step;
    }
    /* the child's answer: an error is returned as is (the same read in
     * this process would only repeat it, as slowly) */
    child_answer a;
    size_t got = eb_read_all(fd[0], &a, sizeof a);
    close(fd[0]);
    if (WIFSIGNALED(status)) {
        char name[32];
        snprintf(msg, msg_len,
                 "%s: refused: the HDF5 library crashed reading it (%s): the file is corrupt "
                 "(docs/security.md)",
                 path, eb_signal_name(WTERMSIG(status), name, sizeof name));
        return EB_ERR_FORMAT;
    }
    if (got != sizeof a) {
        /* it ended without answering: a library that calls exit() on what
         * it read, or a sanitizer that stopped the read (exit 1) */
        snprintf(msg, msg_len,
                 "%s: refused: the HDF5 library stopped while reading it (exit status %d, "
                 "no answer): the file is corrupt (docs/security.md)",
                 path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return EB_ERR_FORMAT;
    }
    if (a.status != EB_OK) {
        a.msg[sizeof a.msg - 1] = '\0';
        snprintf(msg, msg_len, "%s", a.msg);
        return a.status;
    }
    return EB_OK;
}

eb_status eb_results_read(const char *path, int with_samples, eb_results **out, char *msg,
                          size_t msg_len)
{
    if (!out)
        return EB_ERR_INVALID_ARG;
    *out = NULL;
    if (path && path[0]) {
        eb_status st = eb_results__preflight(path, with_samples, msg, msg_len);
        if (st != EB_OK)
            return st;
    }
    return eb_results__read_direct(path, with_samples, out, msg, msg_len);
}
