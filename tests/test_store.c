/* The HDF5 results store (results/store.c, results/results_read.c): what
 * the writer stores comes back field for field from the reader; append
 * continues run ids; foreign and newer files are refused with messages
 * naming them; a writer killed with SIGKILL right after an append leaves a
 * readable file.
 *
 * With EB_STORE_TEST_OUT=path set, the round-trip test writes its file
 * there and leaves it (4 runs: ok, ok, failed, crashed), so
 * tests/cli/test_store_h5py.sh can check it with an independent reader. */
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "common/sha256.h"
#include "edgebench/version.h"
#include "results/results.h"
#include "results/run_record.h"
#include "results/store.h"

static char g_dir[] = "/tmp/eb-test-store.XXXXXX";

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

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", g_dir, name);
    unlink(buf);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- records ---------------------------------------------------------- */

enum rec_kind { REC_SMALL_OK, REC_LARGE_OK, REC_FAILED, REC_CRASHED };

/* A record with a distinct value in every field, so a field written to or
 * read from the wrong attribute shows up. */
static void make_record(eb_run_record *rec, enum rec_kind kind, int tag)
{
    memset(rec, 0, sizeof *rec);
    snprintf(rec->device, sizeof rec->device, "local");
    snprintf(rec->scenario, sizeof rec->scenario, "mobilenet-int8");
    snprintf(rec->backend, sizeof rec->backend, "ref");
    if (tag % 2 == 0)
        snprintf(rec->backend_options, sizeof rec->backend_options, "arena=on,tile=%d", tag);
    snprintf(rec->backend_version, sizeof rec->backend_version, "0.1.%d", tag);
    snprintf(rec->library_version, sizeof rec->library_version, "%s", tag % 2 ? "" : "xnnpack 2.0");
    snprintf(rec->variant, sizeof rec->variant, "int8-%d", tag);
    snprintf(rec->model_path, sizeof rec->model_path, "models/m%d.onnx", tag);
    snprintf(rec->condition, sizeof rec->condition, "noise");
    snprintf(rec->condition_params, sizeof rec->condition_params, "sigma=0.%d;seed=7", tag);
    snprintf(rec->sweep, sizeof rec->sweep, "threads=%d;batch=4", tag);
    rec->cell_index = 10 + tag;
    rec->repetition = tag % 3;
    rec->threads = 1 + tag;
    snprintf(rec->started, sizeof rec->started, "2026-11-26T07:01:%02dZ", tag);
    snprintf(rec->finished, sizeof rec->finished, "2026-11-26T07:02:%02dZ", tag);
    rec->wall_s = 1.25 + tag;
    rec->warmup_n = 5 + (uint64_t)tag;
    rec->peak_rss_bytes = 1000000 + (uint64_t)tag;
    rec->model_bytes = 4000 + (uint64_t)tag;

    size_t n = 0;
    if (kind == REC_SMALL_OK)
        n = 10;
    else if (kind == REC_LARGE_OK)
        n = 5000; /* over EB_SAMPLES_CHUNK_THRESHOLD: the chunked, compressed path */
    if (kind == REC_FAILED) {
        rec->status = EB_RUN_FAILED;
        snprintf(rec->message, sizeof rec->message, "backend 'ref': prepare failed: op 'Foo' unsupported");
    } else if (kind == REC_CRASHED) {
        rec->status = EB_RUN_CRASHED;
        snprintf(rec->message, sizeof rec->message, "cell process killed by signal 11 (SIGSEGV)");
    }
    rec->n = n;
    if (n) {
        static const uint64_t small[10] = {1000, 1200, 1100, 5000, 1050, 1010, 990, 1300, 1020, 1080};
        rec->latency_ns = malloc(n * sizeof(uint64_t));
        rec->t_ns = malloc(n * sizeof(uint64_t));
        assert_non_null(rec->latency_ns);
        assert_non_null(rec->t_ns);
        uint32_t x = 12345u + (uint32_t)tag;
        uint64_t t = 0;
        for (size_t i = 0; i < n; i++) {
            x = x * 1664525u + 1013904223u;
            rec->latency_ns[i] = kind == REC_SMALL_OK ? small[i] : 2000000 + (x >> 16);
            rec->t_ns[i] = t;
            t += rec->latency_ns[i] + 100;
        }
    }
    if (kind == REC_SMALL_OK) {
        /* extras: a metric, a NAN metric, a text, a 1-D and a 2-D array in a group */
        assert_int_equal(eb_run_record_set_metric(rec, "top1", 0.875 + tag), 0);
        assert_int_equal(eb_run_record_set_metric(rec, "energy_per_inference_j", NAN), 0);
        assert_int_equal(eb_run_record_set_text(rec, "counters_unavailable", "PAPI_TOT_INS: no PMU"), 0);
        uint8_t correct[5] = {1, 0, 1, 1, (uint8_t)tag};
        assert_int_equal(eb_run_record_set_array(rec, "accuracy/correct", EB_ARRAY_U8, 5, 0, correct), 0);
        double series[3][2] = {{0, 40.5}, {1e6, 41.0}, {2e6, 41.5 + tag}};
        assert_int_equal(eb_run_record_set_array(rec, "sensors/temperature_c", EB_ARRAY_F64, 3, 2, series), 0);
        assert_int_equal(eb_run_record_set_metric(rec, "top1", 0.5 + tag), 0); /* replaces */
        assert_int_equal(rec->n_metrics, 2);
    }
    assert_int_equal(eb_run_record_summarize(rec), 0);
}

