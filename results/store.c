/* The HDF5 results store, writer side (see store.h and
 * docs/results-schema.md): creates or appends to a results file, records
 * devices, scenarios and runs, and flushes after every addition. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "common/h5_util.h"
#include "edgebench/version.h"
#include "results/store.h"
#include "results/store_condition.h"
#include "results/store_extras.h"
#include "results/store_private.h"
#include "results/store_schema.h"
#include "results/store_space.h"
#include "results/store_summary.h"

/* ---- small helpers ---------------------------------------------------- */

static void set_next_id(eb_store *s, long id)
{
    s->next_id = id;
    snprintf(s->next_id_str, sizeof s->next_id_str, EB_RUN_ID_FORMAT, (int)id);
}

/* "path: what: <HDF5's reason>" */
eb_status eb_store__h5_fail(eb_status st, char *msg, size_t msg_len, const char *path,
                            const char *what)
{
    char detail[256];
    eb_h5__error(detail, sizeof detail);
    snprintf(msg, msg_len, "%s: %s: %s", path, what, detail);
    return st;
}

static void iso8601_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Claim room for a write of about `payload` bytes before making it; on
 * failure nothing was written and msg says why, naming what the file
 * keeps. */
eb_status eb_store__claim(eb_store *s, uint64_t payload, const char *what, char *msg,
                       size_t msg_len)
{
    char why[256];
    if (eb_store__space_claim(&s->space, eb_store__space_for(payload), why, sizeof why) == 0)
        return EB_OK;
    snprintf(msg, msg_len, "%s: no room for %s (%s); the file keeps what was stored before: %d run%s of this command",
             s->path, what, why, s->runs_stored, s->runs_stored == 1 ? "" : "s");
    return EB_ERR_IO;
}

eb_status eb_store__flush(eb_store *s, char *msg, size_t msg_len)
{
    if (H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "flush failed");
    return EB_OK;
}

