/* The scenario error list: collecting, ordering, formatting. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario/scenario_diag.h"

static void add(eb_sdiag *d, int src, int line, int col, const char *fmt, va_list ap)
{
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 16;
        eb_sdiag_item *grown = realloc(d->items, (size_t)cap * sizeof *grown);
        if (!grown) {
            d->nomem = 1;
            return;
        }
        d->items = grown;
        d->cap = cap;
    }
    eb_sdiag_item *it = &d->items[d->n];
    it->src = src;
    it->line = src ? 0 : line;
    it->col = src ? 0 : col;
    it->seq = d->n++;
    vsnprintf(it->message, sizeof it->message, fmt, ap);
}

void eb_sdiag_at(eb_sdiag *d, int src, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, src, line, col, fmt, ap);
    va_end(ap);
}

void eb_sdiag_node(eb_sdiag *d, const eb_ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, n->src, n->line, n->col, fmt, ap);
    va_end(ap);
}

void eb_sdiag_key(eb_sdiag *d, const eb_ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (n->key && n->key_line)
        add(d, n->src, n->key_line, n->key_col, fmt, ap);
    else
        add(d, n->src, n->line, n->col, fmt, ap);
    va_end(ap);
}

static int before(const eb_sdiag_item *a, const eb_sdiag_item *b)
{
    if (a->src != b->src)
        return a->src < b->src;
    if (a->line != b->line)
        return a->line < b->line;
    if (a->col != b->col)
        return a->col < b->col;
    return a->seq < b->seq;
}

void eb_sdiag_finish(eb_sdiag *d, eb_scenario_errors *out)
{
    /* insertion sort: stable, and the lists are short */
    for (int i = 1; i < d->n; i++) {
        eb_sdiag_item t = d->items[i];
        int j = i;
        for (; j > 0 && before(&t, &d->items[j - 1]); j--)
            d->items[j] = d->items[j - 1];
        d->items[j] = t;
    }
    memset(out, 0, sizeof *out);
    out->total = d->n + d->nomem;
    for (int i = 0; i < d->n && out->n < EB_SCENARIO_MAX_ERRORS; i++) {
        const eb_sdiag_item *it = &d->items[i];
        eb_scenario_error *e = &out->items[out->n++];
        e->line = it->line;
        e->col = it->col;
        if (it->src > 0 && it->src <= d->n_overrides)
            snprintf(e->where, sizeof e->where, "%s: --set %s", d->path,
                     d->overrides[it->src - 1]);
        else if (it->line > 0)
            snprintf(e->where, sizeof e->where, "%s:%d:%d", d->path, it->line, it->col);
        else
            snprintf(e->where, sizeof e->where, "%s", d->path);
        snprintf(e->message, sizeof e->message, "%s", it->message);
    }
    if (d->nomem && out->n < EB_SCENARIO_MAX_ERRORS) {
        eb_scenario_error *e = &out->items[out->n++];
        snprintf(e->where, sizeof e->where, "%s", d->path);
        snprintf(e->message, sizeof e->message, "out of memory while checking");
    }
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}

void eb_scenario_errors_format(const eb_scenario_errors *errors, char *msg, size_t msg_len)
{
    if (!msg || !msg_len)
        return;
    msg[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < errors->n; i++) {
        const eb_scenario_error *e = &errors->items[i];
        int need = snprintf(NULL, 0, "%s%s: %s", i ? "\n" : "", e->where, e->message);
        int more = errors->total - i;
        if (used + (size_t)need >= msg_len) {
            /* does not fit: say how many are left out, if that fits */
            snprintf(msg + used, msg_len - used, "%s... and %d more error%s", i ? "\n" : "",
                     more, more == 1 ? "" : "s");
            return;
        }
        used += (size_t)snprintf(msg + used, msg_len - used, "%s%s: %s", i ? "\n" : "", e->where,
                                 e->message);
    }
    if (errors->total > errors->n) {
        int more = errors->total - errors->n;
        snprintf(msg + used, msg_len - used, "\n... and %d more error%s", more,
                 more == 1 ? "" : "s");
    }
}
