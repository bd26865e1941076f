/* "chaos": a test-only backend plugin that misbehaves on request, so the
 * harness's isolation can be tested against a real crash, hang or failure.
 * It claims every node and computes nothing (outputs are zero-filled).
 *
 * Options: mode=ok|fail|crash|abort|hang (default ok), after=N (behave for
 * N runs first, default 0), delay_us=N (busy-wait per run, default 0),
 * fail_in=open|prepare|run (where mode=fail strikes, default run),
 * prepare_delay_us=N (busy-wait in prepare: a slow start-up), first_delay_us=N
 * (extra busy-wait in the first run only: a cold first inference). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "edgebench/backend.h"

struct eb_backend_ctx {
    char mode[16];
    char fail_in[16];
    long after;
    long delay_us;
    long prepare_delay_us;
    long first_delay_us;
    long runs;
};

struct eb_plan {
    int unused;
};

static eb_status chaos_probe(const eb_host *h, char *why, size_t len)
{
    (void)h;
    (void)why;
    (void)len;
    return EB_OK;
}

static eb_status chaos_open(const eb_backend_options *o, eb_backend_ctx **out, char *msg, size_t len)
{
    eb_backend_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return EB_ERR_NOMEM;
    snprintf(c->mode, sizeof c->mode, "ok");
    snprintf(c->fail_in, sizeof c->fail_in, "run");
    for (int i = 0; o && i < o->n_options; i++) {
        if (strcmp(o->keys[i], "mode") == 0)
            snprintf(c->mode, sizeof c->mode, "%s", o->values[i]);
        else if (strcmp(o->keys[i], "fail_in") == 0)
            snprintf(c->fail_in, sizeof c->fail_in, "%s", o->values[i]);
        else if (strcmp(o->keys[i], "after") == 0)
            c->after = atol(o->values[i]);
        else if (strcmp(o->keys[i], "delay_us") == 0)
            c->delay_us = atol(o->values[i]);
        else if (strcmp(o->keys[i], "prepare_delay_us") == 0)
            c->prepare_delay_us = atol(o->values[i]);
        else if (strcmp(o->keys[i], "first_delay_us") == 0)
            c->first_delay_us = atol(o->values[i]);
        else {
            snprintf(msg, len, "chaos: unknown option '%s'", o->keys[i]);
            free(c);
            return EB_ERR_INVALID_ARG;
        }
    }
    if (strcmp(c->mode, "fail") == 0 && strcmp(c->fail_in, "open") == 0) {
        snprintf(msg, len, "chaos: failing in open as asked");
        free(c);
        return EB_ERR_BACKEND;
    }
    *out = c;
    return EB_OK;
}

static void chaos_close(eb_backend_ctx *c) { free(c); }

static int chaos_supports(eb_backend_ctx *c, const eb_graph *g, int node, char *why, size_t len)
{
    (void)c;
    (void)g;
    (void)node;
    (void)why;
    (void)len;
    return 1;
}

/* Busy-waits on the harness's own measurement clock (common/clock.h):
 * CLOCK_MONOTONIC is slewed by NTP while the harness reads
 * CLOCK_MONOTONIC_RAW, so a 50 ms wait on the former measured 49.99936 ms
 * on the latter in CI, below the bound the tests rely on. */
static void busy_wait_us(long us)
{
    uint64_t t0 = eb_now_ns();
    while (eb_now_ns() - t0 < (uint64_t)us * 1000u)
        ;
}

static eb_status chaos_prepare(eb_backend_ctx *c, const eb_model *m, eb_plan **out, char *msg,
                               size_t len)
{
    (void)m;
    if (strcmp(c->mode, "fail") == 0 && strcmp(c->fail_in, "prepare") == 0) {
        snprintf(msg, len, "chaos: failing in prepare as asked");
        return EB_ERR_BACKEND;
    }
    if (c->prepare_delay_us)
        busy_wait_us(c->prepare_delay_us);
    *out = calloc(1, sizeof **out);
    return *out ? EB_OK : EB_ERR_NOMEM;
}

static eb_status chaos_run(eb_backend_ctx *c, eb_plan *p, const eb_value *in, int n_in,
                           eb_value *out, int n_out, char *msg, size_t len)
{
    (void)p;
    (void)in;
    (void)n_in;
    if (c->delay_us)
        busy_wait_us(c->delay_us);
    if (c->runs == 0 && c->first_delay_us)
        busy_wait_us(c->first_delay_us);
    for (int i = 0; i < n_out; i++)
        memset(out[i].data, 0, out[i].nbytes);
    if (c->runs++ < c->after || strcmp(c->mode, "ok") == 0)
        return EB_OK;
    if (strcmp(c->mode, "fail") == 0) {
        snprintf(msg, len, "chaos: failing in run %ld as asked", c->runs);
        return EB_ERR_BACKEND;
    }
    if (strcmp(c->mode, "crash") == 0) {
        fprintf(stderr, "chaos: about to crash\n");
        fflush(stderr);
        raise(SIGSEGV);
    }
    if (strcmp(c->mode, "abort") == 0)
        abort();
    if (strcmp(c->mode, "hang") == 0)
        for (;;)
            pause();
    return EB_OK;
}

static void chaos_release(eb_backend_ctx *c, eb_plan *p)
{
    (void)c;
    free(p);
}

static const char *const chaos_ops[] = {NULL};

static const eb_backend chaos = {
    .abi_version = EB_BACKEND_ABI_VERSION,
    .struct_size = sizeof(eb_backend),
    .name = "chaos",
    .version = "1",
    .description = "test-only backend that fails, crashes or hangs on request",
    .probe = chaos_probe,
    .open = chaos_open,
    .close = chaos_close,
    .supports = chaos_supports,
    .prepare = chaos_prepare,
    .run = chaos_run,
    .release = chaos_release,
    .ops = chaos_ops,
};

const eb_backend *edgebench_backend_entry(void) { return &chaos; }
