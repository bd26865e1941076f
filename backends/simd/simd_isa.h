/* Instruction-set levels of the simd backend and how the host's CPU features
 * (include/edgebench/host.h, filled by libcpuid on x86 and hwcaps on aarch64)
 * map onto them. Every kernel variant names the levels it needs; dispatch
 * picks among the variants whose levels the host has. */
#ifndef EB_SIMD_ISA_H
#define EB_SIMD_ISA_H

#include "edgebench/host.h"

#if defined(__x86_64__) || defined(_M_X64)
#define EB_SIMD_X86 1
#else
#define EB_SIMD_X86 0
#endif
#if defined(__aarch64__)
#define EB_SIMD_ARM64 1
#else
#define EB_SIMD_ARM64 0
#endif

/* Bits of an ISA mask. Portable C variants need none. */
#define EB_SIMD_ISA_AVX2 (1u << 0)       /* AVX2 + FMA3 */
#define EB_SIMD_ISA_AVX512 (1u << 1)     /* AVX-512 F + BW (+ VL, which every BW part has) */
#define EB_SIMD_ISA_AVX512VNNI (1u << 2) /* AVX-512 VNNI (vpdpbusd) */
#define EB_SIMD_ISA_NEON (1u << 3)       /* Advanced SIMD (every aarch64 core) */
#define EB_SIMD_ISA_NEONDOT (1u << 4)    /* Armv8.2 dot product (SDOT / UDOT) */

/* Levels the host offers, from its feature bits (filled by the harness's
 * one detector, devices/host_detect.c, and handed to probe()). host NULL:
 * nothing is known, so only the levels every CPU of this architecture has
 * (the portable kernels; Advanced SIMD on aarch64). */
unsigned eb_simd_isa_from_host(const eb_host *host);

/* Levels at or below a named cap: "c" (none), "avx2", "avx512",
 * "avx512vnni", "neon", "neondot"; *mask_out gets every level the name
 * includes. Returns 0 for an unknown name. */
int eb_simd_isa_cap(const char *name, unsigned *mask_out);

/* "avx2+fma", "neon dotprod", ... for messages; "c" for 0. Returns buf. */
const char *eb_simd_isa_str(unsigned mask, char *buf, unsigned long len);

#endif
