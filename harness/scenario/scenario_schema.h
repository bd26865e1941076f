/* The scenario schema as data: one table of keys per level of the file.
 *
 * The validator (scenario_validate.c) walks a document against these tables
 * (unknown keys, types, ranges, required keys, which keys may sweep), the
 * builder reads defaults from them, and a test checks that docs/scenarios.md
 * documents every key listed here. Adding a key is adding a row; adding a
 * kind of condition or of inputs is adding a row to its kind table with the
 * kind's own key table. Internal to scenarios/. */
#ifndef EB_SCENARIO_SCHEMA_H
#define EB_SCENARIO_SCHEMA_H

#include <stddef.h>

typedef enum eb_ktype {
    EB_K_INT,    /* a base-10 integer in [imin, imax] */
    EB_K_NUM,    /* a finite number in [fmin, fmax] (above fmin with EB_KF_ABOVE_MIN) */
    EB_K_STR,    /* a scalar, taken as its text (not null) */
    EB_K_ENUM,   /* one of choices */
    EB_K_KIND,   /* one of the enclosing map's kinds */
    EB_K_SCALAR, /* any scalar but null (backend option values) */
    EB_K_MAP,    /* fixed keys: fields, plus the fields of the selected kind */
    EB_K_DICT,   /* free keys (names) -> item */
    EB_K_LIST,   /* a list of item */
    EB_K_RAW     /* a list of maps kept as text for later code (budgets) */
} eb_ktype;

enum {
    EB_KF_REQUIRED = 1u << 0,  /* must be present */
    EB_KF_SWEEP = 1u << 1,     /* a list of values sweeps (scalar types only) */
    EB_KF_NONEMPTY = 1u << 2,  /* LIST, DICT: at least one entry; STR: not "" */
    EB_KF_NAME = 1u << 3,      /* STR, DICT keys: a name (see eb_schema_is_name) */
    EB_KF_ABOVE_MIN = 1u << 4  /* NUM: strictly greater than fmin */
};

typedef struct eb_key eb_key;

typedef struct eb_kind {
    const char *name;
    const eb_key *fields; /* the kind's own keys (parameters), ended by {0} */
} eb_kind;

struct eb_key {
    const char *name;
    eb_ktype type;
    unsigned flags;
    long long imin, imax;        /* INT */
    double fmin, fmax;           /* NUM */
    size_t maxlen;               /* STR, SCALAR values and DICT keys: bytes; 0: no limit */
    int maxn;                    /* DICT: most entries; 0: no limit */
    const char *const *choices;  /* ENUM: ended by NULL; the value's index is its enum */
    const eb_key *fields;        /* MAP: ended by {0} */
    const eb_kind *kinds;        /* MAP: selected by its KIND field; ended by {0} */
    const eb_key *item;          /* LIST, DICT: each element */
    const char *shorthand;       /* MAP: a scalar X stands for {shorthand: X} */
    const char *def;             /* default as text; NULL when there is none */
};

/* The whole file. Its condition kinds are generated from the condition
 * table (harness/conditions/condition_table.h) on the first call. */
const eb_key *eb_schema_root(void);

/* Key `name` among map k's fields and, when kind is not NULL, its fields. */
const eb_key *eb_schema_field(const eb_key *k, const eb_kind *kind, const char *name);
/* Kind `name` of map k, or NULL. */
const eb_kind *eb_schema_kind(const eb_key *k, const char *name);

/* A name of a variant, condition or option set: 1 to 63 of [A-Za-z0-9_.+-]. */
int eb_schema_is_name(const char *s);

/* Call fn for every key, with its documentation path: "run.measure.iterations",
 * "backends[].options.*", "inputs.seed" (kind fields appear under their map,
 * with kind set). */
typedef void (*eb_schema_visit_fn)(void *arg, const char *path, const eb_key *k,
                                   const eb_kind *kind);
void eb_schema_visit(eb_schema_visit_fn fn, void *arg);

/* The keys that sweep, for messages: "backends[].threads, backends[].options.*,
 * run.warmup.*, run.measure.*". */
const char *eb_schema_sweep_keys(void);

/* The run settings that are integers, by path under `run`, with where they
 * live in eb_run_settings; the sweepable ones first, in axis order. */
typedef struct eb_run_field {
    const char *path;  /* the key from the top: "run.measure.iterations", "inputs.batch" */
    size_t offset;     /* of an int64_t in eb_run_settings */
    int sweeps;
} eb_run_field;
extern const eb_run_field eb_run_fields[]; /* ended by {0} */

#endif
