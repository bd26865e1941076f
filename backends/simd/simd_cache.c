/* The host's data cache sizes (simd_cache.h). */
#include <unistd.h>

#include "backends/simd/simd_cache.h"

size_t eb_simd_cache_bytes(int level)
{
    long got = -1;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
    got = sysconf(level == 1 ? _SC_LEVEL1_DCACHE_SIZE : _SC_LEVEL2_CACHE_SIZE);
#else
    (void)level;
#endif
    return got > 0 ? (size_t)got : 0;
}
