/* eb_host_detect: the CPU facts a backend's probe() needs, and the only
 * place edgebench asks the CPU what it can do (simd maps these features to
 * its ISA levels, simd_isa.c). x86 uses libcpuid when built with it and
 * the compiler's runtime checks otherwise; aarch64 reads hwcaps. The full
 * device description (caches, sensors, counters) belongs to devices/. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "devices/host_detect.h"
#include "edgebench/host.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP_FPHP
#define HWCAP_FPHP (1 << 9)
#endif
#ifndef HWCAP_SVE
#define HWCAP_SVE (1 << 22)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif
#endif

#if defined(EB_HAVE_LIBCPUID) && (defined(__x86_64__) || defined(__i386__))
#include <libcpuid.h>
#endif

static char arch_buf[80], vendor_buf[64], brand_buf[128];

void eb_host_detect(eb_host *h)
{
    memset(h, 0, sizeof *h);
    h->struct_size = sizeof *h;
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(arch_buf, sizeof arch_buf, "%s", u.machine);
    h->arch = arch_buf;
    h->cpu_vendor = vendor_buf;
    h->cpu_brand = brand_buf;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    h->logical_cpus = n > 0 ? (int)n : 1;
    h->physical_cores = h->logical_cpus;
#if defined(EB_HAVE_LIBCPUID) && (defined(__x86_64__) || defined(__i386__))
    struct cpu_raw_data_t raw;
    struct cpu_id_t id;
    if (cpuid_get_raw_data(&raw) == 0 && cpu_identify(&raw, &id) == 0) {
        snprintf(vendor_buf, sizeof vendor_buf, "%s", id.vendor_str);
        snprintf(brand_buf, sizeof brand_buf, "%s", id.brand_str);
        if (id.num_cores > 0)
            h->physical_cores = id.num_cores;
        static const struct {
            cpu_feature_t f;
            uint64_t bit;
        } map[] = {
            {CPU_FEATURE_SSE4_2, EB_CPU_SSE4_2},       {CPU_FEATURE_AVX, EB_CPU_AVX},
            {CPU_FEATURE_AVX2, EB_CPU_AVX2},           {CPU_FEATURE_FMA3, EB_CPU_FMA3},
            {CPU_FEATURE_AVX512F, EB_CPU_AVX512F},     {CPU_FEATURE_AVX512BW, EB_CPU_AVX512BW},
            {CPU_FEATURE_AVX512VNNI, EB_CPU_AVX512VNNI}, {CPU_FEATURE_F16C, EB_CPU_F16C},
        };
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (id.flags[map[i].f])
                h->features |= map[i].bit;
    }
#endif
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    /* The vector extensions from the compiler's runtime, with or without
     * libcpuid: it also checks that the OS saves the wide registers, and
     * libcpuid only reports what it knew when it was released (0.6.2, in
     * Debian 12, reports no AVX-512 at all on an AMD Zen 5 that has it, so
     * simd ran its AVX2 kernels there). */
    {
        const uint64_t vec = EB_CPU_SSE4_2 | EB_CPU_AVX | EB_CPU_AVX2 | EB_CPU_FMA3 |
                             EB_CPU_AVX512F | EB_CPU_AVX512BW | EB_CPU_AVX512VNNI;
        h->features &= ~vec;
        __builtin_cpu_init();
        if (__builtin_cpu_supports("sse4.2"))
            h->features |= EB_CPU_SSE4_2;
        if (__builtin_cpu_supports("avx"))
            h->features |= EB_CPU_AVX;
        if (__builtin_cpu_supports("avx2"))
            h->features |= EB_CPU_AVX2;
        if (__builtin_cpu_supports("fma"))
            h->features |= EB_CPU_FMA3;
        if (__builtin_cpu_supports("avx512f"))
            h->features |= EB_CPU_AVX512F;
        if (__builtin_cpu_supports("avx512bw"))
            h->features |= EB_CPU_AVX512BW;
        if (__builtin_cpu_supports("avx512vnni"))
            h->features |= EB_CPU_AVX512VNNI;
    }
#elif defined(__aarch64__)
    unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
    if (hw & HWCAP_ASIMD)
        h->features |= EB_CPU_NEON;
    if (hw & HWCAP_ASIMDDP)
        h->features |= EB_CPU_ASIMDDP;
    if (hw & HWCAP_FPHP)
        h->features |= EB_CPU_FP16;
    if (hw & HWCAP_SVE)
        h->features |= EB_CPU_SVE;
    if (hw2 & HWCAP2_I8MM)
        h->features |= EB_CPU_I8MM;
    snprintf(vendor_buf, sizeof vendor_buf, "ARM");
#endif
}
