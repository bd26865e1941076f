/* eb_golden_diff (see golden_diff.h). */
#include <math.h>
#include <string.h>

#include "harness/accuracy/golden_diff.h"

void eb_golden_diff_init(eb_golden_diff *d, double rtol, double atol, int equal_nan, int k)
{
    memset(d, 0, sizeof *d);
    d->rtol = rtol;
    d->atol = atol;
    d->equal_nan = equal_nan;
    d->k = k < 0 ? 0 : k > EB_GOLDEN_WORST_MAX ? EB_GOLDEN_WORST_MAX : k;
}

/* e goes before w in the worst list: larger error first, then the lower
 * index (elements arrive in index order, so an equal error never displaces
 * an earlier one). */
static int worse(const eb_golden_elem *e, const eb_golden_elem *w)
{
    return e->err > w->err;
}

static void keep_worst(eb_golden_diff *d, const eb_golden_elem *e)
{
    if (d->k == 0 || e->err == 0) /* an exact match is nobody's worst */
        return;
    if (d->n_worst == d->k && !worse(e, &d->worst[d->n_worst - 1]))
        return;
    int at = d->n_worst < d->k ? d->n_worst++ : d->n_worst - 1;
    while (at > 0 && worse(e, &d->worst[at - 1])) {
        d->worst[at] = d->worst[at - 1];
        at--;
    }
    d->worst[at] = *e;
}

void eb_golden_diff_add(eb_golden_diff *d, const double *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double a = got[i], g = want[i];
        eb_golden_elem e = {.index = d->n + i, .got = a, .want = g};
        if (isnan(a) || isnan(g)) {
            int both = isnan(a) && isnan(g);
            e.mismatch = !(both && d->equal_nan);
            e.err = e.mismatch ? INFINITY : 0;
            d->nan_mismatches += (uint64_t)e.mismatch;
        } else if (a == g) {
            e.err = 0; /* also equal infinities, as numpy.isclose */
        } else {
            e.err = fabs(a - g); /* inf when one side is infinite */
            /* an infinity agrees only with itself (numpy.isclose): inf <=
             * atol + rtol * inf would let it pass */
            e.mismatch = isinf(a) || isinf(g) || !(e.err <= d->atol + d->rtol * fabs(g));
            if (e.err > d->max_abs_err)
                d->max_abs_err = e.err;
            if (g != 0 && e.err / fabs(g) > d->max_rel_err)
                d->max_rel_err = e.err / fabs(g);
        }
        d->mismatches += (uint64_t)e.mismatch;
        keep_worst(d, &e);
    }
    d->n += n;
}

double eb_golden_diff_fraction(const eb_golden_diff *d)
{
    return d->n ? (double)d->mismatches / (double)d->n : 0;
}
