/* Unit tests of the device probe (devices/probe*.c, host_describe.c) and
 * device description files (devices/device_file.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/counters.h"
#include "devices/host_detect.h"

#include "devices/device_file.h"
#include "devices/host_describe.h"
#include "devices/probe.h"

#define FIX EB_SOURCE_DIR "/tests/data/sysfs"

static eb_host_desc desc; /* large */

static const char *get(const char *key)
{
    const char *v = eb_host_desc_get(&desc, key);
    if (!v)
        fail_msg("no key %s in the description", key);
    return v;
}

static void test_this_host_is_described_with_every_section(void **state)
{
    (void)state;
    eb_host h;
    eb_host_detect(&h);
    eb_host_describe(&h, &desc);
    const char *const keys[] = {"arch", "cpu_vendor", "cpu_brand", "logical_cpus",
                                "physical_cores", "features", "feature_source", "os", "kernel",
                                "virtualised", "memory_bytes", "caches", "power_sensors",
                                "temperature_sensors", "thermal_zones", "frequency_sensors",
                                "papi", "counter.perf::TASK-CLOCK", "counters_available",
                                "peak_gflops_fp32", "peak_gops_int8", "peak_basis", NULL};
    for (int i = 0; keys[i]; i++)
        assert_true(strlen(get(keys[i])) > 0);
    assert_string_equal(get("arch"), h.arch);
    assert_true(atoi(get("logical_cpus")) >= 1);
    /* every missing facility says why, never just "no" */
    const char *missing[] = {"power_sensors", "temperature_sensors", "frequency_sensors", NULL};
    for (int i = 0; missing[i]; i++) {
        const char *v = get(missing[i]);
        if (strncmp(v, "unavailable", 11) == 0)
            assert_true(strlen(v) > strlen("unavailable: ") + 10);
    }
    /* software events count wherever PAPI's perf_event component works,
     * and say why not elsewhere */
    char why[256];
    if (eb_counters_perf_events(why, sizeof why)) {
        assert_string_equal(get("counter.perf::TASK-CLOCK"), "available");
    } else {
        printf("perf::TASK-CLOCK: %s\n", get("counter.perf::TASK-CLOCK"));
        assert_true(strncmp(get("counter.perf::TASK-CLOCK"), "unavailable: ", 13) == 0);
        assert_non_null(strstr(get("counter.perf::TASK-CLOCK"), why));
    }
    /* no value changes between two probes: results files refuse a device
     * whose recorded description changed */
    static eb_host_desc again;
    eb_host_describe(&h, &again);
    assert_int_equal(again.n, desc.n);
    for (int i = 0; i < desc.n; i++) {
        assert_string_equal(again.keys[i], desc.keys[i]);
        assert_string_equal(again.values[i], desc.values[i]);
    }
}

static void test_a_fixture_tree_gives_caches_frequency_and_sensors(void **state)
{
    (void)state;
    eb_host h;
    eb_host_detect(&h);
    eb_host_describe_at(&h, FIX "/x86-rapl", &desc);
    assert_string_equal(get("cache_l1d_bytes"), "49152");
    assert_string_equal(get("cache_l3_bytes"), "25165824");
    assert_string_equal(get("caches"), "L1d 48 KiB, L1i 32 KiB, L2 1280 KiB, L3 24 MiB");
    assert_string_equal(get("freq_governor"), "powersave");
    assert_string_equal(get("freq_max_mhz"), "3600");
    assert_string_equal(get("freq_min_mhz"), "800");
    assert_string_equal(get("freq_peak_mhz"), "3600");
    assert_non_null(strstr(get("power_sensors"), "package-0 (rapl intel-rapl:0)"));
    assert_non_null(strstr(get("thermal_zones"), "x86_pkg_temp (thermal_zone0)"));
    assert_non_null(strstr(get("temperature_sensors"), "coretemp:temp1"));
    assert_string_equal(get("frequency_sensors"), "scaling_cur_freq of 2 CPUs (cpufreq)");
    assert_non_null(strstr(get("peak_basis"), "cpufreq cpuinfo_max_freq"));
    eb_host_describe_at(&h, FIX "/jetson-orin", &desc);
    assert_non_null(strstr(get("power_sensors"), "ina3221:curr1xin1 (hwmon hwmon1:curr1xin1)"));
    assert_string_equal(get("freq_governor"), "schedutil");
    /* no cache directory in that tree: libcpuid's view of this CPU (x86), or why not */
    const char *c = get("caches");
    assert_true(strncmp(c, "L1d ", 4) == 0 || strncmp(c, "unavailable: no ", 16) == 0);
}

