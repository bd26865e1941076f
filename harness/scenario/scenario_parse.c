/* YAML text -> eb_ynode tree, from libyaml's event stream.
 *
 * The event parser (rather than libyaml's document loader) is used because
 * it gives every key and value its own start mark, so later errors can name
 * line:column of the key or the value, and byte offsets, so the scenario can
 * keep a section's raw text (budgets). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/yaml_tree.h"

typedef struct frame {
    eb_ynode *node;
    int flow;          /* [..] / {..}: the end event marks the real end */
    char *key;         /* map: the key waiting for its value, else NULL */
    int key_line, key_col;
    size_t key_start;
} frame;

typedef struct anchor {
    char *name;
    eb_ynode *node;
} anchor;

typedef struct parse_state {
    const char *text;
    int src;
    frame stack[EB_YAML_MAX_DEPTH];
    int depth;
    anchor *anchors;
    int n_anchors, cap_anchors;
    int *slots;      /* open-addressing hash of anchor names -> index in anchors */
    int cap_slots;   /* a power of two, at least twice n_anchors */
    long nodes;
    eb_ynode *root;
    eb_yaml_error *err;
} parse_state;

static eb_status fail_at(parse_state *s, yaml_mark_t m, const char *fmt, const char *arg)
{
    s->err->line = (int)m.line + 1;
    s->err->col = (int)m.column + 1;
    snprintf(s->err->text, sizeof s->err->text, fmt, arg);
    return EB_ERR_FORMAT;
}

static long count_nodes(const eb_ynode *n)
{
    long c = 1;
    for (int i = 0; i < n->n; i++)
        c += count_nodes(n->kids[i]);
    return c;
}

/* Anchors are looked up by hash: a document of tens of thousands of
 * aliases must not cost a scan of every anchor per alias. */
static unsigned name_hash(const char *name)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* Slot of `name` in the hash: the slot holding it, or the empty slot
 * where it would go. */
static int *anchor_slot(const parse_state *s, const char *name)
{
    unsigned mask = (unsigned)s->cap_slots - 1;
    for (unsigned i = name_hash(name) & mask;; i = (i + 1) & mask) {
        int *slot = &s->slots[i];
        if (*slot < 0 || strcmp(s->anchors[*slot].name, name) == 0)
            return slot;
    }
}

static const eb_ynode *find_anchor(const parse_state *s, const char *name)
{
    if (!s->cap_slots)
        return NULL;
    int *slot = anchor_slot(s, name);
    return *slot < 0 ? NULL : s->anchors[*slot].node;
}

static eb_status grow_slots(parse_state *s)
{
    int cap = s->cap_slots ? s->cap_slots * 2 : 64;
    int *slots = malloc((size_t)cap * sizeof *slots);
    if (!slots)
        return EB_ERR_NOMEM;
    for (int i = 0; i < cap; i++)
        slots[i] = -1;
    free(s->slots);
    s->slots = slots;
    s->cap_slots = cap;
    /* re-insert: the latest definition of a name wins, as in YAML */
    for (int k = 0; k < s->n_anchors; k++)
        *anchor_slot(s, s->anchors[k].name) = k;
    return EB_OK;
}

static eb_status remember_anchor(parse_state *s, const yaml_char_t *name, eb_ynode *node)
{
    if (!name)
        return EB_OK;
    if (s->n_anchors >= EB_YAML_MAX_NODES)
        return EB_ERR_FORMAT; /* never reached: attach() caps the nodes first */
    if (s->n_anchors == s->cap_anchors) {
        int cap = s->cap_anchors ? s->cap_anchors * 2 : 8;
        anchor *grown = realloc(s->anchors, (size_t)cap * sizeof *grown);
        if (!grown)
            return EB_ERR_NOMEM;
        s->anchors = grown;
        s->cap_anchors = cap;
    }
    char *copy = strdup((const char *)name);
    if (!copy)
        return EB_ERR_NOMEM;
    s->anchors[s->n_anchors++] = (anchor){copy, node};
    if (2 * s->n_anchors > s->cap_slots)
        return grow_slots(s); /* inserts every anchor, this one too */
    *anchor_slot(s, copy) = s->n_anchors - 1;
    return EB_OK;
}

/* Hang a finished (or just started) node under the current collection. */
static eb_status attach(parse_state *s, eb_ynode *node)
{
    if (++s->nodes > EB_YAML_MAX_NODES) {
        s->err->line = node->line;
        s->err->col = node->col;
        snprintf(s->err->text, sizeof s->err->text, "document too large (more than %d nodes)",
                 EB_YAML_MAX_NODES);
        eb_ynode_free(node);
        return EB_ERR_FORMAT;
    }
    if (s->depth == 0) {
        s->root = node;
        return EB_OK;
    }
    frame *f = &s->stack[s->depth - 1];
    if (f->node->type == EB_Y_MAP) {
        free(node->key);
        node->key = f->key;
        node->key_line = f->key_line;
        node->key_col = f->key_col;
        node->key_start = f->key_start;
        f->key = NULL;
    }
    return eb_ynode_append(f->node, node) == 0 ? EB_OK : EB_ERR_NOMEM;
}

/* In a map with no pending key, the next event must be a scalar key. */
static int wants_key(const parse_state *s)
{
    return s->depth > 0 && s->stack[s->depth - 1].node->type == EB_Y_MAP &&
           !s->stack[s->depth - 1].key;
}

