/* Merging results files (results/merge.c): runs renumbered and copied with
 * everything they hold, a device or scenario with conflicting content
 * renamed (or refused with strict), a run already present not copied
 * twice, and files of another schema version refused before anything is
 * written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "results/merge.h"
#include "results/results.h"
#include "results/store.h"
#include "results/store_schema.h"

static char g_dir[] = "/tmp/eb-test-merge.XXXXXX";

static int setup_dir(void **state)
{
    (void)state;
    return mkdtemp(g_dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *path_of(const char *name)
{
    static char buf[4][256];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 256, "%s/%s", g_dir, name);
    return p;
}

/* One ok run of `device` with 8 samples starting at `base` ns, and a
 * sensor series (an extra the merge must carry along). */
static void add_run(eb_store *s, const char *device, const char *scenario, int tag)
{
    eb_run_record r;
    memset(&r, 0, sizeof r);
    snprintf(r.device, sizeof r.device, "%s", device);
    snprintf(r.scenario, sizeof r.scenario, "%s", scenario);
    snprintf(r.backend, sizeof r.backend, "ref");
    snprintf(r.backend_version, sizeof r.backend_version, "0.1.0");
    snprintf(r.variant, sizeof r.variant, "default");
    snprintf(r.model_path, sizeof r.model_path, "m.onnx");
    snprintf(r.condition, sizeof r.condition, "plain");
    snprintf(r.started, sizeof r.started, "2026-11-26T07:00:%02dZ", tag);
    snprintf(r.finished, sizeof r.finished, "2026-11-26T07:00:%02dZ", tag + 1);
    r.threads = 1;
    r.wall_s = 0.5 + tag;
    r.n = 8;
    r.latency_ns = malloc(8 * sizeof(uint64_t));
    r.t_ns = malloc(8 * sizeof(uint64_t));
    assert_non_null(r.latency_ns);
    assert_non_null(r.t_ns);
    for (int i = 0; i < 8; i++) {
        r.latency_ns[i] = 1000u * (uint64_t)(tag + 1) + (uint64_t)i;
        r.t_ns[i] = (uint64_t)i * 5000u;
    }
    double series[2][2] = {{0, 40.0 + tag}, {1e6, 41.0}};
    assert_int_equal(eb_run_record_set_array(&r, "sensors/temperature_c", EB_ARRAY_F64, 2, 2,
                                             series), 0);
    assert_int_equal(eb_run_record_summarize(&r), 0);
    char msg[512];
    assert_int_equal(eb_store_append_run(s, &r, msg, sizeof msg), EB_OK);
    eb_run_record_free(&r);
}

static void make_file(const char *name, const char *device, const char *arch,
                      const char *scenario_yaml, int n_runs, int tag0)
{
    eb_store *s;
    char msg[512];
    assert_int_equal(eb_store_open(path_of(name), 0, &s, msg, sizeof msg), EB_OK);
    const char *keys[] = {"arch", "os"}, *vals[] = {arch, "Linux"};
    assert_int_equal(eb_store_put_device(s, device, 2, keys, vals, msg, sizeof msg), EB_OK);
    assert_int_equal(eb_store_put_scenario(s, "s1", scenario_yaml, 0, NULL, NULL, NULL, msg,
                                           sizeof msg), EB_OK);
    for (int i = 0; i < n_runs; i++)
        add_run(s, device, "s1", tag0 + i);
    assert_int_equal(eb_store_close(s, msg, sizeof msg), EB_OK);
}

static eb_results *read_back(const char *name)
{
    eb_results *r;
    char msg[512];
    assert_int_equal(eb_results_read(path_of(name), 1, &r, msg, sizeof msg), EB_OK);
    return r;
}

