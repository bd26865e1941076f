/* A backend entry's identity as people read it: the backend's name and the
 * options the cell ran with, "simd{qdq_fusion=0}". One scenario may list a
 * backend twice with different options; the stored options (the run
 * attribute backend_options) and this label keep the two apart in every
 * report, compare and gate.
 *
 * Canonical options text (docs/results-schema.md, "backend_options"):
 * `key=value` entries sorted by key (bytewise), joined by `,`; in keys and
 * values the characters \ , = { } are preceded by a backslash, so the text
 * splits back unambiguously; "" when there are no options. */
#ifndef EB_BACKEND_LABEL_H
#define EB_BACKEND_LABEL_H

#include <stddef.h>

#include "results/run_record.h"

/* The canonical text of n options (keys[i] = values[i], any order) into out
 * (len bytes, len >= 1). Returns 0, or -1 when they do not all fit: out then
 * holds the sorted entries that fit whole. keys and values are borrowed. */
int eb_backend_options_format(int n, const char *const *keys, const char *const *values,
                              char *out, size_t len);

/* The entries of r->backend_options whose key r->sweep does not name as
 * "options.<key>": the options that stay fixed over the entry's sweep (a
 * swept option is already part of the sweep point, so it is neither shown
 * nor compared twice). Canonical text, "" when none; cut at an entry
 * boundary when len is short. */
void eb_backend_options_fixed(const eb_run_record *r, char *out, size_t len);

/* Room for any label: name, braces, options, NUL. */
#define EB_BACKEND_LABEL_MAX                                                                       \
    (sizeof ((eb_run_record *)0)->backend + sizeof ((eb_run_record *)0)->backend_options + 2)

/* "simd{qdq_fusion=0}": r->backend, then its fixed options in braces; just
 * the name when there are none. Truncated (NUL-terminated) to len. */
void eb_backend_label(const eb_run_record *r, char *out, size_t len);

#endif
