/* What a backend's probe() learns about the machine it would run on.
 *
 * The harness fills this once per process (devices/ probe). It crosses the
 * plugin boundary, so it carries its size and only ever grows at the end. */
#ifndef EDGEBENCH_HOST_H
#define EDGEBENCH_HOST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CPU feature bits (eb_host.features). */
#define EB_CPU_SSE4_2     (1ull << 0)
#define EB_CPU_AVX        (1ull << 1)
#define EB_CPU_AVX2       (1ull << 2)
#define EB_CPU_FMA3       (1ull << 3)
#define EB_CPU_AVX512F    (1ull << 4)
#define EB_CPU_AVX512BW   (1ull << 5)
#define EB_CPU_AVX512VNNI (1ull << 6)
#define EB_CPU_AVXVNNI    (1ull << 7)
#define EB_CPU_F16C       (1ull << 8)
#define EB_CPU_NEON       (1ull << 16)
#define EB_CPU_ASIMDDP    (1ull << 17) /* Arm dot product (SDOT/UDOT) */
#define EB_CPU_FP16       (1ull << 18) /* Arm half-precision arithmetic */
#define EB_CPU_I8MM       (1ull << 19)
#define EB_CPU_SVE        (1ull << 20)

typedef struct eb_host {
    uint32_t struct_size;  /* sizeof(eb_host) of the harness that filled it */
    const char *arch;      /* "x86_64", "aarch64", ... */
    const char *cpu_vendor;
    const char *cpu_brand;
    uint64_t features;     /* EB_CPU_* bits */
    int logical_cpus;
    int physical_cores;
} eb_host;

#ifdef __cplusplus
}
#endif
#endif
