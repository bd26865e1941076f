/* eb_slice_resolve: a Slice node's extent per axis, the ONNX rules in one place. */
#include <stdio.h>
#include <string.h>

#include "edgebench/slice.h"
#include "sdk/sdk_fail.h"

#define FAIL EB_SDK_FAIL

#define RUNTIME (-2)

/* Parameter k (starts, ends, axes, steps) into v: its count, -1 absent,
 * RUNTIME when only known at run time, -3 when not an integer list. */
static int param(const eb_graph *g, const eb_node *n, int k, int64_t *v)
{
    static const char *const names[4] = {"starts", "ends", "axes", "steps"};
    if (n->opset < 10) {
        if (k == 3)
            return -1;
        const int64_t *a;
        int c = eb_node_attr_ints(n, names[k], &a);
        if (c > EB_MAX_RANK)
            return -3;
        for (int i = 0; i < c; i++)
            v[i] = a[i];
        return c;
    }
    const eb_tensor *t = eb_node_input(g, n, k + 1);
    if (!t)
        return -1;
    if (!t->data)
        return RUNTIME;
    if ((t->dtype != EB_DT_I64 && t->dtype != EB_DT_I32) || t->rank > 1 || t->numel > EB_MAX_RANK)
        return -3;
    for (int64_t i = 0; i < t->numel; i++)
        v[i] = t->dtype == EB_DT_I64 ? ((const int64_t *)t->data)[i]
                                     : ((const int32_t *)t->data)[i];
    return (int)t->numel;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

eb_status eb_slice_resolve(const eb_graph *g, const eb_node *n, const eb_tensor *x, eb_slice *s,
                           char *msg, size_t msg_len)
{
    memset(s, 0, sizeof *s);
    if (x->rank < 0 || x->rank > EB_MAX_RANK)
        FAIL("input '%s' has no known shape", x->name);
    s->rank = x->rank;
    for (int d = 0; d < x->rank; d++) {
        s->step[d] = 1;
        s->dims[d] = x->dims[d];
    }
    int64_t p[4][EB_MAX_RANK];
    int c[4];
    for (int k = 0; k < 4; k++) {
        c[k] = param(g, n, k, p[k]);
        if (c[k] == RUNTIME)
            return EB_ERR_UNSUPPORTED;
        if (c[k] == -3)
            FAIL("%s must be at most %d integers", k == 0 ? "starts" : k == 1 ? "ends" : k == 2 ? "axes" : "steps",
                 EB_MAX_RANK);
    }
    if (c[0] < 0 || c[1] != c[0] || (c[2] >= 0 && c[2] != c[0]) || (c[3] >= 0 && c[3] != c[0]))
        FAIL("starts, ends, axes and steps differ in length");
    int seen[EB_MAX_RANK] = {0};
    for (int i = 0; i < c[0]; i++) {
        int64_t a = c[2] >= 0 ? p[2][i] : i;
        int64_t a0 = a;
        if (a < 0)
            a += x->rank;
        if (a < 0 || a >= x->rank)
            FAIL("axis %lld is out of range for rank %d", (long long)a0, x->rank);
        if (seen[a]++)
            FAIL("axis %lld is sliced twice", (long long)a0);
        int64_t d = x->dims[a], st = c[3] >= 0 ? p[3][i] : 1, b = p[0][i], e = p[1][i];
        if (st == 0)
            FAIL("step 0 on axis %lld", (long long)a0);
        /* ONNX: negative values count from the end, then start is clamped
         * to [0, d] ([0, d - 1] stepping backwards) and end to [0, d]
         * ([-1, d - 1]); clamped first, so INT64_MIN / MAX add safely */
        b = clamp64(b, -d - 1, d);
        e = clamp64(e, -d - 1, d);
        if (b < 0)
            b += d;
        if (e < 0)
            e += d;
        if (st > 0) {
            b = clamp64(b, 0, d);
            e = clamp64(e, 0, d);
            /* e - b <= d, so no overflow below */
            s->dims[a] = e > b ? (e - b - 1) / st + 1 : 0;
        } else {
            b = clamp64(b, 0, d - 1);
            e = clamp64(e, -1, d - 1);
            s->dims[a] = b > e ? (b - e - 1) / -st + 1 : 0;
        }
        s->start[a] = b;
        s->step[a] = st;
    }
    return EB_OK;
}
