/* Outputs against golden values: numpy.allclose's rule per element,
 *   |got - want| <= atol + rtol * |want|
 * with the maximum errors, the number of elements that break it and the
 * worst elements (docs/outputs.md). Pure: no files, no allocation beyond
 * the caller's worst[] array. */
#ifndef EB_GOLDEN_DIFF_H
#define EB_GOLDEN_DIFF_H

#include <stddef.h>
#include <stdint.h>

#define EB_GOLDEN_WORST_MAX 100

/* One element of the worst list. */
typedef struct eb_golden_elem {
    uint64_t index; /* flat index over everything compared (sample-major) */
    double got, want;
    double err;     /* |got - want|; +inf when one side is NaN and they count unequal */
    int mismatch;   /* 1: the element breaks the tolerance */
} eb_golden_elem;

typedef struct eb_golden_diff {
    double rtol, atol;
    int equal_nan;       /* NaN against NaN counts as equal (numpy's equal_nan) */
    int k;               /* worst elements kept, 0..EB_GOLDEN_WORST_MAX */
    uint64_t n;          /* elements compared */
    uint64_t mismatches; /* elements outside the tolerance (NaN against anything
                          * else, or against NaN without equal_nan, included) */
    uint64_t nan_mismatches; /* of those, the ones where got or want is NaN */
    double max_abs_err;  /* over elements where both are numbers; inf - inf counts as
                          * 0 when equal, inf otherwise */
    double max_rel_err;  /* |got - want| / |want| over elements with want != 0 */
    int n_worst;         /* entries of worst[] in use, largest err first (ties: lower index) */
    eb_golden_elem worst[EB_GOLDEN_WORST_MAX];
} eb_golden_diff;

/* Start a comparison (k clamped to 0..EB_GOLDEN_WORST_MAX). */
void eb_golden_diff_init(eb_golden_diff *d, double rtol, double atol, int equal_nan, int k);

/* Compare n more elements; their flat indices continue from d->n. */
void eb_golden_diff_add(eb_golden_diff *d, const double *got, const double *want, size_t n);

/* Mismatches over n, 0 when nothing was compared. */
double eb_golden_diff_fraction(const eb_golden_diff *d);

#endif