static eb_status on_event(parse_state *s, yaml_event_t *ev, int *docs, int *done)
{
    yaml_mark_t m = ev->start_mark;
    int line = (int)m.line + 1, col = (int)m.column + 1;
    eb_ynode *node = NULL;
    eb_status st;

    switch (ev->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_NO_EVENT:
        return EB_OK;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return EB_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (*docs > 0)
            return fail_at(s, m, "%s",
                           "a scenario is one YAML document, but a second one starts here");
        return EB_OK;
    case YAML_DOCUMENT_END_EVENT:
        (*docs)++;
        return EB_OK;

    case YAML_SCALAR_EVENT:
        if (wants_key(s)) {
            frame *f = &s->stack[s->depth - 1];
            f->key = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
            f->key_line = line;
            f->key_col = col;
            f->key_start = m.index;
            return f->key ? EB_OK : EB_ERR_NOMEM;
        }
        node = eb_ynode_new(EB_Y_SCALAR, s->src, line, col);
        if (!node)
            return EB_ERR_NOMEM;
        node->start = m.index;
        node->end = ev->end_mark.index;
        node->text = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        if (!node->text) {
            eb_ynode_free(node);
            return EB_ERR_NOMEM;
        }
        node->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                       (ev->data.scalar.tag &&
                        strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG) == 0);
        if ((st = remember_anchor(s, ev->data.scalar.anchor, node)) != EB_OK) {
            eb_ynode_free(node);
            return st;
        }
        return attach(s, node);

    case YAML_ALIAS_EVENT: {
        if (wants_key(s))
            return fail_at(s, m, "%s", "a key must be a plain string, not an alias");
        const char *name = (const char *)ev->data.alias.anchor;
        const eb_ynode *target = find_anchor(s, name);
        if (!target)
            return fail_at(s, m, "unknown alias '*%s'", name);
        s->nodes += count_nodes(target) - 1;
        if (s->nodes > EB_YAML_MAX_NODES)
            return fail_at(s, m, "%s", "document too large after expanding aliases");
        if (!(node = eb_ynode_copy(target)))
            return EB_ERR_NOMEM;
        node->line = line;
        node->col = col;
        return attach(s, node);
    }

    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        if (wants_key(s))
            return fail_at(s, m, "%s", "a key must be a plain string, not a map or a list");
        if (s->depth == EB_YAML_MAX_DEPTH)
            return fail_at(s, m, "nesting deeper than %s levels", "64");
        node = eb_ynode_new(is_map ? EB_Y_MAP : EB_Y_SEQ, s->src, line, col);
        if (!node)
            return EB_ERR_NOMEM;
        node->start = m.index;
        const yaml_char_t *anchor_name =
            is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        if ((st = remember_anchor(s, anchor_name, node)) != EB_OK) {
            eb_ynode_free(node);
            return st;
        }
        if ((st = attach(s, node)) != EB_OK)
            return st;
        frame *f = &s->stack[s->depth++];
        memset(f, 0, sizeof *f);
        f->node = node;
        f->flow = is_map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                         : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        return EB_OK;
    }

    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT: {
        frame *f = &s->stack[--s->depth];
        eb_ynode *n = f->node;
        if (f->flow)
            n->end = ev->end_mark.index;
        else
            n->end = n->n ? n->kids[n->n - 1]->end : n->start;
        free(f->key);
        f->key = NULL;
        return EB_OK;
    }
    }
    return EB_OK;
}

/* libyaml's reader errors carry a byte offset, not a mark. */
static void offset_to_position(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static void parser_error(parse_state *s, const yaml_parser_t *p, size_t len)
{
    eb_yaml_error *e = s->err;
    if (p->error == YAML_MEMORY_ERROR) {
        snprintf(e->text, sizeof e->text, "out of memory");
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        offset_to_position(s->text, p->problem_offset < len ? p->problem_offset : len, &e->line,
                           &e->col);
        snprintf(e->text, sizeof e->text, "malformed YAML: %s",
                 p->problem ? p->problem : "cannot read the text");
        return;
    }
    e->line = (int)p->problem_mark.line + 1;
    e->col = (int)p->problem_mark.column + 1;
    if (p->context)
        snprintf(e->text, sizeof e->text, "malformed YAML: %s (%s at line %d, column %d)",
                 p->problem ? p->problem : "syntax error", p->context,
                 (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    else
        snprintf(e->text, sizeof e->text, "malformed YAML: %s",
                 p->problem ? p->problem : "syntax error");
}

eb_status eb_yaml_parse(const char *text, size_t len, int src, eb_ynode **root,
                        eb_yaml_error *err)
{
    *root = NULL;
    memset(err, 0, sizeof *err);
    parse_state s = {.text = text, .src = src, .err = err};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err->text, sizeof err->text, "out of memory");
        return EB_ERR_NOMEM;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    eb_status st = EB_OK;
    int docs = 0, done = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            parser_error(&s, &p, len);
            st = p.error == YAML_MEMORY_ERROR ? EB_ERR_NOMEM : EB_ERR_FORMAT;
            break;
        }
        st = on_event(&s, &ev, &docs, &done);
        yaml_event_delete(&ev);
        if (st != EB_OK) {
            if (st == EB_ERR_NOMEM)
                snprintf(err->text, sizeof err->text, "out of memory");
            break;
        }
    }
    yaml_parser_delete(&p);
    for (int i = 0; i < s.depth; i++)
        free(s.stack[i].key);
    for (int i = 0; i < s.n_anchors; i++)
        free(s.anchors[i].name);
    free(s.anchors);
    free(s.slots);
    if (st != EB_OK) {
        eb_ynode_free(s.root);
        return st;
    }
    *root = s.root;
    return EB_OK;
}