static void test_peak_per_cycle_follows_the_vector_units(void **state)
{
    (void)state;
    double flop, int8;
    char why[160];
    eb_peak_per_cycle(EB_CPU_AVX | EB_CPU_AVX2 | EB_CPU_FMA3, "x86_64", 0, &flop, &int8, why,
                      sizeof why);
    assert_true(flop == 32); /* 2 FMA pipes x 8 lanes x 2 */
    assert_true(fabs(int8 - 2.0 * 2 * 32 / 3) < 1e-9);
    eb_peak_per_cycle(EB_CPU_AVX | EB_CPU_AVX2 | EB_CPU_FMA3 | EB_CPU_AVX512F | EB_CPU_AVX512BW |
                          EB_CPU_AVX512VNNI, "x86_64", 0, &flop, &int8, why, sizeof why);
    assert_true(flop == 64);
    assert_true(int8 == 256); /* VPDPBUSD: 2 pipes x 64 MACs x 2 */
    eb_peak_per_cycle(EB_CPU_NEON | EB_CPU_ASIMDDP, "aarch64", 0, &flop, &int8, why, sizeof why);
    assert_true(flop == 16);
    assert_true(int8 == 64);
    assert_non_null(strstr(why, "SDOT"));
    eb_peak_per_cycle(EB_CPU_NEON, "aarch64", 1, &flop, &int8, why, sizeof why);
    assert_true(flop == 8); /* an A53-class core: one pipe */
    assert_true(int8 == 16);
    eb_peak_per_cycle(0, "riscv64", 0, &flop, &int8, why, sizeof why);
    assert_true(flop == 0);
    assert_non_null(strstr(why, "riscv64"));
    memset(&desc, 0, sizeof desc);
    eb_probe_peak(EB_CPU_NEON | EB_CPU_ASIMDDP, "aarch64", 4, 2400, 0, "test", &desc);
    assert_string_equal(get("peak_gflops_fp32"), "153.6"); /* 4 x 2.4 GHz x 16 */
    assert_string_equal(get("peak_gops_int8"), "614.4");
    eb_probe_peak(EB_CPU_NEON, "aarch64", 4, 0, 0, "", &desc);
    assert_string_equal(get("peak_gflops_fp32"), "unavailable: the CPU frequency is unknown");
}

static void test_device_file_reads_back_what_probe_writes(void **state)
{
    (void)state;
    eb_host h;
    eb_host_detect(&h);
    eb_host_describe(&h, &desc);
    eb_host_desc_put(&desc, "tricky", "quote \" backslash \\ colon: # hash");
    char path[] = "/tmp/eb-probe-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    eb_device_write_yaml(f, "board-7", &desc);
    fclose(f);
    static eb_host_desc back;
    char id[64], msg[512];
    assert_int_equal(eb_device_read(path, id, sizeof id, &back, msg, sizeof msg), EB_OK);
    assert_string_equal(id, "board-7");
    assert_int_equal(back.n, desc.n);
    for (int i = 0; i < desc.n; i++) {
        assert_string_equal(back.keys[i], desc.keys[i]);
        assert_string_equal(back.values[i], desc.values[i]);
    }
    unlink(path);
}

static void expect_read_error(const char *text, const char *want)
{
    char path[] = "/tmp/eb-probe-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char id[64], msg[512], full[600];
    static eb_host_desc d;
    assert_int_not_equal(eb_device_read(path, id, sizeof id, &d, msg, sizeof msg), EB_OK);
    snprintf(full, sizeof full, "%s%s", path, want);
    if (strcmp(msg, full) != 0)
        fail_msg("got '%s', want '%s'", msg, full);
    unlink(path);
}

static void test_bad_device_files_name_the_place(void **state)
{
    (void)state;
    expect_read_error("arch: x86_64\n", ": not a device description (no 'edgebench_device: 1')");
    expect_read_error("edgebench_device: 2\nid: a\n",
                      ":1:19: edgebench_device: unsupported format '2' (this edgebench reads 1)");
    expect_read_error("edgebench_device: 1\narch: [a, b]\n",
                      ":2:7: a device description's values are strings, not maps or lists");
    expect_read_error("edgebench_device: 1\nid: x\narch: a\narch: b\n",
                      ":4:1: duplicate key 'arch'");
    expect_read_error("edgebench_device: 1\narch: a\n", ": the device description has no 'id'");
    expect_read_error("edgebench_device: 1\narch: 'a\n",
                      ":3:1: found unexpected end of stream");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_this_host_is_described_with_every_section),
        cmocka_unit_test(test_a_fixture_tree_gives_caches_frequency_and_sensors),
        cmocka_unit_test(test_peak_per_cycle_follows_the_vector_units),
        cmocka_unit_test(test_device_file_reads_back_what_probe_writes),
        cmocka_unit_test(test_bad_device_files_name_the_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
