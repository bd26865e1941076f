/* Merging results files: the runs, devices and scenarios of several
 * edgebench results files (one per board, CI job or LAVA job) into one,
 * by copying HDF5 groups, so everything a newer minor schema version adds
 * to a run (sensors, counters, attributes) travels unchanged.
 *
 * Rules (docs/farm.md, "Merging"):
 * - Runs get new ids in the output (numbered after its highest id), in
 *   input order; each copied run gains the attribute `merged_from`
 *   ("<file name>:<old id>"). A run already present in the output (same
 *   device, scenario, backend, variant, condition, sweep, cell index,
 *   repetition, start and finish time, n, wall time, p50 and mean) is not
 *   copied twice.
 * - A device id present in several inputs is one device when the keys they
 *   share have equal values (keys only one side has are added). Otherwise
 *   the later one is renamed "<id>~2" ("~3", ...) and its runs point to the
 *   new id, or, with `strict`, the merge is refused. The session keys
 *   `tags` and `farm_*` are not part of the comparison (first value kept).
 * - A scenario name is one scenario when its YAML text and model hashes are
 *   equal; otherwise renamed "<name>~2" the same way.
 * - Inputs with another schema major version, or a newer minor version
 *   than this edgebench writes, are refused before anything is written.
 * - The output is written through the store (store_copy.h): without
 *   `append` an existing output is replaced once a run was copied, as
 *   `run -o` replaces one; appending to an older minor version raises it. */
#ifndef EB_MERGE_H
#define EB_MERGE_H

#include <stddef.h>
#include <stdio.h>

#include "edgebench/status.h"

typedef struct eb_merge_options {
    int append;          /* add to an existing output (created when missing) */
    int strict;          /* conflicting device/scenario content is an error */
    const char *command; /* the command line, stored as the root `command` of a new file */
    FILE *log;           /* one line per rename / skipped duplicate; NULL: quiet */
} eb_merge_options;

typedef struct eb_merge_stats {
    size_t runs_added, runs_skipped;
    size_t devices_added, devices_renamed;
    size_t scenarios_added, scenarios_renamed;
} eb_merge_stats;

/* Merge n input files (borrowed paths) into out_path. stats may be NULL.
 * Errors (msg names the file and the problem):
 *   EB_ERR_INVALID_ARG no inputs, an input is the output file, or (strict)
 *                      a conflicting device or scenario;
 *   EB_ERR_NOT_FOUND / EB_ERR_FORMAT / EB_ERR_IO from reading an input or
 *                      opening the output (nothing written when an input is
 *                      bad: every input is checked first);
 *   EB_ERR_UNSUPPORTED an input's schema version cannot be merged.
 * A failure while copying leaves the output with the inputs merged so far
 * (each input is flushed when complete). */
eb_status eb_merge_files(const char *out_path, const char *const *inputs, size_t n,
                         const eb_merge_options *o, eb_merge_stats *stats, char *msg,
                         size_t msg_len);

#endif