/* Doubles are stored bit-exactly: equal, or both NAN. */
static void assert_same_double(double a, double b, const char *what)
{
    if (isnan(a) && isnan(b))
        return;
    if (a != b)
        fail_msg("%s: wrote %.17g, read %.17g", what, a, b);
}

static void assert_same_record(const eb_run_record *w, const eb_run_record *r, int with_samples)
{
    assert_string_equal(r->id, w->id);
#define S(f) assert_string_equal(r->f, w->f)
    S(device); S(scenario); S(backend); S(backend_options); S(backend_version); S(library_version); S(variant);
    S(model_path); S(condition); S(condition_params); S(sweep); S(message); S(started);
    S(finished);
#undef S
    assert_int_equal(r->cell_index, w->cell_index);
    assert_int_equal(r->repetition, w->repetition);
    assert_int_equal(r->threads, w->threads);
    assert_int_equal(r->status, w->status);
    assert_same_double(r->wall_s, w->wall_s, "wall_s");
    assert_int_equal(r->warmup_n, w->warmup_n);
    assert_int_equal(r->n, w->n);
    assert_int_equal(r->peak_rss_bytes, w->peak_rss_bytes);
    assert_int_equal(r->model_bytes, w->model_bytes);
    const eb_summary *a = &w->summary, *b = &r->summary;
    assert_int_equal(b->n, a->n);
#define D(f) assert_same_double(b->f, a->f, #f)
    D(min); D(p50); D(p90); D(p95); D(p99); D(p999); D(max); D(mean); D(stdev); D(cv); D(mad);
    D(median_ci_lo); D(median_ci_hi); D(drift);
#undef D
    assert_int_equal(b->outliers, a->outliers);
    assert_int_equal(b->stable, a->stable);
    assert_string_equal(b->stability, a->stability);
    assert_int_equal(r->n_metrics, w->n_metrics);
    for (int i = 0; i < w->n_metrics; i++) {
        double v;
        assert_true(eb_run_record_metric(r, w->metrics[i].name, &v));
        assert_same_double(v, w->metrics[i].value, w->metrics[i].name);
    }
    assert_int_equal(r->n_texts, w->n_texts);
    for (int i = 0; i < w->n_texts; i++)
        assert_string_equal(eb_run_record_text(r, w->texts[i].name), w->texts[i].value);
    assert_int_equal(r->n_arrays, with_samples ? w->n_arrays : 0);
    for (int i = 0; with_samples && i < w->n_arrays; i++) {
        const eb_run_array *a = &w->arrays[i], *b2 = eb_run_record_array(r, a->name);
        assert_non_null(b2);
        assert_int_equal(b2->type, a->type);
        assert_int_equal(b2->rows, a->rows);
        assert_int_equal(b2->cols, a->cols);
        assert_memory_equal(b2->data, a->data,
                            a->rows * (a->cols ? a->cols : 1) * eb_array_type_size(a->type));
    }
    if (with_samples && w->n) {
        assert_non_null(r->latency_ns);
        assert_non_null(r->t_ns);
        assert_memory_equal(r->latency_ns, w->latency_ns, w->n * sizeof(uint64_t));
        assert_memory_equal(r->t_ns, w->t_ns, w->n * sizeof(uint64_t));
    } else {
        assert_null(r->latency_ns);
        assert_null(r->t_ns);
    }
}

static const char *const dev_keys[] = {"arch", "cpu_vendor", "cpu_brand", "cores", "features",
                                       "os", "kernel", "virtualised"};
static const char *const dev_values[] = {"x86_64", "GenuineIntel", "Intel(R) Xeon(R) 2.1GHz", "2",
                                         "sse4_2 avx2 fma", "Debian GNU/Linux 12",
                                         "6.1.0-18-amd64", "yes (kvm)"};
#define N_DEV (sizeof dev_keys / sizeof dev_keys[0])

static const char *scenario_yaml =
    "name: mobilenet-int8\nmodel: models/m.onnx\nvariants:\n  fp32: models/m.onnx\n"
    "  int8: models/m-int8.onnx\nrun:\n  iterations: 100\n";

