/* eb_sort_u64 (stats.h): its own file because the summary (stats.c), the
 * stability checks (stability.c) and the reports all sort samples, and
 * none of them should depend on another for it. */
#include <stdlib.h>

#include "harness/stats/stats.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void eb_sort_u64(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_u64);
}
