/* Internal HDF5 helpers of the results store: typed attributes and error
 * messages (see h5_util.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_util.h"
#include "common/h5_util.h"
#include "common/number_text.h"

void eb_h5__quiet_begin(eb_h5_quiet *q)
{
    q->func = NULL;
    q->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void eb_h5__quiet_end(const eb_h5_quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

typedef struct err_walk {
    char *buf;
    size_t len;
    int found;
} err_walk;

static herr_t err_walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    err_walk *w = data;
    (void)n;
    /* Walking upward, the first entry is where the error was detected: the
     * most specific description ("unable to lock file, errno = 11"). */
    if (!w->found && e->desc && e->desc[0]) {
        snprintf(w->buf, w->len, "%s", e->desc);
        w->found = 1;
    }
    return 0;
}

const char *eb_h5__error(char *buf, size_t len)
{
    err_walk w = {buf, len, 0};
    if (len)
        buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, err_walk_cb, &w);
    H5Eclear2(H5E_DEFAULT);
    if (!w.found)
        snprintf(buf, len, "unknown HDF5 error");
    return buf;
}

/* ---- writers ---------------------------------------------------------- */

static hid_t vlen_str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return -1;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* Create attribute `name` of file type ftype over space, write buf as
 * mtype. Replaces an existing attribute of that name. */
static int put_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, hid_t space,
                    const void *buf)
{
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0 || (exists > 0 && H5Adelete(obj, name) < 0))
        return -1;
    hid_t a = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return -1;
    herr_t rc = H5Awrite(a, mtype, buf);
    H5Aclose(a);
    return rc < 0 ? -1 : 0;
}

static int put_scalar(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *buf)
{
    hid_t s = H5Screate(H5S_SCALAR);
    if (s < 0)
        return -1;
    int rc = put_attr(obj, name, ftype, mtype, s, buf);
    H5Sclose(s);
    return rc;
}

int eb_h5__put_str(hid_t obj, const char *name, const char *value)
{
    hid_t t = vlen_str_type();
    if (t < 0)
        return -1;
    const char *v = value ? value : "";
    int rc = put_scalar(obj, name, t, t, &v);
    H5Tclose(t);
    return rc;
}

