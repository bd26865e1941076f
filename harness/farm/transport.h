/* How the farm reaches a device: argument vectors for OpenSSH's ssh and
 * scp, an exec prefix, or this machine; and running them.
 *
 * Nothing is ever handed to a local shell: every program is started with
 * execvp and an argument vector. Where the far side itself runs a shell
 * (ssh always does; `adb shell` too, remote_shell: true), each argument is
 * single-quoted for that POSIX shell, so an inventory value is one word
 * there and never code. ssh runs with BatchMode=yes (no prompt can hang
 * it) and StrictHostKeyChecking=yes (unknown or changed host keys are
 * refused), against the inventory's known_hosts file only. */
#ifndef EB_FARM_TRANSPORT_H
#define EB_FARM_TRANSPORT_H

#include <stddef.h>

#include "harness/farm/inventory.h"

/* A growable NULL-terminated argv (strings owned). */
typedef struct eb_args {
    int n, cap;
    char **v;
    int oom;
} eb_args;

void eb_args_add(eb_args *a, const char *s);
void eb_args_free(eb_args *a);

/* The argv that runs the program args[0..n) on device d:
 * ssh [options] [user@]host 'quoted words'; PREFIX... words; or words. */
void eb_transport_command(const eb_farm_device *d, const char *const *args, int n, eb_args *out);

/* The same; with hangup != 0 an ssh device runs the program on a
 * pseudo-terminal (ssh -tt), so it gets SIGHUP when the connection ends:
 * a killed attempt does not leave it running there. Output then has CRLF
 * line ends. For the long step (the run); others need clean output. */
void eb_transport_command_ex(const eb_farm_device *d, const char *const *args, int n, int hangup,
                             eb_args *out);

/* The argv that copies local -> remote (to_device) or remote -> local:
 * scp [options] / push / pull. Only for devices with their own filesystem
 * (eb_transport_same_fs == 0). */
void eb_transport_copy(const eb_farm_device *d, int to_device, const char *local,
                       const char *remote, eb_args *out);

/* Share one ssh connection among the steps of this process (OpenSSH
 * ControlMaster; the socket is dir/cm-<device id>, dir a private
 * directory; NULL: off). One master per device, never shared between
 * devices (each has its own known_hosts and identity). The master ends
 * 5 s after its last step, so a killed worker leaves none behind for long.
 * Off when the socket path would be too long. Called by each farm worker
 * for itself. */
void eb_transport_share_connections(const char *dir);

/* End d's shared ssh connection now (ssh -O exit), output to log_fd. */
void eb_transport_stop_sharing(const eb_farm_device *d, int log_fd);

/* 1 when the device's work directory is on this machine's filesystem
 * (local; exec without push/pull). */
int eb_transport_same_fs(const eb_farm_device *d);

/* Run argv with stdin from /dev/null and stderr (and stdout, unless
 * captured) appended to log_fd. capture != NULL: stdout is collected into
 * a malloc'd NUL-terminated string (at most 1 MiB kept). Returns the exit
 * status, 128+signal when killed, 127 when argv[0] cannot be started. */
int eb_transport_spawn(char *const argv[], int log_fd, char **capture);

/* s quoted as one word for a POSIX shell ('...' with ' as '\''), appended
 * to buf (malloc'd / grown). */
char *eb_shell_quote_append(char *buf, const char *s);

#endif
