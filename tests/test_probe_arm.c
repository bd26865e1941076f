/* The aarch64 feature path (devices/probe_cpu_arm.c).
 *
 * Built natively, cmocka tests of the cpuinfo parser and hwcap decoding
 * against /proc/cpuinfo texts of real boards. Built with
 * -DEB_PROBE_ARM_STANDALONE (tests/cli/test_probe_aarch64.sh cross-compiles
 * it with aarch64-linux-gnu-gcc -static and runs it under qemu-aarch64), a
 * program printing what the live probe finds on the CPU qemu emulates. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "devices/probe_cpu_arm.h"
#include "edgebench/host.h"

#ifdef EB_PROBE_ARM_STANDALONE

int main(void)
{
    eb_arm_cpu a;
    eb_arm_probe_live(&a);
    static const struct {
        uint64_t bit;
        const char *name;
    } bits[] = {{EB_CPU_NEON, "neon"}, {EB_CPU_ASIMDDP, "asimddp"}, {EB_CPU_FP16, "fp16"},
                {EB_CPU_I8MM, "i8mm"}, {EB_CPU_SVE, "sve"}};
    printf("features:");
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (a.features & bits[i].bit)
            printf(" %s", bits[i].name);
    printf("\nhwcaps: %s\nsource: %s\npart: %s\n", a.hwcaps, a.source, a.part);
    return a.features ? 0 : 1;
}

#else

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

/* Raspberry Pi 4 (BCM2711, Cortex-A72), first core of /proc/cpuinfo. */
static const char rpi4[] = "processor\t: 0\n"
                           "BogoMIPS\t: 108.00\n"
                           "Features\t: fp asimd evtstrm crc32 cpuid\n"
                           "CPU implementer\t: 0x41\n"
                           "CPU architecture: 8\n"
                           "CPU variant\t: 0x0\n"
                           "CPU part\t: 0xd08\n"
                           "CPU revision\t: 3\n\n"
                           "processor\t: 1\n"
                           "CPU part\t: 0xd03\n";

/* NVIDIA Jetson AGX Orin (Cortex-A78AE). */
static const char orin[] =
    "processor\t: 0\n"
    "model name\t: ARMv8 Processor rev 1 (v8l)\n"
    "BogoMIPS\t: 62.50\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm "
    "lrcpc dcpop asimddp uscat ilrcpc flagm paca pacg\n"
    "CPU implementer\t: 0x41\n"
    "CPU architecture: 8\n"
    "CPU variant\t: 0x0\n"
    "CPU part\t: 0xd42\n"
    "CPU revision\t: 1\n";

/* An x86 cpuinfo (qemu-user passes the host's through). */
static const char x86[] = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse avx2\n";

static void test_raspberry_pi_4_is_a_cortex_a72_with_neon_only(void **state)
{
    (void)state;
    eb_arm_cpu a = {0};
    assert_int_equal(eb_arm_parse_cpuinfo(rpi4, &a), 1);
    assert_string_equal(a.implementer, "ARM");
    assert_string_equal(a.part, "Cortex-A72");
    assert_int_equal(a.little, 0);
    assert_string_equal(a.hwcaps, "fp asimd evtstrm crc32 cpuid");
    assert_true(a.features == EB_CPU_NEON);
}

static void test_orin_has_dot_product_and_half_precision(void **state)
{
    (void)state;
    eb_arm_cpu a = {0};
    assert_int_equal(eb_arm_parse_cpuinfo(orin, &a), 1);
    assert_string_equal(a.part, "Cortex-A78AE");
    assert_true(a.features == (EB_CPU_NEON | EB_CPU_ASIMDDP | EB_CPU_FP16));
}

static void test_hwcaps_win_over_cpuinfo_features(void **state)
{
    (void)state;
    eb_arm_cpu a = {0};
    /* HWCAP_ASIMD (bit 1), HWCAP_ASIMDDP (20), HWCAP_SVE (22); HWCAP2_I8MM (13) */
    eb_arm_from_hwcaps((1ul << 0) | (1ul << 1) | (1ul << 20) | (1ul << 22), 1ul << 13, &a);
    assert_string_equal(a.hwcaps, "fp asimd asimddp sve i8mm");
    assert_int_equal(eb_arm_parse_cpuinfo(rpi4, &a), 1);
    assert_string_equal(a.hwcaps, "fp asimd asimddp sve i8mm"); /* not replaced */
    assert_true(a.features == (EB_CPU_NEON | EB_CPU_ASIMDDP | EB_CPU_SVE | EB_CPU_I8MM));
}

static void test_non_arm_cpuinfo_and_unknown_parts(void **state)
{
    (void)state;
    eb_arm_cpu a = {0};
    assert_int_equal(eb_arm_parse_cpuinfo(x86, &a), 0);
    assert_string_equal(a.part, "");
    assert_int_equal(eb_arm_parse_cpuinfo("CPU implementer\t: 0x99\nCPU part\t: 0x123\n", &a), 1);
    assert_string_equal(a.implementer, "0x99");
    assert_string_equal(a.part, "part 0x123");
    int little = 0;
    assert_string_equal(eb_arm_part_name(0x41, 0xd05, &little), "Cortex-A55");
    assert_int_equal(little, 1);
    assert_null(eb_arm_part_name(0x41, 0xfff, NULL));
    assert_true(eb_arm_bits_from_names("asimd\ti8mm sve2") == (EB_CPU_NEON | EB_CPU_I8MM));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raspberry_pi_4_is_a_cortex_a72_with_neon_only),
        cmocka_unit_test(test_orin_has_dot_product_and_half_precision),
        cmocka_unit_test(test_hwcaps_win_over_cpuinfo_features),
        cmocka_unit_test(test_non_arm_cpuinfo_and_unknown_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
