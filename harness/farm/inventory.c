/* Loading a farm inventory (inventory.h): libyaml through the scenario
 * module's positioned tree, then key-by-key checks with line:column
 * messages and "did you mean" for mistyped keys. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/key_suggest.h"
#include "common/yaml_tree.h"
#include "harness/farm/inventory.h"

#define MAX_INVENTORY_BYTES (4u << 20)

typedef struct loader {
    const char *path;
    const char *dir;
    char *msg;
    size_t msg_len;
    int failed;
} loader;

__attribute__((format(printf, 3, 4)))
static int bad(loader *L, const eb_ynode *n, const char *fmt, ...)
{
    if (L->failed)
        return -1; /* keep the first problem */
    L->failed = 1;
    int k = n ? snprintf(L->msg, L->msg_len, "%s:%d:%d: ", L->path, n->line, n->col)
              : snprintf(L->msg, L->msg_len, "%s: ", L->path);
    if (k < 0 || (size_t)k >= L->msg_len)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->msg + k, L->msg_len - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

/* Key position: errors about a key point at the key, not its value. */
static eb_ynode key_pos(const eb_ynode *v)
{
    eb_ynode p = {0};
    p.line = v->key_line;
    p.col = v->key_col;
    return p;
}

const char *eb_farm_transport_str(eb_farm_transport t)
{
    switch (t) {
    case EB_FARM_SSH: return "ssh";
    case EB_FARM_EXEC: return "exec";
    default: return "local";
    }
}

static int check_keys(loader *L, const eb_ynode *map, const char *what,
                      const char *const *known, int n_known)
{
    for (int i = 0; i < map->n; i++) {
        const eb_ynode *v = map->kids[i];
        int ok = 0;
        for (int k = 0; k < n_known && !ok; k++)
            ok = strcmp(v->key, known[k]) == 0;
        for (int j = 0; j < i && ok; j++)
            if (strcmp(map->kids[j]->key, v->key) == 0) {
                eb_ynode p = key_pos(v);
                return bad(L, &p, "%s: key '%s' given twice (first at line %d)", what, v->key,
                           map->kids[j]->key_line);
            }
        if (!ok) {
            const char *s = eb_key_suggest(v->key, known, n_known);
            eb_ynode p = key_pos(v);
            return bad(L, &p, "%s: unknown key '%s'%s%s%s", what, v->key,
                       s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        }
    }
    return 0;
}

static int get_str(loader *L, const eb_ynode *n, const char *what, char **out)
{
    char d[96];
    if (n->type != EB_Y_SCALAR || eb_ynode_is_null(n) || !n->text[0])
        return bad(L, n, "%s must be a non-empty string, got %s", what,
                   eb_ynode_describe(n, d, sizeof d));
    if (strlen(n->text) >= PATH_MAX)
        return bad(L, n, "%s is too long", what);
    if (!(*out = strdup(n->text)))
        return bad(L, n, "out of memory");
    return 0;
}

static int get_int(loader *L, const eb_ynode *n, const char *what, long lo, long hi, int *out)
{
    long long v;
    char d[96];
    if (n->type != EB_Y_SCALAR || eb_ynode_int(n, &v) != 1 || v < lo || v > hi)
        return bad(L, n, "%s must be an integer from %ld to %ld, got %s", what, lo, hi,
                   eb_ynode_describe(n, d, sizeof d));
    *out = (int)v;
    return 0;
}

static int get_num(loader *L, const eb_ynode *n, const char *what, double lo, double hi,
                   double *out)
{
    double v;
    char d[96];
    if (n->type != EB_Y_SCALAR || eb_ynode_num(n, &v) != 1 || v < lo || v > hi)
        return bad(L, n, "%s must be a number from %g to %g, got %s", what, lo, hi,
                   eb_ynode_describe(n, d, sizeof d));
    *out = v;
    return 0;
}

/* A list of non-empty strings (a single string is a list of one). */
static int get_list(loader *L, const eb_ynode *n, const char *what, char ***out, int *n_out)
{
    char d[96];
    if (n->type == EB_Y_MAP)
        return bad(L, n, "%s must be a list of strings, got %s", what,
                   eb_ynode_describe(n, d, sizeof d));
    int count = n->type == EB_Y_SEQ ? n->n : 1;
    char **v = calloc((size_t)count + 1, sizeof *v);
    if (!v)
        return bad(L, n, "out of memory");
    *out = v;
    for (int i = 0; i < count; i++) {
        const eb_ynode *it = n->type == EB_Y_SEQ ? n->kids[i] : n;
        if (get_str(L, it, what, &v[i]) < 0)
            return -1;
        *n_out = i + 1;
    }
    return 0;
}

static int get_argv(loader *L, const eb_ynode *n, const char *what, eb_argv *a)
{
    if (n->type != EB_Y_SEQ || n->n == 0) {
        char d[96];
        return bad(L, n,
                   "%s must be a non-empty list of arguments ([program, arg, ...]; no shell "
                   "string), got %s",
                   what, eb_ynode_describe(n, d, sizeof d));
    }
    return get_list(L, n, what, &a->v, &a->n);
}

static int valid_chars(const char *s, const char *extra)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(extra, *s)))
            return 0;
    return 1;
}

