/* Farm transports (transport.h): argv for ssh/scp/exec/local, and a small
 * fork/exec runner with captured output. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn.h"
#include "harness/farm/transport.h"

#define MAX_CAPTURE (1u << 20)

void eb_args_add(eb_args *a, const char *s)
{
    if (a->oom)
        return;
    if (a->n + 2 > a->cap) {
        int cap = a->cap ? a->cap * 2 : 16;
        char **v = realloc(a->v, (size_t)cap * sizeof *v);
        if (!v) {
            a->oom = 1;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    if (!(a->v[a->n] = strdup(s ? s : ""))) {
        a->oom = 1;
        return;
    }
    a->v[++a->n] = NULL;
}

void eb_args_free(eb_args *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

char *eb_shell_quote_append(char *buf, const char *s)
{
    size_t have = buf ? strlen(buf) : 0, need = 3;
    for (const char *p = s; *p; p++)
        need += *p == '\'' ? 4 : 1;
    char *b = realloc(buf, have + need + 1);
    if (!b) {
        free(buf);
        return NULL;
    }
    char *w = b + have;
    if (have)
        *w++ = ' ';
    *w++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(w, "'\\''", 4);
            w += 4;
        } else {
            *w++ = *p;
        }
    }
    *w++ = '\'';
    *w = '\0';
    return b;
}

static char g_control_dir[128];

void eb_transport_share_connections(const char *dir)
{
    if (dir && strlen(dir) < sizeof g_control_dir)
        snprintf(g_control_dir, sizeof g_control_dir, "%s", dir);
    else
        g_control_dir[0] = '\0';
}

/* The socket path, or 0 when sharing is off or it would not fit
 * sun_path (108 bytes with the NUL). */
static int control_path(const eb_farm_device *d, char *buf, size_t len)
{
    if (!g_control_dir[0])
        return 0;
    int n = snprintf(buf, len, "%s/cm-%s", g_control_dir, d->id);
    return n > 0 && n < 100 && (size_t)n < len;
}

int eb_transport_same_fs(const eb_farm_device *d)
{
    return d->transport == EB_FARM_LOCAL || (d->transport == EB_FARM_EXEC && d->push.n == 0);
}

/* Options shared by ssh and scp. */
static void ssh_options(const eb_farm_device *d, eb_args *a, const char *port_flag)
{
    char buf[4200];
    eb_args_add(a, "-o");
    eb_args_add(a, "BatchMode=yes");
    eb_args_add(a, "-o");
    eb_args_add(a, "StrictHostKeyChecking=yes");
    if (d->known_hosts) {
        snprintf(buf, sizeof buf, "UserKnownHostsFile=%s", d->known_hosts);
        eb_args_add(a, "-o");
        eb_args_add(a, buf);
        eb_args_add(a, "-o");
        eb_args_add(a, "GlobalKnownHostsFile=/dev/null");
    }
    snprintf(buf, sizeof buf, "ConnectTimeout=%d", d->connect_timeout_s);
    eb_args_add(a, "-o");
    eb_args_add(a, buf);
    /* a dead connection ends the step instead of hanging it */
    eb_args_add(a, "-o");
    eb_args_add(a, "ServerAliveInterval=15");
    eb_args_add(a, "-o");
    eb_args_add(a, "ServerAliveCountMax=3");
    if (d->identity_file) {
        eb_args_add(a, "-i");
        eb_args_add(a, d->identity_file);
        eb_args_add(a, "-o");
        eb_args_add(a, "IdentitiesOnly=yes");
    }
    char cp[128];
    if (control_path(d, cp, sizeof cp)) {
        eb_args_add(a, "-o");
        eb_args_add(a, "ControlMaster=auto");
        snprintf(buf, sizeof buf, "ControlPath=%s", cp);
        eb_args_add(a, "-o");
        eb_args_add(a, buf);
        eb_args_add(a, "-o");
        eb_args_add(a, "ControlPersist=5");
    }
    snprintf(buf, sizeof buf, "%d", d->port);
    eb_args_add(a, port_flag);
    eb_args_add(a, buf);
    if (d->user) {
        eb_args_add(a, "-o");
        snprintf(buf, sizeof buf, "User=%s", d->user);
        eb_args_add(a, buf);
    }
}

void eb_transport_command(const eb_farm_device *d, const char *const *args, int n, eb_args *out)
{
    eb_transport_command_ex(d, args, n, 0, out);
}

