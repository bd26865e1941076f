/* A condition as typed data: its kind and its resolved parameters (defaults
 * filled in, the sweep point applied), each a number, an integer or text as
 * the condition table (condition_table.h) types it.
 *
 * It is plain data of bounded size (the table's bounds), so a matrix cell,
 * the cell job on the wire and a run record carry it by value; nothing
 * re-parses a "key=value;..." string on the way. Text is made only for
 * people (eb_condition_text) and for the old text attribute of the store. */
#ifndef EB_CONDITION_H
#define EB_CONDITION_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"
#include "harness/conditions/condition_table.h"

typedef struct eb_condition_param {
    char key[EB_CONDITION_KEY_MAX];
    eb_cparam_type type; /* EB_CP_ENUM and EB_CP_STR keep str */
    double num;          /* EB_CP_NUM */
    int64_t i;           /* EB_CP_INT */
    char str[EB_CONDITION_STR_MAX];
} eb_condition_param;

typedef struct eb_condition {
    char kind[EB_CONDITION_KEY_MAX]; /* "noise"; "" when unknown (an old results file) */
    int n;
    eb_condition_param params[EB_CONDITION_MAX_PARAMS]; /* in table order */
} eb_condition;

/* Most bytes eb_condition_text can need (with its NUL): every key, value
 * and separator at its bound. */
#define EB_CONDITION_TEXT_MAX (EB_CONDITION_MAX_PARAMS * (EB_CONDITION_KEY_MAX + EB_CONDITION_STR_MAX + 2))

/* An empty condition of kind (no parameters). */
void eb_condition_init(eb_condition *c, const char *kind);

/* The parameter key; NULL when c has none of that name. */
const eb_condition_param *eb_condition_get(const eb_condition *c, const char *key);

/* 1 and *out when key is a number or an integer of c; 0 otherwise (*out
 * untouched). */
int eb_condition_number(const eb_condition *c, const char *key, double *out);
/* 1 and *out when key is an integer of c (or a number that is a whole int64). */
int eb_condition_integer(const eb_condition *c, const char *key, int64_t *out);
/* The text of an enum or text parameter key; def when c has none. */
const char *eb_condition_string(const eb_condition *c, const char *key, const char *def);

/* The number key of c, or the table's default for c's kind when c lacks it
 * (0 when the table has none): how the transforms and thermal set-ups read
 * their parameters. */
double eb_condition_num(const eb_condition *c, const char *key);
/* The text key of c, or the table's default ("" when none). */
const char *eb_condition_str(const eb_condition *c, const char *key);

/* Append or replace key with a typed value. EB_ERR_OVERFLOW when c is full
 * or key / text is over its bound. */
eb_status eb_condition_set_num(eb_condition *c, const char *key, double v);
eb_status eb_condition_set_int(eb_condition *c, const char *key, int64_t v);
eb_status eb_condition_set_str(eb_condition *c, const char *key, eb_cparam_type type,
                               const char *v);

/* Set key from its text, typed by c's kind in the table (the run matrix
 * resolving a scenario's scalars; the cell reading its job). Keys the kind
 * does not have, values that are not of the type or outside the range,
 * control characters: EB_ERR_FORMAT with a message. */
eb_status eb_condition_set_text(eb_condition *c, const char *key, const char *text, char *msg,
                                size_t msg_len);

/* Parse the old text form "key=value;key=value" (results files before the
 * typed group): each value is a number when it reads as one, else text.
 * Lengths are bounded (a results file is hostile): a part without '=', an
 * empty or over-long key or value, more than EB_CONDITION_MAX_PARAMS parts:
 * EB_ERR_FORMAT with a message. */
eb_status eb_condition_parse_text(eb_condition *c, const char *kind, const char *text, char *msg,
                                  size_t msg_len);

/* The value of p as text: whole numbers below 1e15 as integers ("20"),
 * other numbers in their shortest round-trip form ("0.1"), integers in
 * decimal, text as it is; numbers read back exactly. Returns buf. */
const char *eb_condition_value_text(const eb_condition_param *p, char *buf, size_t cap);

/* The display text "key=value;key=value" ("" for none), cut to cap bytes.
 * Returns the length the whole text has (snprintf's rule). */
size_t eb_condition_text(const eb_condition *c, char *buf, size_t cap);

/* 1 when a and b hold the same kind and parameters with the same values. */
int eb_condition_equal(const eb_condition *a, const eb_condition *b);

#endif
