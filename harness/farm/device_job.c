/* The steps of one device's farm run (device_job.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "edgebench/version.h"
#include "harness/farm/device_job.h"
#include "harness/farm/transport.h"

const char *eb_farm_status_str(eb_farm_status s)
{
    switch (s) {
    case EB_FARM_OK: return "ok";
    case EB_FARM_CELLS_FAILED: return "cells_failed";
    case EB_FARM_UNREACHABLE: return "unreachable";
    case EB_FARM_NO_EDGEBENCH: return "no_edgebench";
    case EB_FARM_FAILED: return "failed";
    case EB_FARM_TIMEOUT: return "timeout";
    case EB_FARM_INTERRUPTED: return "interrupted";
    default: return "not_run";
    }
}

__attribute__((format(printf, 2, 3)))
static void logf_(const eb_farm_job *j, const char *fmt, ...)
{
    char ts[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%H:%M:%S", &tm);
    dprintf(j->log_fd, "[%s] ", ts);
    va_list ap;
    va_start(ap, fmt);
    vdprintf(j->log_fd, fmt, ap);
    va_end(ap);
    dprintf(j->log_fd, "\n");
}

/* Log an argv as a shell would show it (for people reading the log only). */
static void log_argv(const eb_farm_job *j, const eb_args *a)
{
    char *line = NULL;
    for (int i = 0; i < a->n; i++)
        if (!(line = eb_shell_quote_append(line, a->v[i])))
            return;
    logf_(j, "$ %s", line ? line : "");
    free(line);
}

static int run_args(const eb_farm_job *j, eb_args *a, char **capture)
{
    if (a->oom) {
        logf_(j, "out of memory");
        return 127;
    }
    log_argv(j, a);
    int rc = eb_transport_spawn(a->v, j->log_fd, capture);
    if (rc != 0)
        logf_(j, "exit status %d", rc);
    return rc;
}

/* Run args on the device (hangup: see eb_transport_command_ex). */
static int on_device_ex(const eb_farm_job *j, const char *const *args, int n, int hangup,
                        char **capture)
{
    eb_args a = {0};
    eb_transport_command_ex(j->dev, args, n, hangup, &a);
    int rc = run_args(j, &a, capture);
    eb_args_free(&a);
    return rc;
}

static int on_device(const eb_farm_job *j, const char *const *args, int n, char **capture)
{
    return on_device_ex(j, args, n, 0, capture);
}

static int copy(const eb_farm_job *j, int to_device, const char *local, const char *remote)
{
    eb_args a = {0};
    eb_transport_copy(j->dev, to_device, local, remote, &a);
    int rc = run_args(j, &a, NULL);
    eb_args_free(&a);
    return rc;
}

static char *join(const char *dir, const char *rel)
{
    size_t len = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s%s%s", dir, dir[0] ? "/" : "", rel);
    return p;
}

/* ---- this machine's filesystem (local, exec without push) ------------- */

static int mkdir_p(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static char *read_small(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* Copy through a temporary name and rename, so a reader never sees half a
 * file under the final name. */
static int copy_file(const char *from, const char *to)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.part", to);
    int in = open(from, O_RDONLY), out = -1, ok = 0;
    if (in >= 0 && (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
        char buf[1 << 16];
        ssize_t n;
        ok = 1;
        while (ok && (n = read(in, buf, sizeof buf)) != 0) {
            if (n < 0) {
                ok = errno == EINTR;
                continue;
            }
            ok = write(out, buf, (size_t)n) == n;
        }
    }
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0)
        ok = 0;
    if (ok && rename(tmp, to) == 0)
        return 0;
    unlink(tmp);
    return -1;
}

/* ---- the steps -------------------------------------------------------- */

typedef struct ctx {
    const eb_farm_job *j;
    int same_fs;
    char *msg;
    size_t msg_len;
} ctx;

__attribute__((format(printf, 3, 4)))
static eb_farm_status fail(ctx *c, eb_farm_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, c->msg_len, fmt, ap);
    va_end(ap);
    logf_(c->j, "%s: %s", eb_farm_status_str(st), c->msg);
    return st;
}

static eb_farm_status check_version(ctx *c, char *version, size_t version_len)
{
    const eb_farm_device *d = c->j->dev;
    if (c->same_fs && access(d->edgebench, X_OK) != 0)
        return fail(c, EB_FARM_NO_EDGEBENCH, "no edgebench program at %s: %s", d->edgebench,
                    strerror(errno));
    const char *args[] = {d->edgebench, "--version"};
    char *out = NULL;
    int rc = on_device(c->j, args, 2, &out);
    eb_farm_status st = EB_FARM_OK;
    if (rc == 255 && d->transport == EB_FARM_SSH)
        st = fail(c, EB_FARM_UNREACHABLE,
                  "cannot connect, authenticate or verify the host key (ssh exit 255; see "
                  "the log)");
    else if ((rc == 127 || rc == 126) && !c->same_fs)
        st = fail(c, EB_FARM_NO_EDGEBENCH, "no edgebench program at '%s' there (exit %d)",
                  d->edgebench, rc);
    else if (rc != 0)
        st = fail(c, EB_FARM_FAILED, "'%s --version' failed (exit %d)", d->edgebench, rc);
    else if (!out || strncmp(out, "edgebench ", 10) != 0)
        st = fail(c, EB_FARM_NO_EDGEBENCH, "'%s --version' did not answer as edgebench does",
                  d->edgebench);
    if (st == EB_FARM_OK) {
        snprintf(version, version_len, "%s", out + 10);
        version[strcspn(version, "\r\n")] = '\0';
        logf_(c->j, "edgebench %s there (this one: %s)%s", version, EB_VERSION_STRING,
              strcmp(version, EB_VERSION_STRING) ? "; versions differ" : "");
    }
    free(out);
    return st;
}

