/* eb_op_sums: a profile by op type (op_sums.h). */
#include "harness/stats/op_sums.h"

#include <stdlib.h>
#include <string.h>

static int by_ns_desc(const void *a, const void *b)
{
    const eb_op_sum *x = a, *y = b;
    if (x->ns != y->ns)
        return x->ns < y->ns ? 1 : -1;
    return strcmp(x->op, y->op);
}

int eb_op_sums(const char *const *ops, const uint64_t *ns, int n, eb_op_sum *out)
{
    int n_ops = 0;
    for (int j = 0; j < n; j++) {
        if (ns[j] == EB_OP_UNTIMED)
            continue;
        int k = 0;
        while (k < n_ops && strcmp(out[k].op, ops[j]) != 0)
            k++;
        if (k == n_ops)
            out[n_ops++] = (eb_op_sum){.op = ops[j]};
        out[k].nodes++;
        out[k].ns += ns[j];
    }
    qsort(out, (size_t)n_ops, sizeof *out, by_ns_desc);
    return n_ops;
}