void eb_transport_command_ex(const eb_farm_device *d, const char *const *args, int n, int hangup,
                             eb_args *out)
{
    if (d->transport == EB_FARM_SSH) {
        eb_args_add(out, "ssh");
        ssh_options(d, out, "-p");
        eb_args_add(out, hangup ? "-tt" : "-T");
        /* the host was checked to be a name or address, never an option */
        eb_args_add(out, d->host);
        char *line = NULL;
        for (int i = 0; i < n; i++)
            if (!(line = eb_shell_quote_append(line, args[i])))
                break;
        if (!line)
            out->oom = 1;
        eb_args_add(out, line);
        free(line);
        return;
    }
    if (d->transport == EB_FARM_EXEC)
        for (int i = 0; i < d->command.n; i++)
            eb_args_add(out, d->command.v[i]);
    for (int i = 0; i < n; i++) {
        if (d->transport == EB_FARM_EXEC && d->remote_shell) {
            char *q = eb_shell_quote_append(NULL, args[i]);
            if (!q)
                out->oom = 1;
            eb_args_add(out, q);
            free(q);
        } else {
            eb_args_add(out, args[i]);
        }
    }
}

void eb_transport_copy(const eb_farm_device *d, int to_device, const char *local,
                       const char *remote, eb_args *out)
{
    if (d->transport == EB_FARM_SSH) {
        eb_args_add(out, "scp");
        eb_args_add(out, "-q");
        ssh_options(d, out, "-P");
        /* scp's remote operand is host:path ([v6]:path); since OpenSSH 9
         * it travels over SFTP, so the path is not read by a shell. */
        size_t len = strlen(d->host) + strlen(remote) + 4;
        char *r = malloc(len);
        if (!r) {
            out->oom = 1;
            return;
        }
        snprintf(r, len, strchr(d->host, ':') ? "[%s]:%s" : "%s:%s", d->host, remote);
        eb_args_add(out, to_device ? local : r);
        eb_args_add(out, to_device ? r : local);
        free(r);
        return;
    }
    const eb_argv *pre = to_device ? &d->push : &d->pull;
    for (int i = 0; i < pre->n; i++)
        eb_args_add(out, pre->v[i]);
    eb_args_add(out, to_device ? local : remote);
    eb_args_add(out, to_device ? remote : local);
}

void eb_transport_stop_sharing(const eb_farm_device *d, int log_fd)
{
    char cp[128];
    if (d->transport != EB_FARM_SSH || !control_path(d, cp, sizeof cp) || access(cp, F_OK) != 0)
        return;
    eb_args a = {0};
    eb_args_add(&a, "ssh");
    ssh_options(d, &a, "-p");
    eb_args_add(&a, "-O");
    eb_args_add(&a, "exit");
    eb_args_add(&a, d->host);
    if (!a.oom)
        eb_transport_spawn(a.v, log_fd, NULL);
    eb_args_free(&a);
}

int eb_transport_spawn(char *const argv[], int log_fd, char **capture)
{
    int pfd[2] = {-1, -1};
    if (capture) {
        *capture = NULL;
        if (pipe2(pfd, O_CLOEXEC) != 0)
            return 127;
    }
    eb_spawn_options so;
    eb_spawn_options_init(&so);
    so.search_path = 1;
    so.fd[0] = EB_SPAWN_NULL;
    so.fd[1] = capture ? pfd[1] : log_fd;
    so.fd[2] = log_fd;
    pid_t pid = eb_spawn(argv[0], argv, &so, NULL, 0);
    if (pid < 0) {
        if (capture) {
            close(pfd[0]);
            close(pfd[1]);
        }
        return 127;
    }
    if (capture) {
        close(pfd[1]);
        size_t cap = 4096, n = 0;
        char *buf = malloc(cap);
        char chunk[4096];
        for (;;) {
            ssize_t got = read(pfd[0], chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            if (!buf || n + (size_t)got + 1 > MAX_CAPTURE)
                continue; /* keep draining so the program never blocks */
            if (n + (size_t)got + 1 > cap) {
                while (n + (size_t)got + 1 > cap)
                    cap *= 2;
                char *g = realloc(buf, cap);
                if (!g) {
                    free(buf);
                    buf = NULL;
                    continue;
                }
                buf = g;
            }
            memcpy(buf + n, chunk, (size_t)got);
            n += (size_t)got;
        }
        close(pfd[0]);
        if (buf)
            buf[n] = '\0';
        *capture = buf;
    }
    int rc = eb_spawn_wait(pid);
    return rc < 0 ? 127 : rc;
}