/* Open `path` (append or not), failing the test with the message. */
static eb_store *open_store(const char *path, int append)
{
    eb_store *s = NULL;
    char msg[512] = "";
    eb_status st = eb_store_open(path, append, &s, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("eb_store_open(%s, %d): %s", path, append, msg);
    return s;
}

static void append(eb_store *s, eb_run_record *rec)
{
    char msg[512] = "";
    eb_status st = eb_store_append_run(s, rec, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("eb_store_append_run: %s", msg);
}

static void close_store(eb_store *s)
{
    char msg[512] = "";
    eb_status st = eb_store_close(s, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("eb_store_close: %s", msg);
}

static eb_results *read_results(const char *path, int with_samples)
{
    eb_results *r = NULL;
    char msg[512] = "";
    eb_status st = eb_results_read(path, with_samples, &r, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("eb_results_read(%s): %s", path, msg);
    return r;
}

/* A file of `n_runs` small ok runs (device and scenario recorded). */
static void write_simple_file(const char *path, int n_runs)
{
    eb_store *s = open_store(path, 0);
    char msg[512];
    assert_int_equal(eb_store_put_device(s, "local", N_DEV, dev_keys, dev_values, msg, sizeof msg), EB_OK);
    for (int i = 0; i < n_runs; i++) {
        eb_run_record rec;
        make_record(&rec, REC_SMALL_OK, i);
        append(s, &rec);
        eb_run_record_free(&rec);
    }
    close_store(s);
}

/* Overwrite the root schema_version of an edgebench file, as a newer
 * edgebench would have written it. */
static void set_schema_version(const char *path, const char *version)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Adelete(f, "schema_version") >= 0);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "schema_version", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, t, &version) >= 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    H5Fclose(f);
}

/* ---- tests ------------------------------------------------------------ */

static void test_round_trip_keeps_every_field(void **state)
{
    (void)state;
    char path[512];
    const char *out = getenv("EB_STORE_TEST_OUT");
    if (out && out[0])
        snprintf(path, sizeof path, "%s", out);
    else
        tmp_path(path, sizeof path, "roundtrip.h5");

    /* Two model files hashed as the runner will hash them. */
    char m1[512], m2[512], h1[EB_SHA256_HEX_LEN + 1], h2[EB_SHA256_HEX_LEN + 1], msg[512] = "";
    tmp_path(m1, sizeof m1, "m.onnx");
    tmp_path(m2, sizeof m2, "m-int8.onnx");
    write_text(m1, "fp32 model bytes");
    write_text(m2, "int8 model");
    assert_int_equal(eb_sha256_file(m1, h1, msg, sizeof msg), EB_OK);
    assert_int_equal(eb_sha256_file(m2, h2, msg, sizeof msg), EB_OK);
    const char *paths[] = {m1, m2}, *hashes[] = {h1, h2};
    const uint64_t sizes[] = {16, 10};

    eb_store *s = open_store(path, 0);
    assert_string_equal(eb_store_next_id(s), "000001");
    assert_int_equal(eb_store_set_command(s, "edgebench run bench.yaml -o results.h5", msg, sizeof msg), EB_OK);
    assert_int_equal(eb_store_put_device(s, "local", N_DEV, dev_keys, dev_values, msg, sizeof msg), EB_OK);
    assert_int_equal(eb_store_put_scenario(s, "mobilenet-int8", scenario_yaml, 2, paths, hashes, sizes, msg, sizeof msg), EB_OK);

    eb_run_record w[4];
    make_record(&w[0], REC_SMALL_OK, 1);
    make_record(&w[1], REC_LARGE_OK, 2);
    make_record(&w[2], REC_FAILED, 3);
    make_record(&w[3], REC_CRASHED, 4);
    for (int i = 0; i < 4; i++)
        append(s, &w[i]);
    assert_string_equal(w[0].id, "000001");
    assert_string_equal(w[3].id, "000004");
    close_store(s);

    eb_results *r = read_results(path, 1);
    assert_string_equal(r->format, "edgebench");
    assert_string_equal(r->schema_version, "1.4");
    assert_int_equal(r->schema_major, 1);
    assert_int_equal(r->schema_minor, 4);
    assert_string_equal(r->tool_version, EB_VERSION_STRING);
    assert_string_equal(r->command, "edgebench run bench.yaml -o results.h5");
    /* "2026-11-26T07:01:02Z" */
    assert_int_equal(strlen(r->created), 20);
    assert_true(r->created[4] == '-' && r->created[10] == 'T' && r->created[19] == 'Z');

    assert_int_equal(r->n_devices, 1);
    const eb_results_device *d = eb_results_find_device(r, "local");
    assert_non_null(d);
    assert_int_equal(d->n_attrs, N_DEV);
    for (size_t i = 0; i < N_DEV; i++)
        assert_string_equal(eb_results_device_attr(d, dev_keys[i]), dev_values[i]);
    for (size_t i = 1; i < d->n_attrs; i++) /* sorted by key */
        assert_true(strcmp(d->attrs[i - 1].key, d->attrs[i].key) < 0);

    assert_int_equal(r->n_scenarios, 1);
    const eb_results_scenario *sc = eb_results_find_scenario(r, "mobilenet-int8");
    assert_non_null(sc);
    assert_string_equal(sc->yaml, scenario_yaml);
    assert_int_equal(sc->n_models, 2);
    for (int i = 0; i < 2; i++) {
        assert_string_equal(sc->model_paths[i], paths[i]);
        assert_string_equal(sc->model_sha256[i], hashes[i]);
        assert_int_equal(sc->model_bytes[i], sizes[i]);
    }

    assert_int_equal(r->n_runs, 4);
    for (int i = 0; i < 4; i++)
        assert_same_record(&w[i], &r->runs[i], 1);
    assert_non_null(eb_results_find_run(r, "000003"));
    assert_null(eb_results_find_run(r, "000005"));
    eb_results_free(r);

    /* Without samples: every attribute, no arrays. */
    r = read_results(path, 0);
    assert_int_equal(r->n_runs, 4);
    for (int i = 0; i < 4; i++)
        assert_same_record(&w[i], &r->runs[i], 0);
    eb_results_free(r);

    for (int i = 0; i < 4; i++)
        eb_run_record_free(&w[i]);
}

/* Replace (value) or delete (NULL) the string attribute name of /runs/<id>. */
static void set_run_attr(const char *path, const char *id, const char *name, const char *value)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    char where[64];
    snprintf(where, sizeof where, "/runs/%s", id);
    hid_t g = H5Gopen2(f, where, H5P_DEFAULT);
    assert_true(g >= 0);
    assert_true(H5Adelete(g, name) >= 0);
    if (value) {
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
        hid_t sp = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(a >= 0);
        assert_true(H5Awrite(a, t, &value) >= 0);
        H5Aclose(a);
        H5Sclose(sp);
        H5Tclose(t);
    }
    H5Gclose(g);
    H5Fclose(f);
}

