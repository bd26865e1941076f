/* Helpers shared by the statistics files; not part of the stats API. */
#ifndef EB_STATS_INTERNAL_H
#define EB_STATS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Sort ascending in place. */
void eb__sort_u64(uint64_t *v, size_t n);

#endif
