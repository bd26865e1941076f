/* `edgebench farm`: one scenario on every device of an inventory, results
 * merged into one file as each device finishes.
 *
 * Each device attempt runs in a worker process (its own process group)
 * doing the steps of device_job.h; at most `jobs` at a time. The parent
 * alone writes the output file: it merges a device's fetched results the
 * moment the device finishes (results/merge.h) and records the device's
 * farm status, tags and log tail in /devices/<id>, flushing each time, so
 * an interrupted farm leaves a file with every device finished so far.
 * A device that exceeds timeout_s has its worker's process group killed;
 * failed attempts are retried up to `retries` times. Ctrl-C: no new
 * devices, running ones finish; a second Ctrl-C ends them too. */
#ifndef EB_FARM_H
#define EB_FARM_H

#include <stdio.h>

#include "harness/run/job_outcome.h"

typedef struct eb_farm_options {
    const char *inventory_path;
    const char *scenario_path;
    const char *output;              /* farm results file */
    const char *const *sets;         /* --set for every device */
    int n_sets;
    const char *const *only_ids;     /* --device ID: only these (empty: all) */
    int n_only_ids;
    const char *const *only_tags;    /* --tag TAG: only devices with one of these */
    int n_only_tags;
    int jobs;                        /* 0: the inventory's */
    const char *command_line;        /* stored in the file */
    const char *exe;                 /* this edgebench (local devices' default) */
    int quiet;                       /* no progress lines */
    int allow_commands;              /* --allow-commands: metrics.power_command may run
                                      * (on the devices) */
    int trust_inventory;             /* --trust-inventory: the inventory's exec prefixes
                                      * and local programs may run here */
    int allow_outside_paths;         /* --allow-outside-paths: copy files from outside the
                                      * scenario's folder */
    FILE *log;                       /* progress and problems (stderr) */
    FILE *out;                       /* the device table at the end (stdout) */
} eb_farm_options;

/* Done: every device ok; bad input: the inventory, scenario or options
 * were refused, or a command / program / outside path is not allowed by the
 * options above (nothing run); failed: a device failed, was unreachable,
 * timed out, had failing cells, or the farm was interrupted. */
eb_job_outcome eb_farm_run(const eb_farm_options *o);

#endif
