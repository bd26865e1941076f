/* eb_timing_loop: warm-up and measured phases (see timing_loop.h). */
#include <string.h>

#include "common/clock.h"
#include "harness/run/timing_loop.h"

static uint64_t real_clock(void *arg)
{
    (void)arg;
    return eb_now_ns();
}

/* The loop, inlined twice: with real_clock (a constant the compiler folds
 * into inline clock_gettime calls, so the timed region is unchanged) and
 * with a hook's clock. */
static inline __attribute__((always_inline)) eb_status
loop(const eb_loop_settings *s, const eb_loop_hooks *h, eb_loop_result *r, char *msg,
     size_t msg_len, uint64_t (*now)(void *), void *now_arg)
{
    memset(r, 0, sizeof *r);
    eb_status st;
    uint64_t i = 0;
    uint64_t w0 = now(now_arg);
    for (;;) {
        uint64_t el = now(now_arg) - w0;
        int done = r->warmup_n >= s->warmup_iterations && el >= s->warmup_min_ns;
        if (done || (s->max_ns && el >= s->max_ns))
            break;
        if (h->before && (st = h->before(h->arg, i, 0, msg, msg_len)) != EB_OK)
            return st;
        if ((st = h->infer(h->arg, msg, msg_len)) != EB_OK)
            return st;
        r->warmup_n++;
        i++;
    }
    if (h->phase)
        h->phase(h->phase_arg, 1);
    uint64_t m0 = now(now_arg);
    r->warmup_ns = m0 - w0;
    uint64_t last_end = m0;
    for (;;) {
        uint64_t el = last_end - m0;
        if (r->n >= s->iterations && el >= s->min_ns)
            break;
        if (s->max_ns && el >= s->max_ns) {
            r->capped = r->n < s->iterations;
            break;
        }
        if (h->before && (st = h->before(h->arg, i, 1, msg, msg_len)) != EB_OK)
            return st;
        uint64_t t0 = now(now_arg);
        st = h->infer(h->arg, msg, msg_len);
        uint64_t t1 = now(now_arg);
        if (st != EB_OK)
            return st;
        if (h->after && (st = h->after(h->arg, i, msg, msg_len)) != EB_OK)
            return st;
        r->n++;
        i++;
        /* the phase's clock advances with the inference's end: one clock
         * read per inference fewer than re-reading it here */
        last_end = t1;
        if (h->sample && h->sample(h->arg, t0 - m0, t1 - t0))
            break;
    }
    r->measured_ns = now(now_arg) - m0;
    if (h->phase)
        h->phase(h->phase_arg, 0);
    return EB_OK;
}

eb_status eb_timing_loop(const eb_loop_settings *s, const eb_loop_hooks *h, eb_loop_result *r,
                         char *msg, size_t msg_len)
{
    if (h->clock)
        return loop(s, h, r, msg, msg_len, h->clock, h->clock_arg);
    return loop(s, h, r, msg, msg_len, real_clock, NULL);
}
