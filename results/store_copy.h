/* Adding to a results store what another results file holds: the writer
 * side of `merge`. Runs and scenarios are copied as HDF5 groups, so
 * whatever a newer minor schema version adds to them travels unchanged;
 * the store allocates the ids, keeps /summary in step with /runs, raises
 * the file's schema version and replaces an overwritten file exactly as
 * for runs measured here (store.h). Devices go through
 * eb_store_put_device. */
#ifndef EB_STORE_COPY_H
#define EB_STORE_COPY_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "edgebench/status.h"
#include "results/run_record.h"
#include "results/store.h"

/* Claim room for about `bytes` before copying them (e.g. a whole input
 * file): EB_OK, or EB_ERR_IO with the file system's reason in `why` (the
 * caller words the message: nothing was written). */
eb_status eb_store_claim(eb_store *s, uint64_t bytes, char *why, size_t why_len);

/* Copy /scenarios/<src_name> of src_file as /scenarios/<dst_name>. The
 * caller has decided that dst_name is free (merge renames clashing
 * scenarios). */
eb_status eb_store_copy_scenario(eb_store *s, hid_t src_file, const char *src_path,
                                 const char *src_name, const char *dst_name, char *msg,
                                 size_t msg_len);

/* Copy the run `rec` (as read from src_file, whose path is src_path) as
 * the store's next run: the group /runs/<rec->id> with everything in it,
 * labelled `merged_from` and, where they differ from the run's own, with
 * the device and scenario names it has in this file; then its /summary
 * row, and a flush. */
eb_status eb_store_copy_run(eb_store *s, hid_t src_file, const char *src_path,
                            const eb_run_record *rec, const char *device, const char *scenario,
                            const char *merged_from, char *msg, size_t msg_len);

/* Flush what was added (store.h: every addition ends with one). */
eb_status eb_store_flush(eb_store *s, char *msg, size_t msg_len);

#endif
