/* The condition kinds, listed once: per kind its name, what runs it
 * (an input transform, a thermal set-up, nothing) and its parameters with
 * type, range, default and whether a list of values sweeps.
 *
 * Everything else reads this table: the scenario schema's condition kinds
 * are generated from it (harness/scenario/scenario_schema.c), the typed
 * condition value (condition.h) takes its types from it, and the
 * transforms (harness/transforms/) and thermal code (harness/run/cell_hw.c)
 * look their parameters up through it. Their apply functions stay in their
 * own modules, keyed by kind name, so this table depends on nothing above
 * it. docs/conditions.md documents every row. */
#ifndef EB_CONDITION_TABLE_H
#define EB_CONDITION_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Bounds every condition value keeps (condition.h); the table's rows stay
 * inside them (tests/test_conditions.c checks). */
#define EB_CONDITION_MAX_PARAMS 12 /* parameters of one kind */
#define EB_CONDITION_KEY_MAX 32    /* bytes of a parameter name, with its NUL */
#define EB_CONDITION_STR_MAX 64    /* bytes of a text value, with its NUL */

typedef enum eb_cparam_type {
    EB_CP_NUM = 0, /* a finite double in [fmin, fmax] */
    EB_CP_INT,     /* an int64 in [imin, imax] */
    EB_CP_ENUM,    /* one of choices (stored as its text) */
    EB_CP_STR      /* text up to maxlen bytes */
} eb_cparam_type;

enum {
    EB_CP_SWEEP = 1u << 0,     /* a list of values sweeps: one cell per value */
    EB_CP_ABOVE_MIN = 1u << 1, /* NUM: strictly above fmin */
    EB_CP_REQUIRED = 1u << 2,  /* no default: must be given (within its group) */
    EB_CP_NONEMPTY = 1u << 3   /* STR: not "" */
};

typedef enum eb_condition_class {
    EB_CC_PLAIN = 0,  /* nothing happens */
    EB_CC_TRANSFORM,  /* an input transform (harness/transforms/) */
    EB_CC_THERMAL     /* a thermal set-up around the loop (harness/run/cell_hw.c) */
} eb_condition_class;

/* One parameter. A name "group.key" (drift.from) is key `key` of the
 * optional map `group` in a scenario; it exists in a condition only when
 * the map was given. */
typedef struct eb_cparam_def {
    const char *name;
    eb_cparam_type type;
    unsigned flags;
    double fmin, fmax;          /* NUM */
    int64_t imin, imax;         /* INT */
    const char *const *choices; /* ENUM: ended by NULL */
    size_t maxlen;              /* STR: bytes */
    double def_num;             /* NUM default */
    int64_t def_int;            /* INT default */
    const char *def_str;        /* ENUM / STR default */
} eb_cparam_def;

typedef struct eb_condition_kind {
    const char *name;        /* "noise" */
    eb_condition_class cls;
    const eb_cparam_def *params; /* ended by {0} */
} eb_condition_kind;

extern const eb_condition_kind eb_condition_kinds[]; /* ended by {0} */

/* The kind called name; NULL when there is none. */
const eb_condition_kind *eb_condition_kind_find(const char *name);
/* Parameter key of kind k; NULL when k has none of that name (or k is NULL). */
const eb_cparam_def *eb_condition_kind_param(const eb_condition_kind *k, const char *key);

#endif
