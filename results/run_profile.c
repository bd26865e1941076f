/* eb_run_profile_get (run_profile.h). */
#include "results/run_profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void eb_run_profile_free(eb_run_profile *p)
{
    free(p->op);
    free(p->name);
    free(p->ns);
    free(p->text);
    memset(p, 0, sizeof *p);
}

int eb_run_profile_get(const eb_run_record *r, eb_run_profile *p)
{
    memset(p, 0, sizeof *p);
    const eb_run_array *t = eb_run_record_array(r, "profile/node_ns");
    const eb_run_array *s = eb_run_record_array(r, "profile/nodes");
    if (!t && !s)
        return 0;
    /* both, one-dimensional, of the types the writer uses */
    if (!t || !s || t->type != EB_ARRAY_F64 || s->type != EB_ARRAY_U8 || t->cols > 1 ||
        s->cols > 1 || t->rows > (uint64_t)INT32_MAX || s->rows > (uint64_t)SIZE_MAX - 1)
        return -1;
    int n = (int)t->rows;
    size_t len = (size_t)s->rows;
    p->text = malloc(len + 1);
    p->op = malloc((n ? (size_t)n : 1) * sizeof *p->op);
    p->name = malloc((n ? (size_t)n : 1) * sizeof *p->name);
    p->ns = malloc((n ? (size_t)n : 1) * sizeof *p->ns);
    if (!p->text || !p->op || !p->name || !p->ns)
        goto bad;
    if (len)
        memcpy(p->text, s->data, len);
    p->text[len] = '\0';
    if (strlen(p->text) != len) /* a NUL inside */
        goto bad;
    char *c = p->text;
    const double *v = t->data;
    for (int i = 0; i < n; i++) {
        char *tab = strchr(c, '\t'), *nl = strchr(c, '\n');
        if (!tab || !nl || tab > nl)
            goto bad;
        *tab = *nl = '\0';
        p->op[i] = c;
        p->name[i] = tab + 1;
        c = nl + 1;
        /* NaN (not timed), negative or absurd times count as untimed */
        double x = v[i];
        p->ns[i] = isfinite(x) && x >= 0 && x < 1.8e19 ? (uint64_t)x : EB_OP_UNTIMED;
        if (p->ns[i] != EB_OP_UNTIMED) {
            p->sum_ns += p->ns[i];
            p->timed++;
        }
    }
    if (*c) /* more lines than times */
        goto bad;
    p->n = n;
    return 1;
bad:
    eb_run_profile_free(p);
    return -1;
}

const eb_run_record *eb_run_profile_first(const eb_run_record *const *runs, int n,
                                          eb_run_profile *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < n; i++)
        if (runs[i]->status == EB_RUN_OK && eb_run_profile_get(runs[i], p) == 1)
            return runs[i];
    return NULL;
}

eb_op_sum *eb_run_profile_by_op(const eb_run_profile *p, int *n_ops)
{
    eb_op_sum *ops = malloc((p->n ? (size_t)p->n : 1) * sizeof *ops);
    *n_ops = ops ? eb_op_sums(p->op, p->ns, p->n, ops) : 0;
    return ops;
}