eb_status eb_store__raise_version(eb_store *s, char *msg, size_t msg_len)
{
    if (!s->pending_version)
        return EB_OK;
    char v[16];
    snprintf(v, sizeof v, "%d.%d", EB_SCHEMA_MAJOR, EB_SCHEMA_MINOR);
    if (eb_h5__put_str(s->file, EB_ATTR_SCHEMA_VERSION, v) < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot update schema_version");
    s->pending_version = 0;
    return EB_OK;
}

eb_status eb_store__run_added(eb_store *s, int replaces, char *msg, size_t msg_len)
{
    set_next_id(s, s->next_id + 1);
    s->runs_stored++;
    if (!s->tmp_path || !replaces)
        return EB_OK;
    if (rename(s->tmp_path, s->path) != 0) {
        snprintf(msg, msg_len, "%s: cannot replace it with the new results (%s): %s", s->path,
                 s->tmp_path, strerror(errno));
        return EB_ERR_IO;
    }
    free(s->tmp_path);
    s->tmp_path = NULL;
    return EB_OK;
}

/* File access: earliest on-disk format that holds the data, at most the
 * 1.8 format, so HDF5 1.8 tools on older boards read our files too. */
static hid_t make_fapl(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

/* Parse "MAJOR.MINOR"; -1 when malformed. */
static int parse_version(const char *v, int *major, int *minor)
{
    char *end;
    errno = 0;
    long ma = strtol(v, &end, 10);
    if (end == v || *end != '.' || ma < 0 || ma > 100000)
        return -1;
    const char *m = end + 1;
    long mi = strtol(m, &end, 10);
    if (end == m || *end != '\0' || mi < 0 || mi > 100000 || errno)
        return -1;
    *major = (int)ma;
    *minor = (int)mi;
    return 0;
}

/* Is the HDF5 file at path an edgebench results file? 1 yes, 0 no (HDF5
 * but another format, or not HDF5 at all), -1 when it cannot be read (the
 * HDF5 error stack is left for h5_fail to report). */
static int is_edgebench_file(const char *path)
{
    htri_t h5 = H5Fis_hdf5(path);
    if (h5 < 0)
        return -1; /* HDF5's error stack says why */
    if (h5 == 0)
        return 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return -1;
    char format[32] = "";
    int rc = eb_h5__get_str_into(f, EB_ATTR_FORMAT, format, sizeof format);
    H5Fclose(f);
    return rc == 0 && strcmp(format, EB_SCHEMA_FORMAT) == 0;
}

static void close_handles(eb_store *s)
{
    if (s->summary_mtype >= 0)
        H5Tclose(s->summary_mtype);
    if (s->summary >= 0)
        H5Dclose(s->summary);
    if (s->runs >= 0)
        H5Gclose(s->runs);
    if (s->scenarios >= 0)
        H5Gclose(s->scenarios);
    if (s->devices >= 0)
        H5Gclose(s->devices);
    if (s->file >= 0)
        H5Fclose(s->file);
    eb_store__space_close(&s->space);
    s->summary_mtype = s->summary = s->runs = s->scenarios = s->devices = s->file = -1;
}

/* ---- open: create ----------------------------------------------------- */

static eb_status create_file(eb_store *s, char *msg, size_t msg_len)
{
    hid_t fapl = make_fapl();
    if (fapl < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot set file access properties");
    s->file = H5Fcreate(s->tmp_path ? s->tmp_path : s->path,
                        s->tmp_path ? H5F_ACC_EXCL : H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (s->file < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot create");
    s->created = 1;
    eb_store__space_open(&s->space, s->tmp_path ? s->tmp_path : s->path);
    eb_status st = eb_store__claim(s, strlen(s->command) + 4096, "the file's layout", msg, msg_len);
    if (st != EB_OK)
        return st;

    char version[16], created[32];
    snprintf(version, sizeof version, "%d.%d", EB_SCHEMA_MAJOR, EB_SCHEMA_MINOR);
    iso8601_now(created, sizeof created);
    if (eb_h5__put_str(s->file, EB_ATTR_FORMAT, EB_SCHEMA_FORMAT) < 0 ||
        eb_h5__put_str(s->file, EB_ATTR_SCHEMA_VERSION, version) < 0 ||
        eb_h5__put_str(s->file, EB_ATTR_TOOL_VERSION, EB_VERSION_STRING) < 0 ||
        eb_h5__put_str(s->file, EB_ATTR_CREATED, created) < 0 ||
        eb_h5__put_str(s->file, EB_ATTR_COMMAND, s->command) < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot write root attributes");

    s->devices = H5Gcreate2(s->file, EB_GROUP_DEVICES, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    s->scenarios = H5Gcreate2(s->file, EB_GROUP_SCENARIOS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    s->runs = H5Gcreate2(s->file, EB_GROUP_RUNS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    s->summary = eb_store__summary_create(s->file);
    if (s->devices < 0 || s->scenarios < 0 || s->runs < 0 || s->summary < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot create the results layout");
    set_next_id(s, 1);
    return eb_store__flush(s, msg, msg_len);
}

/* ---- open: append ----------------------------------------------------- */

static herr_t max_id_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    long *max = data;
    char *end;
    long v = strtol(name, &end, 10);
    if (end != name && *end == '\0' && v > *max)
        *max = v;
    return 0;
}

static eb_status open_group(eb_store *s, hid_t *g, const char *name, char *msg, size_t msg_len)
{
    *g = H5Gopen2(s->file, name, H5P_DEFAULT);
    if (*g < 0) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(msg, msg_len, "%s: edgebench results file without /%s (damaged?)", s->path,
                 name);
        return EB_ERR_FORMAT;
    }
    return EB_OK;
}

static eb_status open_existing(eb_store *s, char *msg, size_t msg_len)
{
    int is_eb = is_edgebench_file(s->path);
    if (is_eb < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot open");
    if (is_eb == 0) {
        snprintf(msg, msg_len, "%s: not an edgebench results file, refusing to append to it",
                 s->path);
        return EB_ERR_FORMAT;
    }
    hid_t fapl = make_fapl();
    if (fapl < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot set file access properties");
    s->file = H5Fopen(s->path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (s->file < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot open for appending");
    eb_store__space_open(&s->space, s->path);

    char version[32] = "";
    int major, minor;
    if (eb_h5__get_str_into(s->file, EB_ATTR_SCHEMA_VERSION, version, sizeof version) != 0 ||
        parse_version(version, &major, &minor) != 0) {
        snprintf(msg, msg_len, "%s: edgebench file with a missing or malformed schema_version '%s'",
                 s->path, version);
        return EB_ERR_FORMAT;
    }
    if (major != EB_SCHEMA_MAJOR || minor > EB_SCHEMA_MINOR) {
        snprintf(msg, msg_len,
                 "%s: results schema %d.%d; this edgebench (%s) writes schema %d.%d and can "
                 "only append to %d.0 .. %d.%d: write a new file%s",
                 s->path, major, minor, EB_VERSION_STRING, EB_SCHEMA_MAJOR, EB_SCHEMA_MINOR,
                 EB_SCHEMA_MAJOR, EB_SCHEMA_MAJOR, EB_SCHEMA_MINOR,
                 major > EB_SCHEMA_MAJOR || minor > EB_SCHEMA_MINOR
                     ? " or append with the newer edgebench that wrote it"
                     : "");
        return EB_ERR_UNSUPPORTED;
    }
    /* Appended runs carry this minor version's additions; the file as a
     * whole is then of this version (older runs lack the additions, which
     * the compatibility rule allows). Written with the first appended
     * cell: a refused or empty append leaves the file as it was. */
    s->pending_version = minor < EB_SCHEMA_MINOR;
    char why[512];
    if (eb_h5__check_links(s->file, 1, why, sizeof why) != 0) {
        snprintf(msg, msg_len, "%s: refusing to append: %s", s->path, why);
        return EB_ERR_FORMAT;
    }

    eb_status st;
    if ((st = open_group(s, &s->devices, EB_GROUP_DEVICES, msg, msg_len)) != EB_OK ||
        (st = open_group(s, &s->scenarios, EB_GROUP_SCENARIOS, msg, msg_len)) != EB_OK ||
        (st = open_group(s, &s->runs, EB_GROUP_RUNS, msg, msg_len)) != EB_OK)
        return st;
    s->summary = H5Dopen2(s->file, EB_DSET_SUMMARY, H5P_DEFAULT);
    if (s->summary < 0) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(msg, msg_len, "%s: edgebench results file without /%s (damaged?)", s->path,
                 EB_DSET_SUMMARY);
        return EB_ERR_FORMAT;
    }

    long max = 0;
    if (H5Literate(s->runs, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, max_id_cb, &max) < 0)
        return eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot list /runs");
    set_next_id(s, max + 1);
    return EB_OK;
}

/* ---- open / close ----------------------------------------------------- */

eb_status eb_store_open(const char *path, int append, eb_store **out, char *msg, size_t msg_len)
{
    if (!out)
        return EB_ERR_INVALID_ARG;
    *out = NULL;
    if (!path || !path[0]) {
        snprintf(msg, msg_len, "results store: no file name given");
        return EB_ERR_INVALID_ARG;
    }
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    eb_h5__harden();
    eb_status st = EB_ERR_NOMEM;
    eb_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path)) || !(s->command = strdup(""))) {
        snprintf(msg, msg_len, "%s: out of memory", path);
        goto fail;
    }
    s->file = s->devices = s->scenarios = s->runs = s->summary = s->summary_mtype = -1;
    s->space.fd = -1;
    s->space.unsupported = 1;
    s->summary_mtype = eb_store__summary_mem_type();
    if (s->summary_mtype < 0) {
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, path, "cannot build the summary row type");
        goto fail;
    }

    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists && errno != ENOENT) {
        snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
        st = EB_ERR_IO;
        goto fail;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "%s: not a regular file", path);
        st = EB_ERR_IO;
        goto fail;
    }
    if (append && exists) {
        st = open_existing(s, msg, msg_len);
    } else {
        if (exists && sb.st_size > 0) {
            /* Overwrite only our own kind of file: a mistyped -o must not
             * destroy a model, a dataset or someone else's HDF5 file. */
            int is_eb = is_edgebench_file(path);
            if (is_eb < 0) {
                st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, path,
                             "exists and cannot be checked before overwriting it (in use?)");
                goto fail;
            }
            if (is_eb == 0) {
                snprintf(msg, msg_len,
                         "%s: exists and is not an edgebench results file, refusing to "
                         "overwrite it (remove it or choose another output file)",
                         path);
                st = EB_ERR_IO;
                goto fail;
            }
            /* Replace it only once this run has a cell that succeeded: a run
             * that fails at the start must not destroy earlier results. */
            size_t n = strlen(path) + 32;
            if (!(s->tmp_path = malloc(n))) {
                snprintf(msg, msg_len, "%s: out of memory", path);
                st = EB_ERR_NOMEM;
                goto fail;
            }
            snprintf(s->tmp_path, n, "%s.%ld.tmp", path, (long)getpid());
            unlink(s->tmp_path);
        }
        st = create_file(s, msg, msg_len);
    }
    if (st != EB_OK)
        goto fail;
    eb_h5__quiet_end(&q);
    *out = s;
    return EB_OK;
fail:
    if (s) {
        close_handles(s);
        if (s->tmp_path)
            unlink(s->tmp_path);
        else if (s->created)
            unlink(path); /* created here and never a results file */
        free(s->tmp_path);
        free(s->path);
        free(s->command);
        free(s);
    }
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    return st;
}

eb_status eb_store_close(eb_store *s, char *msg, size_t msg_len)
{
    if (!s)
        return EB_OK;
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    eb_status st = eb_store__flush(s, msg, msg_len);
    close_handles(s);
    if (s->tmp_path) {
        /* No cell succeeded: the existing file stays as it was. */
        unlink(s->tmp_path);
        if (s->runs_stored && st == EB_OK) {
            snprintf(msg, msg_len,
                     "%s: no cell succeeded, so the existing file was left unchanged and this "
                     "run's %d recorded cell%s not kept (use another -o file to keep them)",
                     s->path, s->runs_stored, s->runs_stored == 1 ? " was" : "s were");
            st = EB_ERR_IO;
        }
        free(s->tmp_path);
    }
    free(s->path);
    free(s->command);
    free(s);
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    return st;
}

const char *eb_store_next_id(const eb_store *s)
{
    return s ? s->next_id_str : "";
}

eb_status eb_store_set_command(eb_store *s, const char *command, char *msg, size_t msg_len)
{
    if (!s)
        return EB_ERR_INVALID_ARG;
    char *c = strdup(command ? command : "");
    if (!c) {
        snprintf(msg, msg_len, "%s: out of memory", s->path);
        return EB_ERR_NOMEM;
    }
    free(s->command);
    s->command = c;
    if (!s->created)
        return EB_OK;
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    eb_status st = eb_store__claim(s, strlen(c), "the command line", msg, msg_len);
    if (st != EB_OK)
        ;
    else if (eb_h5__put_str(s->file, EB_ATTR_COMMAND, c) < 0)
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot write the command attribute");
    else
        st = eb_store__flush(s, msg, msg_len);
    eb_h5__quiet_end(&q);
    return st;
}

/* ---- devices ---------------------------------------------------------- */

eb_status eb_store_put_device(eb_store *s, const char *id, size_t n, const char *const keys[],
                              const char *const values[], char *msg, size_t msg_len)
{
    if (!s || (n && (!keys || !values)))
        return EB_ERR_INVALID_ARG;
    if (!eb_h5__valid_name(id)) {
        snprintf(msg, msg_len, "%s: invalid device id '%s' (empty, '/' or control characters)",
                 s->path, id ? id : "(null)");
        return EB_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < n; i++) {
        if (!eb_h5__valid_name(keys[i]) || !values[i]) {
            snprintf(msg, msg_len, "%s: device '%s': invalid key '%s' or missing value", s->path,
                     id, keys[i] ? keys[i] : "(null)");
            return EB_ERR_INVALID_ARG;
        }
    }
    uint64_t payload = strlen(id);
    for (size_t i = 0; i < n; i++)
        payload += strlen(keys[i]) + strlen(values[i]);
    eb_status st = eb_store__claim(s, payload, "the device description", msg, msg_len);
    if (st != EB_OK)
        return st;
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    hid_t g = -1;
    if (eb_h5__has_link(s->devices, id)) {
        g = H5Gopen2(s->devices, id, H5P_DEFAULT);
        if (g < 0) {
            st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot open device group");
            goto done;
        }
        /* Check every key before changing anything: a conflict leaves the
         * recorded description untouched. */
        for (size_t i = 0; i < n; i++) {
            char *old = NULL;
            int rc = eb_h5__get_text_value(g, keys[i], &old);
            if (rc == 0 && strcmp(old, values[i]) != 0) {
                snprintf(msg, msg_len,
                         "%s: device '%s' is already recorded with %s='%s', now '%s': results "
                         "of a different machine (or setup) need another device id",
                         s->path, id, keys[i], old, values[i]);
                free(old);
                st = EB_ERR_INVALID_ARG;
                goto done;
            }
            free(old);
            if (rc < 0) {
                snprintf(msg, msg_len, "%s: device '%s': attribute '%s' is not a string or a number",
                         s->path, id, keys[i]);
                st = EB_ERR_FORMAT;
                goto done;
            }
        }
    } else {
        g = H5Gcreate2(s->devices, id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0) {
            st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot create device group");
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (H5Aexists(g, keys[i]) > 0)
            continue; /* equal, checked above */
        if (eb_h5__put_text_value(g, keys[i], values[i]) < 0) {
            st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot write device attribute");
            goto done;
        }
    }
    st = eb_store__flush(s, msg, msg_len);
done:
    if (g >= 0)
        H5Gclose(g);
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    return st;
}

/* ---- scenarios -------------------------------------------------------- */

static int is_sha256_hex(const char *h)
{
    size_t i = 0;
    for (; h && h[i]; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return 0;
    return i == 64;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* What differs between the recorded scenario g and the given one; NULL
 * when identical. */
static const char *scenario_difference(hid_t g, const char *yaml, size_t n_models,
                                       const char *const paths[], const char *const sha[],
                                       const uint64_t sizes[])
{
    const char *diff = NULL;
    char *old_yaml = NULL, **old_paths = NULL, **old_sha = NULL;
    uint64_t *old_sizes = NULL;
    size_t np = 0, ns = 0, nz = 0;
    if (eb_h5__get_str(g, EB_ATTR_YAML, &old_yaml) != 0 ||
        eb_h5__get_str_array(g, EB_ATTR_MODEL_PATHS, &old_paths, &np) != 0 ||
        eb_h5__get_str_array(g, EB_ATTR_MODEL_SHA256, &old_sha, &ns) != 0 ||
        eb_h5__get_u64_array(g, EB_ATTR_MODEL_BYTES, &old_sizes, &nz) != 0) {
        diff = "the recorded scenario is unreadable";
        goto done;
    }
    if (strcmp(old_yaml, yaml) != 0) {
        diff = "the YAML text differs";
        goto done;
    }
    if (np != n_models || ns != n_models || nz != n_models) {
        diff = "the number of models differs";
        goto done;
    }
    for (size_t i = 0; i < n_models; i++) {
        if (strcmp(old_paths[i], paths[i]) != 0) {
            diff = "a model path differs";
            goto done;
        }
        if (strcmp(old_sha[i], sha[i]) != 0 || old_sizes[i] != sizes[i]) {
            diff = "a model file's hash or size differs (the model changed)";
            goto done;
        }
    }
done:
    free(old_yaml);
    free_strs(old_paths, np);
    free_strs(old_sha, ns);
    free(old_sizes);
    return diff;
}

eb_status eb_store_put_scenario(eb_store *s, const char *name, const char *yaml_text,
                                size_t n_models, const char *const model_paths[],
                                const char *const model_sha256[], const uint64_t model_sizes[],
                                char *msg, size_t msg_len)
{
    if (!s || !yaml_text || (n_models && (!model_paths || !model_sha256 || !model_sizes)))
        return EB_ERR_INVALID_ARG;
    if (!eb_h5__valid_name(name)) {
        snprintf(msg, msg_len, "%s: invalid scenario name '%s' (empty, '/' or control characters)",
                 s->path, name ? name : "(null)");
        return EB_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < n_models; i++) {
        if (!model_paths[i] || !is_sha256_hex(model_sha256[i])) {
            snprintf(msg, msg_len,
                     "%s: scenario '%s': model %zu: missing path or SHA-256 not 64 lower-case "
                     "hex digits",
                     s->path, name, i);
            return EB_ERR_INVALID_ARG;
        }
    }
    uint64_t payload = strlen(name) + strlen(yaml_text);
    for (size_t i = 0; i < n_models; i++)
        payload += strlen(model_paths[i]) + 64 + 8;
    eb_status st = eb_store__claim(s, payload, "the scenario", msg, msg_len);
    if (st != EB_OK)
        return st;
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    hid_t g = -1;
    if (eb_h5__has_link(s->scenarios, name)) {
        g = H5Gopen2(s->scenarios, name, H5P_DEFAULT);
        if (g < 0) {
            st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot open scenario group");
            goto done;
        }
        const char *diff = scenario_difference(g, yaml_text, n_models, model_paths,
                                               model_sha256, model_sizes);
        if (diff) {
            snprintf(msg, msg_len,
                     "%s: scenario '%s' is already recorded and %s: write to a new file or "
                     "rename the scenario",
                     s->path, name, diff);
            st = EB_ERR_INVALID_ARG;
        }
        goto done;
    }
    g = H5Gcreate2(s->scenarios, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0 || eb_h5__put_str(g, EB_ATTR_YAML, yaml_text) < 0 ||
        eb_h5__put_u64(g, EB_ATTR_N_MODELS, n_models) < 0 ||
        eb_h5__put_str_array(g, EB_ATTR_MODEL_PATHS, n_models, model_paths) < 0 ||
        eb_h5__put_str_array(g, EB_ATTR_MODEL_SHA256, n_models, model_sha256) < 0 ||
        eb_h5__put_u64_array(g, EB_ATTR_MODEL_BYTES, n_models, model_sizes) < 0) {
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot write scenario");
        if (g >= 0) {
            H5Gclose(g);
            g = -1;
            H5Ldelete(s->scenarios, name, H5P_DEFAULT);
        }
        goto done;
    }
    st = eb_store__flush(s, msg, msg_len);
done:
    if (g >= 0)
        H5Gclose(g);
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    return st;
}

/* ---- runs ------------------------------------------------------------- */

/* A uint64[n] sample dataset; chunked and compressed when large. */
static int write_samples(hid_t g, const char *name, const uint64_t *data, uint64_t n)
{
    hsize_t dim = n;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = -1;
    int rc = -1;
    if (space < 0 || dcpl < 0)
        goto done;
    if (n > EB_SAMPLES_CHUNK_THRESHOLD) {
        hsize_t chunk = n < EB_SAMPLES_CHUNK_ELEMS ? n : EB_SAMPLES_CHUNK_ELEMS;
        if (H5Pset_chunk(dcpl, 1, &chunk) < 0)
            goto done;
        /* Shuffle groups the bytes of equal significance: latencies share
         * their high bytes, so deflate then shrinks them ~3-5x at level 1,
         * cheaply (the store must keep up with long runs). */
        if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 &&
            (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, EB_SAMPLES_DEFLATE_LEVEL) < 0))
            goto done;
    }
    ds = H5Dcreate2(g, name, H5T_STD_U64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0)
        goto done;
    if (n && H5Dwrite(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        goto done;
    rc = 0;
done:
    if (ds >= 0)
        H5Dclose(ds);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int write_run_attrs(hid_t g, const eb_store *s, const eb_run_record *rec)
{
    int bad = 0;
#define STR(f) bad |= eb_h5__put_str(g, #f, rec->f) < 0;
#define INT(f) bad |= eb_h5__put_i32(g, #f, (int32_t)rec->f) < 0;
#define U64(f) bad |= eb_h5__put_u64(g, #f, rec->f) < 0;
#define F64(f) bad |= eb_h5__put_f64(g, #f, rec->f) < 0;
#define SUM(f) bad |= eb_h5__put_f64(g, #f, rec->summary.f) < 0;
    EB_RUN_STR_FIELDS(STR)
    EB_RUN_INT_FIELDS(INT)
    EB_RUN_U64_FIELDS(U64)
    EB_RUN_F64_FIELDS(F64)
    EB_SUMMARY_F64_FIELDS(SUM)
#undef STR
#undef INT
#undef U64
#undef F64
#undef SUM
    bad |= eb_h5__put_str(g, EB_ATTR_STATUS, eb_run_status_str(rec->status)) < 0;
    bad |= eb_h5__put_u64(g, EB_ATTR_OUTLIERS, rec->summary.outliers) < 0;
    bad |= eb_h5__put_i32(g, EB_ATTR_STABLE, rec->summary.stable ? 1 : 0) < 0;
    bad |= eb_h5__put_str(g, EB_ATTR_STABILITY, rec->summary.stability) < 0;
    bad |= eb_h5__put_str(g, EB_ATTR_BACKEND_OPTIONS, rec->backend_options) < 0;
    bad |= eb_store__write_condition(g, &rec->cond) < 0;
    bad |= eb_h5__put_str(g, EB_ATTR_RUN_COMMAND, s->command) < 0;
    bad |= eb_h5__put_str(g, EB_ATTR_RUN_TOOL_VERSION, EB_VERSION_STRING) < 0;
    return bad ? -1 : 0;
}


/* Reject records the file could not represent faithfully. */
static eb_status check_record(const eb_store *s, const eb_run_record *rec, char *msg,
                              size_t msg_len)
{
    if (rec->n && (!rec->latency_ns || !rec->t_ns)) {
        snprintf(msg, msg_len, "%s: run record with n = %" PRIu64 " but no sample arrays",
                 s->path, rec->n);
        return EB_ERR_INVALID_ARG;
    }
    if (rec->summary.n != rec->n) {
        snprintf(msg, msg_len,
                 "%s: run record summary is of %" PRIu64 " samples, the record has %" PRIu64
                 " (call eb_run_record_summarize before storing)",
                 s->path, rec->summary.n, rec->n);
        return EB_ERR_INVALID_ARG;
    }
    if (eb_run_status_parse(eb_run_status_str(rec->status)) != (int)rec->status) {
        snprintf(msg, msg_len, "%s: run record with invalid status %d", s->path, (int)rec->status);
        return EB_ERR_INVALID_ARG;
    }
    return EB_OK;
}

/* The bytes of data a run record brings to the file (its samples, extras
 * and text); saturates rather than overflow. */
static uint64_t record_bytes(const eb_run_record *rec)
{
    uint64_t b = sizeof *rec, lim = UINT64_MAX / 4;
    b += rec->n < lim / 16 ? rec->n * 16 : lim;
    b += (uint64_t)rec->n_metrics * sizeof *rec->metrics + (uint64_t)rec->n_texts * sizeof *rec->texts;
    for (int i = 0; i < rec->n_arrays && b < lim; i++) {
        const eb_run_array *a = &rec->arrays[i];
        uint64_t elems = a->cols ? a->rows * a->cols : a->rows;
        if (a->cols && a->rows && elems / a->cols != a->rows)
            return lim;
        uint64_t sz = eb_array_type_size(a->type);
        b += elems < lim / (sz ? sz : 1) ? elems * sz : lim;
    }
    return b < lim ? b : lim;
}

eb_status eb_store_append_run(eb_store *s, eb_run_record *rec, char *msg, size_t msg_len)
{
    if (!s || !rec)
        return EB_ERR_INVALID_ARG;
    eb_status st = check_record(s, rec, msg, msg_len);
    if (st == EB_OK)
        st = eb_store__claim(s, record_bytes(rec), "this cell's results", msg, msg_len);
    if (st != EB_OK) {
        rec->id[0] = '\0';
        return st;
    }
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    if ((st = eb_store__raise_version(s, msg, msg_len)) != EB_OK) {
        rec->id[0] = '\0';
        eb_h5__quiet_end(&q);
        return st;
    }
    char id[sizeof rec->id];
    snprintf(id, sizeof id, "%s", s->next_id_str);
    snprintf(rec->id, sizeof rec->id, "%s", id);

    hid_t g = H5Gcreate2(s->runs, id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) {
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot create run group");
        goto fail;
    }
    if (write_run_attrs(g, s, rec) < 0 ||
        write_samples(g, EB_DSET_LATENCY, rec->latency_ns, rec->n) < 0 ||
        write_samples(g, EB_DSET_T, rec->t_ns, rec->n) < 0) {
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot write run");
        goto fail;
    }
    /* Extras (schema 1.1): absent when the record carries none, so a reader
     * treats their absence as "not measured". */
    char why[256] = "";
    if (eb_store__write_extras(g, rec, why, sizeof why) < 0) {
        if (why[0]) {
            snprintf(msg, msg_len, "%s: %s", s->path, why);
            st = EB_ERR_INVALID_ARG;
        } else {
            st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot write run extras");
        }
        goto fail;
    }
    H5Gclose(g);
    g = -1;

    eb_summary_row row;
    eb_store__summary_row(rec, &row);
    if (eb_store__summary_append(s->summary, s->summary_mtype, &row) < 0) {
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot append to /summary");
        goto fail;
    }
    if ((st = eb_store__flush(s, msg, msg_len)) != EB_OK) {
        /* The run is in the file's cache and may still reach the disk at
         * close; its id is used. */
        set_next_id(s, s->next_id + 1);
        goto fail_keep;
    }
    st = eb_store__run_added(s, rec->status == EB_RUN_OK, msg, msg_len);
    eb_h5__quiet_end(&q);
    return st;
fail:
    /* Leave no half-written run behind: /runs then matches /summary. */
    if (g >= 0)
        H5Gclose(g);
    if (eb_h5__has_link(s->runs, id))
        H5Ldelete(s->runs, id, H5P_DEFAULT);
fail_keep:
    rec->id[0] = '\0';
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    return st;
}