int eb_h5__put_u64(hid_t obj, const char *name, uint64_t value)
{
    return put_scalar(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

int eb_h5__put_i32(hid_t obj, const char *name, int32_t value)
{
    return put_scalar(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}

int eb_h5__put_i64(hid_t obj, const char *name, int64_t value)
{
    return put_scalar(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

int eb_h5__put_f64(hid_t obj, const char *name, double value)
{
    return put_scalar(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

int eb_h5__put_text_value(hid_t obj, const char *name, const char *text)
{
    int64_t i;
    double d;
    switch (eb_number_text_parse(text, &i, &d)) {
    case EB_NUMTEXT_INT:
        return eb_h5__put_i64(obj, name, i);
    case EB_NUMTEXT_REAL:
        return eb_h5__put_f64(obj, name, d);
    default:
        return eb_h5__put_str(obj, name, text);
    }
}

int eb_h5__put_str_array(hid_t obj, const char *name, size_t n, const char *const *values)
{
    hsize_t dim = n;
    hid_t s = H5Screate_simple(1, &dim, NULL);
    if (s < 0)
        return -1;
    hid_t t = vlen_str_type();
    if (t < 0) {
        H5Sclose(s);
        return -1;
    }
    int rc = put_attr(obj, name, t, t, s, n ? (const void *)values : (const void *)&values);
    H5Tclose(t);
    H5Sclose(s);
    return rc;
}

int eb_h5__put_u64_array(hid_t obj, const char *name, size_t n, const uint64_t *values)
{
    hsize_t dim = n;
    uint64_t none = 0; /* HDF5 needs a valid pointer even for 0 values */
    hid_t s = H5Screate_simple(1, &dim, NULL);
    if (s < 0)
        return -1;
    int rc = put_attr(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, s, n ? values : &none);
    H5Sclose(s);
    return rc;
}

/* ---- readers ---------------------------------------------------------- */

/* Open attribute `name`: 1 when absent, -1 on error, 0 with *a, *t, *np. */
static int open_attr(hid_t obj, const char *name, hid_t *a, hid_t *t, hssize_t *np)
{
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0) {
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    if (exists == 0)
        return 1;
    *a = H5Aopen(obj, name, H5P_DEFAULT);
    if (*a < 0)
        goto fail;
    *t = H5Aget_type(*a);
    hid_t s = H5Aget_space(*a);
    if (*t < 0 || s < 0) {
        if (s >= 0)
            H5Sclose(s);
        if (*t >= 0)
            H5Tclose(*t);
        H5Aclose(*a);
        goto fail;
    }
    *np = H5Sget_simple_extent_npoints(s);
    H5Sclose(s);
    /* An attribute's size is untrusted: edgebench writes at most a few
     * thousand entries; 2^20 is far beyond that and bounds the allocation. */
    if (*np < 0 || *np > (1 << 20)) {
        H5Tclose(*t);
        H5Aclose(*a);
        goto fail;
    }
    return 0;
fail:
    H5Eclear2(H5E_DEFAULT);
    return -1;
}

/* Read a string-typed attribute of np elements into np malloc'd strings. */
static int read_strings(hid_t a, hid_t t, size_t np, char **out)
{
    int rc = -1;
    if (H5Tget_class(t) != H5T_STRING)
        return -1;
    if (H5Tis_variable_str(t) > 0) {
        hid_t mt = vlen_str_type();
        char **tmp = calloc(np ? np : 1, sizeof *tmp);
        if (mt < 0 || !tmp || H5Aread(a, mt, tmp) < 0) {
            if (mt >= 0)
                H5Tclose(mt);
            free(tmp);
            return -1;
        }
        rc = 0;
        for (size_t i = 0; i < np; i++) {
            out[i] = strdup(tmp[i] ? tmp[i] : "");
            if (!out[i])
                rc = -1;
            H5free_memory(tmp[i]);
        }
        H5Tclose(mt);
        free(tmp);
        return rc;
    }
    size_t size = H5Tget_size(t);
    if (size == 0 || size > (1 << 20) || np * size > eb_limit_array_bytes())
        return -1;
    hid_t mt = H5Tcopy(t);
    char *raw = calloc(np ? np : 1, size ? size : 1);
    if (mt < 0 || !raw || H5Aread(a, mt, raw) < 0)
        goto done;
    rc = 0;
    for (size_t i = 0; i < np; i++) {
        out[i] = strndup(raw + i * size, size);
        if (!out[i])
            rc = -1;
    }
done:
    if (mt >= 0)
        H5Tclose(mt);
    free(raw);
    return rc;
}

int eb_h5__get_str(hid_t obj, const char *name, char **out)
{
    hid_t a, t;
    hssize_t np;
    int rc = open_attr(obj, name, &a, &t, &np);
    if (rc != 0)
        return rc;
    char *s = NULL;
    rc = np == 1 ? read_strings(a, t, 1, &s) : -1;
    H5Tclose(t);
    H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    if (rc == 0)
        *out = s;
    else
        free(s);
    return rc;
}

int eb_h5__get_text_value(hid_t obj, const char *name, char **out)
{
    hid_t a, t;
    hssize_t np;
    int rc = open_attr(obj, name, &a, &t, &np);
    if (rc != 0)
        return rc;
    H5T_class_t cls = H5Tget_class(t);
    char num[48] = "", *s = NULL;
    rc = -1;
    if (np != 1) {
        /* not one value: neither text nor a number */
    } else if (cls == H5T_STRING) {
        rc = read_strings(a, t, 1, &s);
    } else if (cls == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_NONE) {
        uint64_t u;
        if (H5Aread(a, H5T_NATIVE_UINT64, &u) >= 0) {
            snprintf(num, sizeof num, "%" PRIu64, u);
            rc = 0;
        }
    } else if (cls == H5T_INTEGER) {
        int64_t v;
        if (H5Aread(a, H5T_NATIVE_INT64, &v) >= 0) {
            snprintf(num, sizeof num, "%" PRId64, v);
            rc = 0;
        }
    } else if (cls == H5T_FLOAT) {
        double v;
        if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0) {
            eb_number_text_real(v, num, sizeof num);
            rc = 0;
        }
    }
    H5Tclose(t);
    H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    if (rc == 0 && !s && !(s = strdup(num)))
        rc = -1;
    if (rc == 0)
        *out = s;
    else
        free(s);
    return rc;
}

int eb_h5__get_str_into(hid_t obj, const char *name, char *buf, size_t size)
{
    char *s = NULL;
    int rc = eb_h5__get_str(obj, name, &s);
    if (rc == 0) {
        snprintf(buf, size, "%s", s);
        free(s);
    }
    return rc;
}

static int get_number(hid_t obj, const char *name, hid_t mtype, void *out)
{
    hid_t a, t;
    hssize_t np;
    int rc = open_attr(obj, name, &a, &t, &np);
    if (rc != 0)
        return rc;
    H5T_class_t cls = H5Tget_class(t);
    rc = -1;
    if (np == 1 && (cls == H5T_INTEGER || cls == H5T_FLOAT))
        rc = H5Aread(a, mtype, out) < 0 ? -1 : 0;
    H5Tclose(t);
    H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

int eb_h5__get_u64(hid_t obj, const char *name, uint64_t *out)
{
    return get_number(obj, name, H5T_NATIVE_UINT64, out);
}

int eb_h5__get_int(hid_t obj, const char *name, int *out)
{
    return get_number(obj, name, H5T_NATIVE_INT, out);
}

int eb_h5__get_i64(hid_t obj, const char *name, int64_t *out)
{
    return get_number(obj, name, H5T_NATIVE_INT64, out);
}

int eb_h5__get_f64(hid_t obj, const char *name, double *out)
{
    return get_number(obj, name, H5T_NATIVE_DOUBLE, out);
}

int eb_h5__get_str_array(hid_t obj, const char *name, char ***out, size_t *n)
{
    hid_t a, t;
    hssize_t np;
    int rc = open_attr(obj, name, &a, &t, &np);
    if (rc != 0)
        return rc;
    char **v = NULL;
    rc = -1;
    if (np >= 0) {
        v = calloc(np ? (size_t)np : 1, sizeof *v);
        if (v)
            rc = np ? read_strings(a, t, (size_t)np, v) : 0;
    }
    H5Tclose(t);
    H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    if (rc != 0) {
        for (hssize_t i = 0; v && i < np; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    if (np == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n = (size_t)np;
    return 0;
}

int eb_h5__get_u64_array(hid_t obj, const char *name, uint64_t **out, size_t *n)
{
    hid_t a, t;
    hssize_t np;
    int rc = open_attr(obj, name, &a, &t, &np);
    if (rc != 0)
        return rc;
    uint64_t *v = NULL;
    rc = -1;
    H5T_class_t cls = H5Tget_class(t);
    if (np >= 0 && (cls == H5T_INTEGER || cls == H5T_FLOAT)) {
        v = calloc(np ? (size_t)np : 1, sizeof *v);
        if (v)
            rc = np == 0 || H5Aread(a, H5T_NATIVE_UINT64, v) >= 0 ? 0 : -1;
    }
    H5Tclose(t);
    H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    if (rc != 0) {
        free(v);
        return -1;
    }
    if (np == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n = (size_t)np;
    return 0;
}

int eb_h5__has_link(hid_t obj, const char *name)
{
    htri_t r = H5Lexists(obj, name, H5P_DEFAULT);
    if (r < 0)
        H5Eclear2(H5E_DEFAULT);
    return r > 0;
}

int eb_h5__valid_name(const char *name)
{
    if (!name || !name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return 0;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++, n++)
        if (*p == '/' || *p < 0x20 || *p == 0x7f)
            return 0;
    return n < 256;
}

/* ---- hostile files ------------------------------------------------------ */

void eb_h5__harden(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    /* With the external link class unregistered, HDF5 cannot follow an
     * external link at all (opening a FIFO or another file named by a
     * hostile file): traversal fails instead. edgebench never writes one. */
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    if (H5Lis_registered(H5L_TYPE_EXTERNAL) > 0)
        H5Lunregister(H5L_TYPE_EXTERNAL);
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
}

typedef struct link_check {
    char *why;
    size_t len;
    int bad;
    int soft_inside; /* soft links must stay inside their top-level object */
} link_check;

/* Length of the first two components of an absolute path ("/runs/000001"),
 * or 0 when it has fewer. */
static size_t top_prefix(const char *p)
{
    const char *a = strchr(p + 1, '/');
    if (!a)
        return 0;
    const char *b = strchr(a + 1, '/');
    return b ? (size_t)(b - p) : strlen(p);
}

/* Resolve target (absolute, or relative to the directory of link path
 * `at`) into out without "." and ".." components; -1 when it climbs above
 * the root or does not fit. */
static int resolve_path(const char *at, const char *target, char *out, size_t len)
{
    char buf[2048];
    if (target[0] == '/')
        snprintf(buf, sizeof buf, "%s", target);
    else {
        const char *slash = strrchr(at, '/');
        int n = slash ? (int)(slash - at) : 0;
        if ((size_t)snprintf(buf, sizeof buf, "%.*s/%s", n, at, target) >= sizeof buf)
            return -1;
    }
    size_t o = 0;
    out[0] = '\0';
    for (char *save = NULL, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            char *up = strrchr(out, '/');
            if (!up)
                return -1;
            *up = '\0';
            o = (size_t)(up - out);
            continue;
        }
        size_t k = strlen(c);
        if (o + k + 2 > len)
            return -1;
        out[o++] = '/';
        memcpy(out + o, c, k + 1);
        o += k;
    }
    if (o == 0)
        snprintf(out, len, "/");
    return 0;
}

static herr_t link_check_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    link_check *c = data;
    if (info->type == H5L_TYPE_HARD)
        return 0;
    if (info->type != H5L_TYPE_SOFT) {
        snprintf(c->why, c->len, "link '/%s' is an %s link, which edgebench never follows", name,
                 info->type == H5L_TYPE_EXTERNAL ? "external (to another file)" : "user-defined");
        c->bad = 1;
        return -1;
    }
    if (!c->soft_inside)
        return 0;
    char target[1024], at[1024], where[2048];
    size_t n = info->u.val_size;
    if (n == 0 || n > sizeof target || H5Lget_val(g, name, target, n, H5P_DEFAULT) < 0) {
        snprintf(c->why, c->len, "soft link '/%s' has an unreadable or overlong target", name);
        c->bad = 1;
        return -1;
    }
    target[n - 1] = '\0';
    snprintf(at, sizeof at, "/%s", name);
    size_t top = top_prefix(at);
    /* A soft link may only point inside the object it belongs to (within
     * /runs/<id>, /devices/<id>, /scenarios/<name>): never to the root, to
     * another run, or out of the group it is read as part of. */
    if (resolve_path(at, target, where, sizeof where) != 0 || top == 0 ||
        strncmp(where, at, top) != 0 || where[top] != '/') {
        snprintf(c->why, c->len, "soft link '/%s' points to '%s', outside %.*s", name, target,
                 top ? (int)top : 1, top ? at : "/");
        c->bad = 1;
        return -1;
    }
    return 0;
}

int eb_h5__check_links(hid_t file, int soft_inside, char *why, size_t len)
{
    link_check c = {why, len, 0, soft_inside};
    if (len)
        why[0] = '\0';
    herr_t rc = H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, link_check_cb, &c);
    if (c.bad)
        return -1;
    if (rc < 0) {
        eb_h5__error(why, len);
        return -1;
    }
    return 0;
}

int eb_h5__dims_ok(hid_t space, int max_rank, hsize_t *dims, uint64_t elem_size,
                   uint64_t *count, char *why, size_t len)
{
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > max_rank || (rank > 0 && H5Sget_simple_extent_dims(space, dims, NULL) < 0)) {
        snprintf(why, len, "unreadable dataspace or rank %d (at most %d)", rank, max_rank);
        return -1;
    }
    uint64_t n = 1;
    for (int i = 0; i < rank; i++)
        if (__builtin_mul_overflow(n, (uint64_t)dims[i], &n)) {
            snprintf(why, len, "element count overflows");
            return -1;
        }
    uint64_t bytes;
    if (__builtin_mul_overflow(n, elem_size, &bytes) || bytes > eb_limit_array_bytes()) {
        snprintf(why, len, "%llu elements of %llu bytes: over the limit of %llu MiB (raise it "
                 "with EDGEBENCH_MAX_ARRAY_MB)", (unsigned long long)n,
                 (unsigned long long)elem_size, (unsigned long long)(eb_limit_array_bytes() >> 20));
        return -1;
    }
    *count = n;
    return 0;
}
