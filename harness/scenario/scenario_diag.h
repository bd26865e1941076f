/* Collecting scenario errors while checking, each tied to a node's place
 * (the file's line:column, or the --set argument it came from). Internal to
 * scenarios/. */
#ifndef EB_SCENARIO_DIAG_H
#define EB_SCENARIO_DIAG_H

#include "common/yaml_tree.h"
#include "harness/scenario/scenario.h"

typedef struct eb_sdiag_item {
    int src, line, col, seq;
    char message[512];
} eb_sdiag_item;

typedef struct eb_sdiag {
    const char *path;             /* the scenario file, for messages */
    const char *const *overrides; /* src k >= 1 is overrides[k - 1] */
    int n_overrides;
    int n, cap;                   /* every error found (a few hundred at most) */
    eb_sdiag_item *items;
    int nomem;                    /* an error could not be recorded */
} eb_sdiag;

#if defined(__GNUC__)
#define EB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EB_PRINTF(a, b)
#endif

/* Record an error at (src, line, col). */
void eb_sdiag_at(eb_sdiag *d, int src, int line, int col, const char *fmt, ...) EB_PRINTF(5, 6);
/* ... at a node's value / at the key it sits under. */
void eb_sdiag_node(eb_sdiag *d, const eb_ynode *n, const char *fmt, ...) EB_PRINTF(3, 4);
void eb_sdiag_key(eb_sdiag *d, const eb_ynode *n, const char *fmt, ...) EB_PRINTF(3, 4);

/* Sort (file order, then --set order), keep the first EB_SCENARIO_MAX_ERRORS
 * in out, free the collector. */
void eb_sdiag_finish(eb_sdiag *d, eb_scenario_errors *out);

#endif