/* backend_options came with schema 1.2: a run of an older file (no
 * attribute) reads "", and a hostile file's overlong value is cut to the
 * record's field instead of failing or overrunning it. */
static void test_backend_options_absent_reads_empty_and_long_is_bounded(void **state)
{
    (void)state;
    char path[512];
    tmp_path(path, sizeof path, "options.h5");
    write_simple_file(path, 2);
    set_run_attr(path, "000001", "backend_options", NULL);
    static char big[20000];
    memset(big, 'x', sizeof big - 1);
    set_run_attr(path, "000002", "backend_options", big);
    eb_results *r = read_results(path, 0);
    assert_int_equal(r->n_runs, 2);
    assert_string_equal(r->runs[0].backend_options, "");
    assert_int_equal(strlen(r->runs[1].backend_options), sizeof r->runs[1].backend_options - 1);
    eb_results_free(r);
}

static void test_append_continues_run_ids(void **state)
{
    (void)state;
    char path[512], msg[512];
    tmp_path(path, sizeof path, "append.h5");
    write_simple_file(path, 2);
    eb_results *before = read_results(path, 0);

    eb_store *s = open_store(path, 1);
    assert_string_equal(eb_store_next_id(s), "000003");
    assert_int_equal(eb_store_set_command(s, "edgebench run again.yaml", msg, sizeof msg), EB_OK);
    /* The same device description again is no change. */
    assert_int_equal(eb_store_put_device(s, "local", N_DEV, dev_keys, dev_values, msg, sizeof msg), EB_OK);
    eb_run_record rec;
    make_record(&rec, REC_FAILED, 9);
    append(s, &rec);
    assert_string_equal(rec.id, "000003");
    close_store(s);

    eb_results *r = read_results(path, 1);
    assert_int_equal(r->n_runs, 3);
    assert_string_equal(r->runs[0].id, "000001");
    assert_string_equal(r->runs[1].id, "000002");
    assert_same_record(&rec, &r->runs[2], 1);
    /* The root describes the file's creation, not the append. */
    assert_string_equal(r->created, before->created);
    assert_string_equal(r->command, before->command);
    eb_results_free(r);
    eb_results_free(before);
    eb_run_record_free(&rec);

    /* Append to a file that does not exist yet creates it. */
    char fresh[512];
    tmp_path(fresh, sizeof fresh, "fresh-append.h5");
    s = open_store(fresh, 1);
    assert_string_equal(eb_store_next_id(s), "000001");
    close_store(s);
    r = read_results(fresh, 0);
    assert_int_equal(r->n_runs, 0);
    eb_results_free(r);
}

