/* The HDF5 results store, writer side: one file holds devices, scenarios
 * and any number of measured cells (runs), laid out as documented in
 * docs/results-schema.md (schema version in results/store_schema.h).
 *
 * Durability: every call that adds something ends with H5Fflush, so a crash,
 * SIGKILL or Ctrl-C between calls leaves a readable file holding every cell
 * appended so far. (A process killed *inside* a call may leave that last
 * call half-written; HDF5 1.10 without SWMR gives no stronger guarantee.)
 *
 * Not thread-safe: one eb_store is used by one thread (the harness's parent
 * process), and HDF5 is built without thread safety on Debian. */
#ifndef EB_STORE_H
#define EB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"
#include "results/run_record.h"

typedef struct eb_store eb_store;

/* Open the results file at `path` for writing; *out is owned by the caller
 * until eb_store_close.
 *
 * append == 0: create a new file. An existing file is replaced only when it
 *   is an edgebench results file or empty (0 bytes); any other existing file
 *   is refused (EB_ERR_IO, "not an edgebench results file, refusing to
 *   overwrite") so a typo in -o cannot destroy unrelated data.
 * append != 0: add to an existing edgebench results file (created when
 *   missing). Refused when the file is not an edgebench file (EB_ERR_FORMAT)
 *   or has another schema major version, or a newer minor version, than
 *   this edgebench writes (EB_ERR_UNSUPPORTED). Run ids continue after the
 *   highest existing /runs/<id>.
 *
 * A new file gets the root attributes format, schema_version, tool_version,
 * created (now, UTC) and command ("" until eb_store_set_command). */
eb_status eb_store_open(const char *path, int append, eb_store **out, char *msg, size_t msg_len);

/* The command line of this session (copied). Stored as the root `command`
 * attribute when this store created the file, and as the `command`
 * attribute of every run it appends (in either mode), so each cell of a
 * merged or appended file says what produced it. NULL = "". */
eb_status eb_store_set_command(eb_store *s, const char *command, char *msg, size_t msg_len);

/* Describe device `id` (a group-name-safe string: non-empty, no '/') by n
 * key/value string pairs (borrowed; keys group-name-safe too) in
 * /devices/<id>.
 *
 * When the device already exists (append mode, or a second call), keys it
 * lacks are added and equal values are kept; a key whose recorded value
 * differs is an error (EB_ERR_INVALID_ARG naming the key and both values)
 * and nothing is changed: results measured on two different machines (or
 * one machine after a kernel update) must not share a device id. Keys the
 * call does not mention are left as they are. */
eb_status eb_store_put_device(eb_store *s, const char *id, size_t n, const char *const keys[],
                              const char *const values[], char *msg, size_t msg_len);

/* Record scenario `name` in /scenarios/<name>: its YAML text and, for each
 * of n_models model files, the path, SHA-256 (64 hex characters, see
 * eb_sha256_file) and size in bytes. Arrays are borrowed; n_models may be 0
 * (arrays may then be NULL).
 *
 * Writing the same name again with identical content is a no-op; different
 * content is an error (EB_ERR_INVALID_ARG), since runs name their scenario
 * and would become ambiguous. */
eb_status eb_store_put_scenario(eb_store *s, const char *name, const char *yaml_text,
                                size_t n_models, const char *const model_paths[],
                                const char *const model_sha256[], const uint64_t model_sizes[],
                                char *msg, size_t msg_len);

/* Append one measured cell as /runs/<id> and one row of /summary, then
 * flush. Assigns rec->id (the next "%06d"). Writes every field of the
 * record; rec->summary is written as stored (call eb_run_record_summarize
 * first). latency_ns and t_ns must hold rec->n entries each, or both be
 * NULL when rec->n == 0 (a failed cell). The record stays the caller's.
 * On failure rec->id is left empty. */
eb_status eb_store_append_run(eb_store *s, eb_run_record *rec, char *msg, size_t msg_len);

/* Flush and close; frees s. NULL is a no-op (EB_OK). Returns an error when
 * the final flush fails (the file then holds what the last successful
 * call flushed). */
eb_status eb_store_close(eb_store *s, char *msg, size_t msg_len);

/* The id the next eb_store_append_run will assign, e.g. "000007" (borrowed,
 * valid until the next call on s). */
const char *eb_store_next_id(const eb_store *s);

#endif