static eb_farm_status prepare_dir(ctx *c, char **manifest)
{
    const eb_farm_device *d = c->j->dev;
    char *models = join(d->work_dir, "models"), *results = join(d->work_dir, "results");
    char *inputs = join(d->work_dir, "inputs");
    char *mpath = join(d->work_dir, EB_FARM_MANIFEST);
    eb_farm_status st = EB_FARM_OK;
    *manifest = NULL;
    if (!models || !results || !inputs || !mpath) {
        st = fail(c, EB_FARM_FAILED, "out of memory");
    } else if (c->same_fs) {
        if (mkdir_p(models) != 0 || mkdir_p(inputs) != 0 || mkdir_p(results) != 0)
            st = fail(c, EB_FARM_FAILED, "cannot make %s: %s", models, strerror(errno));
        else
            *manifest = read_small(mpath);
    } else {
        const char *mk[] = {"mkdir", "-p", "--", models, inputs, results};
        int rc = on_device(c->j, mk, 6, NULL);
        if (rc == 255 && d->transport == EB_FARM_SSH)
            st = fail(c, EB_FARM_UNREACHABLE, "connection lost (ssh exit 255)");
        else if (rc != 0)
            st = fail(c, EB_FARM_FAILED, "cannot make the work directory %s there (exit %d)",
                      d->work_dir, rc);
        else {
            const char *cat[] = {"cat", "--", mpath};
            rc = on_device(c->j, cat, 3, manifest);
            if (rc != 0) { /* no manifest yet: copy everything */
                free(*manifest);
                *manifest = NULL;
            }
        }
    }
    free(models);
    free(inputs);
    free(results);
    free(mpath);
    return st;
}

static eb_farm_status send_files(ctx *c, const char *manifest)
{
    const eb_farm_device *d = c->j->dev;
    const eb_farm_stage *s = c->j->stage;
    int sent = 0, kept = 0;
    unsigned long long bytes = 0;
    for (int i = 0; i < s->n_files; i++) {
        const eb_farm_file *f = &s->files[i];
        if (manifest && eb_farm_manifest_has(manifest, f->rel, f->sha)) {
            kept++;
            continue;
        }
        char *remote = join(d->work_dir, f->rel);
        if (!remote)
            return fail(c, EB_FARM_FAILED, "out of memory");
        int rc = c->same_fs ? (copy_file(f->local, remote) == 0 ? 0 : 1)
                            : copy(c->j, 1, f->local, remote);
        if (rc != 0) {
            eb_farm_status st = fail(c, rc == 255 && d->transport == EB_FARM_SSH
                                            ? EB_FARM_UNREACHABLE : EB_FARM_FAILED,
                                     "cannot copy %s to %s (%s)", f->local, remote,
                                     c->same_fs ? strerror(errno) : "see the log");
            free(remote);
            return st;
        }
        free(remote);
        sent++;
        bytes += f->size;
    }
    /* The manifest goes last: it lists only files that arrived whole. */
    char *text = eb_farm_manifest_text(s);
    char local[4200];
    snprintf(local, sizeof local, "%s/manifest-%s", s->dir, d->id);
    FILE *mf = text ? fopen(local, "w") : NULL;
    int ok = mf && fputs(text, mf) >= 0;
    if (mf && fclose(mf) != 0)
        ok = 0;
    free(text);
    char *mpath = join(d->work_dir, EB_FARM_MANIFEST);
    if (ok && mpath)
        ok = (c->same_fs ? copy_file(local, mpath) : copy(c->j, 1, local, mpath)) == 0;
    free(mpath);
    if (!ok)
        return fail(c, EB_FARM_FAILED, "cannot write the manifest %s there", EB_FARM_MANIFEST);
    logf_(c->j, "files: %d copied (%llu bytes), %d unchanged (by SHA-256)", sent, bytes, kept);
    return EB_FARM_OK;
}