static int has_link(const char *name, const char *link)
{
    hid_t f = H5Fopen(path_of(name), H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    int yes = H5Lexists(f, link, H5P_DEFAULT) > 0;
    H5Fclose(f);
    return yes;
}

static void test_runs_are_renumbered_and_keep_their_samples_and_extras(void **state)
{
    (void)state;
    make_file("a.h5", "board-a", "x86_64", "name: s1\n", 2, 0);
    make_file("b.h5", "board-b", "aarch64", "name: s1\n", 2, 10);
    const char *in[] = {path_of("a.h5"), path_of("b.h5")};
    eb_merge_stats st;
    char msg[1024];
    eb_merge_options o = {.command = "edgebench merge a.h5 b.h5 -o all.h5"};
    assert_int_equal(eb_merge_files(path_of("all.h5"), in, 2, &o, &st, msg, sizeof msg), EB_OK);
    assert_int_equal(st.runs_added, 4);
    assert_int_equal(st.devices_added, 2);
    assert_int_equal(st.scenarios_added, 1); /* same text: one scenario */
    eb_results *r = read_back("all.h5");
    assert_int_equal(r->n_runs, 4);
    assert_string_equal(r->runs[0].id, "000001");
    assert_string_equal(r->runs[3].id, "000004");
    assert_string_equal(r->runs[2].device, "board-b");
    assert_int_equal(r->runs[2].latency_ns[0], 11000); /* b's first run, tag 10 */
    assert_string_equal(r->command, "edgebench merge a.h5 b.h5 -o all.h5");
    assert_int_equal(r->n_devices, 2);
    assert_string_equal(eb_results_device_attr(eb_results_find_device(r, "board-b"), "arch"),
                        "aarch64");
    eb_results_free(r);
    assert_true(has_link("all.h5", "/runs/000004/sensors/temperature_c"));
}

static void test_conflicting_device_is_renamed_or_refused_when_strict(void **state)
{
    (void)state;
    make_file("c1.h5", "rpi", "aarch64", "name: s1\n", 1, 0);
    make_file("c2.h5", "rpi", "armv7l", "name: s1\n", 1, 5); /* another board, same id */
    const char *in[] = {path_of("c1.h5"), path_of("c2.h5")};
    eb_merge_stats st;
    char msg[1024];
    eb_merge_options strict = {.strict = 1};
    assert_int_equal(eb_merge_files(path_of("cs.h5"), in, 2, &strict, &st, msg, sizeof msg),
                     EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "c2.h5: device 'rpi' differs"));
    assert_non_null(strstr(msg, "'arch' is 'aarch64' there, 'armv7l' here"));

    eb_merge_options o = {0};
    assert_int_equal(eb_merge_files(path_of("c.h5"), in, 2, &o, &st, msg, sizeof msg), EB_OK);
    assert_int_equal(st.devices_renamed, 1);
    eb_results *r = read_back("c.h5");
    assert_string_equal(r->runs[0].device, "rpi");
    assert_string_equal(r->runs[1].device, "rpi~2");
    assert_string_equal(eb_results_device_attr(eb_results_find_device(r, "rpi~2"), "arch"),
                        "armv7l");
    eb_results_free(r);
}

static void test_conflicting_scenario_is_renamed(void **state)
{
    (void)state;
    make_file("s1.h5", "d1", "x86_64", "name: s1\nrun: {repetitions: 1}\n", 1, 0);
    make_file("s2.h5", "d2", "x86_64", "name: s1\nrun: {repetitions: 3}\n", 1, 3);
    const char *in[] = {path_of("s1.h5"), path_of("s2.h5")};
    eb_merge_stats st;
    char msg[1024];
    eb_merge_options o = {0};
    assert_int_equal(eb_merge_files(path_of("s.h5"), in, 2, &o, &st, msg, sizeof msg), EB_OK);
    assert_int_equal(st.scenarios_renamed, 1);
    eb_results *r = read_back("s.h5");
    assert_string_equal(r->runs[1].scenario, "s1~2");
    assert_non_null(strstr(eb_results_find_scenario(r, "s1~2")->yaml, "repetitions: 3"));
    eb_results_free(r);
}

