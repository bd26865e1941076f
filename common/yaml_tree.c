/* Operations on the YAML node tree (see yaml_tree.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/yaml_tree.h"

eb_ynode *eb_ynode_new(eb_ynode_type type, int src, int line, int col)
{
    eb_ynode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->type = type;
    n->src = src;
    n->line = line;
    n->col = col;
    return n;
}

void eb_ynode_free(eb_ynode *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n; i++)
        eb_ynode_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->key);
    free(n);
}

eb_ynode *eb_ynode_copy(const eb_ynode *n)
{
    eb_ynode *c = eb_ynode_new(n->type, n->src, n->line, n->col);
    if (!c)
        return NULL;
    c->start = n->start;
    c->end = n->end;
    c->quoted = n->quoted;
    c->key_line = n->key_line;
    c->key_col = n->key_col;
    c->key_start = n->key_start;
    if ((n->text && !(c->text = strdup(n->text))) || (n->key && !(c->key = strdup(n->key))))
        goto fail;
    for (int i = 0; i < n->n; i++) {
        eb_ynode *k = eb_ynode_copy(n->kids[i]);
        if (!k || eb_ynode_append(c, k) != 0)
            goto fail;
    }
    return c;
fail:
    eb_ynode_free(c);
    return NULL;
}

int eb_ynode_append(eb_ynode *parent, eb_ynode *kid)
{
    if (parent->n == parent->cap) {
        int cap = parent->cap ? parent->cap * 2 : 4;
        eb_ynode **grown = realloc(parent->kids, (size_t)cap * sizeof *grown);
        if (!grown) {
            eb_ynode_free(kid);
            return -1;
        }
        parent->kids = grown;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    return 0;
}

eb_ynode *eb_ynode_get(const eb_ynode *n, const char *key)
{
    if (!n || n->type != EB_Y_MAP)
        return NULL;
    for (int i = 0; i < n->n; i++)
        if (strcmp(n->kids[i]->key, key) == 0)
            return n->kids[i];
    return NULL;
}

int eb_ynode_is_null(const eb_ynode *n)
{
    if (n->type != EB_Y_SCALAR || n->quoted)
        return 0;
    const char *t = n->text;
    return !t[0] || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 || strcmp(t, "Null") == 0 ||
           strcmp(t, "NULL") == 0;
}

static int is_bool(const char *t)
{
    static const char *const words[] = {"true", "false", "True", "False", "TRUE", "FALSE",
                                        "yes",  "no",    "Yes",  "No",    "on",   "off"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(t, words[i]) == 0)
            return 1;
    return 0;
}

int eb_ynode_int(const eb_ynode *n, long long *v)
{
    if (n->type != EB_Y_SCALAR || n->quoted)
        return 0;
    const char *t = n->text, *p = t;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return 0;
    for (; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    errno = 0;
    long long x = strtoll(t, NULL, 10);
    if (errno == ERANGE)
        return -1;
    *v = x;
    return 1;
}

int eb_ynode_num(const eb_ynode *n, double *v)
{
    if (n->type != EB_Y_SCALAR || n->quoted || !n->text[0])
        return 0;
    /* Decimal notation only: strtod would also take "inf", "nan" and hex. */
    int digits = 0;
    for (const char *p = n->text; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits = 1;
        else if (!strchr("+-.eE", *p))
            return 0;
    }
    if (!digits)
        return 0;
    char *end;
    errno = 0;
    double x = strtod(n->text, &end);
    if (*end)
        return 0;
    if (errno == ERANGE || !isfinite(x))
        return -1;
    *v = x;
    return 1;
}

const char *eb_ynode_describe(const eb_ynode *n, char *buf, size_t len)
{
    if (n->type == EB_Y_MAP)
        snprintf(buf, len, "a map");
    else if (n->type == EB_Y_SEQ)
        snprintf(buf, len, "a list");
    else if (eb_ynode_is_null(n))
        snprintf(buf, len, "null");
    else {
        long long i;
        double d;
        const char *what = "string";
        if (eb_ynode_int(n, &i) != 0)
            what = "integer";
        else if (eb_ynode_num(n, &d) != 0)
            what = "number";
        else if (!n->quoted && is_bool(n->text))
            what = "boolean";
        if (strlen(n->text) > 60)
            snprintf(buf, len, "%s '%.57s...'", what, n->text);
        else if (strcmp(what, "string") == 0)
            snprintf(buf, len, "string '%s'", n->text);
        else
            snprintf(buf, len, "%s %s", what, n->text);
    }
    return buf;
}
