/* eb_ref_arena_place: greedy interval placement (see ref_arena.h). Runs at
 * prepare; quadratic in the number of activations, which is fine for the
 * hundreds a model has. */
#include <stdlib.h>

#include "backends/ref/ref_arena.h"

static size_t padded(const eb_ref_live *x)
{
    size_t v = x->bytes ? x->bytes : 1;
    return (v + EB_REF_ARENA_ALIGN - 1) & ~(size_t)(EB_REF_ARENA_ALIGN - 1);
}

static int by_size_desc(const void *a, const void *b)
{
    const eb_ref_live *x = *(const eb_ref_live *const *)a, *y = *(const eb_ref_live *const *)b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return x->first - y->first; /* a fixed order for equal sizes */
}

static int by_offset(const void *a, const void *b)
{
    const eb_ref_live *x = *(const eb_ref_live *const *)a, *y = *(const eb_ref_live *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int eb_ref_arena_place(eb_ref_live *items, int n, size_t *arena_bytes)
{
    *arena_bytes = 0;
    eb_ref_live **order = malloc(((size_t)n + 1) * sizeof *order);
    eb_ref_live **busy = malloc(((size_t)n + 1) * sizeof *busy);
    if (!order || !busy) {
        free(order);
        free(busy);
        return -1;
    }
    for (int i = 0; i < n; i++)
        order[i] = &items[i];
    qsort(order, (size_t)n, sizeof *order, by_size_desc);
    for (int k = 0; k < n; k++) {
        eb_ref_live *it = order[k];
        size_t size = padded(it);
        int nb = 0;
        for (int j = 0; j < k; j++)
            if (order[j]->first <= it->last && it->first <= order[j]->last)
                busy[nb++] = order[j];
        qsort(busy, (size_t)nb, sizeof *busy, by_offset);
        size_t at = 0;
        for (int j = 0; j < nb; j++) {
            if (busy[j]->offset >= at + size)
                break; /* the gap before this one fits */
            size_t end = busy[j]->offset + padded(busy[j]);
            if (end > at)
                at = end;
        }
        it->offset = at;
        if (at + size > *arena_bytes)
            *arena_bytes = at + size;
    }
    free(order);
    free(busy);
    return 0;
}
