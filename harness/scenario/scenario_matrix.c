/* Expanding a scenario into its run matrix (order documented in scenario.h),
 * and the seeded shuffle of run.order: shuffled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rng.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/scenario_schema.h"

/* ---- a string pool: every string of the cells, freed at once --------------- */

typedef struct pool_block {
    struct pool_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} pool_block;

struct eb_strpool {
    pool_block *head;
};

static void *pool_alloc(struct eb_strpool *p, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!p->head || p->head->cap - p->head->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        pool_block *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = p->head;
        b->used = 0;
        b->cap = cap;
        p->head = b;
    }
    void *r = p->head->data + p->head->used;
    p->head->used += n;
    return r;
}

static const char *pool_str(struct eb_strpool *p, const char *s)
{
    size_t n = strlen(s) + 1;
    char *r = pool_alloc(p, n);
    if (r)
        memcpy(r, s, n);
    return r;
}

/* "k=v;k=v" of n pairs. */
static const char *pool_pairs(struct eb_strpool *p, int n, const char *const *keys,
                              const char *const *values)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(keys[i]) + strlen(values[i]) + 2;
    char *r = pool_alloc(p, len);
    if (!r)
        return NULL;
    size_t o = 0;
    r[0] = '\0';
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(r + o, len - o, "%s%s=%s", i ? ";" : "", keys[i], values[i]);
    return r;
}

void eb_matrix_destroy(eb_matrix *m)
{
    if (!m)
        return;
    if (m->pool) {
        for (pool_block *b = m->pool->head, *next; b; b = next) {
            next = b->next;
            free(b);
        }
        free(m->pool);
    }
    free(m->cells);
    free(m);
}

/* ---- the shuffle: splitmix64 (common/rng.h) --------------------------------- */


/* Uniform in [0, n) without modulo bias (rejection below 2^64 mod n). */
static uint64_t below(uint64_t *state, uint64_t n)
{
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t r = eb_splitmix64(state);
        if (r >= threshold)
            return r % n;
    }
}

static void shuffle(eb_matrix_cell *cells, int n, uint64_t seed)
{
    uint64_t state = seed;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)below(&state, (uint64_t)i + 1);
        eb_matrix_cell t = cells[i];
        cells[i] = cells[j];
        cells[j] = t;
    }
}

/* ---- expansion ----------------------------------------------------------- */

static uint64_t points(const eb_sweep_axis *axes, int n)
{
    uint64_t p = 1;
    for (int i = 0; i < n; i++) {
        p *= (uint64_t)axes[i].n_values;
        if (p > EB_MATRIX_MAX_CELLS)
            return EB_MATRIX_MAX_CELLS + 1ULL;
    }
    return p;
}

static uint64_t count_cells(const eb_scenario *s)
{
    uint64_t total = 0, limit = EB_MATRIX_MAX_CELLS + 1ULL;
    uint64_t per = points(s->run_axes, s->n_run_axes) * (uint64_t)s->run.repetitions *
                   (uint64_t)s->n_variants;
    for (int b = 0; b < s->n_backends; b++)
        for (int c = 0; c < s->n_conditions; c++) {
            uint64_t n = points(s->backends[b].axes, s->backends[b].n_axes);
            n *= points(s->conditions[c].axes, s->conditions[c].n_axes);
            if (n > limit || per > limit || n * per > limit)
                return limit;
            total += n * per;
            if (total > limit)
                return limit;
        }
    return total;
}

/* threads + 32 options + the run's 5 + a condition's parameters */
#define MAX_AXES 64

typedef enum { AX_BACKEND, AX_CONDITION, AX_RUN } axis_owner;

typedef struct point {
    int threads;
    const char **option_values; /* pool copies of the base values, then swept ones */
    const char **param_values;
    eb_run_settings run;
} point;

static int index_of(const char *const *keys, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0)
            return i;
    return -1;
}

static void apply(point *pt, const eb_scenario_backend *be, const eb_scenario_condition *c,
                  axis_owner owner, const char *key, const char *value)
{
    if (owner == AX_BACKEND) {
        if (strcmp(key, "threads") == 0) {
            pt->threads = atoi(value);
        } else if (strncmp(key, "options.", 8) == 0) {
            int i = index_of((const char *const *)be->option_keys, be->n_options, key + 8);
            if (i >= 0)
                pt->option_values[i] = value;
        }
    } else if (owner == AX_CONDITION) {
        int i = index_of((const char *const *)c->param_keys, c->n_params, key);
        if (i >= 0)
            pt->param_values[i] = value;
    } else {
        for (const eb_run_field *f = eb_run_fields; f->path; f++)
            if (strcmp(key, f->path) == 0) {
                int64_t v = strtoll(value, NULL, 10);
                memcpy((char *)&pt->run + f->offset, &v, sizeof v);
            }
    }
}

