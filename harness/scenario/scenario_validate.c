/* Checking a scenario tree against the key tables (scenario_schema.c):
 * unknown keys (with the nearest valid key), duplicate keys, types, ranges,
 * required keys, and lists where a key does not sweep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/key_suggest.h"
#include "harness/scenario/scenario_stages.h"

#define PATH_LEN 512

/* ---- shorthands ------------------------------------------------------------ */

static void normalize(eb_ynode **slot, const eb_key *k);

static void normalize_kids(eb_ynode *n, const eb_key *k)
{
    if (k->type == EB_K_MAP && n->type == EB_Y_MAP) {
        const eb_ynode *kn = eb_ynode_get(n, "kind");
        const eb_kind *kind =
            k->kinds && kn && kn->type == EB_Y_SCALAR ? eb_schema_kind(k, kn->text) : NULL;
        for (int i = 0; i < n->n; i++) {
            const eb_key *f = eb_schema_field(k, kind, n->kids[i]->key);
            if (f)
                normalize(&n->kids[i], f);
        }
    } else if (k->type == EB_K_LIST && n->type == EB_Y_SEQ) {
        for (int i = 0; i < n->n; i++)
            normalize(&n->kids[i], k->item);
    } else if (k->type == EB_K_DICT && n->type == EB_Y_MAP) {
        for (int i = 0; i < n->n; i++)
            normalize(&n->kids[i], k->item);
    }
}

static void normalize(eb_ynode **slot, const eb_key *k)
{
    eb_ynode *n = *slot;
    if (k->type == EB_K_MAP && k->shorthand && n->type == EB_Y_SCALAR && !eb_ynode_is_null(n)) {
        eb_ynode *map = eb_ynode_new(EB_Y_MAP, n->src, n->line, n->col);
        char *key = strdup(k->shorthand);
        if (!map || !key) {
            free(map);
            free(key);
            return; /* left as it was: the validator reports a type error */
        }
        map->start = n->start;
        map->end = n->end;
        map->key = n->key;
        map->key_line = n->key_line;
        map->key_col = n->key_col;
        map->key_start = n->key_start;
        n->key = key;
        n->key_line = n->line;
        n->key_col = n->col;
        n->key_start = n->start;
        if (eb_ynode_append(map, n) != 0) {
            free(map);
            return; /* n was freed with the failed append; nothing sane remains */
        }
        *slot = map;
        return;
    }
    if (k->type == EB_K_LIST && n->type == EB_Y_SCALAR && !eb_ynode_is_null(n) &&
        (k->item->type == EB_K_NUM || k->item->type == EB_K_INT || k->item->type == EB_K_STR)) {
        /* `mean: 0.5` is the list [0.5] */
        eb_ynode *seq = eb_ynode_new(EB_Y_SEQ, n->src, n->line, n->col);
        if (!seq)
            return;
        seq->start = n->start;
        seq->end = n->end;
        seq->key = n->key;
        seq->key_line = n->key_line;
        seq->key_col = n->key_col;
        seq->key_start = n->key_start;
        n->key = NULL;
        if (eb_ynode_append(seq, n) != 0) {
            free(seq);
            return;
        }
        *slot = seq;
        return;
    }
    normalize_kids(n, k);
}

void eb_scenario_normalize(eb_ynode *root)
{
    if (root)
        normalize_kids(root, eb_schema_root());
}

/* ---- the walk ------------------------------------------------------------------ */

typedef struct walk {
    eb_sdiag *d;
} walk;

static void check(walk *w, const eb_ynode *n, const eb_key *k, const char *path);

static const char *type_name(const eb_key *k)
{
    switch (k->type) {
    case EB_K_INT: return "an integer";
    case EB_K_NUM: return "a number";
    case EB_K_STR: return "a string";
    case EB_K_ENUM:
    case EB_K_KIND: return "a string";
    case EB_K_SCALAR: return "a value (string or number)";
    case EB_K_MAP:
    case EB_K_DICT: return "a map";
    case EB_K_LIST: return "a list";
    case EB_K_RAW: return "a list of maps";
    }
    return "?";
}

