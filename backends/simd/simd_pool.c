/* Thread pool (see simd_pool.h). Workers wait for a new generation of work,
 * spinning briefly first: a CNN inference is dozens of parallel sections a
 * few hundred microseconds long, and a futex wake-up per section would cost
 * a noticeable share of that. After the spin they sleep on a condition
 * variable, so an idle pool costs nothing. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "simd_pool.h"

#define SPIN_ROUNDS 2000

struct eb_simd_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    atomic_uint generation; /* bumped once per parallel section */
    atomic_int next_task;
    atomic_int done;        /* tasks of the current section finished */
    _Atomic int n_tasks;
    _Atomic(eb_simd_task_fn) fn;
    _Atomic(void *) arg;
    atomic_int stop;
};

typedef struct worker_arg {
    eb_simd_pool *pool;
    int index;
} worker_arg;

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Take tasks until none is left. The section is read after each ticket:
 * a worker that woke late may take a ticket of the next section, and then
 * must run that section's function (the caller publishes it before it
 * resets the ticket counter, everything sequentially consistent). */
static void drain(eb_simd_pool *p, int thread)
{
    for (;;) {
        int t = atomic_fetch_add(&p->next_task, 1);
        if (t >= atomic_load(&p->n_tasks))
            break;
        eb_simd_task_fn fn = atomic_load(&p->fn);
        fn(atomic_load(&p->arg), t, thread);
        atomic_fetch_add(&p->done, 1);
    }
}

static void *worker_main(void *varg)
{
    worker_arg *wa = varg;
    eb_simd_pool *p = wa->pool;
    int index = wa->index;
    free(wa);
    /* 0, not the current value: a section may have been posted before this
     * thread got to run, and it must still take part in it */
    unsigned seen = 0;
    for (;;) {
        unsigned gen;
        int spins = 0;
        while ((gen = atomic_load_explicit(&p->generation, memory_order_acquire)) == seen &&
               spins < SPIN_ROUNDS) {
            cpu_relax();
            spins++;
        }
        if (gen == seen) {
            pthread_mutex_lock(&p->mu);
            while ((gen = atomic_load(&p->generation)) == seen && !p->stop)
                pthread_cond_wait(&p->wake, &p->mu);
            int stop = p->stop;
            pthread_mutex_unlock(&p->mu);
            if (stop)
                return NULL;
        }
        seen = gen;
        if (p->stop)
            return NULL;
        drain(p, index);
    }
}

eb_simd_pool *eb_simd_pool_create(int threads)
{
    eb_simd_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    atomic_init(&p->generation, 0u);
    atomic_init(&p->next_task, 0);
    atomic_init(&p->done, 0);
    atomic_init(&p->n_tasks, 0);
    atomic_init(&p->fn, NULL);
    atomic_init(&p->arg, NULL);
    if (p->threads > 1) {
        p->workers = calloc((size_t)p->threads - 1, sizeof *p->workers);
        if (!p->workers) {
            p->threads = 1;
            eb_simd_pool_destroy(p);
            return NULL;
        }
        for (int i = 0; i < p->threads - 1; i++) {
            worker_arg *wa = malloc(sizeof *wa);
            if (wa) {
                wa->pool = p;
                wa->index = i + 1;
            }
            if (!wa || pthread_create(&p->workers[i], NULL, worker_main, wa) != 0) {
                free(wa);
                p->threads = i + 1; /* join the ones that started */
                eb_simd_pool_destroy(p);
                return NULL;
            }
        }
    }
    return p;
}

void eb_simd_pool_destroy(eb_simd_pool *p)
{
    if (!p)
        return;
    if (p->threads > 1) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        atomic_fetch_add(&p->generation, 1u);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
        for (int i = 0; i < p->threads - 1; i++)
            pthread_join(p->workers[i], NULL);
    }
    free(p->workers);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    free(p);
}

int eb_simd_pool_threads(const eb_simd_pool *p) { return p ? p->threads : 1; }

void eb_simd_pool_run(eb_simd_pool *p, int n_tasks, eb_simd_task_fn fn, void *arg)
{
    if (n_tasks <= 0)
        return;
    if (!p || p->threads == 1 || n_tasks == 1) {
        for (int t = 0; t < n_tasks; t++)
            fn(arg, t, 0);
        return;
    }
    /* No ticket of the previous section is outstanding (all its tasks are
     * done), so the counters can be reset; the ticket counter last. */
    atomic_store(&p->done, 0);
    atomic_store(&p->fn, fn);
    atomic_store(&p->arg, arg);
    atomic_store(&p->n_tasks, n_tasks);
    atomic_store(&p->next_task, 0);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add(&p->generation, 1u);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    drain(p, 0);
    /* Wait for the tasks, not for the workers: a worker that is asleep or
     * not scheduled (a busy machine) costs nothing; the caller has taken
     * its share of the tasks meanwhile. */
    for (int spins = 0; atomic_load(&p->done) < n_tasks; spins++) {
        cpu_relax();
        if (spins > SPIN_ROUNDS) /* the worker holding a task was descheduled */
            sched_yield();
    }
}
