/* The farm scheduler (farm.h): workers per device, bounded concurrency,
 * timeouts, retries, Ctrl-C, and merging into the farm file. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/number_text.h"
#include "harness/farm/device_job.h"
#include "harness/farm/farm.h"
#include "harness/farm/inventory.h"
#include "harness/farm/stage.h"
#include "harness/farm/transport.h"
#include "results/merge.h"
#include "results/results.h"
#include "results/store.h"

#define LOG_TAIL_BYTES 8192

typedef struct slot {
    const eb_farm_device *dev;
    int selected;
    int started;          /* at least one attempt started */
    int done;
    int attempts;
    pid_t pid;            /* running worker, 0 when none */
    double t_start;       /* of this attempt */
    double t_total;       /* all attempts */
    double deadline;
    double not_before;    /* retry delay */
    int timed_out, killed;
    eb_farm_status status;
    char msg[1024];
    char version[64];
    size_t runs;
    char log_path[4200];
    char results[4200];
    char status_path[4200];
} slot;

static volatile sig_atomic_t interrupts;

static void on_signal(int sig)
{
    /* SIGHUP: the terminal is gone, nobody presses Ctrl-C twice */
    interrupts += sig == SIGHUP ? 2 : 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int selected(const eb_farm_options *o, const eb_farm_device *d)
{
    int ok = o->n_only_ids == 0;
    for (int i = 0; i < o->n_only_ids && !ok; i++)
        ok = strcmp(o->only_ids[i], d->id) == 0;
    if (!ok)
        return 0;
    if (o->n_only_tags == 0)
        return 1;
    for (int i = 0; i < o->n_only_tags; i++)
        for (int k = 0; k < d->n_tags; k++)
            if (strcmp(o->only_tags[i], d->tags[k]) == 0)
                return 1;
    return 0;
}

/* farm --set gives the scenario a meter command (the staged scenario
 * already has it checked; the device's run needs the flag too). */
static int sets_command(const eb_farm_options *o)
{
    const char *key = "metrics.power_command=";
    int found = 0;
    for (int i = 0; i < o->n_sets; i++)
        if (strncmp(o->sets[i], key, strlen(key)) == 0)
            found = o->sets[i][strlen(key)] != '\0';
    return found;
}

/* A device's own `set:` gives the scenario a meter command. */
static const char *device_set_command(const eb_farm_device *d)
{
    const char *key = "metrics.power_command=";
    const char *found = NULL;
    for (int i = 0; i < d->n_sets; i++)
        if (strncmp(d->sets[i], key, strlen(key)) == 0)
            found = d->sets[i][strlen(key)] ? d->sets[i] : NULL; /* the last one counts */
    return found;
}

/* What the inventory and the scenario would run, checked against the
 * command line's consent before anything starts (docs/security.md). */
static int consent(const eb_farm_options *o, const eb_inventory *inv, const slot *slots)
{
    for (int i = 0; i < inv->n_devices; i++) {
        const eb_farm_device *d = &inv->devices[i];
        if (!slots[i].selected)
            continue;
        if (d->runs_here_key && !o->trust_inventory) {
            fprintf(o->log,
                    "edgebench farm: %s:%d:%d: device '%s': %s runs a program of the "
                    "inventory's choosing on this machine (%s); an inventory is data unless "
                    "you say otherwise: add --trust-inventory if you trust %s "
                    "(docs/security.md)\n",
                    o->inventory_path, d->runs_here_line, d->runs_here_col, d->id,
                    d->runs_here_key,
                    d->transport == EB_FARM_EXEC ? "transport exec: command, push and pull"
                                                 : "transport local with its own edgebench",
                    o->inventory_path);
            return -1;
        }
        const char *cmd = device_set_command(d);
        if (cmd && !o->allow_commands) {
            fprintf(o->log,
                    "edgebench farm: %s: device '%s': set: %.300s runs a shell command at every "
                    "sensor sample; commands run only with --allow-commands (docs/security.md)\n",
                    o->inventory_path, d->id, cmd);
            return -1;
        }
    }
    return 0;
}

/* The results a device sent back may only speak for that device: a run
 * or device description under another id (a device claiming to be its
 * neighbour) is refused before anything is merged. */
static int results_are_the_devices(const char *path, const char *id, char *msg, size_t len)
{
    eb_results *r = NULL;
    char why[1024];
    if (eb_results_read(path, 0, &r, why, sizeof why) != EB_OK) {
        snprintf(msg, len, "the results file it sent cannot be read: %.900s", why);
        return 0;
    }
    int ok = 1;
    for (size_t i = 0; i < r->n_devices && ok; i++)
        if (strcmp(r->devices[i].id, id) != 0) {
            snprintf(msg, len, "its results file describes device '%.100s', not '%s': not "
                               "merged (a device files runs only under its own id)",
                     r->devices[i].id, id);
            ok = 0;
        }
    for (size_t i = 0; i < r->n_runs && ok; i++)
        if (strcmp(r->runs[i].device, id) != 0) {
            snprintf(msg, len, "its results file holds runs of device '%.100s', not '%s': not "
                               "merged (a device files runs only under its own id)",
                     r->runs[i].device, id);
            ok = 0;
        }
    eb_results_free(r);
    return ok;
}

/* ---- the worker ------------------------------------------------------- */

static void orphaned(int sig)
{
    (void)sig;
    kill(0, SIGKILL); /* the worker's own process group */
}

static void worker(const eb_farm_job *job, const char *status_path)
{
    char msg[1024], version[64];
    /* one ssh connection for all steps of this device (the stage
     * directory is private and removed at the end of the farm) */
    eb_transport_share_connections(job->stage->dir);
    eb_farm_status st = eb_farm_job_run(job, msg, sizeof msg, version, sizeof version);
    eb_transport_stop_sharing(job->dev, job->log_fd);
    FILE *f = fopen(status_path, "w");
    if (f) {
        fprintf(f, "%s\n%s\n%s\n", eb_farm_status_str(st), version, msg);
        fclose(f);
    }
}

static int start(slot *s, const eb_farm_stage *stage, const eb_farm_options *o,
                 const char *session)
{
    unlink(s->status_path);
    unlink(s->results);
    int log_fd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log_fd < 0) {
        snprintf(s->msg, sizeof s->msg, "cannot write the log %s: %s", s->log_path,
                 strerror(errno));
        return -1;
    }
    s->attempts++;
    dprintf(log_fd, "==== attempt %d of %d\n", s->attempts, s->dev->retries + 1);
    fflush(NULL); /* nothing buffered is written twice by the child */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(log_fd);
        snprintf(s->msg, sizeof s->msg, "cannot start a worker: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* Its own process group: the terminal's Ctrl-C reaches only the
         * parent, which decides; a timeout kills the whole group. */
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGXFSZ, SIG_DFL);
        /* an attempt never outlives the farm: when the parent dies, the
         * worker's whole group goes (its ssh too, which hangs up the run on
         * the device) */
        signal(SIGHUP, orphaned);
        prctl(PR_SET_PDEATHSIG, SIGHUP);
        if (getppid() != parent)
            orphaned(SIGHUP);
        eb_farm_job job = {.dev = s->dev, .stage = stage, .sets = o->sets,
                           .n_sets = o->n_sets, .session = session,
                           .results_local = s->results, .log_fd = log_fd,
                           .allow_commands = o->allow_commands &&
                                             (stage->runs_commands || device_set_command(s->dev) ||
                                              sets_command(o))};
        worker(&job, s->status_path);
        _exit(0);
    }
    setpgid(pid, pid);
    close(log_fd);
    s->pid = pid;
    s->started = 1;
    s->timed_out = s->killed = 0;
    s->t_start = now_s();
    s->deadline = s->t_start + s->dev->timeout_s;
    return 0;
}

