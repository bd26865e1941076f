/* Writing and reading a run's extras (metrics, texts, arrays: see
 * run_record.h) in its /runs/<id> group. Internal to the store and reader.
 *
 *   /runs/<id>/metrics       group; one attribute per metric (float64) and
 *                            per text (string)
 *   /runs/<id>/<name>        one dataset per array; a name "g/x" makes the
 *                            group g under the run */
#ifndef EB_STORE_EXTRAS_H
#define EB_STORE_EXTRAS_H

#include <stddef.h>

#include <hdf5.h>

#include "results/run_record.h"

#define EB_GROUP_METRICS "metrics"

/* 0 ok; -1 with HDF5's error stack set, or with why (a reserved array name)
 * in err. */
int eb_store__write_extras(hid_t run, const eb_run_record *rec, char *err, size_t err_len);

/* Read metrics and texts, and arrays when with_arrays (each array's type,
 * rank and size is checked either way, against eb_limit_array_bytes; with
 * budget, the bytes decoded are taken from *budget and refused beyond it).
 * 0 ok; -1 with the reason in err (out of memory, an unreadable or
 * oversized object, an external link). Objects of types this reader does
 * not know are skipped: a newer minor version may add them. */
int eb_store__read_extras(hid_t run, int with_arrays, uint64_t *budget, eb_run_record *rec,
                          char *err, size_t err_len);

#endif
