/* Unit tests of devices/sensor_*, energy.c and sampler.c against the
 * fixture sysfs trees in tests/data/sysfs (copied to a temporary directory
 * when a test rewrites them along a known profile, as the kernel would). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/clock.h"
#include "devices/energy.h"
#include "devices/sampler.h"
#include "devices/sensor.h"

#define FIX EB_SOURCE_DIR "/tests/data/sysfs"
#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static void discover(eb_sensor_set *set, const char *root, const char *source)
{
    eb_sensor_config cfg = {.sysfs_root = root, .power_source = source};
    eb_sensor_set_discover(set, &cfg);
}

/* A private copy of a fixture tree; returns its root (static buffer). */
static const char *copy_tree(const char *name)
{
    static char dir[256];
    snprintf(dir, sizeof dir, "%s/eb-sensor-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r '%s/%s/sys' '%s/'", FIX, name, dir);
    assert_int_equal(system(cmd), 0);
    return dir;
}

static void remove_tree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void write_ll(const char *path, long long v)
{
    /* write and rename, so a reader never sees a half-written file */
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", v);
    fclose(f);
    assert_int_equal(rename(tmp, path), 0);
}

/* ---- parsing and arithmetic -------------------------------------------- */

static void test_meter_output_is_watts_or_joules(void **state)
{
    (void)state;
    double v;
    eb_sensor_quantity q;
    assert_int_equal(eb_meter_parse("4.2\n", &v, &q), 0);
    assert_near(v, 4.2, 1e-12);
    assert_int_equal(q, EB_Q_POWER_W);
    assert_int_equal(eb_meter_parse("  4200 mW", &v, &q), 0);
    assert_near(v, 4.2, 1e-12);
    assert_int_equal(eb_meter_parse("12.5 J", &v, &q), 0);
    assert_int_equal(q, EB_Q_ENERGY_J);
    assert_near(v, 12.5, 1e-12);
    assert_int_equal(eb_meter_parse("12500mJ", &v, &q), 0);
    assert_near(v, 12.5, 1e-12);
    assert_int_equal(eb_meter_parse("watts: 4", &v, &q), -1);
    assert_int_equal(eb_meter_parse("4 volts", &v, &q), -1);
}

static void test_counter_wraps_around_its_range(void **state)
{
    (void)state;
    eb_sensor s = {.scale = 1e-6, .wrap = 1000000};
    assert_near(eb_sensor_counter_update(&s, 999000), 0, 0);      /* origin */
    assert_near(eb_sensor_counter_update(&s, 999500), 500e-6, 1e-12);
    /* passed 1000000 and restarted: 500 to the top, then 2000 */
    assert_near(eb_sensor_counter_update(&s, 2000), 3000e-6, 1e-12);
    /* without a known range a backwards step counts nothing, never negative */
    eb_sensor u = {.scale = 1.0};
    eb_sensor_counter_update(&u, 10);
    assert_near(eb_sensor_counter_update(&u, 4), 0, 0);
    assert_near(eb_sensor_counter_update(&u, 6), 2, 0);
}

static void test_energy_of_known_profiles(void **state)
{
    (void)state;
    /* 2 W for 1 s then 6 W for 1 s, sampled every 0.5 s: ramps between
     * samples are what the trapezoid assumes, so sample at the step */
    const double t[] = {0, 0.5, 1.0, 1.0000001, 1.5, 2.0};
    const double p[] = {2, 2, 2, 6, 6, 6};
    assert_near(eb_energy_from_power(t, p, 6, 0, 2), 8.0, 1e-5);
    assert_near(eb_energy_from_power(t, p, 6, 0.25, 0.75), 1.0, 1e-9);
    assert_near(eb_energy_from_power(t, p, 6, 1.25, 1.75), 3.0, 1e-9);
    /* a counter at 3 J/s: the window's delta, interpolated */
    const double tc[] = {0, 1, 2, 3};
    const double e[] = {0, 3, 6, 9};
    assert_near(eb_energy_from_counter(tc, e, 4, 0.5, 2.5), 6.0, 1e-12);
    assert_near(eb_series_at(tc, e, 4, -1), 0, 0);
    assert_near(eb_series_at(tc, e, 4, 10), 9, 0);
    assert_near(eb_energy_from_power(t, p, 1, 0, 1), 0, 0);
}

/* ---- discovery ------------------------------------------------------- */