static void test_a_run_already_merged_is_not_copied_twice(void **state)
{
    (void)state;
    make_file("d.h5", "dev", "x86_64", "name: s1\n", 2, 20);
    const char *in[] = {path_of("d.h5"), path_of("d.h5")};
    eb_merge_stats st;
    char msg[1024];
    eb_merge_options o = {0};
    assert_int_equal(eb_merge_files(path_of("dd.h5"), in, 2, &o, &st, msg, sizeof msg), EB_OK);
    assert_int_equal(st.runs_added, 2);
    assert_int_equal(st.runs_skipped, 2);
    eb_merge_options app = {.append = 1};
    assert_int_equal(eb_merge_files(path_of("dd.h5"), in, 1, &app, &st, msg, sizeof msg), EB_OK);
    assert_int_equal(st.runs_added, 0);
    eb_results *r = read_back("dd.h5");
    assert_int_equal(r->n_runs, 2);
    eb_results_free(r);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(path_of(from), "rb"), *out = fopen(path_of(to), "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Without --append the output is replaced, as `run -o` replaces a file;
 * with it, the runs are added to what the file held. */
static void test_an_existing_output_is_replaced_unless_appending(void **state)
{
    (void)state;
    make_file("old.h5", "board-old", "x86_64", "name: s1\n", 3, 40);
    make_file("new.h5", "board-new", "x86_64", "name: s1\n", 2, 45);
    char new_path[256]; /* path_of's buffers are reused */
    snprintf(new_path, sizeof new_path, "%s", path_of("new.h5"));
    const char *in[] = {new_path};
    char msg[1024];
    eb_merge_stats st;
    eb_merge_options o = {0};
    copy_file("old.h5", "out.h5");
    assert_int_equal(eb_merge_files(path_of("out.h5"), in, 1, &o, &st, msg, sizeof msg), EB_OK);
    eb_results *r = read_back("out.h5");
    assert_int_equal(r->n_runs, 2);
    assert_int_equal(r->n_devices, 1);
    assert_string_equal(r->devices[0].id, "board-new");
    assert_string_equal(r->runs[0].id, "000001");
    eb_results_free(r);

    copy_file("old.h5", "out.h5");
    eb_merge_options app = {.append = 1};
    assert_int_equal(eb_merge_files(path_of("out.h5"), in, 1, &app, &st, msg, sizeof msg), EB_OK);
    r = read_back("out.h5");
    assert_int_equal(r->n_runs, 5);
    assert_int_equal(r->n_devices, 2);
    assert_string_equal(r->runs[3].id, "000004");
    assert_string_equal(r->runs[3].device, "board-new");
    eb_results_free(r);
}

static void set_schema_version(const char *name, const char *v)
{
    hid_t f = H5Fopen(path_of(name), H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t sp = H5Screate(H5S_SCALAR);
    H5Adelete(f, "schema_version");
    hid_t a = H5Acreate2(f, "schema_version", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &v);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    H5Fclose(f);
}

/* Runs copied into a file of an older minor version carry this version's
 * additions, so the file says it is of this version, as when a run is
 * appended to it (store.h). */
static void test_appending_to_an_older_minor_version_raises_it(void **state)
{
    (void)state;
    make_file("v10.h5", "dev", "x86_64", "name: s1\n", 1, 50);
    make_file("cur.h5", "dev", "x86_64", "name: s1\n", 1, 52);
    set_schema_version("v10.h5", "1.0");
    const char *in[] = {path_of("cur.h5")};
    char msg[1024];
    eb_merge_options app = {.append = 1};
    assert_int_equal(eb_merge_files(path_of("v10.h5"), in, 1, &app, NULL, msg, sizeof msg), EB_OK);
    eb_results *r = read_back("v10.h5");
    char want[16];
    snprintf(want, sizeof want, "%d.%d", EB_SCHEMA_MAJOR, EB_SCHEMA_MINOR);
    assert_string_equal(r->schema_version, want);
    assert_int_equal(r->n_runs, 2);
    eb_results_free(r);
}

static void test_other_schema_versions_are_refused_before_writing(void **state)
{
    (void)state;
    make_file("v1.h5", "dev", "x86_64", "name: s1\n", 1, 30);
    make_file("v2.h5", "dev", "x86_64", "name: s1\n", 1, 31);
    make_file("v9.h5", "dev", "x86_64", "name: s1\n", 1, 32);
    set_schema_version("v2.h5", "2.0");
    const char *in[] = {path_of("v1.h5"), path_of("v2.h5")};
    char msg[1024];
    eb_merge_options o = {0};
    assert_int_equal(eb_merge_files(path_of("v.h5"), in, 2, &o, NULL, msg, sizeof msg),
                     EB_ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, "v2.h5: results schema 2.0"));
    assert_non_null(strstr(msg, "nothing was written"));
    struct stat sb;
    assert_int_not_equal(stat(path_of("v.h5"), &sb), 0);

    const char *self[] = {path_of("v9.h5")};
    assert_int_equal(eb_merge_files(path_of("v9.h5"), self, 1, &o, NULL, msg, sizeof msg),
                     EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "is the output file too"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_are_renumbered_and_keep_their_samples_and_extras),
        cmocka_unit_test(test_conflicting_device_is_renamed_or_refused_when_strict),
        cmocka_unit_test(test_conflicting_scenario_is_renamed),
        cmocka_unit_test(test_a_run_already_merged_is_not_copied_twice),
        cmocka_unit_test(test_an_existing_output_is_replaced_unless_appending),
        cmocka_unit_test(test_appending_to_an_older_minor_version_raises_it),
        cmocka_unit_test(test_other_schema_versions_are_refused_before_writing),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
