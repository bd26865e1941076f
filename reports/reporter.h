/* One reporter per output format, shared by `report`, `compare` and `gate`
 * (after google/benchmark's reporters: a format is one object and each
 * command asks it for its kind of document). A format without a document
 * of some kind leaves that member NULL, so "which formats does compare
 * take" and the commands' errors and help are read off this one table. */
#ifndef EB_REPORTER_H
#define EB_REPORTER_H

#include <stddef.h>
#include <stdio.h>

#include "reports/compare.h"
#include "reports/gate.h"
#include "reports/render.h"

typedef enum eb_report_kind {
    EB_REPORT_RUNS,       /* edgebench report: the runs of a results file */
    EB_REPORT_COMPARISON, /* edgebench compare: baseline against candidate */
    EB_REPORT_GATE        /* edgebench gate: the budget checks */
} eb_report_kind;

typedef struct eb_reporter {
    const char *name;        /* "text", "md", "json", "csv", "variants", "html", "svg", "junit" */
    const char *description; /* one line for help texts */
    /* report: the runs into one document */
    int (*runs)(FILE *f, const eb_report_meta *meta, const eb_run_record *runs, int n);
    /* report: a directory of files instead (svg); 0, or -1 with msg */
    int (*runs_dir)(const struct eb_results *r, const char *dir, FILE *log, char *msg,
                    size_t msg_len);
    /* compare */
    int (*comparison)(FILE *f, const eb_comparison *c, const char *base_path,
                      const char *cand_path);
    /* gate */
    int (*gate)(FILE *f, const eb_gate_result *r);
} eb_reporter;

/* The table (static storage) and its length. */
const eb_reporter *eb_reporters(int *count);

/* The reporter called name that has a document of this kind, or NULL. */
const eb_reporter *eb_reporter_find(const char *name, eb_report_kind kind);

/* The names that have a document of this kind, ", "-joined, into buf. */
void eb_reporter_names(eb_report_kind kind, char *buf, size_t cap);

#endif