static void test_rapl_packages_are_the_power_sensors(void **state)
{
    (void)state;
    static eb_sensor_set set;
    discover(&set, FIX "/x86-rapl", "auto");
    eb_sensor *pkg = eb_sensor_set_find(&set, "package-0");
    assert_non_null(pkg);
    assert_string_equal(pkg->source, "rapl");
    assert_int_equal(pkg->quantity, EB_Q_ENERGY_J);
    assert_near(pkg->wrap, 262143328850.0, 0);
    assert_non_null(eb_sensor_set_find(&set, "intel-rapl:0")); /* the alias */
    assert_non_null(eb_sensor_set_find(&set, "rapl:0:0/core"));
    assert_non_null(eb_sensor_set_find(&set, "psys"));
    /* package domains only: core and psys overlap with them */
    assert_int_equal(set.n_power, 1);
    assert_ptr_equal(&set.items[set.power[0]], pkg);
    /* the CPU's zone is preferred over the ACPI zone */
    assert_int_equal(set.temp >= 0, 1);
    assert_string_equal(set.items[set.temp].name, "x86_pkg_temp");
    assert_non_null(eb_sensor_set_find(&set, "thermal_zone1"));
    assert_non_null(eb_sensor_set_find(&set, "coretemp:temp1"));
    assert_string_equal(set.items[set.freq].name, "cpu0");
    double v;
    assert_int_equal(eb_sensor_read(&set.items[set.temp], &v, NULL, 0), 0);
    assert_near(v, 45.0, 1e-9);
    assert_int_equal(eb_sensor_read(&set.items[set.freq], &v, NULL, 0), 0);
    assert_near(v, 2400.0, 1e-9);
    assert_string_equal(set.why_power, "");
}

static void test_ina3221_current_times_voltage_is_power(void **state)
{
    (void)state;
    static eb_sensor_set set;
    discover(&set, FIX "/jetson-orin", "auto");
    assert_int_equal(set.n_power, 1);
    eb_sensor *s = &set.items[set.power[0]];
    assert_string_equal(s->name, "ina3221:curr1xin1"); /* VDD_IN, the board's input */
    assert_string_equal(s->alias, "hwmon1:curr1xin1");
    double w;
    assert_int_equal(eb_sensor_read(s, &w, NULL, 0), 0);
    assert_near(w, 1.476 * 5.080, 1e-9);
    assert_non_null(eb_sensor_set_find(&set, "ina3221:curr3xin3"));
    assert_string_equal(set.items[set.temp].name, "cpu-thermal");
    assert_non_null(eb_sensor_set_find(&set, "cpu5"));
    /* naming a rail picks it */
    eb_sensor_config cfg = {.sysfs_root = FIX "/jetson-orin", .power_sensor = "ina3221:curr2xin2",
                            .temp_sensor = "gpu-thermal", .freq_sensor = "cpu4"};
    eb_sensor_set_discover(&set, &cfg);
    assert_string_equal(set.items[set.power[0]].name, "ina3221:curr2xin2");
    assert_string_equal(set.items[set.temp].name, "gpu-thermal");
    assert_string_equal(set.items[set.freq].name, "cpu4");
    cfg.power_sensor = "cpu-thermal";
    eb_sensor_set_discover(&set, &cfg);
    assert_int_equal(set.n_power, 0);
    assert_non_null(strstr(set.why_power, "does not measure power"));
}

static void test_hwmon_power_and_energy_inputs(void **state)
{
    (void)state;
    static eb_sensor_set set;
    discover(&set, FIX "/rpi-ina219", "hwmon");
    assert_int_equal(set.n_power, 1);
    eb_sensor *s = &set.items[set.power[0]];
    assert_string_equal(s->name, "ina219:power1"); /* power1_input before curr x in */
    double w;
    assert_int_equal(eb_sensor_read(s, &w, NULL, 0), 0);
    assert_near(w, 3.2768, 1e-12);
    assert_string_equal(set.items[set.temp].name, "cpu_thermal");
    discover(&set, FIX "/amd-energy", "auto");
    assert_int_equal(set.n_power, 1);
    assert_int_equal(set.items[set.power[0]].quantity, EB_Q_ENERGY_J);
    assert_string_equal(set.items[set.power[0]].name, "amd_energy:energy1");
}