/* Paths on this machine are relative to the inventory's directory. */
static int local_path(loader *L, const eb_ynode *n, const char *what, char **out)
{
    char *p;
    if (get_str(L, n, what, &p) < 0)
        return -1;
    if (p[0] == '/') {
        *out = p;
        return 0;
    }
    size_t len = strlen(L->dir) + strlen(p) + 2;
    *out = malloc(len);
    if (!*out) {
        free(p);
        return bad(L, n, "out of memory");
    }
    snprintf(*out, len, "%s/%s", L->dir, p);
    free(p);
    return 0;
}

static const char *const device_keys[] = {
    "id", "transport", "tags", "host", "port", "user", "identity_file", "known_hosts",
    "connect_timeout_s", "command", "push", "pull", "remote_shell", "work_dir", "edgebench", "threads",
    "backends", "set", "timeout_s", "retries"};
#define N_DEVICE_KEYS ((int)(sizeof device_keys / sizeof device_keys[0]))

static int load_device(loader *L, const eb_ynode *n, eb_farm_device *d, const char *self_exe,
                       double timeout_s, int retries)
{
    char d96[96];
    if (n->type != EB_Y_MAP)
        return bad(L, n, "a device must be a map (id, transport, ...), got %s",
                   eb_ynode_describe(n, d96, sizeof d96));
    if (check_keys(L, n, "device", device_keys, N_DEVICE_KEYS) < 0)
        return -1;
    d->port = 22;
    d->connect_timeout_s = 10;
    d->timeout_s = timeout_s;
    d->retries = retries;
    const eb_ynode *v = eb_ynode_get(n, "id");
    if (!v)
        return bad(L, n, "device without 'id'");
    if (get_str(L, v, "id", &d->id) < 0)
        return -1;
    if (strlen(d->id) > 63 || !valid_chars(d->id, "._-") || d->id[0] == '.')
        return bad(L, v, "id '%s': use 1 to 63 letters, digits, '.', '_' or '-' (it names a "
                         "group in the results file and a log file)", d->id);
    char what[128];
    snprintf(what, sizeof what, "device '%s'", d->id);

    v = eb_ynode_get(n, "transport");
    if (!v)
        return bad(L, n, "%s: no 'transport' (local, ssh or exec)", what);
    if (v->type != EB_Y_SCALAR)
        return bad(L, v, "%s: transport must be local, ssh or exec", what);
    if (strcmp(v->text, "local") == 0)
        d->transport = EB_FARM_LOCAL;
    else if (strcmp(v->text, "ssh") == 0)
        d->transport = EB_FARM_SSH;
    else if (strcmp(v->text, "exec") == 0)
        d->transport = EB_FARM_EXEC;
    else
        return bad(L, v, "%s: unknown transport '%s' (local, ssh or exec)", what, v->text);

    /* keys that only make sense for one transport */
    static const char *const ssh_only[] = {"host", "port", "user", "identity_file",
                                           "known_hosts", "connect_timeout_s"};
    static const char *const exec_only[] = {"command", "push", "pull", "remote_shell"};
    for (size_t i = 0; i < sizeof ssh_only / sizeof *ssh_only; i++)
        if (d->transport != EB_FARM_SSH && (v = eb_ynode_get(n, ssh_only[i]))) {
            eb_ynode p = key_pos(v);
            return bad(L, &p, "%s: '%s' is for transport ssh, this device is %s", what,
                       ssh_only[i], eb_farm_transport_str(d->transport));
        }
    for (size_t i = 0; i < sizeof exec_only / sizeof *exec_only; i++)
        if (d->transport != EB_FARM_EXEC && (v = eb_ynode_get(n, exec_only[i]))) {
            eb_ynode p = key_pos(v);
            return bad(L, &p, "%s: '%s' is for transport exec, this device is %s", what,
                       exec_only[i], eb_farm_transport_str(d->transport));
        }

    if (d->transport == EB_FARM_SSH) {
        if (!(v = eb_ynode_get(n, "host")))
            return bad(L, n, "%s: transport ssh needs 'host'", what);
        if (get_str(L, v, "host", &d->host) < 0)
            return -1;
        /* never an option to ssh, never a user@ or :port in disguise */
        if (d->host[0] == '-' || !valid_chars(d->host, ".-_:[]"))
            return bad(L, v, "%s: host '%s' is not a host name or address", what, d->host);
        if ((v = eb_ynode_get(n, "port")) && get_int(L, v, "port", 1, 65535, &d->port) < 0)
            return -1;
        if ((v = eb_ynode_get(n, "user"))) {
            if (get_str(L, v, "user", &d->user) < 0)
                return -1;
            if (d->user[0] == '-' || !valid_chars(d->user, "._-"))
                return bad(L, v, "%s: user '%s' is not a user name", what, d->user);
        }
        if ((v = eb_ynode_get(n, "identity_file")) &&
            local_path(L, v, "identity_file", &d->identity_file) < 0)
            return -1;
        if ((v = eb_ynode_get(n, "known_hosts"))) {
            if (local_path(L, v, "known_hosts", &d->known_hosts) < 0)
                return -1;
            /* ssh splits UserKnownHostsFile at white space and expands %
             * tokens in it: such a path would name other files. */
            if (strpbrk(d->known_hosts, " \t%\"'"))
                return bad(L, v, "%s: known_hosts path '%s' has a space, quote or '%%', which "
                                 "ssh would read differently", what, d->known_hosts);
        }
        if ((v = eb_ynode_get(n, "connect_timeout_s")) &&
            get_int(L, v, "connect_timeout_s", 1, 3600, &d->connect_timeout_s) < 0)
            return -1;
    }
    if (d->transport == EB_FARM_EXEC) {
        if (!(v = eb_ynode_get(n, "command")))
            return bad(L, n, "%s: transport exec needs 'command' (a list: the prefix that "
                             "runs a program there)", what);
        if (get_argv(L, v, "command", &d->command) < 0)
            return -1;
        d->runs_here_key = "command";
        d->runs_here_line = v->line;
        d->runs_here_col = v->col;
        const eb_ynode *pu = eb_ynode_get(n, "push"), *pl = eb_ynode_get(n, "pull");
        if (!pu != !pl)
            return bad(L, pu ? pu : pl, "%s: 'push' and 'pull' go together (copy there, copy "
                                        "back)", what);
        if (pu && (get_argv(L, pu, "push", &d->push) < 0 || get_argv(L, pl, "pull", &d->pull) < 0))
            return -1;
        if ((v = eb_ynode_get(n, "remote_shell"))) {
            if (v->type != EB_Y_SCALAR ||
                (strcmp(v->text, "true") != 0 && strcmp(v->text, "false") != 0))
                return bad(L, v, "%s: remote_shell must be true or false", what);
            d->remote_shell = strcmp(v->text, "true") == 0;
        }
    }

    /* work_dir: on the device; local and same-filesystem exec devices
     * resolve it like other local paths. */
    int same_fs = d->transport == EB_FARM_LOCAL || (d->transport == EB_FARM_EXEC && !d->push.n);
    if ((v = eb_ynode_get(n, "work_dir"))) {
        if ((same_fs ? local_path(L, v, "work_dir", &d->work_dir)
                     : get_str(L, v, "work_dir", &d->work_dir)) < 0)
            return -1;
    } else if (!(d->work_dir = strdup(same_fs ? "" : "edgebench-farm"))) {
        return bad(L, n, "out of memory");
    }
    if (same_fs && !d->work_dir[0])
        return bad(L, n, "%s: a %s device needs 'work_dir' (a directory on this machine)",
                   what, eb_farm_transport_str(d->transport));
    if ((v = eb_ynode_get(n, "edgebench"))) {
        if ((same_fs ? local_path(L, v, "edgebench", &d->edgebench)
                     : get_str(L, v, "edgebench", &d->edgebench)) < 0)
            return -1;
        if (d->transport == EB_FARM_LOCAL) { /* a program of the inventory's choosing */
            d->runs_here_key = "edgebench";
            d->runs_here_line = v->line;
            d->runs_here_col = v->col;
        }
    } else if (!(d->edgebench = strdup(d->transport == EB_FARM_LOCAL ? self_exe : "edgebench"))) {
        return bad(L, n, "out of memory");
    }
    if (d->transport == EB_FARM_EXEC && !d->push.n && !eb_ynode_get(n, "edgebench"))
        return bad(L, n, "%s: an exec device on this machine needs 'edgebench' (the program "
                         "the command prefix runs, e.g. an aarch64 build)", what);

    if ((v = eb_ynode_get(n, "tags"))) {
        if (get_list(L, v, "tags", &d->tags, &d->n_tags) < 0)
            return -1;
        for (int i = 0; i < d->n_tags; i++)
            if (!valid_chars(d->tags[i], "._:-"))
                return bad(L, v, "%s: tag '%s': use letters, digits, '.', '_', ':' or '-'", what,
                           d->tags[i]);
    }
    if ((v = eb_ynode_get(n, "threads")) && get_int(L, v, "threads", 1, 1024, &d->threads) < 0)
        return -1;
    if ((v = eb_ynode_get(n, "backends")) &&
        get_list(L, v, "backends", &d->backends, &d->n_backends) < 0)
        return -1;
    if ((v = eb_ynode_get(n, "set"))) {
        if (get_list(L, v, "set", &d->sets, &d->n_sets) < 0)
            return -1;
        for (int i = 0; i < d->n_sets; i++)
            if (!strchr(d->sets[i], '=') || d->sets[i][0] == '=')
                return bad(L, v, "%s: set '%s' must be KEY=VALUE (as run --set)", what,
                           d->sets[i]);
    }
    if ((v = eb_ynode_get(n, "timeout_s")) &&
        get_num(L, v, "timeout_s", 0.1, 7 * 86400.0, &d->timeout_s) < 0)
        return -1;
    if ((v = eb_ynode_get(n, "retries")) && get_int(L, v, "retries", 0, 100, &d->retries) < 0)
        return -1;
    return 0;
}

