/* The simd backend's thread pool: created once when the backend is opened
 * (threads - 1 workers; the calling thread is the last one), reused by every
 * inference, so a run never creates a thread. One parallel section at a time;
 * a ctx and its plans are used by one caller thread at a time (backend.h). */
#ifndef EB_SIMD_POOL_H
#define EB_SIMD_POOL_H

typedef struct eb_simd_pool eb_simd_pool;

/* fn(arg, task, thread) for task in [0, n_tasks); thread in [0, threads) says
 * which thread runs it (to pick per-thread scratch). */
typedef void (*eb_simd_task_fn)(void *arg, int task, int thread);

/* threads < 1 is taken as 1 (no workers). Returns NULL when out of memory or
 * when a thread cannot be created. */
eb_simd_pool *eb_simd_pool_create(int threads);
void eb_simd_pool_destroy(eb_simd_pool *p); /* NULL is a no-op; joins the workers */

int eb_simd_pool_threads(const eb_simd_pool *p); /* 1 for NULL */

/* Run every task and return when all are done. Tasks are handed out in
 * order, dynamically; with one thread (or NULL pool) they run inline. */
void eb_simd_pool_run(eb_simd_pool *p, int n_tasks, eb_simd_task_fn fn, void *arg);

#endif
