/* Glue-overhead accounting shared by the delegates: how much of a run()
 * is spent outside the vendor library's own call (argument marshalling,
 * layout conversion, dispatch). Off unless EDGEBENCH_DELEGATE_GLUE=1; then
 * close() prints one line to stderr:
 *   "<backend> glue: <ns>/run outside the vendor call, <ns>/run inside (<pct>%)" */
#ifndef EB_DELEGATE_GLUE_H
#define EB_DELEGATE_GLUE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct eb_glue_clock {
    int on;
    uint64_t runs, total_ns, vendor_ns;
} eb_glue_clock;

static inline void eb_glue_init(eb_glue_clock *c)
{
    const char *e = getenv("EDGEBENCH_DELEGATE_GLUE");
    c->on = e && e[0] == '1';
    c->runs = c->total_ns = c->vendor_ns = 0;
}

static inline uint64_t eb_glue_now(const eb_glue_clock *c)
{
    if (!c->on)
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void eb_glue_report(const eb_glue_clock *c, const char *name)
{
    if (!c->on || !c->runs)
        return;
    double outside = (double)(c->total_ns - c->vendor_ns) / (double)c->runs;
    double inside = (double)c->vendor_ns / (double)c->runs;
    fprintf(stderr, "%s glue: %.0f ns/run outside the vendor call, %.0f ns/run inside (%.2f%%)\n",
            name, outside, inside, inside + outside > 0 ? 100.0 * outside / (inside + outside) : 0.0);
}

#endif