static void test_refuses_to_overwrite_or_append_to_foreign_files(void **state)
{
    (void)state;
    char text[512], h5[512], msg[512];
    eb_store *s = NULL;

    tmp_path(text, sizeof text, "notes.txt");
    write_text(text, "precious notes\n");
    assert_int_equal(eb_store_open(text, 0, &s, msg, sizeof msg), EB_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(msg, text));
    assert_non_null(strstr(msg, "refusing to overwrite"));
    struct stat sb;
    assert_int_equal(stat(text, &sb), 0);
    assert_int_equal(sb.st_size, 15); /* untouched */
    assert_int_equal(eb_store_open(text, 1, &s, msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "not an edgebench results file"));

    /* An HDF5 file of someone else's. */
    tmp_path(h5, sizeof h5, "other.h5");
    hid_t f = H5Fcreate(h5, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t g = H5Gcreate2(f, "data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(g);
    H5Fclose(f);
    assert_int_equal(eb_store_open(h5, 0, &s, msg, sizeof msg), EB_ERR_IO);
    assert_non_null(strstr(msg, "refusing to overwrite"));
    assert_int_equal(eb_store_open(h5, 1, &s, msg, sizeof msg), EB_ERR_FORMAT);
    assert_null(s);

    /* An edgebench file, or an empty file (mktemp), may be replaced: an
     * edgebench file only once the new run has a cell that succeeded (it
     * is written beside and renamed over it), so a run that stores
     * nothing, or only failures, leaves it as it was. */
    char ours[512];
    tmp_path(ours, sizeof ours, "ours.h5");
    write_simple_file(ours, 2);
    s = open_store(ours, 0);
    assert_string_equal(eb_store_next_id(s), "000001");
    close_store(s);
    eb_results *r = read_results(ours, 0);
    assert_int_equal(r->n_runs, 2);
    eb_results_free(r);
    s = open_store(ours, 0);
    eb_run_record rec;
    make_record(&rec, REC_FAILED, 7);
    append(s, &rec);
    eb_run_record_free(&rec);
    assert_int_equal(eb_store_close(s, msg, sizeof msg), EB_ERR_IO);
    assert_non_null(strstr(msg, "no cell succeeded, so the existing file was left unchanged"));
    r = read_results(ours, 0);
    assert_int_equal(r->n_runs, 2);
    eb_results_free(r);
    s = open_store(ours, 0);
    make_record(&rec, REC_SMALL_OK, 8);
    append(s, &rec);
    eb_run_record_free(&rec);
    close_store(s);
    r = read_results(ours, 0);
    assert_int_equal(r->n_runs, 1);
    eb_results_free(r);
    char empty[512];
    tmp_path(empty, sizeof empty, "empty.h5");
    write_text(empty, "");
    s = open_store(empty, 0);
    close_store(s);
}

/* Run eb_results_read with stderr redirected to a file; returns the status
 * and checks that HDF5 printed nothing. */
static eb_status read_quietly(const char *path, char *msg, size_t len)
{
    char err_path[512];
    tmp_path(err_path, sizeof err_path, "stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(err_path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    eb_results *r = NULL;
    eb_status st = eb_results_read(path, 1, &r, msg, len);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    eb_results_free(r);
    struct stat sb;
    assert_int_equal(stat(err_path, &sb), 0);
    if (sb.st_size != 0)
        fail_msg("reading %s printed %lld bytes to stderr (HDF5 error stack not silenced)", path,
                 (long long)sb.st_size);
    return st;
}

static void test_reader_names_the_file_in_every_error(void **state)
{
    (void)state;
    char path[512], msg[512];

    tmp_path(path, sizeof path, "missing.h5");
    assert_int_equal(read_quietly(path, msg, sizeof msg), EB_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, path));

    tmp_path(path, sizeof path, "plain.txt");
    write_text(path, "not hdf5 at all\n");
    assert_int_equal(read_quietly(path, msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "not an HDF5 file"));

    tmp_path(path, sizeof path, "foreign.h5");
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    H5Fclose(f);
    assert_int_equal(read_quietly(path, msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "not an edgebench results file"));
}

static void test_newer_schema_major_is_refused_newer_minor_is_read(void **state)
{
    (void)state;
    char path[512], msg[512];
    eb_store *s = NULL;

    tmp_path(path, sizeof path, "v2.h5");
    write_simple_file(path, 1);
    set_schema_version(path, "2.0");
    assert_int_equal(read_quietly(path, msg, sizeof msg), EB_ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "2.0 is newer"));
    assert_int_equal(eb_store_open(path, 1, &s, msg, sizeof msg), EB_ERR_UNSUPPORTED);
    assert_null(s);
    assert_non_null(strstr(msg, path));

    /* A newer minor version only adds: it reads, but this edgebench must
     * not append runs that lack the newer additions. */
    tmp_path(path, sizeof path, "v1_7.h5");
    write_simple_file(path, 1);
    set_schema_version(path, "1.7");
    assert_int_equal(read_quietly(path, msg, sizeof msg), EB_OK);
    assert_int_equal(eb_store_open(path, 1, &s, msg, sizeof msg), EB_ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, "1.7"));

    tmp_path(path, sizeof path, "bad_version.h5");
    write_simple_file(path, 1);
    set_schema_version(path, "one");
    assert_int_equal(read_quietly(path, msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "schema_version"));
}

