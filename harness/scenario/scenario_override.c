/* --set KEY=VALUE: change the scenario tree before it is validated.
 *
 * KEY is a dotted path ("run.measure.iterations", "backends.0.threads" or
 * "backends[0].threads"); VALUE is YAML, so "10" is a number, "[1, 2]" a sweep
 * and "{name: ref, threads: 2}" a map. Missing maps on the way are created.
 * Keys are not checked here: the nodes an override creates carry its src,
 * so the validator's "unknown key ... did you mean" names the --set. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario/scenario_stages.h"

#define MAX_PARTS 16

/* Split "a.b[2].c" into parts; 0 ok, -1 malformed. Writes into buf. */
static int split_path(char *buf, char **parts, int *n)
{
    *n = 0;
    char *p = buf;
    while (*p) {
        if (*n == MAX_PARTS)
            return -1;
        char *start = p;
        while (*p && *p != '.' && *p != '[')
            p++;
        if (p == start && *p != '[')
            return -1; /* empty part: "a..b", ".a", "a." */
        if (p > start)
            parts[(*n)++] = start;
        if (*p == '[') {
            *p++ = '\0';
            if (*n == MAX_PARTS)
                return -1;
            parts[(*n)++] = p;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p != ']' || p == parts[*n - 1])
                return -1;
            *p++ = '\0';
            if (*p && *p != '.' && *p != '[')
                return -1;
        }
        if (*p == '.') {
            *p++ = '\0';
            if (!*p)
                return -1;
        }
    }
    return *n ? 0 : -1;
}

static int parse_index(const char *s, int n)
{
    if (!*s)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    long v = strtol(s, NULL, 10);
    return v < n ? (int)v : -2;
}

/* The text of parts[0..n) as a dotted path, for messages. */
static void path_text(char *out, size_t len, char **parts, int n)
{
    out[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? "." : "", parts[i]);
}

/* Put value under `key` in map (replacing an existing entry). */
static int map_put(eb_ynode *map, const char *key, eb_ynode *value)
{
    free(value->key);
    if (!(value->key = strdup(key))) {
        eb_ynode_free(value);
        return -1;
    }
    value->key_line = value->key_col = 0;
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->kids[i]->key, key) == 0) {
            eb_ynode_free(map->kids[i]);
            map->kids[i] = value;
            return 0;
        }
    return eb_ynode_append(map, value);
}

/* A null scalar on the way ("run:" with nothing under it) becomes a map. */
static void null_to_map(eb_ynode *n)
{
    if (eb_ynode_is_null(n)) {
        free(n->text);
        n->text = NULL;
        n->type = EB_Y_MAP;
    }
}

static void apply_one(eb_ynode *root, const char *arg, int src, eb_sdiag *d)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        eb_sdiag_at(d, src, 0, 0, "expected KEY=VALUE, e.g. run.measure.iterations=10");
        return;
    }
    char buf[512];
    size_t klen = (size_t)(eq - arg);
    if (klen >= sizeof buf) {
        eb_sdiag_at(d, src, 0, 0, "key path too long");
        return;
    }
    memcpy(buf, arg, klen);
    buf[klen] = '\0';
    char *parts[MAX_PARTS];
    int n_parts;
    if (split_path(buf, parts, &n_parts) != 0) {
        eb_sdiag_at(d, src, 0, 0,
                    "malformed key path '%.*s' (use dots and list indexes, e.g. "
                    "backends.0.threads or backends[0].threads)",
                    (int)klen, arg);
        return;
    }
    if (strcmp(parts[0], "budgets") == 0) {
        eb_sdiag_at(d, src, 0, 0, "budgets cannot be changed with --set (edit the scenario file)");
        return;
    }

    const char *vtext = eq + 1;
    eb_ynode *value = NULL;
    eb_yaml_error yerr;
    if (eb_yaml_parse(vtext, strlen(vtext), src, &value, &yerr) != EB_OK) {
        eb_sdiag_at(d, src, 0, 0, "value is not valid YAML: %s", yerr.text);
        return;
    }
    if (!value) { /* "KEY=" : null */
        value = eb_ynode_new(EB_Y_SCALAR, src, 0, 0);
        if (!value || !(value->text = strdup(""))) {
            eb_ynode_free(value);
            d->nomem = 1;
            return;
        }
    }

    eb_ynode *cur = root;
    for (int i = 0; i < n_parts; i++) {
        const char *part = parts[i];
        int last = i == n_parts - 1;
        char where[512];
        path_text(where, sizeof where, parts, i);
        null_to_map(cur);
        if (cur->type == EB_Y_SEQ) {
            int idx = parse_index(part, cur->n);
            if (idx == -1) {
                eb_sdiag_at(d, src, 0, 0, "%s is a list: '%s' is not an index (e.g. %s.0)",
                            where, part, where);
                break;
            }
            if (idx == -2) {
                eb_sdiag_at(d, src, 0, 0, "%s has %d entr%s: index %s is out of range", where,
                            cur->n, cur->n == 1 ? "y" : "ies", part);
                break;
            }
            if (last) {
                free(value->key);
                value->key = NULL;
                eb_ynode_free(cur->kids[idx]);
                cur->kids[idx] = value;
                value = NULL;
            } else {
                cur = cur->kids[idx];
            }
        } else if (cur->type == EB_Y_MAP) {
            if (last) {
                if (map_put(cur, part, value) != 0)
                    d->nomem = 1;
                value = NULL;
            } else {
                eb_ynode *next = eb_ynode_get(cur, part);
                if (!next) {
                    next = eb_ynode_new(EB_Y_MAP, src, 0, 0);
                    if (!next || !(next->key = strdup(part)) || eb_ynode_append(cur, next) != 0) {
                        if (next && !next->key)
                            eb_ynode_free(next);
                        d->nomem = 1;
                        break;
                    }
                }
                cur = next;
            }
        } else {
            char got[128];
            eb_sdiag_at(d, src, 0, 0, "%s is %s, not a map: it has no key '%s'", where,
                        eb_ynode_describe(cur, got, sizeof got), part);
            break;
        }
    }
    eb_ynode_free(value);
}

void eb_scenario_apply_sets(eb_ynode *root, const char *const *overrides, int n, eb_sdiag *d)
{
    for (int i = 0; i < n; i++)
        apply_one(root, overrides[i], i + 1, d);
}