static void type_error(walk *w, const eb_ynode *n, const eb_key *k, const char *path)
{
    char got[128];
    eb_ynode_describe(n, got, sizeof got);
    if (k->type == EB_K_MAP && k->shorthand)
        eb_sdiag_node(w->d, n, "%s: expected a map or a string (its %s), got %s", path,
                      k->shorthand, got);
    else
        eb_sdiag_node(w->d, n, "%s: expected %s, got %s", path, type_name(k), got);
}

/* "a, b, c" from a NULL-terminated list. */
static void join(char *buf, size_t len, const char *const *words, int n)
{
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", words[i]);
}

static int count_words(const char *const *words)
{
    int n = 0;
    while (words[n])
        n++;
    return n;
}

/* One of words, or an error that lists them (and suggests the nearest). */
static int check_choice(walk *w, const eb_ynode *n, const char *path, const char *what,
                        const char *const *words, int count)
{
    if (n->type != EB_Y_SCALAR || eb_ynode_is_null(n)) {
        char got[128];
        eb_sdiag_node(w->d, n, "%s: expected a string, got %s", path,
                      eb_ynode_describe(n, got, sizeof got));
        return 0;
    }
    for (int i = 0; i < count; i++)
        if (strcmp(n->text, words[i]) == 0)
            return 1;
    char list[256];
    join(list, sizeof list, words, count);
    const char *near = eb_key_suggest(n->text, words, count);
    if (near)
        eb_sdiag_node(w->d, n, "%s: unknown %s '%s' (did you mean '%s'? valid %ss: %s)", path,
                      what, n->text, near, what, list);
    else
        eb_sdiag_node(w->d, n, "%s: unknown %s '%s' (valid %ss: %s)", path, what, n->text, what,
                      list);
    return 0;
}

static int check_scalar(walk *w, const eb_ynode *n, const eb_key *k, const char *path)
{
    char got[128];
    if (n->type != EB_Y_SCALAR) {
        type_error(w, n, k, path);
        return 0;
    }
    switch (k->type) {
    case EB_K_INT: {
        long long v = 0;
        int r = eb_ynode_int(n, &v);
        if (r == 0) {
            type_error(w, n, k, path);
            return 0;
        }
        if (r < 0 || v < k->imin || v > k->imax) {
            if (k->imin == k->imax)
                eb_sdiag_node(w->d, n, "%s: %s is out of range (must be %lld)", path, n->text,
                              k->imin);
            else
                eb_sdiag_node(w->d, n, "%s: %s is out of range (%lld to %lld)", path, n->text,
                              k->imin, k->imax);
            return 0;
        }
        return 1;
    }
    case EB_K_NUM: {
        double v = 0;
        int r = eb_ynode_num(n, &v);
        if (r == 0) {
            type_error(w, n, k, path);
            return 0;
        }
        int above = k->flags & EB_KF_ABOVE_MIN;
        if (r < 0 || (above ? v <= k->fmin : v < k->fmin) || v > k->fmax) {
            /* bounds of +-1e300 stand for "any finite number" */
            char range[96];
            const char *low = above ? "more than" : "at least";
            if (k->fmax >= 1e300 && k->fmin <= -1e300)
                snprintf(range, sizeof range, "a finite number");
            else if (k->fmax >= 1e300)
                snprintf(range, sizeof range, "must be %s %g", low, k->fmin);
            else if (above)
                snprintf(range, sizeof range, "more than %g, at most %g", k->fmin, k->fmax);
            else
                snprintf(range, sizeof range, "%g to %g", k->fmin, k->fmax);
            eb_sdiag_node(w->d, n, "%s: %s is out of range (%s)", path, n->text, range);
            return 0;
        }
        return 1;
    }
    case EB_K_STR:
    case EB_K_SCALAR:
        if (eb_ynode_is_null(n)) {
            eb_sdiag_node(w->d, n, "%s: expected %s, got %s", path, type_name(k),
                          eb_ynode_describe(n, got, sizeof got));
            return 0;
        }
        if ((k->flags & EB_KF_NONEMPTY) && !n->text[0]) {
            eb_sdiag_node(w->d, n, "%s: must not be empty", path);
            return 0;
        }
        if ((k->flags & EB_KF_NAME) && !eb_schema_is_name(n->text)) {
            eb_sdiag_node(w->d, n,
                          "%s: '%s' is not a valid name (1 to 63 letters, digits, '_', '-', "
                          "'.', '+')",
                          path, n->text);
            return 0;
        }
        if (k->maxlen && strlen(n->text) > k->maxlen) {
            eb_sdiag_node(w->d, n, "%s: too long (%zu bytes, at most %zu)", path,
                          strlen(n->text), k->maxlen);
            return 0;
        }
        return 1;
    case EB_K_ENUM:
        return check_choice(w, n, path, "value", k->choices, count_words(k->choices));
    default:
        return 1;
    }
}

