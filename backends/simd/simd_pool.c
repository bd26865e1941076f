/* Thread pool (see simd_pool.h). Workers wait for a new section, spinning
 * briefly first: a CNN inference is dozens of parallel sections a few
 * hundred microseconds long, and a futex wake-up per section would cost a
 * noticeable share of that. After the spin they sleep on a condition
 * variable, so an idle pool costs nothing.
 *
 * Why a ticket can never belong to two sections. The section's generation
 * and its ticket counter live in ONE 64-bit atomic word (generation in the
 * high half, next ticket in the low half), and a ticket is taken by a
 * compare-and-swap of that whole word. The section's function, argument and
 * task count are read between loading the word and the CAS; the CAS
 * succeeds only if the word is unchanged, i.e. the section the worker read
 * is still the one posted. Before the caller writes the next section's
 * function and count, it closes the finished section by storing (generation,
 * CLOSED) into the word, so any worker still holding the old word fails its
 * CAS, and one that loads the closed word sees no ticket left. Generations
 * only grow, so a stale word can never compare equal again (no ABA within
 * 2^32 sections of one worker's stall). All accesses are sequentially
 * consistent, which is what makes "the CAS saw the old word, so the
 * parameters it read belong to that word's section" hold.
 *
 * The earlier design took a ticket from a separate counter and read the
 * task count afterwards: a worker that slept between the two could take
 * ticket t of section k, then read section k+1's count and function and
 * run task t of k+1, which k+1's counter hands out again. The task ran
 * twice, `done` was over-counted, and the caller could return while a task
 * was still writing its output.
 *
 * The caller returns only when `done` reaches the section's task count; a
 * task is counted after it returned, and only tickets below the count of
 * their own section are ever run, so every task of the section has finished
 * (and no task of another section was counted) when it returns. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "backends/simd/simd_pool.h"

#define SPIN_ROUNDS 2000
#define TICKET_BITS 32
#define TICKET_MASK 0xffffffffull
#define TICKET_CLOSED TICKET_MASK /* above any task count (n_tasks is an int) */

struct eb_simd_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    _Atomic uint64_t section; /* generation << 32 | next ticket */
    atomic_int done;          /* tasks of the current section finished */
    _Atomic int n_tasks;
    _Atomic(eb_simd_task_fn) fn;
    _Atomic(void *) arg;
    atomic_int stop;
};

typedef struct worker_arg {
    eb_simd_pool *pool;
    int index;
} worker_arg;

static inline uint32_t word_generation(uint64_t w) { return (uint32_t)(w >> TICKET_BITS); }
static inline uint64_t word_ticket(uint64_t w) { return w & TICKET_MASK; }

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Take tasks of section `gen` until none is left or the section changed. */
static void drain(eb_simd_pool *p, uint32_t gen, int thread)
{
    uint64_t w = atomic_load(&p->section);
    for (;;) {
        if (word_generation(w) != gen)
            return; /* closed and replaced: nothing of ours is left */
        uint64_t t = word_ticket(w);
        int n = atomic_load(&p->n_tasks);
        eb_simd_task_fn fn = atomic_load(&p->fn);
        void *arg = atomic_load(&p->arg);
        if (t >= (uint64_t)n)
            return; /* every ticket handed out (or the section closed) */
        /* on failure w is reloaded and the section checked again */
        if (!atomic_compare_exchange_weak(&p->section, &w, w + 1))
            continue;
        fn(arg, (int)t, thread);
        atomic_fetch_add(&p->done, 1);
        w = atomic_load(&p->section);
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
    uint32_t seen = 0;
    for (;;) {
        uint32_t gen;
        int spins = 0;
        while ((gen = word_generation(atomic_load(&p->section))) == seen && spins < SPIN_ROUNDS &&
               !atomic_load(&p->stop)) {
            cpu_relax();
            spins++;
        }
        if (gen == seen) {
            pthread_mutex_lock(&p->mu);
            while ((gen = word_generation(atomic_load(&p->section))) == seen &&
                   !atomic_load(&p->stop))
                pthread_cond_wait(&p->wake, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->stop))
            return NULL;
        seen = gen;
        drain(p, gen, index);
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
    /* generation 0 is closed: a worker that starts early finds no ticket */
    atomic_init(&p->section, (uint64_t)TICKET_CLOSED);
    atomic_init(&p->done, 0);
    atomic_init(&p->n_tasks, 0);
    atomic_init(&p->fn, NULL);
    atomic_init(&p->arg, NULL);
    atomic_init(&p->stop, 0);
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
        atomic_store(&p->stop, 1);
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
    /* The previous section is closed (its word holds TICKET_CLOSED, see
     * below), so no worker can take a ticket while the parameters change. */
    uint32_t gen = word_generation(atomic_load(&p->section)) + 1;
    atomic_store(&p->done, 0);
    atomic_store(&p->fn, fn);
    atomic_store(&p->arg, arg);
    atomic_store(&p->n_tasks, n_tasks);
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->section, (uint64_t)gen << TICKET_BITS); /* ticket 0 of the new section */
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    drain(p, gen, 0);
    /* Wait for the tasks, not for the workers: a worker that is asleep or
     * not scheduled (a busy machine) costs nothing; the caller has taken
     * its share of the tasks meanwhile. */
    for (int spins = 0; atomic_load(&p->done) < n_tasks; spins++) {
        cpu_relax();
        if (spins > SPIN_ROUNDS) /* the worker holding a task was descheduled */
            sched_yield();
    }
    /* Close the section before the next one's parameters are written: a
     * worker still holding this section's word fails its CAS from now on. */
    atomic_store(&p->section, ((uint64_t)gen << TICKET_BITS) | TICKET_CLOSED);
}
