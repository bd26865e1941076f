/* The measurement clock: CLOCK_MONOTONIC_RAW where the platform has it (not
 * slewed by NTP), else CLOCK_MONOTONIC. Inline: it sits inside the timed
 * region, where a call through the PLT would be measured too. */
#ifndef EB_CLOCK_H
#define EB_CLOCK_H

#include <stdint.h>
#include <time.h>

#ifdef CLOCK_MONOTONIC_RAW
#define EB_CLOCK_ID CLOCK_MONOTONIC_RAW
#define EB_CLOCK_NAME "CLOCK_MONOTONIC_RAW"
#else
#define EB_CLOCK_ID CLOCK_MONOTONIC
#define EB_CLOCK_NAME "CLOCK_MONOTONIC"
#endif

static inline uint64_t eb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(EB_CLOCK_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
