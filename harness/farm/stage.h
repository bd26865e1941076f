/* What a device needs to run a scenario, prepared once on this machine:
 * a copy of the scenario whose model paths point into the device's work
 * directory ("models/<file>"), and the list of files to copy there with
 * their SHA-256, so a device only receives what changed (the manifest
 * `.edgebench-manifest` in the work directory, sha256sum format). */
#ifndef EB_FARM_STAGE_H
#define EB_FARM_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"

#define EB_FARM_MANIFEST ".edgebench-manifest"

typedef struct eb_farm_file {
    char *local;   /* path on this machine */
    char *rel;     /* path relative to the work directory */
    char sha[65];
    uint64_t size;
} eb_farm_file;

typedef struct eb_farm_stage {
    char *dir;            /* this session's temporary directory (removed by _free) */
    char *scenario_name;
    char *scenario_rel;   /* "<name>.yaml" */
    int n_backends;       /* entries in the scenario's backends list */
    int n_files;          /* files[0] is the staged scenario, then the models */
    eb_farm_file *files;
} eb_farm_stage;

/* Load and check the scenario at scenario_path (with the --set overrides
 * that apply to every device), and stage it into a new temporary
 * directory. EB_ERR_FORMAT / EB_ERR_IO with msg naming the file. */
eb_status eb_farm_stage_make(const char *scenario_path, const char *const *overrides,
                             int n_overrides, eb_farm_stage *out, char *msg, size_t msg_len);

/* Remove the temporary directory and free. */
void eb_farm_stage_free(eb_farm_stage *s);

/* Parse manifest text ("<sha>  <rel>" lines) and say whether it lists rel
 * with this sha. */
int eb_farm_manifest_has(const char *manifest, const char *rel, const char *sha);

/* The manifest text for s's files (malloc'd). */
char *eb_farm_manifest_text(const eb_farm_stage *s);

#endif
