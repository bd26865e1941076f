/* The aarch64 CPU feature path: hwcaps from getauxval (AT_HWCAP,
 * AT_HWCAP2) and /proc/cpuinfo (core implementer and part, Features when
 * hwcaps are missing). libcpuid does not work on Arm, so this is how the
 * probe learns NEON, dot product, i8mm, SVE on a board.
 *
 * The parsing is pure and compiles on any architecture (tests feed it
 * cpuinfo texts of real boards); eb_arm_probe_live reads the running CPU and
 * only finds something on aarch64. The file has no edgebench dependencies
 * beyond include/edgebench/host.h, so a test cross-compiles it alone
 * (-static) and runs it under qemu-aarch64. */
#ifndef EB_PROBE_CPU_ARM_H
#define EB_PROBE_CPU_ARM_H

#include <stddef.h>
#include <stdint.h>

typedef struct eb_arm_cpu {
    uint64_t features;      /* EB_CPU_* bits */
    char hwcaps[768];       /* feature names as the kernel spells them, space-separated */
    char implementer[32];   /* "ARM", "Qualcomm", "0x61" ... ; "" unknown */
    char part[48];          /* "Cortex-A72", ... ; "" unknown */
    int little;             /* an in-order efficiency core (A53, A55, A510) */
    char source[64];        /* "hwcaps", "hwcaps + /proc/cpuinfo", "/proc/cpuinfo" */
} eb_arm_cpu;

/* Feature names of hwcap words (Linux arch/arm64 uapi bit order) appended
 * to out->hwcaps, with the EB_CPU_* bits they imply. */
void eb_arm_from_hwcaps(unsigned long hwcap, unsigned long hwcap2, eb_arm_cpu *out);

/* EB_CPU_* bits of a "Features" list ("fp asimd asimddp i8mm ..."). */
uint64_t eb_arm_bits_from_names(const char *names);

/* Read what an aarch64 /proc/cpuinfo text says: the first core's
 * implementer and part (named for known cores), and when out->hwcaps is
 * empty its Features line. Returns 1 when it looked like an Arm cpuinfo. */
int eb_arm_parse_cpuinfo(const char *text, eb_arm_cpu *out);

/* Name of a core by its MIDR implementer and part numbers, or NULL. */
const char *eb_arm_part_name(unsigned implementer, unsigned part, int *little);

/* The running CPU (aarch64: getauxval + /proc/cpuinfo; elsewhere: nothing
 * found, features 0, source "not aarch64"). */
void eb_arm_probe_live(eb_arm_cpu *out);

#endif