static eb_farm_status parse_status(const char *word)
{
    for (int k = EB_FARM_OK; k <= EB_FARM_NOT_RUN; k++)
        if (strcmp(word, eb_farm_status_str((eb_farm_status)k)) == 0)
            return (eb_farm_status)k;
    return EB_FARM_FAILED;
}

/* The worker ended (wait status ws): what came of the attempt. */
static void reaped(slot *s, int ws)
{
    s->pid = 0;
    s->t_total += now_s() - s->t_start;
    if (s->timed_out || s->killed) {
        /* The killed worker's shared ssh connection lives in its own
         * session (ControlPersist): end it, and with it the remote
         * command, instead of leaving it to the remote side. */
        int fd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        eb_transport_stop_sharing(s->dev, fd >= 0 ? fd : 2);
        if (fd >= 0)
            close(fd);
    }
    if (s->timed_out) {
        s->status = EB_FARM_TIMEOUT;
        snprintf(s->msg, sizeof s->msg, "exceeded timeout_s (%g s); ended", s->dev->timeout_s);
        return;
    }
    if (s->killed) {
        s->status = EB_FARM_INTERRUPTED;
        snprintf(s->msg, sizeof s->msg, "ended by a second Ctrl-C");
        return;
    }
    FILE *f = fopen(s->status_path, "r");
    char word[64] = "";
    if (!f || !fgets(word, sizeof word, f) || !fgets(s->version, sizeof s->version, f) ||
        !fgets(s->msg, sizeof s->msg, f)) {
        if (f)
            fclose(f);
        s->status = EB_FARM_FAILED;
        snprintf(s->msg, sizeof s->msg, "the worker ended without a status (wait status %d)",
                 ws);
        return;
    }
    fclose(f);
    word[strcspn(word, "\n")] = '\0';
    s->version[strcspn(s->version, "\n")] = '\0';
    s->msg[strcspn(s->msg, "\n")] = '\0';
    s->status = parse_status(word);
}

