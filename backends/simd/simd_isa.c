/* Host features -> simd ISA levels (see simd_isa.h). */
#include <stdio.h>
#include <string.h>

#include "backends/simd/simd_isa.h"

unsigned eb_simd_isa_from_host(const eb_host *host)
{
    unsigned m = 0;
    uint64_t f = host ? host->features : 0;
#if EB_SIMD_X86
    if ((f & EB_CPU_AVX2) && (f & EB_CPU_FMA3))
        m |= EB_SIMD_ISA_AVX2;
    if ((m & EB_SIMD_ISA_AVX2) && (f & EB_CPU_AVX512F) && (f & EB_CPU_AVX512BW))
        m |= EB_SIMD_ISA_AVX512;
    if ((m & EB_SIMD_ISA_AVX512) && (f & EB_CPU_AVX512VNNI))
        m |= EB_SIMD_ISA_AVX512VNNI;
#elif EB_SIMD_ARM64
    /* Advanced SIMD is mandatory on aarch64; hwcaps report it anyway. */
    m |= EB_SIMD_ISA_NEON;
    if (f & EB_CPU_ASIMDDP)
        m |= EB_SIMD_ISA_NEONDOT;
#else
    (void)f;
#endif
    return m;
}

static const struct {
    const char *name;
    unsigned mask;
} caps[] = {
    {"c", 0},
    {"avx2", EB_SIMD_ISA_AVX2},
    {"avx512", EB_SIMD_ISA_AVX2 | EB_SIMD_ISA_AVX512},
    {"avx512vnni", EB_SIMD_ISA_AVX2 | EB_SIMD_ISA_AVX512 | EB_SIMD_ISA_AVX512VNNI},
    {"neon", EB_SIMD_ISA_NEON},
    {"neondot", EB_SIMD_ISA_NEON | EB_SIMD_ISA_NEONDOT},
};

int eb_simd_isa_cap(const char *name, unsigned *mask_out)
{
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (strcmp(name, caps[i].name) == 0) {
            *mask_out = caps[i].mask;
            return 1;
        }
    return 0;
}

const char *eb_simd_isa_str(unsigned mask, char *buf, unsigned long len)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{EB_SIMD_ISA_AVX2, "avx2+fma"},
                 {EB_SIMD_ISA_AVX512, "avx512"},
                 {EB_SIMD_ISA_AVX512VNNI, "avx512vnni"},
                 {EB_SIMD_ISA_NEON, "neon"},
                 {EB_SIMD_ISA_NEONDOT, "dotprod"}};
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (mask & names[i].bit) {
            int w = snprintf(buf + off, len - off, "%s%s", off ? " " : "", names[i].name);
            if (w < 0 || (size_t)w >= len - off)
                break;
            off += (size_t)w;
        }
    if (!off)
        snprintf(buf, len, "c");
    return buf;
}
