/* Internal HDF5 helpers of the results store (writer and reader): typed
 * attribute I/O, and HDF5's error stack turned into one-line messages.
 * Not part of the public API; double-underscore names say so. */
#ifndef EB_H5_UTIL_H
#define EB_H5_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

/* HDF5 prints its error stack to stderr by default; the store turns errors
 * into messages instead. Each public entry point silences the printing on
 * entry and restores the caller's handler on return, so code linked next to
 * edgebench that relies on HDF5's default is not affected. */
typedef struct eb_h5_quiet {
    H5E_auto2_t func;
    void *data;
} eb_h5_quiet;
void eb_h5__quiet_begin(eb_h5_quiet *q);
void eb_h5__quiet_end(const eb_h5_quiet *q);

/* The most specific description on HDF5's current error stack (e.g.
 * "unable to lock file, errno = 11, ...") into buf, then clear the stack.
 * "unknown HDF5 error" when the stack is empty. Returns buf. */
const char *eb_h5__error(char *buf, size_t len);

/* Attribute writers: create `name` on obj, replacing an existing one.
 * Return 0, or -1 with HDF5's error stack set. Strings are variable-length
 * UTF-8 (h5py reads them as str); NULL writes "". */
int eb_h5__put_str(hid_t obj, const char *name, const char *value);
int eb_h5__put_u64(hid_t obj, const char *name, uint64_t value);
int eb_h5__put_i32(hid_t obj, const char *name, int32_t value);
int eb_h5__put_i64(hid_t obj, const char *name, int64_t value);
int eb_h5__put_f64(hid_t obj, const char *name, double value);
/* Text that is exactly a number (common/number_text.h) as an int64 or
 * float64 attribute, any other text as a string: device descriptions. */
int eb_h5__put_text_value(hid_t obj, const char *name, const char *text);
int eb_h5__put_str_array(hid_t obj, const char *name, size_t n, const char *const *values);
int eb_h5__put_u64_array(hid_t obj, const char *name, size_t n, const uint64_t *values);

/* Attribute readers. Return 0; 1 when the attribute does not exist (out
 * untouched); -1 when it exists but cannot be read as the asked type (the
 * HDF5 error stack is cleared). Numbers convert between integer and float
 * types as HDF5 does. */
int eb_h5__get_str(hid_t obj, const char *name, char **out); /* malloc'd, caller frees */
int eb_h5__get_str_into(hid_t obj, const char *name, char *buf, size_t size); /* truncates */
/* A string attribute as it is, a scalar number as the text it was written
 * from (eb_h5__put_text_value): malloc'd. */
int eb_h5__get_text_value(hid_t obj, const char *name, char **out);
int eb_h5__get_u64(hid_t obj, const char *name, uint64_t *out);
int eb_h5__get_int(hid_t obj, const char *name, int *out);
int eb_h5__get_i64(hid_t obj, const char *name, int64_t *out);
int eb_h5__get_f64(hid_t obj, const char *name, double *out);
/* 1-D attributes: *out is a malloc'd array of *n entries (strings each
 * malloc'd); NULL when *n == 0. */
int eb_h5__get_str_array(hid_t obj, const char *name, char ***out, size_t *n);
int eb_h5__get_u64_array(hid_t obj, const char *name, uint64_t **out, size_t *n);

/* 1 when obj has a link `name` (group, dataset), else 0. */
int eb_h5__has_link(hid_t obj, const char *name);

/* A name usable as one path component of an HDF5 group (non-empty, no
 * '/', not "." or "..", printable). */
int eb_h5__valid_name(const char *name);

/* Hostile files (docs/security.md). eb_h5__harden: unregister HDF5's
 * external link class once per process, so no external link is ever
 * followed (a FIFO target would hang, another file would be read).
 * eb_h5__check_links: walk every link of file and refuse external and
 * user-defined links, and with soft_inside (results files) soft links
 * whose target leaves the top-level object holding them (/runs/<id>, ...):
 * -1 with the reason in why.
 * eb_h5__dims_ok: a simple dataspace of rank <= max_rank whose element
 * count (into *count, dims filled) times elem_size fits
 * eb_limit_array_bytes(); -1 with the reason in why. */
void eb_h5__harden(void);
int eb_h5__check_links(hid_t file, int soft_inside, char *why, size_t len);
int eb_h5__dims_ok(hid_t space, int max_rank, hsize_t *dims, uint64_t elem_size,
                   uint64_t *count, char *why, size_t len);

#endif