static int retryable(eb_farm_status st)
{
    return st == EB_FARM_UNREACHABLE || st == EB_FARM_FAILED || st == EB_FARM_TIMEOUT;
}

/* ---- recording -------------------------------------------------------- */

static char *log_tail(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    char *buf = malloc(LOG_TAIL_BYTES + 1);
    size_t n = 0;
    if (buf) {
        if (fseek(f, 0, SEEK_END) == 0) {
            long size = ftell(f);
            if (size > LOG_TAIL_BYTES)
                fseek(f, size - LOG_TAIL_BYTES, SEEK_SET);
            else
                fseek(f, 0, SEEK_SET);
        }
        n = fread(buf, 1, LOG_TAIL_BYTES, f);
        buf[n] = '\0';
    }
    fclose(f);
    return buf;
}

/* Merge the device's results (if any) and record what happened to it. */
static void record(slot *s, const eb_farm_options *o)
{
    char msg[1024];
    if ((s->status == EB_FARM_OK || s->status == EB_FARM_CELLS_FAILED) &&
        !results_are_the_devices(s->results, s->dev->id, s->msg, sizeof s->msg)) {
        s->status = EB_FARM_FAILED;
        fprintf(o->log, "farm: %s: %s\n", s->dev->id, s->msg);
    }
    if (s->status == EB_FARM_OK || s->status == EB_FARM_CELLS_FAILED) {
        const char *in[] = {s->results};
        FILE *lf = fopen(s->log_path, "a");
        eb_merge_options mo = {.append = 1, .command = o->command_line, .log = lf};
        eb_merge_stats ms;
        eb_status st = eb_merge_files(o->output, in, 1, &mo, &ms, msg, sizeof msg);
        if (lf)
            fclose(lf);
        if (st != EB_OK) {
            s->status = EB_FARM_FAILED;
            snprintf(s->msg, sizeof s->msg, "results fetched but not merged: %.900s", msg);
        } else {
            s->runs = ms.runs_added;
        }
    }
    char where[512], tags[1024] = "", attempts[16], wall[32];
    eb_farm_device_where(s->dev, where, sizeof where);
    for (int i = 0; i < s->dev->n_tags; i++) {
        strncat(tags, i ? "," : "", sizeof tags - strlen(tags) - 1);
        strncat(tags, s->dev->tags[i], sizeof tags - strlen(tags) - 1);
    }
    snprintf(attempts, sizeof attempts, "%d", s->attempts);
    /* to the ms, shortest form: stored as a number (common/number_text.h) */
    eb_number_text_real(round(s->t_total * 1000) / 1000, wall, sizeof wall);
    char *tail = log_tail(s->log_path);
    const char *keys[] = {"tags", "farm_status", "farm_message", "farm_transport", "farm_where",
                          "farm_edgebench_version", "farm_attempts", "farm_wall_s", "farm_log"};
    const char *vals[] = {tags, eb_farm_status_str(s->status), s->msg,
                          eb_farm_transport_str(s->dev->transport), where, s->version,
                          attempts, wall, tail ? tail : ""};
    eb_store *st = NULL;
    eb_status rc = eb_store_open(o->output, 1, &st, msg, sizeof msg);
    if (rc == EB_OK)
        rc = eb_store_put_device(st, s->dev->id, sizeof keys / sizeof *keys, keys, vals, msg,
                                 sizeof msg);
    eb_status crc = eb_store_close(st, NULL, 0);
    if (rc == EB_OK)
        rc = crc;
    if (rc != EB_OK)
        fprintf(o->log, "farm: %s: cannot record the device in %s: %s\n", s->dev->id,
                o->output, msg);
    free(tail);
    unlink(s->results);
    unlink(s->status_path);
}