/* Child: append `n` runs to path, then die by SIGKILL without closing. */
static void append_then_sigkill(const char *path, int append_mode, int n)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        eb_store *s = NULL;
        char msg[512];
        if (eb_store_open(path, append_mode, &s, msg, sizeof msg) != EB_OK)
            _exit(10);
        for (int i = 0; i < n; i++) {
            eb_run_record rec;
            make_record(&rec, i % 2 ? REC_CRASHED : REC_LARGE_OK, 20 + i);
            if (eb_store_append_run(s, &rec, msg, sizeof msg) != EB_OK)
                _exit(11);
            eb_run_record_free(&rec);
        }
        kill(getpid(), SIGKILL);
        _exit(12); /* not reached */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void test_file_is_readable_after_sigkill_right_after_append(void **state)
{
    (void)state;
    char path[512];

    /* Appending to an existing file. */
    tmp_path(path, sizeof path, "killed-append.h5");
    write_simple_file(path, 1);
    append_then_sigkill(path, 1, 2);
    eb_results *r = read_results(path, 1);
    assert_int_equal(r->n_runs, 3);
    assert_string_equal(r->runs[1].id, "000002");
    assert_int_equal(r->runs[1].n, 5000);
    assert_non_null(r->runs[1].latency_ns);
    assert_int_equal(r->runs[2].status, EB_RUN_CRASHED);
    eb_run_record expect;
    make_record(&expect, REC_LARGE_OK, 20);
    snprintf(expect.id, sizeof expect.id, "000002");
    assert_same_record(&expect, &r->runs[1], 1);
    eb_run_record_free(&expect);
    eb_results_free(r);

    /* The killed file can be appended to again. */
    eb_store *s = open_store(path, 1);
    assert_string_equal(eb_store_next_id(s), "000004");
    close_store(s);

    /* A file created by the killed process itself. */
    tmp_path(path, sizeof path, "killed-new.h5");
    append_then_sigkill(path, 0, 1);
    r = read_results(path, 0);
    assert_int_equal(r->n_runs, 1);
    assert_int_equal(r->runs[0].n, 5000);
    eb_results_free(r);
}

static void test_file_in_use_by_a_writer_is_reported_not_clobbered(void **state)
{
    (void)state;
    const char *locking = getenv("HDF5_USE_FILE_LOCKING");
    if (locking && (strcmp(locking, "FALSE") == 0 || strcmp(locking, "0") == 0))
        skip(); /* skipped: HDF5 file locking disabled in the environment */
    char path[512], msg[512];
    tmp_path(path, sizeof path, "in-use.h5");
    write_simple_file(path, 2);

    /* A child holds the file open for writing until the parent is done. */
    int go[2], done[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        eb_store *s = NULL;
        char m[512], c = 0;
        int ok = eb_store_open(path, 1, &s, m, sizeof m) == EB_OK;
        c = ok ? 'y' : 'n';
        if (write(go[1], &c, 1) != 1 || read(done[0], &c, 1) != 1)
            _exit(3);
        eb_store_close(s, m, sizeof m);
        _exit(ok ? 0 : 2);
    }
    char c = 0;
    assert_int_equal(read(go[0], &c, 1), 1);
    assert_int_equal(c, 'y');

    eb_store *s = NULL;
    assert_int_equal(eb_store_open(path, 0, &s, msg, sizeof msg), EB_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "lock"));
    assert_int_equal(read_quietly(path, msg, sizeof msg), EB_ERR_IO);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "lock"));

    assert_int_equal(write(done[1], "x", 1), 1);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(go[0]);
    close(go[1]);
    close(done[0]);
    close(done[1]);
    /* Untouched: both runs are still there. */
    eb_results *r = read_results(path, 0);
    assert_int_equal(r->n_runs, 2);
    eb_results_free(r);
}

