/* The typed condition value (condition.h): accessors, typing text through
 * the table, the old text form, and the display text. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/number_text.h"
#include "harness/conditions/condition.h"

void eb_condition_init(eb_condition *c, const char *kind)
{
    memset(c, 0, sizeof *c);
    snprintf(c->kind, sizeof c->kind, "%s", kind ? kind : "");
}

const eb_condition_param *eb_condition_get(const eb_condition *c, const char *key)
{
    for (int i = 0; c && key && i < c->n; i++)
        if (strcmp(c->params[i].key, key) == 0)
            return &c->params[i];
    return NULL;
}

int eb_condition_number(const eb_condition *c, const char *key, double *out)
{
    const eb_condition_param *p = eb_condition_get(c, key);
    if (!p || (p->type != EB_CP_NUM && p->type != EB_CP_INT))
        return 0;
    *out = p->type == EB_CP_NUM ? p->num : (double)p->i;
    return 1;
}

int eb_condition_integer(const eb_condition *c, const char *key, int64_t *out)
{
    const eb_condition_param *p = eb_condition_get(c, key);
    if (!p)
        return 0;
    if (p->type == EB_CP_INT) {
        *out = p->i;
        return 1;
    }
    /* an old file's "seed=3" reads as a number; a whole one is the integer */
    if (p->type == EB_CP_NUM && p->num == floor(p->num) && fabs(p->num) < 9.2e18) {
        *out = (int64_t)p->num;
        return 1;
    }
    return 0;
}

const char *eb_condition_string(const eb_condition *c, const char *key, const char *def)
{
    const eb_condition_param *p = eb_condition_get(c, key);
    return p && (p->type == EB_CP_ENUM || p->type == EB_CP_STR) ? p->str : def;
}

double eb_condition_num(const eb_condition *c, const char *key)
{
    double v;
    if (eb_condition_number(c, key, &v))
        return v;
    const eb_cparam_def *d = eb_condition_kind_param(eb_condition_kind_find(c->kind), key);
    return !d ? 0 : d->type == EB_CP_INT ? (double)d->def_int : d->def_num;
}

const char *eb_condition_str(const eb_condition *c, const char *key)
{
    const eb_cparam_def *d = eb_condition_kind_param(eb_condition_kind_find(c->kind), key);
    return eb_condition_string(c, key, d && d->def_str ? d->def_str : "");
}

/* The slot for key: its own, or a new one at the end. */
static eb_condition_param *slot(eb_condition *c, const char *key)
{
    if (!key || !key[0] || strlen(key) >= EB_CONDITION_KEY_MAX)
        return NULL;
    eb_condition_param *p = (eb_condition_param *)eb_condition_get(c, key);
    if (p)
        return p;
    if (c->n >= EB_CONDITION_MAX_PARAMS)
        return NULL;
    p = &c->params[c->n++];
    memset(p, 0, sizeof *p);
    memcpy(p->key, key, strlen(key) + 1);
    return p;
}

eb_status eb_condition_set_num(eb_condition *c, const char *key, double v)
{
    eb_condition_param *p = slot(c, key);
    if (!p)
        return EB_ERR_OVERFLOW;
    p->type = EB_CP_NUM;
    p->num = v;
    return EB_OK;
}

eb_status eb_condition_set_int(eb_condition *c, const char *key, int64_t v)
{
    eb_condition_param *p = slot(c, key);
    if (!p)
        return EB_ERR_OVERFLOW;
    p->type = EB_CP_INT;
    p->i = v;
    return EB_OK;
}

eb_status eb_condition_set_str(eb_condition *c, const char *key, eb_cparam_type type,
                               const char *v)
{
    if (!v || strlen(v) >= EB_CONDITION_STR_MAX)
        return EB_ERR_OVERFLOW;
    eb_condition_param *p = slot(c, key);
    if (!p)
        return EB_ERR_OVERFLOW;
    p->type = type == EB_CP_ENUM ? EB_CP_ENUM : EB_CP_STR;
    memcpy(p->str, v, strlen(v) + 1);
    return EB_OK;
}

static int read_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno != ERANGE && isfinite(*out);
}

