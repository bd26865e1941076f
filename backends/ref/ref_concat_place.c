/* eb_ref_concat_slices: where a Concat's inputs lie in its output, when
 * they lie there back to back (ref_concat_place.h). Shapes come from the
 * model file, so every size is checked against the output's before it is
 * trusted: a tensor that disagrees makes the Concat copy as usual. */
#include "backends/ref/ref_concat_place.h"

int eb_ref_concat_slices(const eb_graph *g, const eb_node *n, size_t align, size_t *offsets)
{
    const eb_tensor *y = n->n_outputs > 0 ? eb_node_output(g, n, 0) : NULL;
    if (!y || n->n_inputs < 1 || y->rank < 1 || y->rank > EB_MAX_RANK || align == 0)
        return 0;
    int64_t axis = eb_node_attr_int(n, "axis", 0);
    if (axis < 0)
        axis += y->rank;
    if (axis < 0 || axis >= y->rank)
        return 0;
    for (int d = 0; d < axis; d++)
        if (y->dims[d] != 1)
            return 0; /* blocks of the inputs interleave: a copy is needed */
    size_t at = 0;
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *x = eb_node_input(g, n, k);
        if (!x || x->dtype != y->dtype || x->rank != y->rank)
            return 0;
        for (int d = 0; d < y->rank; d++)
            if (d != axis && x->dims[d] != y->dims[d])
                return 0;
        if (at % align != 0 || x->nbytes > y->nbytes - at)
            return 0;
        offsets[k] = at;
        at += x->nbytes;
    }
    return at == y->nbytes;
}
