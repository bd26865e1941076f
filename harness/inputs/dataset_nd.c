/* An eb_nd array (dataset.h): the buffer every format reader (dataset_idx.c,
 * dataset_npy.c, dataset_h5.c) reads into, and dataset.c frees. */
#include <stdio.h>
#include <stdlib.h>

#include "harness/inputs/dataset.h"

void eb_nd_free(eb_nd *a)
{
    if (!a)
        return;
    free(a->f);
    free(a->i);
    a->f = NULL;
    a->i = NULL;
}

eb_status eb_nd_alloc(eb_nd *a, int as_labels, const char *path, char *msg, size_t msg_len)
{
    size_t n = a->count ? (size_t)a->count : 1;
    if (as_labels)
        a->i = malloc(n * sizeof *a->i);
    else
        a->f = malloc(n * sizeof *a->f);
    if (!a->i && !a->f) {
        snprintf(msg, msg_len, "%s: out of memory for %llu values", path,
                 (unsigned long long)a->count);
        return EB_ERR_NOMEM;
    }
    return EB_OK;
}