static int read_int(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    *out = v;
    return end != s && *end == '\0' && errno != ERANGE;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

eb_status eb_condition_set_text(eb_condition *c, const char *key, const char *text, char *msg,
                                size_t msg_len)
{
    const eb_condition_kind *k = eb_condition_kind_find(c->kind);
    const eb_cparam_def *d = eb_condition_kind_param(k, key);
    if (!d) {
        snprintf(msg, msg_len, "condition kind %s has no parameter '%s'", c->kind, key);
        return EB_ERR_FORMAT;
    }
    double v = 0;
    int64_t iv = 0;
    eb_status st = EB_ERR_FORMAT;
    switch (d->type) {
    case EB_CP_NUM:
        if (read_double(text, &v) && v >= d->fmin && v <= d->fmax &&
            !((d->flags & EB_CP_ABOVE_MIN) && v <= d->fmin))
            st = eb_condition_set_num(c, key, v);
        break;
    case EB_CP_INT:
        if (read_int(text, &iv) && iv >= d->imin && iv <= d->imax)
            st = eb_condition_set_int(c, key, iv);
        break;
    case EB_CP_ENUM:
        for (const char *const *ch = d->choices; ch && *ch; ch++)
            if (strcmp(*ch, text) == 0)
                st = eb_condition_set_str(c, key, EB_CP_ENUM, text);
        break;
    case EB_CP_STR:
        if (strlen(text) <= d->maxlen && !has_control(text) &&
            !((d->flags & EB_CP_NONEMPTY) && !text[0]))
            st = eb_condition_set_str(c, key, EB_CP_STR, text);
        break;
    }
    if (st != EB_OK)
        snprintf(msg, msg_len, "condition kind %s: bad value '%.80s' for '%s'", c->kind, text,
                 key);
    return st == EB_OK ? EB_OK : EB_ERR_FORMAT;
}

eb_status eb_condition_parse_text(eb_condition *c, const char *kind, const char *text, char *msg,
                                  size_t msg_len)
{
    eb_condition_init(c, kind);
    for (const char *p = text ? text : ""; *p;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t kl = eq ? (size_t)(eq - p) : 0, vl = eq ? len - kl - 1 : 0;
        if (!eq || kl == 0 || kl >= EB_CONDITION_KEY_MAX || vl >= EB_CONDITION_STR_MAX ||
            c->n >= EB_CONDITION_MAX_PARAMS) {
            snprintf(msg, msg_len, "condition parameters: '%.*s' is not key=value within %d "
                     "parameters of %d-byte keys and %d-byte values",
                     (int)(len < 80 ? len : 80), p, EB_CONDITION_MAX_PARAMS,
                     EB_CONDITION_KEY_MAX - 1, EB_CONDITION_STR_MAX - 1);
            return EB_ERR_FORMAT;
        }
        char key[EB_CONDITION_KEY_MAX], val[EB_CONDITION_STR_MAX];
        memcpy(key, p, kl);
        key[kl] = '\0';
        memcpy(val, eq + 1, vl);
        val[vl] = '\0';
        double v;
        eb_status st;
        if (eb_condition_kind_param(eb_condition_kind_find(kind), key))
            st = eb_condition_set_text(c, key, val, msg, msg_len);
        else if (read_double(val, &v))
            st = eb_condition_set_num(c, key, v);
        else
            st = eb_condition_set_str(c, key, EB_CP_STR, val);
        if (st != EB_OK) {
            if (st != EB_ERR_FORMAT)
                snprintf(msg, msg_len, "condition parameters: bad '%s'", key);
            return EB_ERR_FORMAT;
        }
        p = semi ? semi + 1 : p + len;
    }
    return EB_OK;
}

const char *eb_condition_value_text(const eb_condition_param *p, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    switch (p->type) {
    case EB_CP_NUM:
        /* whole numbers as people write them ("20", not "2e+01"), others in
         * their shortest round-trip form ("0.1") */
        if (p->num == floor(p->num) && fabs(p->num) < 1e15)
            snprintf(buf, cap, "%.0f", p->num);
        else
            eb_number_text_real(p->num, buf, cap);
        break;
    case EB_CP_INT:
        snprintf(buf, cap, "%" PRId64, p->i);
        break;
    default:
        snprintf(buf, cap, "%s", p->str);
        break;
    }
    return buf;
}

size_t eb_condition_text(const eb_condition *c, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap)
        buf[0] = '\0';
    for (int i = 0; i < c->n; i++) {
        char v[EB_CONDITION_STR_MAX];
        eb_condition_value_text(&c->params[i], v, sizeof v);
        int w = snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, "%s%s=%s", i ? ";" : "",
                         c->params[i].key, v);
        n += w > 0 ? (size_t)w : 0;
    }
    return n;
}

int eb_condition_equal(const eb_condition *a, const eb_condition *b)
{
    if (strcmp(a->kind, b->kind) || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++) {
        const eb_condition_param *x = &a->params[i], *y = &b->params[i];
        if (strcmp(x->key, y->key) || x->type != y->type)
            return 0;
        if ((x->type == EB_CP_NUM && memcmp(&x->num, &y->num, sizeof x->num)) ||
            (x->type == EB_CP_INT && x->i != y->i) ||
            ((x->type == EB_CP_ENUM || x->type == EB_CP_STR) && strcmp(x->str, y->str)))
            return 0;
    }
    return 1;
}