/* A list where a scalar is expected: a sweep, if the key sweeps. */
static void check_sweep(walk *w, const eb_ynode *n, const eb_key *k, const char *path)
{
    if (!(k->flags & EB_KF_SWEEP)) {
        eb_sdiag_node(w->d, n, "%s: expected %s, got a list (a list sweeps only %s)", path,
                      type_name(k), eb_schema_sweep_keys());
        return;
    }
    if (n->n == 0) {
        eb_sdiag_node(w->d, n, "%s: empty sweep list (give at least one value)", path);
        return;
    }
    for (int i = 0; i < n->n; i++) {
        const eb_ynode *it = n->kids[i];
        if (!check_scalar(w, it, k, path))
            continue;
        for (int j = 0; j < i; j++)
            if (n->kids[j]->type == EB_Y_SCALAR && strcmp(n->kids[j]->text, it->text) == 0) {
                eb_sdiag_node(w->d, it, "%s: sweep value %s is listed twice", path, it->text);
                break;
            }
    }
}

static int is_duplicate(walk *w, const eb_ynode *map, int i, const char *path)
{
    const eb_ynode *kid = map->kids[i];
    for (int j = 0; j < i; j++) {
        const eb_ynode *first = map->kids[j];
        if (strcmp(first->key, kid->key) != 0)
            continue;
        if (first->src == 0 && first->key_line)
            eb_sdiag_key(w->d, kid, "duplicate key '%s'%s%s (first at line %d, column %d)",
                         kid->key, path[0] ? " in " : "", path, first->key_line, first->key_col);
        else
            eb_sdiag_key(w->d, kid, "duplicate key '%s'%s%s", kid->key, path[0] ? " in " : "",
                         path);
        return 1;
    }
    return 0;
}

static void sub_path(char *out, const char *path, const char *key)
{
    snprintf(out, PATH_LEN, "%s%s%s", path, path[0] ? "." : "", key);
}

static void unknown_key(walk *w, const eb_ynode *kid, const eb_key *k, const eb_kind *kind,
                        const char *path)
{
    const char *names[64];
    int n = 0;
    for (const eb_key *f = k->fields; f && f->name && n < 64; f++)
        names[n++] = f->name;
    for (const eb_key *f = kind ? kind->fields : NULL; f && f->name && n < 64; f++)
        names[n++] = f->name;
    const char *near = eb_key_suggest(kid->key, names, n);
    const char *in = path[0] ? " in " : "";
    if (near) {
        eb_sdiag_key(w->d, kid, "unknown key '%s'%s%s (did you mean '%s'?)", kid->key, in, path,
                     near);
    } else {
        char list[400];
        join(list, sizeof list, names, n);
        eb_sdiag_key(w->d, kid, "unknown key '%s'%s%s (valid keys: %s)", kid->key, in, path,
                     list);
    }
}

