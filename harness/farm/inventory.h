/* A farm inventory (docs/farm.md): the devices `edgebench farm` runs a
 * scenario on, how each is reached (transport), its tags and options.
 *
 *   inventory: 1
 *   jobs: 4            # devices at a time
 *   retries: 1         # extra attempts for a device that failed
 *   timeout_s: 900     # per device attempt, everything included
 *   devices:
 *     - id: rpi4-a
 *       transport: ssh  # local | ssh | exec
 *       host: 10.0.0.12
 *       ...
 *
 * Parsed with the scenario module's YAML tree (libyaml), so errors name the
 * file, line and column like scenario errors do. */
#ifndef EB_FARM_INVENTORY_H
#define EB_FARM_INVENTORY_H

#include <stddef.h>

#include "edgebench/status.h"

typedef enum eb_farm_transport {
    EB_FARM_LOCAL = 0, /* this machine, this filesystem */
    EB_FARM_SSH = 1,   /* OpenSSH ssh/scp */
    EB_FARM_EXEC = 2   /* a command prefix (emulator, adb shell), optional push/pull */
} eb_farm_transport;

const char *eb_farm_transport_str(eb_farm_transport t); /* "local", "ssh", "exec" */

/* A NULL-terminated argument vector, owned. */
typedef struct eb_argv {
    int n;
    char **v; /* n entries + NULL */
} eb_argv;

typedef struct eb_farm_device {
    char *id;                 /* [A-Za-z0-9._-], 1..63 characters, unique */
    eb_farm_transport transport;
    char **tags;              /* n_tags, each [A-Za-z0-9._:-] */
    int n_tags;
    /* ssh */
    char *host;
    int port;                 /* default 22 */
    char *user;               /* NULL: ssh's default */
    char *identity_file;      /* absolute (relative ones resolved against the inventory) */
    char *known_hosts;        /* absolute; NULL: ssh's default files */
    int connect_timeout_s;    /* default 10 */
    /* exec */
    eb_argv command;          /* prefix for running edgebench (and, with push, mkdir/cat) */
    eb_argv push;             /* prefix + LOCAL REMOTE copies a file there; empty: same fs */
    eb_argv pull;             /* prefix + REMOTE LOCAL copies a file back */
    int remote_shell;         /* the prefix hands its arguments to a shell there (adb
                               * shell): each argument is quoted for that shell */
    /* all transports */
    char *work_dir;           /* where the scenario, models and results go */
    char *edgebench;          /* the edgebench program there */
    int threads;              /* 0: as the scenario says */
    char **backends;          /* --backend filters, n_backends (0: all) */
    int n_backends;
    char **sets;              /* extra --set KEY=VALUE, n_sets */
    int n_sets;
    double timeout_s;         /* per attempt */
    int retries;
    /* What of the inventory runs as a program on this machine (the exec
     * prefixes, a local device's own `edgebench`): the key and its
     * position, for farm's --trust-inventory check; NULL when nothing. */
    const char *runs_here_key;
    int runs_here_line, runs_here_col;
} eb_farm_device;

typedef struct eb_inventory {
    char *path;
    char *dir;      /* absolute directory of path */
    int jobs;       /* default 4 */
    int n_devices;
    eb_farm_device *devices;
} eb_inventory;

/* Load and validate. On failure *out is NULL and msg holds
 * "PATH:LINE:COL: problem" (EB_ERR_FORMAT), or why the file cannot be read
 * (EB_ERR_IO / EB_ERR_NOT_FOUND). self_exe is the running edgebench, the
 * default program of local devices. */
eb_status eb_inventory_load(const char *path, const char *self_exe, eb_inventory **out,
                            char *msg, size_t msg_len);

void eb_inventory_free(eb_inventory *inv); /* NULL-safe */

/* "bench@10.0.0.12:2222", "qemu-aarch64 -L ...", "local" (into buf). */
const char *eb_farm_device_where(const eb_farm_device *d, char *buf, size_t len);

#endif
