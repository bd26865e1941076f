/* Throttle emulation: a process gets duty x period of every period, by
 * signals (SIGSTOP / SIGCONT from a helper process) or by cgroup v2 cpu.max. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/thermal/thermal.h"

/* The duty cycle (see thermal.h): absolute times, so a late wake-up
 * shortens the phase it ends instead of shifting every later one. */
void eb_throttle_schedule(uint64_t start_ns, double duty, int period_ms,
                          const eb_throttle_ops *ops)
{
    uint64_t period = (uint64_t)period_ms * 1000000ull;
    uint64_t on = (uint64_t)(duty * (double)period);
    for (uint64_t k = 0;; k++) {
        if (!ops->alive(ops->arg))
            return;
        ops->sleep_until(ops->arg, start_ns + k * period + on);
        ops->set_running(ops->arg, 0);
        ops->sleep_until(ops->arg, start_ns + (k + 1) * period);
        ops->set_running(ops->arg, 1);
    }
}

/* The helper process's side of the schedule: the real clock and signals. */
typedef struct helper_ctx {
    pid_t starter, target;
} helper_ctx;

static int helper_alive(void *arg)
{
    helper_ctx *c = arg;
    /* the cell (or whoever started the throttle) is gone: stop */
    return getppid() == c->starter && kill(c->target, 0) == 0;
}