static eb_farm_status run_scenario(ctx *c, const char *remote_results)
{
    const eb_farm_job *j = c->j;
    const eb_farm_device *d = j->dev;
    char *scen = join(d->work_dir, j->stage->scenario_rel);
    int cap = 16 + 2 * (d->n_backends + j->stage->n_backends + j->n_sets + d->n_sets);
    const char **args = calloc((size_t)cap, sizeof *args);
    char **owned = calloc((size_t)j->stage->n_backends + 1, sizeof *owned);
    if (!scen || !args || !owned) {
        free(scen);
        free(args);
        free(owned);
        return fail(c, EB_FARM_FAILED, "out of memory");
    }
    int n = 0;
    args[n++] = d->edgebench;
    args[n++] = "run";
    args[n++] = scen;
    args[n++] = "-o";
    args[n++] = remote_results;
    args[n++] = "--device-id";
    args[n++] = d->id;
    args[n++] = "--quiet";
    if (j->allow_commands)
        args[n++] = "--allow-commands";
    for (int i = 0; i < d->n_backends; i++) {
        args[n++] = "--backend";
        args[n++] = d->backends[i];
    }
    for (int i = 0; i < j->n_sets; i++) {
        args[n++] = "--set";
        args[n++] = j->sets[i];
    }
    /* threads: every backend entry of the scenario */
    for (int i = 0; d->threads > 0 && i < j->stage->n_backends; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "backends.%d.threads=%d", i, d->threads);
        owned[i] = strdup(buf);
        args[n++] = "--set";
        args[n++] = owned[i] ? owned[i] : "";
    }
    for (int i = 0; i < d->n_sets; i++) {
        args[n++] = "--set";
        args[n++] = d->sets[i];
    }
    logf_(j, "running %s there", j->stage->scenario_name);
    /* on a terminal there, so killing this attempt also ends the run */
    int rc = on_device_ex(j, args, n, 1, NULL);
    for (int i = 0; i < j->stage->n_backends; i++)
        free(owned[i]);
    free(owned);
    free(args);
    free(scen);
    if (rc == 0)
        return EB_FARM_OK;
    if (rc == 3 || rc == 1)
        return EB_FARM_CELLS_FAILED; /* results are there: fetch them (1: outputs
                                      * differ from the golden file, docs/outputs.md) */
    if (rc == 255 && d->transport == EB_FARM_SSH)
        return fail(c, EB_FARM_UNREACHABLE, "connection lost during the run (ssh exit 255)");
    if (rc == 2)
        return fail(c, EB_FARM_FAILED, "edgebench there refused the scenario or its options "
                                       "(exit 2; its message is in the log)");
    return fail(c, EB_FARM_FAILED, "edgebench run exited with %d there (see the log)", rc);
}

static eb_farm_status fetch(ctx *c, const char *remote_results)
{
    const eb_farm_job *j = c->j;
    int rc = c->same_fs ? (copy_file(remote_results, j->results_local) == 0 ? 0 : 1)
                        : copy(j, 0, j->results_local, remote_results);
    if (rc != 0)
        return fail(c, rc == 255 && j->dev->transport == EB_FARM_SSH ? EB_FARM_UNREACHABLE
                                                                     : EB_FARM_FAILED,
                    "cannot fetch the results file %s", remote_results);
    /* The device keeps no copy: the farm file is the record. */
    if (c->same_fs) {
        unlink(remote_results);
    } else {
        const char *rm[] = {"rm", "-f", "--", remote_results};
        on_device(j, rm, 4, NULL);
    }
    return EB_FARM_OK;
}

eb_farm_status eb_farm_job_run(const eb_farm_job *j, char *msg, size_t msg_len, char *version,
                               size_t version_len)
{
    ctx c = {.j = j, .same_fs = eb_transport_same_fs(j->dev), .msg = msg, .msg_len = msg_len};
    char where[512];
    version[0] = '\0';
    msg[0] = '\0';
    logf_(j, "device %s (%s, %s), work directory %s", j->dev->id,
          eb_farm_transport_str(j->dev->transport),
          eb_farm_device_where(j->dev, where, sizeof where), j->dev->work_dir);
    eb_farm_status st = check_version(&c, version, version_len);
    char *manifest = NULL;
    if (st == EB_FARM_OK)
        st = prepare_dir(&c, &manifest);
    if (st == EB_FARM_OK)
        st = send_files(&c, manifest);
    free(manifest);
    if (st != EB_FARM_OK)
        return st;
    char rel[300];
    snprintf(rel, sizeof rel, "results/%s.h5", j->session);
    char *remote = join(j->dev->work_dir, rel);
    if (!remote)
        return fail(&c, EB_FARM_FAILED, "out of memory");
    st = run_scenario(&c, remote);
    if (st == EB_FARM_OK || st == EB_FARM_CELLS_FAILED) {
        eb_farm_status fs = fetch(&c, remote);
        if (fs != EB_FARM_OK)
            st = fs;
        else if (st == EB_FARM_CELLS_FAILED)
            snprintf(msg, msg_len, "some cells failed, crashed or timed out there (exit 3)");
    }
    free(remote);
    if (st == EB_FARM_OK || st == EB_FARM_CELLS_FAILED)
        logf_(j, "%s: results fetched to %s", eb_farm_status_str(st), j->results_local);
    return st;
}
