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
    char *scenario_rel;   /* "<name>.yaml", the name made safe (eb_farm_safe_name) */
    int runs_commands;    /* the scenario has a metrics.power_command (allowed) */
    int n_backends;       /* entries in the scenario's backends list */
    int n_files;          /* files[0] is the staged scenario, then the models */
    eb_farm_file *files;
} eb_farm_stage;

/* Longest name farm gives a file it places on a device (before ".yaml"). */
#define EB_FARM_NAME_MAX 64

/* name reduced to [A-Za-z0-9._-] (others become '_'), no leading '-' or
 * '.', at most EB_FARM_NAME_MAX characters (and len - 1); fallback when
 * nothing is left. */
void eb_farm_safe_name(const char *name, const char *fallback, char *out, size_t len);

/* What the scenario may do (command-line consent, docs/security.md). */
enum {
    EB_STAGE_ALLOW_COMMANDS = 1, /* --allow-commands: a metrics.power_command may run */
    EB_STAGE_ALLOW_OUTSIDE = 2   /* --allow-outside-paths: copy files from outside the
                                  * scenario's folder */
};

/* Load and check the scenario at scenario_path (with the --set overrides
 * that apply to every device), and stage it into a new temporary
 * directory. Only regular files are staged, and without
 * EB_STAGE_ALLOW_OUTSIDE only files inside the scenario's folder; a
 * scenario with a command needs EB_STAGE_ALLOW_COMMANDS.
 * EB_ERR_FORMAT / EB_ERR_IO / EB_ERR_INVALID_ARG with msg naming the file
 * (and line:column, key and flag where it applies). */
eb_status eb_farm_stage_make(const char *scenario_path, const char *const *overrides,
                             int n_overrides, unsigned flags, eb_farm_stage *out, char *msg,
                             size_t msg_len);

/* Remove the temporary directory and free. */
void eb_farm_stage_free(eb_farm_stage *s);

/* Parse manifest text ("<sha>  <rel>" lines) and say whether it lists rel
 * with this sha. */
int eb_farm_manifest_has(const char *manifest, const char *rel, const char *sha);

/* The manifest text for s's files (malloc'd). */
char *eb_farm_manifest_text(const eb_farm_stage *s);

#endif