static void progress(const eb_farm_options *o, const slot *s)
{
    if (o->quiet)
        return;
    if (s->status == EB_FARM_OK || s->status == EB_FARM_CELLS_FAILED)
        fprintf(o->log, "farm: %s: %s, %zu runs merged (%.1f s)%s%s\n", s->dev->id,
                eb_farm_status_str(s->status), s->runs, s->t_total, s->msg[0] ? ": " : "",
                s->msg);
    else
        fprintf(o->log, "farm: %s: %s: %s (log: %s)\n", s->dev->id,
                eb_farm_status_str(s->status), s->msg, s->log_path);
}

static void table(const eb_farm_options *o, const slot *slots, int n)
{
    int measured = 0, total = 0;
    for (int i = 0; i < n; i++)
        if (slots[i].selected) {
            total++;
            measured += slots[i].status == EB_FARM_OK || slots[i].status == EB_FARM_CELLS_FAILED;
        }
    fprintf(o->out, "farm: %s: %d of %d devices measured\n", o->output, measured, total);
    fprintf(o->out, "%-20s %-9s %-13s %5s %8s %8s  %s\n", "device", "transport", "status", "runs",
            "attempts", "time_s", "message");
    for (int i = 0; i < n; i++) {
        const slot *s = &slots[i];
        if (!s->selected)
            continue;
        fprintf(o->out, "%-20s %-9s %-13s %5zu %8d %8.1f  %s\n", s->dev->id,
                eb_farm_transport_str(s->dev->transport), eb_farm_status_str(s->status),
                s->runs, s->attempts, s->t_total, s->msg);
    }
}

/* ---- the loop --------------------------------------------------------- */

