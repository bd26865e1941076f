/* fork + exec with the child's descriptors and signals set up (spawn.h). */
#define _GNU_SOURCE /* F_DUPFD_CLOEXEC, prctl */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn.h"

void eb_spawn_options_init(eb_spawn_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < 4; i++)
        o->fd[i] = EB_SPAWN_INHERIT;
}

/* In the child, before exec: async-signal-safe calls only. */
static void child_setup(const eb_spawn_options *o, pid_t parent)
{
    if (o->own_group)
        setpgid(0, 0);
    if (o->die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* the parent may have died before prctl: then nobody would ever
         * send the signal */
        if (getppid() != parent)
            _exit(127);
    }
    if (o->ignore_sigint)
        signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_DFL);
    /* A descriptor to place may itself sit on 0-3 (another one's target):
     * copy every one above the targets first (close-on-exec, so the
     * copies vanish at exec), then place the copies. */
    int tmp[4];
    for (int i = 0; i < 4; i++) {
        tmp[i] = -1;
        if (o->fd[i] == EB_SPAWN_NULL)
            tmp[i] = open("/dev/null", i == 0 ? O_RDONLY | O_CLOEXEC : O_WRONLY | O_CLOEXEC);
        else if (o->fd[i] >= 0)
            tmp[i] = fcntl(o->fd[i], F_DUPFD_CLOEXEC, 10);
    }
    for (int i = 0; i < 4; i++)
        if (tmp[i] >= 0)
            dup2(tmp[i], i); /* the copy at i is not close-on-exec */
}

pid_t eb_spawn(const char *path, char *const argv[], const eb_spawn_options *o, char *err,
               size_t err_len)
{
    eb_spawn_options plain;
    if (!o) {
        eb_spawn_options_init(&plain);
        o = &plain;
    }
    fflush(NULL); /* buffered output is not written twice by the child */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        if (err && err_len)
            snprintf(err, err_len, "cannot start %s: %s", path, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        child_setup(o, parent);
        if (o->search_path)
            execvp(path, argv);
        else
            execv(path, argv);
        dprintf(2, "cannot start %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    if (o->own_group)
        setpgid(pid, pid); /* from the parent too: no race with kill(-pid) */
    return pid;
}

int eb_spawn_wait(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

int eb_spawn_run(const char *path, char *const argv[])
{
    pid_t pid = eb_spawn(path, argv, NULL, NULL, 0);
    return pid < 0 ? -1 : eb_spawn_wait(pid);
}
