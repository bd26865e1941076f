/* Thread pool (see simd_pool.h). Workers wait for a new section, spinning
 * first: a CNN inference is dozens of parallel sections a few hundred
 * microseconds long, and a futex wake-up per section would cost a
 * noticeable share of that. After SPIN_NS of spinning (a time, not a count
 * of pause instructions: one pause is 15 ns on the Xeon VM this was tuned
 * on, ~140 cycles on other Intel cores, a few on AMD's) they sleep on a
 * condition variable, so an idle pool costs nothing.
 *
 * Who runs which task. Thread i owns the contiguous range of tasks
 * [n*i/T, n*(i+1)/T) and takes them in order; when its own range is done it
 * takes the next tasks of the others' ranges (stealing), so a worker that
 * is asleep or descheduled (a busy machine) only costs its share, never
 * the section. Owned ranges, not first-come tickets, because consecutive
 * steps split their outputs the same way (by output channels, by channel
 * blocks, by rows): with owned ranges a thread mostly reads what it wrote
 * itself one step before, in its own cache. With first-come tickets the
 * split was random per step, and on MobileNet-v2@224 with two threads the
 * tasks of its 14x14 and 7x7 layers ran 1.5-2.5x longer than on one thread,
 * reading the other core's writes.
 *
 * Why a ticket can never belong to two sections. Each range's generation
 * and next ticket live in ONE 64-bit atomic word (generation in the high
 * half, next ticket in the low half), and a ticket is taken by a
 * compare-and-swap of that whole word. The section's function, argument
 * and task count are read between loading the word and the CAS; the CAS
 * succeeds only if the word is unchanged, i.e. the section the thread read
 * is still the one posted. Before the caller writes the next section's
 * function and count, it closes every range of the finished one by storing
 * (generation, CLOSED) into its word, so any thread still holding an old
 * word fails its CAS, and one that loads a closed word sees no ticket
 * left. Generations only grow, so a stale word can never compare equal
 * again (no ABA within 2^32 sections of one thread's stall). All accesses
 * are sequentially consistent, which is what makes "the CAS saw the old
 * word, so the parameters it read belong to that word's section" hold.
 *
 * The earlier design took a ticket from a separate counter and read the
 * task count afterwards: a worker that slept between the two could take
 * ticket t of section k, then read section k+1's count and function and
 * run task t of k+1, which k+1's counter hands out again. The task ran
 * twice, `done` was over-counted, and the caller could return while a task
 * was still writing its output.
 *
 * The caller returns only when `done` reaches the section's task count; a
 * task is counted after it returned, and only tickets inside their range of
 * their own section are ever run, so every task of the section has
 * finished (and no task of another section was counted) when it returns. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/simd/simd_pool.h"

#define SPIN_NS 200000   /* a worker's spin before it sleeps */
#define WAIT_SPINS 2000  /* the caller's spin before it yields */
#define TICKET_BITS 32
#define TICKET_MASK 0xffffffffull
#define TICKET_CLOSED TICKET_MASK /* above any task count (n_tasks is an int) */

/* One thread's range of the current section, alone on its cache line:
 * threads take tickets from each other's ranges only when stealing. */
typedef struct range_word {
    _Alignas(64) _Atomic uint64_t word; /* generation << 32 | next ticket */
} range_word;

/* Fields in four groups, each on cache lines of its own: a store into a
 * line another core is polling takes the line away from it, and it takes
 * it back on its next read. With the parameters, `posted`, `done` and the
 * condition variable on two shared lines, posting a section (its four
 * stores each pulling the line from the spinning worker) took 0.6 us of a
 * two-task section on this 2-vCPU VM, before the caller's own task began. */
struct eb_simd_pool {
    /* set by create, then only read */
    int threads;
    pthread_t *workers;
    range_word *ranges; /* threads of them */
    /* the section: written by the caller before it posts, read after */
    _Alignas(64) _Atomic int n_tasks;
    _Atomic(eb_simd_task_fn) fn;
    _Atomic(void *) arg;
    /* what waiting workers poll */
    _Alignas(64) _Atomic uint32_t posted; /* generation of the newest section */
    atomic_int stop;
    /* what the caller polls */
    _Alignas(64) atomic_int done; /* tasks of the current section finished */
    /* sleeping workers */
    _Alignas(64) pthread_mutex_t mu;
    pthread_cond_t wake;
};

typedef struct worker_arg {
    eb_simd_pool *pool;
    int index;
} worker_arg;

static inline uint32_t word_generation(uint64_t w) { return (uint32_t)(w >> TICKET_BITS); }
static inline uint64_t word_ticket(uint64_t w) { return w & TICKET_MASK; }