static void check_map(walk *w, const eb_ynode *n, const eb_key *k, const char *path)
{
    /* Which kind (if the map has kinds) decides which further keys are valid. */
    const eb_kind *kind = NULL;
    int kind_bad = 0;
    if (k->kinds) {
        const eb_ynode *kn = eb_ynode_get(n, "kind");
        const eb_key *kf = eb_schema_field(k, NULL, "kind");
        if (kn) {
            const char *names[32];
            int count = 0;
            for (const eb_kind *kd = k->kinds; kd->name && count < 32; kd++)
                names[count++] = kd->name;
            char kpath[PATH_LEN];
            sub_path(kpath, path, "kind");
            if (check_choice(w, kn, kpath, "kind", names, count))
                kind = eb_schema_kind(k, kn->text);
            else
                kind_bad = 1;
        } else if (kf && kf->def) {
            kind = eb_schema_kind(k, kf->def);
        } else {
            kind_bad = 1; /* reported as a missing required key below */
        }
    }
    for (int i = 0; i < n->n; i++) {
        const eb_ynode *kid = n->kids[i];
        if (is_duplicate(w, n, i, path))
            continue;
        const eb_key *f = eb_schema_field(k, kind, kid->key);
        char kpath[PATH_LEN];
        sub_path(kpath, path, kid->key);
        if (!f) {
            if (!kind_bad) /* without a valid kind, its keys cannot be judged */
                unknown_key(w, kid, k, kind, path);
        } else if (f->type != EB_K_KIND) {
            check(w, kid, f, kpath);
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        const eb_key *fields = pass == 0 ? k->fields : kind ? kind->fields : NULL;
        for (const eb_key *f = fields; f && f->name; f++) {
            if (!(f->flags & EB_KF_REQUIRED) || eb_ynode_get(n, f->name))
                continue;
            if (path[0])
                eb_sdiag_node(w->d, n, "%s: missing required key '%s'", path, f->name);
            else
                eb_sdiag_node(w->d, n, "missing required key '%s'", f->name);
        }
    }
}

static void check_dict(walk *w, const eb_ynode *n, const eb_key *k, const char *path)
{
    if ((k->flags & EB_KF_NONEMPTY) && n->n == 0)
        eb_sdiag_node(w->d, n, "%s: needs at least one entry", path);
    if (k->maxn && n->n > k->maxn)
        eb_sdiag_node(w->d, n, "%s: too many entries (%d, at most %d)", path, n->n, k->maxn);
    for (int i = 0; i < n->n; i++) {
        const eb_ynode *kid = n->kids[i];
        if (is_duplicate(w, n, i, path))
            continue;
        char kpath[PATH_LEN];
        sub_path(kpath, path, kid->key);
        if ((k->flags & EB_KF_NAME) && !eb_schema_is_name(kid->key)) {
            eb_sdiag_key(w->d, kid,
                         "%s: '%s' is not a valid name (1 to 63 letters, digits, '_', '-', '.', "
                         "'+')",
                         path, kid->key);
            continue;
        }
        if (!kid->key[0] || (k->maxlen && strlen(kid->key) > k->maxlen)) {
            eb_sdiag_key(w->d, kid, "%s: key '%s' must be 1 to %zu bytes long", path, kid->key,
                         k->maxlen);
            continue;
        }
        check(w, kid, k->item, kpath);
    }
}

static void check(walk *w, const eb_ynode *n, const eb_key *k, const char *path)
{
    switch (k->type) {
    case EB_K_INT:
    case EB_K_NUM:
    case EB_K_STR:
    case EB_K_ENUM:
    case EB_K_KIND:
    case EB_K_SCALAR:
        if (n->type == EB_Y_SEQ)
            check_sweep(w, n, k, path);
        else
            check_scalar(w, n, k, path);
        return;
    case EB_K_MAP:
        if (n->type != EB_Y_MAP)
            type_error(w, n, k, path);
        else
            check_map(w, n, k, path);
        return;
    case EB_K_DICT:
        if (n->type != EB_Y_MAP)
            type_error(w, n, k, path);
        else
            check_dict(w, n, k, path);
        return;
    case EB_K_LIST:
        if (n->type != EB_Y_SEQ) {
            type_error(w, n, k, path);
            return;
        }
        if ((k->flags & EB_KF_NONEMPTY) && n->n == 0)
            eb_sdiag_node(w->d, n, "%s: needs at least one entry", path);
        for (int i = 0; i < n->n; i++) {
            char ipath[PATH_LEN];
            snprintf(ipath, sizeof ipath, "%s[%d]", path, i);
            check(w, n->kids[i], k->item, ipath);
        }
        return;
    case EB_K_RAW:
        if (n->type != EB_Y_SEQ) {
            type_error(w, n, k, path);
            return;
        }
        for (int i = 0; i < n->n; i++) {
            if (n->kids[i]->type == EB_Y_MAP)
                continue;
            char got[128];
            eb_sdiag_node(w->d, n->kids[i], "%s[%d]: expected a map, got %s", path, i,
                          eb_ynode_describe(n->kids[i], got, sizeof got));
        }
        return;
    }
}

void eb_scenario_validate(const eb_ynode *root, eb_sdiag *d)
{
    walk w = {d};
    check_map(&w, root, eb_schema_root(), "");
}