static void test_device_may_grow_but_not_change(void **state)
{
    (void)state;
    char path[512], msg[512];
    tmp_path(path, sizeof path, "devices.h5");
    eb_store *s = open_store(path, 0);
    const char *k1[] = {"arch", "kernel"}, *v1[] = {"aarch64", "6.1"};
    assert_int_equal(eb_store_put_device(s, "board-7", 2, k1, v1, msg, sizeof msg), EB_OK);
    /* A later probe adds keys: kept together with the old ones. */
    const char *k2[] = {"arch", "sensors"}, *v2[] = {"aarch64", "thermal_zone0 hwmon1"};
    assert_int_equal(eb_store_put_device(s, "board-7", 2, k2, v2, msg, sizeof msg), EB_OK);
    /* A different value is refused and changes nothing. */
    const char *k3[] = {"cores", "kernel"}, *v3[] = {"4", "6.6"};
    assert_int_equal(eb_store_put_device(s, "board-7", 2, k3, v3, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "kernel='6.1', now '6.6'"));
    /* Ids that are not one group name. */
    assert_int_equal(eb_store_put_device(s, "a/b", 2, k1, v1, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_int_equal(eb_store_put_device(s, "", 2, k1, v1, msg, sizeof msg), EB_ERR_INVALID_ARG);
    close_store(s);

    eb_results *r = read_results(path, 0);
    const eb_results_device *d = eb_results_find_device(r, "board-7");
    assert_non_null(d);
    assert_int_equal(d->n_attrs, 3);
    assert_string_equal(eb_results_device_attr(d, "kernel"), "6.1");
    assert_string_equal(eb_results_device_attr(d, "sensors"), "thermal_zone0 hwmon1");
    assert_null(eb_results_device_attr(d, "cores"));
    eb_results_free(r);
}

static void test_scenario_is_recorded_once(void **state)
{
    (void)state;
    char path[512], msg[512];
    tmp_path(path, sizeof path, "scenarios.h5");
    eb_store *s = open_store(path, 0);
    const char *paths[] = {"m.onnx"};
    const char *hashes[] = {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};
    const uint64_t sizes[] = {0};
    assert_int_equal(eb_store_put_scenario(s, "quick", "a: 1\n", 1, paths, hashes, sizes, msg, sizeof msg), EB_OK);
    assert_int_equal(eb_store_put_scenario(s, "quick", "a: 1\n", 1, paths, hashes, sizes, msg, sizeof msg), EB_OK);
    assert_int_equal(eb_store_put_scenario(s, "quick", "a: 2\n", 1, paths, hashes, sizes, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "YAML"));
    const char *other_hash[] = {"0000000000000000000000000000000000000000000000000000000000000000"};
    assert_int_equal(eb_store_put_scenario(s, "quick", "a: 1\n", 1, paths, other_hash, sizes, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "model"));
    const char *bad_hash[] = {"abc"};
    assert_int_equal(eb_store_put_scenario(s, "bad", "a: 1\n", 1, paths, bad_hash, sizes, msg, sizeof msg), EB_ERR_INVALID_ARG);

    /* No models, and YAML far beyond HDF5's 64 KiB compact attribute limit. */
    size_t big_n = 200 * 1024;
    char *big = malloc(big_n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < big_n; i++)
        big[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
    big[big_n] = '\0';
    assert_int_equal(eb_store_put_scenario(s, "big", big, 0, NULL, NULL, NULL, msg, sizeof msg), EB_OK);
    close_store(s);

    eb_results *r = read_results(path, 0);
    assert_int_equal(r->n_scenarios, 2);
    assert_string_equal(r->scenarios[0].name, "big"); /* sorted by name */
    assert_string_equal(r->scenarios[0].yaml, big);
    assert_int_equal(r->scenarios[0].n_models, 0);
    assert_int_equal(r->scenarios[1].n_models, 1);
    assert_string_equal(r->scenarios[1].model_sha256[0], hashes[0]);
    eb_results_free(r);
    free(big);
}

static void test_inconsistent_records_are_refused(void **state)
{
    (void)state;
    char path[512], msg[512];
    tmp_path(path, sizeof path, "inconsistent.h5");
    eb_store *s = open_store(path, 0);

    eb_run_record rec;
    make_record(&rec, REC_SMALL_OK, 1);
    uint64_t *lat = rec.latency_ns;
    rec.latency_ns = NULL; /* n = 10 but no samples */
    assert_int_equal(eb_store_append_run(s, &rec, msg, sizeof msg), EB_ERR_INVALID_ARG);
    rec.latency_ns = lat;
    rec.summary.n = 3; /* summary of other samples */
    assert_int_equal(eb_store_append_run(s, &rec, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "eb_run_record_summarize"));
    rec.summary.n = rec.n;
    rec.status = (eb_run_status)99;
    assert_int_equal(eb_store_append_run(s, &rec, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_string_equal(rec.id, "");
    /* Nothing was used up. */
    assert_string_equal(eb_store_next_id(s), "000001");
    rec.status = EB_RUN_OK;
    append(s, &rec);
    assert_string_equal(rec.id, "000001");
    eb_run_record_free(&rec);
    close_store(s);
    assert_int_equal(eb_store_close(NULL, msg, sizeof msg), EB_OK);
}

static void test_extras_names_are_checked(void **state)
{
    (void)state;
    eb_run_record rec;
    memset(&rec, 0, sizeof rec);
    double one = 1;
    assert_int_equal(eb_run_record_set_metric(&rec, "", 1), -1);
    assert_int_equal(eb_run_record_set_metric(&rec, "a/b", 1), -1);      /* metrics: no group */
    assert_int_equal(eb_run_record_set_metric(&rec, "bad name", 1), -1);
    assert_int_equal(eb_run_record_set_array(&rec, "/x", EB_ARRAY_F64, 1, 0, &one), -1);
    assert_int_equal(eb_run_record_set_array(&rec, "a/b/c", EB_ARRAY_F64, 1, 0, &one), -1);
    assert_int_equal(eb_run_record_set_array(&rec, "x", (eb_array_type)9, 1, 0, &one), -1);
    assert_int_equal(rec.n_metrics + rec.n_arrays, 0);

    /* An array named like the run's own datasets is refused by the store,
     * and the run is not half-written. */
    char path[512], msg[512];
    tmp_path(path, sizeof path, "reserved.h5");
    eb_store *s = open_store(path, 0);
    make_record(&rec, REC_SMALL_OK, 2);
    assert_int_equal(eb_run_record_set_array(&rec, "latency_ns", EB_ARRAY_F64, 1, 0, &one), 0);
    assert_int_equal(eb_store_append_run(s, &rec, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "reserved"));
    assert_string_equal(eb_store_next_id(s), "000001");
    eb_run_record_free(&rec);
    close_store(s);
}

/* Stored outputs (schema 1.3): N-D arrays in the tensor's element type keep
 * their shape and type in the file; the reader skips a rank above 2 and
 * reads a signed 1-byte array as int64, negative values intact. */
static void test_nd_arrays_keep_shape_and_type(void **state)
{
    (void)state;
    eb_run_record rec;
    memset(&rec, 0, sizeof rec);
    float f[6] = {1.5f, -2, 3, 4, 5, 6.25f};
    uint64_t d3[3] = {2, 1, 3}, bad0[2] = {2, 0}, d9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(eb_run_record_set_array_nd(&rec, "outputs/x", EB_ARRAY_F32, 0, d3, f), -1);
    assert_int_equal(eb_run_record_set_array_nd(&rec, "outputs/x", EB_ARRAY_F32, 9, d9, f), -1);
    assert_int_equal(eb_run_record_set_array_nd(&rec, "outputs/x", EB_ARRAY_F32, 2, bad0, f), -1);
    assert_int_equal(rec.n_arrays, 0);

    char path[512], msg[512];
    tmp_path(path, sizeof path, "outputs.h5");
    eb_store *s = open_store(path, 0);
    assert_int_equal(eb_store_put_device(s, "local", N_DEV, dev_keys, dev_values, msg, sizeof msg),
                     EB_OK);
    make_record(&rec, REC_SMALL_OK, 0);
    assert_int_equal(eb_run_record_set_array_nd(&rec, "outputs/logits", EB_ARRAY_F32, 3, d3, f), 0);
    int8_t q[4] = {-5, 7, -128, 127};
    uint64_t d2[2] = {2, 2};
    assert_int_equal(eb_run_record_set_array_nd(&rec, "outputs/q", EB_ARRAY_I8, 2, d2, q), 0);
    const eb_run_array *a = eb_run_record_array(&rec, "outputs/logits");
    assert_int_equal(a->rows, 2);
    assert_int_equal(a->cols, 3);
    assert_int_equal(a->rank, 3);
    append(s, &rec);
    eb_run_record_free(&rec);
    close_store(s);

    hid_t fh = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(fh, "/runs/000001/outputs/logits", H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t sp = H5Dget_space(ds), ty = H5Dget_type(ds);
    hsize_t dims[3];
    assert_int_equal(H5Sget_simple_extent_dims(sp, dims, NULL), 3);
    assert_int_equal(dims[0], 2);
    assert_int_equal(dims[1], 1);
    assert_int_equal(dims[2], 3);
    assert_int_equal(H5Tget_class(ty), H5T_FLOAT);
    assert_int_equal(H5Tget_size(ty), 4);
    float back[6];
    assert_true(H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0);
    assert_memory_equal(back, f, sizeof f);
    H5Tclose(ty);
    H5Sclose(sp);
    H5Dclose(ds);
    H5Fclose(fh);

    eb_results *r = read_results(path, 1);
    assert_int_equal(r->n_runs, 1);
    assert_null(eb_run_record_array(&r->runs[0], "outputs/logits"));
    const eb_run_array *qa = eb_run_record_array(&r->runs[0], "outputs/q");
    assert_non_null(qa);
    assert_int_equal(qa->type, EB_ARRAY_I64);
    assert_int_equal(((const int64_t *)qa->data)[0], -5);
    assert_int_equal(((const int64_t *)qa->data)[2], -128);
    eb_results_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_keeps_every_field),
        cmocka_unit_test(test_backend_options_absent_reads_empty_and_long_is_bounded),
        cmocka_unit_test(test_append_continues_run_ids),
        cmocka_unit_test(test_refuses_to_overwrite_or_append_to_foreign_files),
        cmocka_unit_test(test_reader_names_the_file_in_every_error),
        cmocka_unit_test(test_newer_schema_major_is_refused_newer_minor_is_read),
        cmocka_unit_test(test_file_is_readable_after_sigkill_right_after_append),
        cmocka_unit_test(test_file_in_use_by_a_writer_is_reported_not_clobbered),
        cmocka_unit_test(test_device_may_grow_but_not_change),
        cmocka_unit_test(test_scenario_is_recorded_once),
        cmocka_unit_test(test_inconsistent_records_are_refused),
        cmocka_unit_test(test_extras_names_are_checked),
        cmocka_unit_test(test_nd_arrays_keep_shape_and_type),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