static void test_a_host_without_sensors_says_why(void **state)
{
    (void)state;
    static eb_sensor_set set;
    discover(&set, FIX "/empty", "auto");
    assert_int_equal(set.n_power, 0);
    assert_int_equal(set.temp, -1);
    assert_int_equal(set.freq, -1);
    assert_non_null(strstr(set.why_power, "RAPL: no "));
    assert_non_null(strstr(set.why_power, "/sys/class/powercap"));
    assert_non_null(strstr(set.why_power, "hwmon: no hwmon device"));
    assert_non_null(strstr(set.why_power, "meter command: none given"));
    assert_non_null(strstr(set.why_temp, "thermal zones"));
    assert_non_null(strstr(set.why_freq, "cpufreq"));
    discover(&set, FIX "/x86-rapl", "none");
    assert_int_equal(set.n_power, 0);
    assert_string_equal(set.why_power, "not measured (metrics.power: none)");
    discover(&set, FIX "/x86-rapl", "hwmon");
    assert_int_equal(set.n_power, 0);
    assert_non_null(strstr(set.why_power, "hwmon: no power"));
}

static void test_meter_command_is_a_sensor(void **state)
{
    (void)state;
    static eb_sensor_set set;
    eb_sensor_config cfg = {.sysfs_root = FIX "/empty", .power_command = "echo '2.5 W'"};
    eb_sensor_set_discover(&set, &cfg);
    assert_int_equal(set.n_power, 1);
    eb_sensor *s = &set.items[set.power[0]];
    assert_string_equal(s->source, "command");
    double w;
    assert_int_equal(eb_sensor_read(s, &w, NULL, 0), 0);
    assert_near(w, 2.5, 1e-12);
    cfg.power_command = "echo volts";
    eb_sensor_set_discover(&set, &cfg);
    assert_int_equal(set.n_power, 0);
    assert_non_null(strstr(set.why_power, "printed 'volts'"));
    cfg.power_command = "exit 3";
    eb_sensor_set_discover(&set, &cfg);
    assert_int_equal(set.n_power, 0);
    assert_non_null(strstr(set.why_power, "failed (exit 3)"));
}

