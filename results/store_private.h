/* The results store's state and the helpers its writers share: store.c
 * (runs measured here) and store_copy.c (runs copied from another results
 * file by merge). Private to results/: nothing else may see the struct. */
#ifndef EB_STORE_PRIVATE_H
#define EB_STORE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "edgebench/status.h"
#include "results/store.h"
#include "results/store_space.h"

struct eb_store {
    char *path;
    char *command;
    int created;         /* this store created the file: it owns the root `command` */
    char *tmp_path;      /* replacing an existing file: written here, renamed over
                            `path` at the first cell that succeeded (NULL: none) */
    int runs_stored;     /* cells recorded by this store */
    int pending_version; /* appending to an older minor version: raise
                            schema_version with the first appended cell */
    hid_t file;
    eb_store_space space; /* blocks claimed before each write (store_space.h) */
    hid_t devices;       /* /devices */
    hid_t scenarios;     /* /scenarios */
    hid_t runs;          /* /runs */
    hid_t summary;       /* /summary */
    hid_t summary_mtype; /* memory type of eb_summary_row */
    long next_id;
    char next_id_str[16];
};

/* "path: what: <HDF5's reason>" into msg; returns st. */
eb_status eb_store__h5_fail(eb_status st, char *msg, size_t msg_len, const char *path,
                            const char *what);

/* Claim room for a write of about `payload` bytes before making it; on
 * failure nothing was written and msg says why, naming what the file
 * keeps. */
eb_status eb_store__claim(eb_store *s, uint64_t payload, const char *what, char *msg,
                          size_t msg_len);

eb_status eb_store__flush(eb_store *s, char *msg, size_t msg_len);

/* Before the first run added to a file of an older minor schema version:
 * the file becomes this version (runs added carry its additions). */
eb_status eb_store__raise_version(eb_store *s, char *msg, size_t msg_len);

/* A run was written and flushed under s->next_id_str: the id is used, and
 * when it `replaces` (a run that succeeded, or any copied run) the file this
 * store is replacing gives way to the new one. */
eb_status eb_store__run_added(eb_store *s, int replaces, char *msg, size_t msg_len);

#endif