static void helper_sleep_until(void *arg, uint64_t t_ns)
{
    (void)arg;
    struct timespec ts = {.tv_sec = (time_t)(t_ns / 1000000000ull),
                          .tv_nsec = (long)(t_ns % 1000000000ull)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static void helper_set_running(void *arg, int running)
{
    helper_ctx *c = arg;
    kill(c->target, running ? SIGCONT : SIGSTOP);
}

/* The helper: runs until killed (or its parent dies). */
static void helper_loop(pid_t starter, pid_t target, double duty, int period_ms)
{
    helper_ctx c = {.starter = starter, .target = target};
    eb_throttle_ops ops = {.arg = &c, .alive = helper_alive, .sleep_until = helper_sleep_until,
                           .set_running = helper_set_running};
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    eb_throttle_schedule((uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec, duty,
                         period_ms, &ops);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* The target's cgroup v2 path ("/user.slice/...") from /proc/PID/cgroup. */
static int own_cgroup(pid_t pid, char *out, size_t len)
{
    char p[64], line[1024];
    snprintf(p, sizeof p, "/proc/%d/cgroup", (int)pid);
    FILE *f = fopen(p, "r");
    if (!f)
        return -1;
    int found = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, len, "%.500s", line + 3);
            found = 0;
        }
    fclose(f);
    return found;
}

static eb_status cgroup_start(eb_throttle *t, double duty, int period_ms, const char *root,
                              char *msg, size_t msg_len)
{
    /* the unified hierarchy: /sys/fs/cgroup, or .../unified on a hybrid
     * (v1 + v2) host */
    const char *mount = root && root[0] ? root : "/sys/fs/cgroup";
    if (!(root && root[0]) && access("/sys/fs/cgroup/cgroup.controllers", F_OK) != 0 &&
        access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0)
        mount = "/sys/fs/cgroup/unified";
    char rel[512], dir[1024], p[1200], ctl[256] = "";
    if (own_cgroup(t->target, rel, sizeof rel) != 0) {
        snprintf(msg, msg_len, "throttle method cgroup: no cgroup v2 entry in /proc/%d/cgroup "
                               "(cgroup v1 host): use method signal", (int)t->target);
        return EB_ERR_UNAVAILABLE;
    }
    snprintf(dir, sizeof dir, "%s%s", mount, strcmp(rel, "/") == 0 ? "" : rel);
    snprintf(p, sizeof p, "%s/cgroup.controllers", dir);
    FILE *f = fopen(p, "r");
    if (!f || !fgets(ctl, sizeof ctl, f)) {
        if (f)
            fclose(f);
        snprintf(msg, msg_len, "throttle method cgroup: cannot read %s (%s): cgroup2 is not "
                               "mounted there; use method signal", p, strerror(errno));
        return EB_ERR_UNAVAILABLE;
    }
    fclose(f);
    if (!strstr(ctl, "cpu")) {
        ctl[strcspn(ctl, "\n")] = '\0';
        snprintf(msg, msg_len, "throttle method cgroup: the cpu controller is not delegated to %s "
                               "(it has: %s); use method signal", dir, ctl[0] ? ctl : "none");
        return EB_ERR_UNAVAILABLE;
    }
    snprintf(t->cgroup, sizeof t->cgroup, "%.1000s/edgebench-throttle-%d", dir, (int)t->target);
    snprintf(t->origin, sizeof t->origin, "%.1000s/cgroup.procs", dir);
    /* cpu must be enabled for children; a no-op when it already is */
    snprintf(p, sizeof p, "%s/cgroup.subtree_control", dir);
    write_file(p, "+cpu");
    if (mkdir(t->cgroup, 0755) != 0 && errno != EEXIST) {
        snprintf(msg, msg_len, "throttle method cgroup: cannot create %s: %s", t->cgroup,
                 strerror(errno));
        t->cgroup[0] = '\0';
        return EB_ERR_UNAVAILABLE;
    }
    long long period_us = (long long)period_ms * 1000, quota = (long long)(duty * period_us);
    if (quota < 1000)
        quota = 1000; /* the kernel's minimum quota is 1 ms */
    char val[64], pid[32];
    snprintf(val, sizeof val, "%lld %lld", quota, period_us);
    snprintf(p, sizeof p, "%s/cpu.max", t->cgroup);
    snprintf(pid, sizeof pid, "%d", (int)t->target);
    char p2[1200];
    snprintf(p2, sizeof p2, "%s/cgroup.procs", t->cgroup);
    if (write_file(p, val) != 0 || write_file(p2, pid) != 0) {
        snprintf(msg, msg_len, "throttle method cgroup: cannot set %s or move the cell into it: "
                               "%s (a cgroup with processes cannot delegate cpu to children)",
                 p, strerror(errno));
        rmdir(t->cgroup);
        t->cgroup[0] = '\0';
        return EB_ERR_UNAVAILABLE;
    }
    return EB_OK;
}

eb_status eb_throttle_start(eb_throttle *t, pid_t target, double duty, int period_ms,
                            const char *method, const char *cgroup_root, char *msg,
                            size_t msg_len)
{
    memset(t, 0, sizeof *t);
    t->target = target;
    if (!(duty > 0 && duty <= 1) || period_ms < 2) {
        snprintf(msg, msg_len, "throttle: duty %g must be in (0, 1] and period_ms %d at least 2",
                 duty, period_ms);
        return EB_ERR_INVALID_ARG;
    }
    if (method && strcmp(method, "cgroup") == 0) {
        t->method = 1;
        return cgroup_start(t, duty, period_ms, cgroup_root, msg, msg_len);
    }
    if (duty >= 1)
        return EB_OK; /* full duty: nothing to stop */
    pid_t starter = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, msg_len, "throttle: cannot fork the helper: %s", strerror(errno));
        return EB_ERR_IO;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        signal(SIGINT, SIG_IGN);
        /* the helper sleeps almost always; a real-time priority (where
         * allowed) keeps its schedule on a busy machine, else the highest
         * nice level it may take */
        struct sched_param sp = {.sched_priority = 1};
        if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
            (void)!setpriority(PRIO_PROCESS, 0, -20);
        helper_loop(starter, target, duty, period_ms);
        _exit(0);
    }
    t->helper = pid;
    return EB_OK;
}

void eb_throttle_stop(eb_throttle *t)
{
    if (t->helper > 0) {
        kill(t->helper, SIGKILL);
        while (waitpid(t->helper, NULL, 0) < 0 && errno == EINTR)
            ;
        t->helper = 0;
        kill(t->target, SIGCONT); /* in case the helper died between stop and continue */
    }
    if (t->cgroup[0]) {
        char pid[32];
        snprintf(pid, sizeof pid, "%d", (int)t->target);
        write_file(t->origin, pid);
        rmdir(t->cgroup);
        t->cgroup[0] = '\0';
    }
}