static void argv_free(eb_argv *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
}

static void strs_free(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void eb_inventory_free(eb_inventory *inv)
{
    if (!inv)
        return;
    for (int i = 0; i < inv->n_devices; i++) {
        eb_farm_device *d = &inv->devices[i];
        free(d->id);
        strs_free(d->tags, d->n_tags);
        free(d->host);
        free(d->user);
        free(d->identity_file);
        free(d->known_hosts);
        argv_free(&d->command);
        argv_free(&d->push);
        argv_free(&d->pull);
        free(d->work_dir);
        free(d->edgebench);
        strs_free(d->backends, d->n_backends);
        strs_free(d->sets, d->n_sets);
    }
    free(inv->devices);
    free(inv->path);
    free(inv->dir);
    free(inv);
}

static char *read_all(const char *path, size_t *len, char *msg, size_t msg_len, eb_status *st)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *st = errno == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO;
        snprintf(msg, msg_len, "%s: cannot open the inventory: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_INVENTORY_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_INVENTORY_BYTES + 1, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (!buf || err || n > MAX_INVENTORY_BYTES) {
        free(buf);
        *st = !buf ? EB_ERR_NOMEM : EB_ERR_IO;
        snprintf(msg, msg_len, "%s: %s", path,
                 !buf ? "out of memory" : err ? "read error" : "larger than 4 MiB");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char *const top_keys[] = {"inventory", "jobs", "retries", "timeout_s", "devices"};

eb_status eb_inventory_load(const char *path, const char *self_exe, eb_inventory **out,
                            char *msg, size_t msg_len)
{
    *out = NULL;
    eb_status st = EB_OK;
    size_t len = 0;
    char *text = read_all(path, &len, msg, msg_len, &st);
    if (!text)
        return st;
    eb_inventory *inv = calloc(1, sizeof *inv);
    eb_ynode *root = NULL;
    char absdir[PATH_MAX];
    if (!inv || !(inv->path = strdup(path))) {
        snprintf(msg, msg_len, "%s: out of memory", path);
        st = EB_ERR_NOMEM;
        goto done;
    }
    {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", path);
        char *slash = strrchr(tmp, '/');
        const char *d = slash ? (slash == tmp ? "/" : (*slash = '\0', tmp)) : ".";
        if (!realpath(d, absdir))
            snprintf(absdir, sizeof absdir, "%s", d);
        if (!(inv->dir = strdup(absdir))) {
            st = EB_ERR_NOMEM;
            goto done;
        }
    }
    loader L = {.path = path, .dir = inv->dir, .msg = msg, .msg_len = msg_len};
    eb_yaml_error yerr;
    if (eb_yaml_parse(text, len, 0, &root, &yerr) != EB_OK) {
        snprintf(msg, msg_len, "%s:%d:%d: not valid YAML: %s", path, yerr.line, yerr.col,
                 yerr.text);
        st = EB_ERR_FORMAT;
        goto done;
    }
    st = EB_ERR_FORMAT;
    if (!root || root->type != EB_Y_MAP) {
        bad(&L, root, "an inventory is a map with 'inventory: 1' and 'devices'");
        goto done;
    }
    if (check_keys(&L, root, "inventory", top_keys, 5) < 0)
        goto done;
    const eb_ynode *v = eb_ynode_get(root, "inventory");
    int version = 0;
    if (!v) {
        bad(&L, root, "no 'inventory: 1' (the inventory format version)");
        goto done;
    }
    if (get_int(&L, v, "inventory", 1, 1, &version) < 0)
        goto done;
    inv->jobs = 4;
    int retries = 0;
    double timeout_s = 900;
    if ((v = eb_ynode_get(root, "jobs")) && get_int(&L, v, "jobs", 1, 256, &inv->jobs) < 0)
        goto done;
    if ((v = eb_ynode_get(root, "retries")) && get_int(&L, v, "retries", 0, 100, &retries) < 0)
        goto done;
    if ((v = eb_ynode_get(root, "timeout_s")) &&
        get_num(&L, v, "timeout_s", 0.1, 7 * 86400.0, &timeout_s) < 0)
        goto done;
    const eb_ynode *devs = eb_ynode_get(root, "devices");
    if (!devs || devs->type != EB_Y_SEQ || devs->n == 0) {
        bad(&L, devs ? devs : root, "'devices' must be a non-empty list of devices");
        goto done;
    }
    inv->devices = calloc((size_t)devs->n, sizeof *inv->devices);
    if (!inv->devices) {
        snprintf(msg, msg_len, "%s: out of memory", path);
        st = EB_ERR_NOMEM;
        goto done;
    }
    for (int i = 0; i < devs->n; i++) {
        inv->n_devices = i + 1;
        if (load_device(&L, devs->kids[i], &inv->devices[i], self_exe, timeout_s, retries) < 0)
            goto done;
        for (int j = 0; j < i; j++)
            if (strcmp(inv->devices[j].id, inv->devices[i].id) == 0) {
                bad(&L, eb_ynode_get(devs->kids[i], "id"), "device id '%s' used twice",
                    inv->devices[i].id);
                goto done;
            }
    }
    st = EB_OK;
done:
    eb_ynode_free(root);
    free(text);
    if (st != EB_OK) {
        eb_inventory_free(inv);
        return st;
    }
    *out = inv;
    return EB_OK;
}

const char *eb_farm_device_where(const eb_farm_device *d, char *buf, size_t len)
{
    if (d->transport == EB_FARM_SSH) {
        snprintf(buf, len, "%s%s%s:%d", d->user ? d->user : "", d->user ? "@" : "", d->host,
                 d->port);
    } else if (d->transport == EB_FARM_EXEC) {
        size_t k = 0;
        buf[0] = '\0';
        for (int i = 0; i < d->command.n && k + 1 < len; i++) {
            int w = snprintf(buf + k, len - k, "%s%s", i ? " " : "", d->command.v[i]);
            if (w < 0)
                break;
            k += (size_t)w;
        }
    } else {
        snprintf(buf, len, "local");
    }
    return buf;
}