static void test_nvml_is_loaded_at_run_time_or_explained(void **state)
{
    (void)state;
    /* no NVIDIA driver on a CI machine: the reasons the loader gives for a
     * missing library and for a library that is not NVML */
    static eb_sensor_set set;
    if (getenv("EB_NVML_LIBRARY") == NULL) {
        setenv("EB_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
        discover(&set, FIX "/empty", "nvml");
        assert_int_equal(set.n_power, 0);
        assert_non_null(strstr(set.why_power, "NVML: cannot load /nonexistent/libnvidia-ml.so.1"));
        setenv("EB_NVML_LIBRARY", "libm.so.6", 1);
        discover(&set, FIX "/empty", "nvml");
        assert_int_equal(set.n_power, 0);
        assert_non_null(strstr(set.why_power, "NVML: libm.so.6 lacks the v2 entry points"));
        unsetenv("EB_NVML_LIBRARY");
    }
    /* the real library where a driver is installed: GPUs appear as sensors */
    discover(&set, FIX "/empty", "nvml");
    if (set.n_power) {
        eb_sensor *s = &set.items[set.power[0]];
        assert_string_equal(s->name, "nvml:gpu0");
        double w;
        assert_int_equal(eb_sensor_read(s, &w, NULL, 0), 0);
        assert_true(w > 0);
    } else {
        assert_non_null(strstr(set.why_power, "NVML: "));
    }
}

/* ---- the sampler against fixture traces -------------------------------
 * Each test writes the fixture file as the kernel would at time t of a known
 * profile, then has the sampler read it stamped t (eb_sampler_sample_at):
 * the same reads, series and energy as in a cell, on a trace whose energy is
 * known exactly, and no verdict that depends on how busy the machine is. */

#define T0 1000000000000ull /* an arbitrary origin of the trace, ns */

static eb_sampler *open_sampler(eb_sensor_set *set)
{
    eb_sampler *sm;
    char msg[256];
    assert_int_equal(eb_sampler_open(&sm, set, msg, sizeof msg), EB_OK);
    return sm;
}

static void test_rapl_energy_matches_a_known_power_within_1_percent(void **state)
{
    (void)state;
    const char *root = copy_tree("x86-rapl");
    char path[512];
    snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/energy_uj", root);
    char range[512];
    snprintf(range, sizeof range, "%s/sys/class/powercap/intel-rapl:0/max_energy_range_uj", root);
    write_ll(range, 4000000); /* a 4 J range wraps twice in this trace */
    /* 17.5 W starting 0.2 J below the wrap, read every 10 ms for 0.65 s */
    const double watts = 17.5;
    const long long start_uj = 3800000, wrap_uj = 4000000;
    write_ll(path, start_uj);
    static eb_sensor_set set;
    discover(&set, root, "rapl");
    assert_int_equal(set.n_power, 1);
    eb_sampler *sm = open_sampler(&set);
    for (int k = 0; k <= 65; k++) {
        double s = k * 0.010;
        write_ll(path, (start_uj + (long long)(watts * s * 1e6)) % wrap_uj);
        eb_sampler_sample_at(sm, T0 + (uint64_t)(s * 1e9 + 0.5));
    }
    eb_sampler_stop(sm);
    assert_true(eb_sampler_power_is_energy(sm));
    assert_int_equal(eb_sampler_series(sm, EB_SERIES_POWER)->n, 66);
    /* a window that starts and ends between samples */
    uint64_t a = T0 + 105000000, b = T0 + 605000000;
    double e = eb_sampler_energy(sm, a, b), want = watts * (double)(b - a) / 1e9;
    printf("rapl trace: %.6f J measured, %.6f J known (%.4f%%)\n", e, want,
           100 * (e - want) / want);
    assert_true(fabs(e - want) <= 0.01 * want);
    assert_true(fabs(e - want) <= 1e-5); /* integer µJ steps: exact but for rounding */
    assert_string_equal(eb_sampler_error(sm), "");
    eb_sampler_destroy(sm);
    remove_tree(root);
}

/* the current of a 5 V rail: 400 mA for 300 ms, then 1200 mA */
static double ina_watts(double s) { return s < 0.3 ? 0.4 * 5.0 : 1.2 * 5.0; }

static void test_ina_energy_of_a_power_step_within_1_percent(void **state)
{
    (void)state;
    const char *root = copy_tree("jetson-orin");
    char cur[512];
    snprintf(cur, sizeof cur, "%s/sys/class/hwmon/hwmon1/curr1_input", root);
    char volt[512];
    snprintf(volt, sizeof volt, "%s/sys/class/hwmon/hwmon1/in1_input", root);
    write_ll(volt, 5000);
    write_ll(cur, 400);
    static eb_sensor_set set;
    discover(&set, root, "hwmon");
    eb_sampler *sm = open_sampler(&set);
    /* every 2 ms, at 0.5 ms past the millisecond: the step falls between
     * two samples, where the trapezoid rule assumes a ramp */
    for (int k = 0; k < 320; k++) {
        double s = 0.0005 + k * 0.002;
        write_ll(cur, (long long)(ina_watts(s) / 5.0 * 1000 + 0.5));
        eb_sampler_sample_at(sm, T0 + (uint64_t)(s * 1e9 + 0.5));
    }
    eb_sampler_stop(sm);
    /* the known energy over [0.02 s, 0.62 s]: 2 W until 0.3 s, 6 W after */
    double sa = 0.02, sb = 0.62, step = 0.3;
    double want = 2.0 * (step - sa) + 6.0 * (sb - step);
    double e = eb_sampler_energy(sm, T0 + (uint64_t)(sa * 1e9), T0 + (uint64_t)(sb * 1e9));
    printf("ina trace: %.4f J measured, %.4f J known (%.3f%%)\n", e, want,
           100 * (e - want) / want);
    assert_false(eb_sampler_power_is_energy(sm));
    assert_true(fabs(e - want) <= 0.01 * want);
    /* the ramp over the one interval holding the step is all the error:
     * (6 W - 2 W) x 2 ms / 2, less the half that lands on each side */
    assert_true(fabs(e - want) <= 0.5 * 4.0 * 0.002 + 1e-9);
    eb_sampler_destroy(sm);
    remove_tree(root);
}

static void test_a_meter_counter_command_integrates_like_rapl(void **state)
{
    (void)state;
    /* a lab supply's joule counter read through a command: 2 J per second */
    char dir[] = "/tmp/eb-meter-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[600], cmd[700];
    snprintf(file, sizeof file, "%s/counter", dir);
    snprintf(cmd, sizeof cmd, "cat '%s'", file);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("0 mJ\n", f);
    fclose(f);
    static eb_sensor_set set;
    eb_sensor_config cfg = {.sysfs_root = FIX "/empty", .power_command = cmd};
    eb_sensor_set_discover(&set, &cfg);
    assert_int_equal(set.n_power, 1);
    eb_sampler *sm = open_sampler(&set);
    for (int k = 0; k <= 10; k++) {
        f = fopen(file, "w");
        assert_non_null(f);
        fprintf(f, "%d mJ\n", 2000 * k / 10); /* every 100 ms */
        fclose(f);
        eb_sampler_sample_at(sm, T0 + (uint64_t)k * 100000000ull);
    }
    eb_sampler_stop(sm);
    assert_true(eb_sampler_power_is_energy(sm));
    double e = eb_sampler_energy(sm, T0 + 50000000, T0 + 950000000);
    assert_near(e, 1.8, 1e-9);
    assert_string_equal(eb_sampler_error(sm), "");
    eb_sampler_destroy(sm);
    eb_sensor_set_close(&set);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_a_heating_zone_makes_a_rising_series(void **state)
{
    (void)state;
    const char *root = copy_tree("x86-rapl");
    char temp[512];
    snprintf(temp, sizeof temp, "%s/sys/class/thermal/thermal_zone0/temp", root);
    static eb_sensor_set set;
    discover(&set, root, "none");
    eb_sampler *sm = open_sampler(&set);
    /* +20 °C per second, read every 20 ms for 0.4 s */
    for (int k = 0; k <= 20; k++) {
        write_ll(temp, 40000 + k * 400);
        eb_sampler_sample_at(sm, T0 + (uint64_t)k * 20000000ull);
    }
    eb_sampler_stop(sm);
    const eb_series *t = eb_sampler_series(sm, EB_SERIES_TEMP);
    assert_int_equal(t->n, 21);
    printf("zone: %zu samples, %.1f C to %.1f C\n", t->n, t->v[0], t->v[t->n - 1]);
    assert_near(t->v[0], 40.0, 1e-9);
    assert_near(t->v[t->n - 1], 48.0, 1e-9);
    for (size_t i = 1; i < t->n; i++) {
        assert_true(t->v[i] > t->v[i - 1]);
        assert_int_equal(t->t_ns[i] - t->t_ns[i - 1], 20000000);
    }
    assert_int_equal(eb_sampler_series(sm, EB_SERIES_POWER)->n, 0);
    assert_int_equal(eb_sampler_series(sm, EB_SERIES_FREQ)->n, 21);
    eb_sampler_destroy(sm);
    remove_tree(root);
}

/* The thread: samples by itself at its period and at each mark, stamped
 * with the real clock (counts are lower bounds, so load cannot break them). */
static void test_the_sampler_thread_samples_on_its_own(void **state)
{
    (void)state;
    static eb_sensor_set set;
    discover(&set, FIX "/x86-rapl", "none");
    eb_sampler *sm;
    char msg[256];
    assert_int_equal(eb_sampler_start(&sm, &set, 0.5, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "below 1 ms"));
    uint64_t before = eb_now_ns();
    assert_int_equal(eb_sampler_start(&sm, &set, 5, msg, sizeof msg), EB_OK);
    usleep(100000);
    eb_sampler_mark(sm);
    eb_sampler_stop(sm);
    eb_sampler_stop(sm); /* idempotent */
    uint64_t after = eb_now_ns();
    const eb_series *t = eb_sampler_series(sm, EB_SERIES_TEMP);
    /* the first sample, at least one of the thread's, the mark, the last */
    printf("thread: %zu samples in 100 ms at a 5 ms period\n", t->n);
    assert_true(t->n >= 4);
    for (size_t i = 0; i < t->n; i++) {
        assert_true(t->t_ns[i] >= before && t->t_ns[i] <= after);
        assert_true(i == 0 || t->t_ns[i] >= t->t_ns[i - 1]);
    }
    eb_sampler_destroy(sm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meter_output_is_watts_or_joules),
        cmocka_unit_test(test_counter_wraps_around_its_range),
        cmocka_unit_test(test_energy_of_known_profiles),
        cmocka_unit_test(test_rapl_packages_are_the_power_sensors),
        cmocka_unit_test(test_ina3221_current_times_voltage_is_power),
        cmocka_unit_test(test_hwmon_power_and_energy_inputs),
        cmocka_unit_test(test_a_host_without_sensors_says_why),
        cmocka_unit_test(test_meter_command_is_a_sensor),
        cmocka_unit_test(test_nvml_is_loaded_at_run_time_or_explained),
        cmocka_unit_test(test_rapl_energy_matches_a_known_power_within_1_percent),
        cmocka_unit_test(test_ina_energy_of_a_power_step_within_1_percent),
        cmocka_unit_test(test_a_meter_counter_command_integrates_like_rapl),
        cmocka_unit_test(test_a_heating_zone_makes_a_rising_series),
        cmocka_unit_test(test_the_sampler_thread_samples_on_its_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
