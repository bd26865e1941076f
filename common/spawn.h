/* Starting another program: the one fork + exec of the harness (a cell's
 * process, a farm transport's ssh / scp / exec prefix, `gate --confirm`'s
 * and `ab`'s runs of edgebench). What differs between them is data here:
 * which descriptors the child gets as 0-3, its process group, whether it
 * dies with edgebench. Workers that only fork (no exec) are not spawned.
 *
 * Descriptors the child should not hold must be close-on-exec in the
 * caller (pipe2(O_CLOEXEC)): the ones placed at 0-3 are copied there
 * without the flag, everything else closes or stays as the process has it. */
#ifndef EB_SPAWN_H
#define EB_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#define EB_SPAWN_INHERIT (-1) /* the child keeps what the parent has there */
#define EB_SPAWN_NULL (-2)    /* /dev/null */

typedef struct eb_spawn_options {
    int fd[4];           /* the child's fd 0-3: a descriptor of the caller's to place
                          * there, EB_SPAWN_INHERIT or EB_SPAWN_NULL */
    int search_path;     /* look the program up in PATH (execvp) */
    int own_group;       /* its own process group (kill(-pid) reaches all of it;
                          * the terminal's Ctrl-C does not) */
    int die_with_parent; /* SIGKILL when edgebench dies (PR_SET_PDEATHSIG) */
    int ignore_sigint;   /* SIGINT ignored (the parent decides what Ctrl-C does) */
} eb_spawn_options;

/* Options that change nothing: every fd inherited, no group, no signals. */
void eb_spawn_options_init(eb_spawn_options *o);

/* Start path with argv (argv[0] its name). The child's stdio is flushed
 * first and SIGPIPE is default in it. The pid, or -1 with why in err when
 * no process could be made. A program that cannot be executed ends its
 * process with 127 after "cannot start PATH: why" on its stderr. */
pid_t eb_spawn(const char *path, char *const argv[], const eb_spawn_options *o, char *err,
               size_t err_len);

/* Wait for pid (EINTR retried): its exit code, 128 + the signal that ended
 * it, or -1 when it cannot be waited for. */
int eb_spawn_wait(pid_t pid);

/* eb_spawn with every fd inherited, then eb_spawn_wait: the exit code, or -1
 * when it did not start. */
int eb_spawn_run(const char *path, char *const argv[]);

#endif