/* First task of thread i's range of n tasks (its end is range_start(i+1)). */
static inline uint64_t range_start(int i, int n, int threads)
{
    return (uint64_t)n * (uint64_t)i / (uint64_t)threads;
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Take tasks of section `gen` from range r until it is used up or the
 * section changed; returns how many this thread ran. */
static int drain_range(eb_simd_pool *p, uint32_t gen, int r, int thread)
{
    _Atomic uint64_t *word = &p->ranges[r].word;
    uint64_t w = atomic_load(word);
    int ran = 0;
    for (;;) {
        if (word_generation(w) != gen)
            return ran; /* closed and replaced: nothing of ours is left */
        uint64_t t = word_ticket(w);
        int n = atomic_load(&p->n_tasks);
        eb_simd_task_fn fn = atomic_load(&p->fn);
        void *arg = atomic_load(&p->arg);
        if (t >= range_start(r + 1, n, p->threads))
            return ran; /* every ticket handed out (or the section closed) */
        /* on failure w is reloaded and the section checked again */
        if (!atomic_compare_exchange_weak(word, &w, w + 1))
            continue;
        fn(arg, (int)t, thread);
        ran++;
        w = atomic_load(word);
    }
}

/* The thread's own range, then what is left of the others'. The tasks it
 * ran are counted in `done` once, at the end: counted one by one, `done`'s
 * line went between the cores after every task, while the caller polls
 * it. Until its drain returns a thread is running a task it took (which
 * the caller waits for anyway) or looking for another ticket: that look,
 * a few loads, is all this adds to the window in which a descheduled
 * thread keeps the caller waiting for a task already done (before, the
 * window was the step from a task's return to its count). */
static void drain(eb_simd_pool *p, uint32_t gen, int thread)
{
    int ran = 0;
    for (int k = 0; k < p->threads; k++)
        ran += drain_range(p, gen, (thread + k) % p->threads, thread);
    if (ran)
        atomic_fetch_add(&p->done, ran);
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
        const int64_t spin_end = now_ns() + SPIN_NS;
        for (int spins = 1; (gen = atomic_load(&p->posted)) == seen && !atomic_load(&p->stop);
             spins++) {
            cpu_relax();
            if (spins % 64 == 0 && now_ns() > spin_end)
                break;
        }
        if (gen == seen) {
            pthread_mutex_lock(&p->mu);
            while ((gen = atomic_load(&p->posted)) == seen && !atomic_load(&p->stop))
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
    eb_simd_pool *p = NULL;
    if (posix_memalign((void **)&p, 64, sizeof *p))
        return NULL;
    memset(p, 0, sizeof *p);
    p->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    atomic_init(&p->posted, 0);
    atomic_init(&p->done, 0);
    atomic_init(&p->n_tasks, 0);
    atomic_init(&p->fn, NULL);
    atomic_init(&p->arg, NULL);
    atomic_init(&p->stop, 0);
    if (p->threads > 1) {
        p->workers = calloc((size_t)p->threads - 1, sizeof *p->workers);
        if (posix_memalign((void **)&p->ranges, 64, (size_t)p->threads * sizeof *p->ranges))
            p->ranges = NULL;
        if (!p->workers || !p->ranges) {
            p->threads = 1;
            eb_simd_pool_destroy(p);
            return NULL;
        }
        /* generation 0 is closed: a worker that starts early finds no ticket */
        for (int i = 0; i < p->threads; i++)
            atomic_init(&p->ranges[i].word, (uint64_t)TICKET_CLOSED);
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
    free(p->ranges);
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
    /* Every range of the previous section is closed (see below), so no
     * thread can take a ticket while the parameters change. */
    uint32_t gen = atomic_load(&p->posted) + 1;
    atomic_store(&p->done, 0);
    atomic_store(&p->fn, fn);
    atomic_store(&p->arg, arg);
    atomic_store(&p->n_tasks, n_tasks);
    for (int i = 0; i < p->threads; i++)
        atomic_store(&p->ranges[i].word,
                     (uint64_t)gen << TICKET_BITS | range_start(i, n_tasks, p->threads));
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->posted, gen);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    drain(p, gen, 0);
    /* Wait for the tasks, not for the workers: a worker that is asleep or
     * not scheduled (a busy machine) costs nothing; the caller has taken
     * its share of the tasks meanwhile. */
    for (int spins = 0; atomic_load(&p->done) < n_tasks; spins++) {
        cpu_relax();
        if (spins > WAIT_SPINS) /* the worker holding a task was descheduled */
            sched_yield();
    }
    /* Close the section before the next one's parameters are written: a
     * thread still holding one of this section's words fails its CAS from
     * now on. */
    for (int i = 0; i < p->threads; i++)
        atomic_store(&p->ranges[i].word, (uint64_t)gen << TICKET_BITS | TICKET_CLOSED);
}
