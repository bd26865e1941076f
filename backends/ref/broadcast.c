/* eb_ref_broadcast_init / eb_ref_broadcast_run: numpy broadcasting as a
 * merged loop nest.
 *
 * Axes are classified by which operand is broadcast along them; adjacent axes
 * of the same class merge into one loop, so [8,16,32] + [32] is two loops and
 * [8,16,32] + [8,16,32] is one row of 4096. The innermost loop becomes a call
 * to a row kernel whose steps are 0 or 1, which it specialises into plain
 * vectorisable loops. */
#include "backends/ref/broadcast.h"

int eb_ref_broadcast_init(eb_ref_broadcast *bc, int rank_a, const int64_t *dims_a, int rank_b,
                          const int64_t *dims_b)
{
    int r = rank_a > rank_b ? rank_a : rank_b;
    if (r > EB_MAX_RANK || rank_a < 0 || rank_b < 0)
        return -1;
    int64_t da[EB_MAX_RANK], db[EB_MAX_RANK], dy[EB_MAX_RANK];
    for (int i = 0; i < r; i++) {
        da[i] = i < r - rank_a ? 1 : dims_a[i - (r - rank_a)];
        db[i] = i < r - rank_b ? 1 : dims_b[i - (r - rank_b)];
        if (da[i] != db[i] && da[i] != 1 && db[i] != 1)
            return -1;
        dy[i] = da[i] == 1 ? db[i] : da[i];
    }
    bc->numel = 1;
    for (int i = 0; i < r; i++)
        bc->numel *= dy[i];
    /* Walk from the innermost axis out, growing the current merged loop while
     * the class (a broadcast?, b broadcast?) stays the same. */
    int n = 0, cls = -1;
    int64_t ea = 1, eb = 1; /* elements of a / b spanned by the axes inside */
    int64_t dims[EB_MAX_RANK], sa[EB_MAX_RANK], sb[EB_MAX_RANK];
    for (int i = r - 1; i >= 0; i--) {
        if (dy[i] == 1)
            continue;
        int c = (da[i] == 1) * 2 + (db[i] == 1);
        if (c == cls) {
            dims[n - 1] *= dy[i];
        } else {
            dims[n] = dy[i];
            sa[n] = da[i] == 1 ? 0 : ea;
            sb[n] = db[i] == 1 ? 0 : eb;
            n++;
            cls = c;
        }
        ea *= da[i];
        eb *= db[i];
    }
    if (n == 0) { /* every extent is 1: one element */
        dims[0] = 1;
        sa[0] = sb[0] = 1;
        n = 1;
    }
    bc->rank = n;
    for (int i = 0; i < n; i++) { /* stored outermost first */
        bc->dims[i] = dims[n - 1 - i];
        bc->stride_a[i] = sa[n - 1 - i];
        bc->stride_b[i] = sb[n - 1 - i];
    }
    return 0;
}

void eb_ref_broadcast_run(const eb_ref_broadcast *bc, const void *a, size_t size_a,
                          const void *b, size_t size_b, void *y, size_t size_y,
                          eb_ref_broadcast_row row, void *ctx)
{
    if (bc->numel == 0)
        return;
    int last = bc->rank - 1;
    int64_t n = bc->dims[last];
    int64_t step_a = bc->stride_a[last] ? 1 : 0, step_b = bc->stride_b[last] ? 1 : 0;
    int64_t idx[EB_MAX_RANK] = {0};
    int64_t off_a = 0, off_b = 0;
    const char *pa = a, *pb = b;
    char *py = y;
    for (int64_t done = 0; done < bc->numel; done += n) {
        row(pa + off_a * (int64_t)size_a, step_a, pb + off_b * (int64_t)size_b, step_b,
            py + done * (int64_t)size_y, n, ctx);
        /* odometer over the outer loops */
        for (int d = last - 1; d >= 0; d--) {
            off_a += bc->stride_a[d];
            off_b += bc->stride_b[d];
            if (++idx[d] < bc->dims[d])
                break;
            off_a -= bc->stride_a[d] * bc->dims[d];
            off_b -= bc->stride_b[d] * bc->dims[d];
            idx[d] = 0;
        }
    }
}
