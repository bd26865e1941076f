/* The throttling calibration: the speed of the core on a fixed amount of
 * integer work, before and after a cell. A cell that heated the device
 * (or ran under throttle emulation) finishes slower on the same work. */
#include <stdlib.h>
#include <time.h>

#include "common/clock.h"
#include "harness/thermal/thermal.h"

static volatile uint64_t calibration_sink;

uint64_t eb_calibration_work(uint64_t units)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (uint64_t u = 0; u < units; u++)
        for (int i = 0; i < 1024; i++) {
            /* a multiply and a rotate per step: a dependency chain the
             * compiler cannot vectorise or shorten */
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            x ^= (x >> 29) | (x << 35);
        }
    calibration_sink = x;
    return x;
}

uint64_t eb_calibration_size(double target_ms)
{
    uint64_t units = 16;
    for (;;) {
        /* the fastest of three: a run that other processes interrupted
         * would make the work too small */
        double ms = 1e300;
        for (int r = 0; r < 3; r++) {
            uint64_t t0 = eb_now_ns();
            eb_calibration_work(units);
            double m = (double)(eb_now_ns() - t0) / 1e6;
            ms = m < ms ? m : ms;
        }
        if (ms >= target_ms / 8 || units > (1ull << 40)) {
            double scaled = ms > 0 ? (double)units * target_ms / ms : (double)units;
            return scaled < 1 ? 1 : (uint64_t)scaled;
        }
        units *= 4;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

double eb_calibration_speed(uint64_t units, int reps, double *cpu_speed)
{
    double speed[16], cpu[16];
    if (reps < 1)
        reps = 1;
    if (reps > 16)
        reps = 16;
    for (int r = 0; r < reps; r++) {
        double c0 = thread_cpu_ns();
        uint64_t t0 = eb_now_ns();
        eb_calibration_work(units);
        uint64_t dt = eb_now_ns() - t0;
        double dc = thread_cpu_ns() - c0;
        speed[r] = dt ? (double)units * 1e9 / (double)dt : 0;
        cpu[r] = dc > 0 ? (double)units * 1e9 / dc : 0;
    }
    if (cpu_speed) {
        qsort(cpu, (size_t)reps, sizeof *cpu, cmp_double);
        *cpu_speed = cpu[reps - 1];
    }
    /* the fastest run: other processes only ever slow a run down, while a
     * throttled core (or a duty cycle, each run spanning several periods)
     * slows every run */
    qsort(speed, (size_t)reps, sizeof *speed, cmp_double);
    return speed[reps - 1];
}
