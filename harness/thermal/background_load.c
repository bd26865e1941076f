/* Background load: threads competing with the model for cores, caches and
 * memory bandwidth, in a helper process the cell kills when it ends. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/thermal/thermal.h"

static volatile uint64_t sink_u;
static volatile double sink_d;

static void *load_cpu(void *arg)
{
    (void)arg;
    uint64_t x = 88172645463325252ull;
    for (;;) {
        for (int i = 0; i < 1 << 20; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        sink_u = x;
    }
    return NULL;
}

static void *load_fp(void *arg)
{
    (void)arg;
    /* eight independent chains keep the FP pipes busy */
    double a[8] = {1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7};
    for (;;) {
        for (int i = 0; i < 1 << 20; i++)
            for (int k = 0; k < 8; k++)
                a[k] = a[k] * 0.9999999 + 1e-7;
        sink_d = a[0] + a[7];
    }
    return NULL;
}

static void *load_memory(void *arg)
{
    (void)arg;
    size_t n = (64u << 20) / sizeof(uint64_t);
    uint64_t *buf = malloc(n * sizeof *buf);
    if (!buf)
        return load_cpu(NULL);
    for (size_t i = 0; i < n; i++)
        buf[i] = i;
    for (;;) {
        uint64_t s = 0;
        for (size_t i = 0; i < n; i += 8) { /* one cache line per step */
            s += buf[i];
            buf[i] = s;
        }
        sink_u = s;
    }
    return NULL;
}

pid_t eb_background_load_start(int threads, const char *load, char *msg, size_t msg_len)
{
    void *(*fn)(void *) = load_cpu;
    if (load && strcmp(load, "fp") == 0)
        fn = load_fp;
    else if (load && strcmp(load, "memory") == 0)
        fn = load_memory;
    else if (load && strcmp(load, "cpu") != 0) {
        snprintf(msg, msg_len, "background_load: unknown load '%s' (cpu, fp, memory)", load);
        return 0;
    }
    if (threads < 1)
        threads = 1;
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, msg_len, "background_load: cannot fork: %s", strerror(errno));
        return 0;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        signal(SIGINT, SIG_IGN);
        if (getppid() != parent)
            _exit(0);
        for (int i = 1; i < threads; i++) {
            pthread_t t;
            pthread_create(&t, NULL, fn, NULL);
        }
        fn(NULL);
        _exit(0);
    }
    return pid;
}

void eb_background_load_stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}