eb_status eb_scenario_expand(const eb_scenario *s, eb_matrix **out, char *msg, size_t msg_len)
{
    *out = NULL;
    uint64_t total = count_cells(s);
    if (total > EB_MATRIX_MAX_CELLS) {
        snprintf(msg, msg_len, "%s: the scenario expands to more than %d cells", s->path,
                 EB_MATRIX_MAX_CELLS);
        return EB_ERR_OVERFLOW;
    }
    eb_matrix *m = calloc(1, sizeof *m);
    if (!m || !(m->pool = calloc(1, sizeof *m->pool)) ||
        !(m->cells = calloc(total ? (size_t)total : 1, sizeof *m->cells)))
        goto nomem;
    struct eb_strpool *p = m->pool;

    for (int bi = 0; bi < s->n_backends; bi++) {
        const eb_scenario_backend *be = &s->backends[bi];
        const char *backend = pool_str(p, be->name);
        const char **okeys = pool_alloc(p, sizeof(char *) * (size_t)(be->n_options + 1));
        if (!backend || !okeys)
            goto nomem;
        for (int k = 0; k < be->n_options; k++)
            if (!(okeys[k] = pool_str(p, be->option_keys[k])))
                goto nomem;
        for (int vi = 0; vi < s->n_variants; vi++) {
            const eb_scenario_variant *v = &s->variants[vi];
            const char *vname = pool_str(p, v->name), *vpath = pool_str(p, v->resolved_path);
            if (!vname || !vpath)
                goto nomem;
            for (int ci = 0; ci < s->n_conditions; ci++) {
                const eb_scenario_condition *c = &s->conditions[ci];
                const char *cname = pool_str(p, c->name), *ckind = pool_str(p, c->kind);
                if (!cname || !ckind)
                    goto nomem;
                /* the axes of this (backend, condition): backend's, condition's, run's */
                int n_axes = be->n_axes + c->n_axes + s->n_run_axes;
                if (n_axes > MAX_AXES) {
                    eb_matrix_destroy(m);
                    snprintf(msg, msg_len, "%s: more than %d keys sweep in one cell", s->path,
                             MAX_AXES);
                    return EB_ERR_OVERFLOW;
                }
                int idx[MAX_AXES];
                const eb_sweep_axis *ax[MAX_AXES];
                axis_owner owner[MAX_AXES];
                int a = 0;
                for (int k = 0; k < be->n_axes; k++, a++)
                    ax[a] = &be->axes[k], owner[a] = AX_BACKEND;
                for (int k = 0; k < c->n_axes; k++, a++)
                    ax[a] = &c->axes[k], owner[a] = AX_CONDITION;
                for (int k = 0; k < s->n_run_axes; k++, a++)
                    ax[a] = &s->run_axes[k], owner[a] = AX_RUN;
                memset(idx, 0, sizeof idx);
                for (;;) {
                    point pt = {.threads = be->threads, .run = s->run};
                    pt.option_values = pool_alloc(p, sizeof(char *) * (size_t)(be->n_options + 1));
                    pt.param_values = pool_alloc(p, sizeof(char *) * (size_t)(c->n_params + 1));
                    if (!pt.option_values || !pt.param_values)
                        goto nomem;
                    for (int k = 0; k < be->n_options; k++)
                        pt.option_values[k] = be->option_values[k];
                    for (int k = 0; k < c->n_params; k++)
                        pt.param_values[k] = c->param_values[k];
                    const char *lkeys[MAX_AXES], *lvals[MAX_AXES];
                    for (int k = 0; k < n_axes; k++) {
                        lkeys[k] = ax[k]->key;
                        lvals[k] = ax[k]->values[idx[k]];
                        apply(&pt, be, c, owner[k], lkeys[k], lvals[k]);
                    }
                    for (int k = 0; k < be->n_options; k++)
                        if (!(pt.option_values[k] = pool_str(p, pt.option_values[k])))
                            goto nomem;
                    const char *sweep = pool_pairs(p, n_axes, lkeys, lvals);
                    /* typed once here, through the condition table: the cell, its
                     * job and its record carry these values, never their text */
                    eb_condition *cond = pool_alloc(p, sizeof *cond);
                    if (!sweep || !cond)
                        goto nomem;
                    eb_condition_init(cond, c->kind);
                    for (int k = 0; k < c->n_params; k++) {
                        char why[256];
                        if (eb_condition_set_text(cond, c->param_keys[k], pt.param_values[k], why,
                                                  sizeof why) != EB_OK) {
                            eb_matrix_destroy(m);
                            snprintf(msg, msg_len, "%s: condition %s: %s", s->path, c->name, why);
                            return EB_ERR_FORMAT;
                        }
                    }
                    for (int r = 0; r < s->run.repetitions; r++) {
                        eb_matrix_cell *cell = &m->cells[m->n_cells];
                        cell->index = cell->ordinal = m->n_cells++;
                        cell->backend_entry = bi;
                        cell->backend = backend;
                        cell->threads = pt.threads;
                        cell->n_options = be->n_options;
                        cell->option_keys = okeys;
                        cell->option_values = pt.option_values;
                        cell->variant = vi;
                        cell->variant_name = vname;
                        cell->model_path = vpath;
                        cell->is_reference = vi == s->reference;
                        cell->condition = ci;
                        cell->condition_name = cname;
                        cell->condition_kind = ckind;
                        cell->cond = cond;
                        cell->sweep = sweep;
                        cell->repetition = r;
                        cell->run = pt.run;
                    }
                    /* next point: the last axis turns fastest */
                    int k = n_axes - 1;
                    while (k >= 0 && ++idx[k] == ax[k]->n_values)
                        idx[k--] = 0;
                    if (k < 0)
                        break;
                }
            }
        }
    }
    if (s->run.order == EB_ORDER_SHUFFLED) {
        shuffle(m->cells, m->n_cells, s->run.seed);
        for (int i = 0; i < m->n_cells; i++)
            m->cells[i].index = i;
    }
    *out = m;
    if (msg && msg_len)
        msg[0] = '\0';
    return EB_OK;
nomem:
    eb_matrix_destroy(m);
    snprintf(msg, msg_len, "%s: out of memory expanding the scenario", s->path);
    return EB_ERR_NOMEM;
}
