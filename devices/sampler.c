/* The sensor sampler thread (see sampler.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "devices/energy.h"
#include "devices/sampler.h"

struct eb_sampler {
    eb_sensor_set *set;
    uint64_t period_ns;
    pthread_t thread;
    int running;
    int stop;
    pthread_mutex_t mu;     /* guards the sensors' state and the series */
    pthread_cond_t wake;
    eb_series series[EB_SERIES_COUNT];
    int power_is_energy;
    char error[512];
    int oom;
};

static void push(eb_sampler *s, eb_series_kind k, uint64_t t, double v)
{
    eb_series *r = &s->series[k];
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        uint64_t *nt = realloc(r->t_ns, cap * sizeof *nt);
        if (nt)
            r->t_ns = nt;
        double *nv = realloc(r->v, cap * sizeof *nv);
        if (nv)
            r->v = nv;
        if (!nt || !nv) {
            s->oom = 1;
            return;
        }
        r->cap = cap;
    }
    r->t_ns[r->n] = t;
    r->v[r->n] = v;
    r->n++;
}

static int read_one(eb_sampler *s, int idx, double *v)
{
    char why[512];
    if (eb_sensor_read(&s->set->items[idx], v, why, sizeof why) == 0)
        return 0;
    if (!s->error[0])
        snprintf(s->error, sizeof s->error, "%s", why);
    return -1;
}

/* One sample of every chosen sensor; caller holds mu. at: the time to stamp
 * every read with (eb_sampler_sample_at), 0 for the clock at each read. */
static void sample(eb_sampler *s, uint64_t at)
{
    eb_sensor_set *set = s->set;
    if (set->n_power) {
        double sum = 0;
        int ok = 1;
        uint64_t t = at ? at : eb_now_ns();
        for (int i = 0; i < set->n_power; i++) {
            double v;
            if (read_one(s, set->power[i], &v) != 0)
                ok = 0;
            else
                sum += v;
        }
        /* the reads took a moment: stamp them with their middle */
        if (!at)
            t += (eb_now_ns() - t) / 2;
        if (ok)
            push(s, EB_SERIES_POWER, t, sum);
    }
    if (set->temp >= 0) {
        double v;
        uint64_t t = at ? at : eb_now_ns();
        if (read_one(s, set->temp, &v) == 0)
            push(s, EB_SERIES_TEMP, t, v);
    }
    if (set->freq >= 0) {
        double v;
        uint64_t t = at ? at : eb_now_ns();
        if (read_one(s, set->freq, &v) == 0)
            push(s, EB_SERIES_FREQ, t, v);
    }
}

static void *loop(void *arg)
{
    eb_sampler *s = arg;
    pthread_mutex_lock(&s->mu);
    uint64_t next = eb_now_ns() + s->period_ns;
    while (!s->stop) {
        uint64_t now = eb_now_ns();
        if (now >= next) {
            sample(s, 0);
            next += s->period_ns;
            /* Fell behind (the process was stopped, or a read took longer
             * than the period, as a meter command does on a loaded
             * machine): no burst, and the next sample waits a period from
             * now, so the mutex is released in between. Sampling again at
             * once kept it held: eb_sampler_mark on the cell's thread then
             * waited behind back-to-back reads and the cell timed out. */
            uint64_t after = eb_now_ns();
            if (next <= after)
                next = after + s->period_ns;
            continue;
        }
        /* the condition variable's clock is CLOCK_MONOTONIC; only the
         * remaining interval matters, so the clocks need not agree */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t wait = next - now;
        ts.tv_sec += (time_t)(wait / 1000000000ull);
        ts.tv_nsec += (long)(wait % 1000000000ull);
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->wake, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

eb_status eb_sampler_open(eb_sampler **out, eb_sensor_set *set, char *msg, size_t msg_len)
{
    *out = NULL;
    eb_sampler *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(msg, msg_len, "sampler: out of memory");
        return EB_ERR_NOMEM;
    }
    s->set = set;
    for (int i = 0; i < set->n_power; i++)
        if (set->items[set->power[i]].quantity == EB_Q_ENERGY_J)
            s->power_is_energy = 1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);
    *out = s;
    return EB_OK;
}

eb_status eb_sampler_start(eb_sampler **out, eb_sensor_set *set, double period_ms, char *msg,
                           size_t msg_len)
{
    *out = NULL;
    if (period_ms < 1) {
        snprintf(msg, msg_len, "sampler: period %.3g ms is below 1 ms", period_ms);
        return EB_ERR_INVALID_ARG;
    }
    eb_sampler *s;
    eb_status st = eb_sampler_open(&s, set, msg, msg_len);
    if (st != EB_OK)
        return st;
    s->period_ns = (uint64_t)(period_ms * 1e6);
    pthread_mutex_lock(&s->mu);
    sample(s, 0);
    pthread_mutex_unlock(&s->mu);
    int rc = pthread_create(&s->thread, NULL, loop, s);
    if (rc != 0) {
        snprintf(msg, msg_len, "sampler: cannot start its thread: %s", strerror(rc));
        eb_sampler_destroy(s);
        return EB_ERR_IO;
    }
    s->running = 1;
    *out = s;
    return EB_OK;
}

void eb_sampler_mark(eb_sampler *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    sample(s, 0);
    pthread_mutex_unlock(&s->mu);
}

void eb_sampler_sample_at(eb_sampler *s, uint64_t t_ns)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    sample(s, t_ns ? t_ns : 1);
    pthread_mutex_unlock(&s->mu);
}

void eb_sampler_stop(eb_sampler *s)
{
    if (!s || !s->running)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    s->running = 0;
    sample(s, 0);
}

const eb_series *eb_sampler_series(const eb_sampler *s, eb_series_kind k)
{
    return &s->series[k];
}

int eb_sampler_power_is_energy(const eb_sampler *s) { return s->power_is_energy; }

const char *eb_sampler_error(const eb_sampler *s)
{
    return s->oom ? "out of memory for sensor samples" : s->error;
}

double eb_sampler_energy(const eb_sampler *s, uint64_t t0_ns, uint64_t t1_ns)
{
    const eb_series *p = &s->series[EB_SERIES_POWER];
    if (p->n < 2 || t1_ns <= t0_ns)
        return -1;
    double *t = malloc(p->n * sizeof *t);
    if (!t)
        return -1;
    /* seconds from the first sample keep full precision in a double */
    for (size_t i = 0; i < p->n; i++)
        t[i] = (double)(int64_t)(p->t_ns[i] - p->t_ns[0]) * 1e-9;
    double a = (double)(int64_t)(t0_ns - p->t_ns[0]) * 1e-9,
           b = (double)(int64_t)(t1_ns - p->t_ns[0]) * 1e-9;
    double e = s->power_is_energy ? eb_energy_from_counter(t, p->v, p->n, a, b)
                                  : eb_energy_from_power(t, p->v, p->n, a, b);
    free(t);
    return e;
}

void eb_sampler_destroy(eb_sampler *s)
{
    if (!s)
        return;
    eb_sampler_stop(s);
    for (int k = 0; k < EB_SERIES_COUNT; k++) {
        free(s->series[k].t_ns);
        free(s->series[k].v);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->wake);
    free(s);
}
