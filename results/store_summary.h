/* Internal: the /summary compound table of the results store (one row per
 * run, extendible), used by store.c. Layout in results/store_schema.h. */
#ifndef EB_STORE_SUMMARY_H
#define EB_STORE_SUMMARY_H

#include <hdf5.h>

#include "results/run_record.h"
#include "results/store_schema.h"

/* The in-memory compound type of eb_summary_row; caller closes it. */
hid_t eb_store__summary_mem_type(void);

/* Create the empty, extendible /summary dataset in `file`; returns the
 * open dataset (caller closes) or -1. */
hid_t eb_store__summary_create(hid_t file);

/* Fill row from rec (zero-padded strings, the record's status as string). */
void eb_store__summary_row(const eb_run_record *rec, eb_summary_row *row);

/* Extend ds by one row and write it; on failure the extent is restored.
 * Returns 0 or -1 (HDF5 error stack set). */
int eb_store__summary_append(hid_t ds, hid_t mem_type, const eb_summary_row *row);

#endif