eb_job_outcome eb_farm_run(const eb_farm_options *o)
{
    char msg[2048];
    eb_inventory *inv = NULL;
    eb_farm_stage stage = {0};
    slot *slots = NULL;
    int rc = EB_JOB_BAD_INPUT;
    eb_status st = eb_inventory_load(o->inventory_path, o->exe, &inv, msg, sizeof msg);
    if (st != EB_OK) {
        fprintf(o->log, "edgebench farm: %s\n", msg);
        return eb_job_outcome_for_status(st);
    }
    for (int i = 0; i < o->n_only_ids; i++) {
        int found = 0;
        for (int k = 0; k < inv->n_devices && !found; k++)
            found = strcmp(inv->devices[k].id, o->only_ids[i]) == 0;
        if (!found) {
            fprintf(o->log, "edgebench farm: %s: no device '%s'\n", o->inventory_path,
                    o->only_ids[i]);
            goto done;
        }
    }
    slots = calloc((size_t)inv->n_devices, sizeof *slots);
    if (!slots) {
        rc = EB_JOB_FAILED;
        goto done;
    }
    int n_sel = 0;
    for (int i = 0; i < inv->n_devices; i++) {
        slots[i].dev = &inv->devices[i];
        slots[i].selected = selected(o, &inv->devices[i]);
        slots[i].status = EB_FARM_NOT_RUN;
        n_sel += slots[i].selected;
    }
    if (n_sel == 0) {
        fprintf(o->log, "edgebench farm: %s: no device matches the --device/--tag selection\n",
                o->inventory_path);
        goto done;
    }
    if (consent(o, inv, slots) != 0)
        goto done;
    unsigned flags = (o->allow_commands ? EB_STAGE_ALLOW_COMMANDS : 0) |
                     (o->allow_outside_paths ? EB_STAGE_ALLOW_OUTSIDE : 0);
    st = eb_farm_stage_make(o->scenario_path, o->sets, o->n_sets, flags, &stage, msg,
                            sizeof msg);
    if (st != EB_OK) {
        fprintf(o->log, "edgebench farm: %s\n", msg);
        rc = eb_job_outcome_for_status(st);
        goto done;
    }
    eb_store *store = NULL;
    st = eb_store_open(o->output, 0, &store, msg, sizeof msg);
    if (st == EB_OK)
        st = eb_store_set_command(store, o->command_line, msg, sizeof msg);
    eb_status cst = eb_store_close(store, NULL, 0);
    if (st == EB_OK && cst != EB_OK) {
        st = cst;
        snprintf(msg, sizeof msg, "%s: cannot write", o->output);
    }
    if (st != EB_OK) {
        fprintf(o->log, "edgebench farm: %s\n", msg);
        goto done;
    }
    char logdir[4000];
    snprintf(logdir, sizeof logdir, "%s.logs", o->output);
    if (mkdir(logdir, 0755) != 0 && errno != EEXIST) {
        fprintf(o->log, "edgebench farm: cannot make the log directory %s: %s\n", logdir,
                strerror(errno));
        goto done;
    }
    char session[96];
    {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        char ts[32];
        strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
        snprintf(session, sizeof session, "farm-%s-%ld", ts, (long)getpid());
    }
    for (int i = 0; i < inv->n_devices; i++) {
        slot *s = &slots[i];
        snprintf(s->log_path, sizeof s->log_path, "%s/%s.log", logdir, s->dev->id);
        snprintf(s->results, sizeof s->results, "%s/results-%s.h5", stage.dir, s->dev->id);
        snprintf(s->status_path, sizeof s->status_path, "%s/status-%s", stage.dir, s->dev->id);
        if (s->selected)
            unlink(s->log_path); /* this session's log only */
    }

    int jobs = o->jobs > 0 ? o->jobs : inv->jobs;
    eb_transport_share_connections(stage.dir); /* to end a killed worker's connection */
    interrupts = 0;
    struct sigaction sa = {0}, old_int, old_term, old_hup, ign = {0}, old_xfsz, old_pipe;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    /* a full disk or a closed pipe is an error of the write, not a death */
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGXFSZ, &ign, &old_xfsz);
    sigaction(SIGPIPE, &ign, &old_pipe);
    if (!o->quiet)
        fprintf(o->log, "farm: %s on %d devices, %d at a time -> %s (logs in %s)\n",
                stage.scenario_name, n_sel, jobs, o->output, logdir);
    int announced = 0;
    for (;;) {
        double t = now_s();
        int running = 0, pending = 0;
        for (int i = 0; i < inv->n_devices; i++) {
            running += slots[i].pid > 0;
            pending += slots[i].selected && !slots[i].done && slots[i].pid == 0;
        }
        if (interrupts == 1 && !announced && !o->quiet) {
            fprintf(o->log, "farm: stopping: no new devices; running ones finish (Ctrl-C "
                            "again ends them)\n");
            announced = 1;
        }
        if (interrupts >= 2)
            for (int i = 0; i < inv->n_devices; i++)
                if (slots[i].pid > 0 && !slots[i].killed) {
                    slots[i].killed = 1;
                    kill(-slots[i].pid, SIGKILL);
                }
        for (int i = 0; i < inv->n_devices && !interrupts && running < jobs; i++) {
            slot *s = &slots[i];
            if (!s->selected || s->done || s->pid > 0 || t < s->not_before)
                continue;
            if (start(s, &stage, o, session) != 0) {
                s->status = EB_FARM_FAILED;
                s->done = 1;
                record(s, o);
                progress(o, s);
                continue;
            }
            running++;
            if (!o->quiet)
                fprintf(o->log, "farm: %s: started%s\n", s->dev->id,
                        s->attempts > 1 ? " again" : "");
        }
        if (running == 0 && (pending == 0 || interrupts))
            break;
        for (int i = 0; i < inv->n_devices; i++)
            if (slots[i].pid > 0 && !slots[i].timed_out && t > slots[i].deadline) {
                slots[i].timed_out = 1;
                kill(-slots[i].pid, SIGKILL);
            }
        int ws;
        pid_t pid;
        while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
            for (int i = 0; i < inv->n_devices; i++) {
                slot *s = &slots[i];
                if (s->pid != pid)
                    continue;
                /* the group may still hold an ssh the worker started */
                kill(-pid, SIGKILL);
                reaped(s, ws);
                if (retryable(s->status) && s->attempts <= s->dev->retries && !interrupts) {
                    if (!o->quiet)
                        fprintf(o->log, "farm: %s: %s (%s); retrying (%d of %d)\n", s->dev->id,
                                eb_farm_status_str(s->status), s->msg, s->attempts,
                                s->dev->retries);
                    s->not_before = now_s() + 1.0;
                } else {
                    s->done = 1;
                    record(s, o);
                    progress(o, s);
                }
            }
        }
        struct timespec nap = {0, 50 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    rc = EB_JOB_DONE;
    for (int i = 0; i < inv->n_devices; i++) {
        slot *s = &slots[i];
        if (!s->selected)
            continue;
        if (!s->done) {
            /* not started, or waiting for a retry, when Ctrl-C came */
            if (s->started)
                s->status = EB_FARM_INTERRUPTED;
            else
                snprintf(s->msg, sizeof s->msg, "not started: the farm was interrupted");
            s->done = 1;
            record(s, o);
        }
        if (s->status != EB_FARM_OK)
            rc = EB_JOB_FAILED;
    }
    if (interrupts)
        rc = EB_JOB_FAILED;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGXFSZ, &old_xfsz, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    table(o, slots, inv->n_devices);
done:
    eb_farm_stage_free(&stage);
    free(slots);
    eb_inventory_free(inv);
    return rc;
}
