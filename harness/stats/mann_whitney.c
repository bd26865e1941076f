/* Mann-Whitney U test (Wilcoxon rank-sum) of two samples of latencies.
 *
 * Ranks are mid-ranks over the pooled sample, so tied latencies (a coarse
 * clock) share a rank. Without ties and with na * nb small, p-values come
 * from the exact null distribution of U; otherwise from the normal
 * approximation with the tie-corrected variance and a continuity correction,
 * which is what scipy.stats.mannwhitneyu(method="asymptotic") computes (the
 * unit test checks values against it). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats/two_sample.h"

typedef struct tagged {
    uint64_t v;
    int from_b;
} tagged;

static int cmp_tagged(const void *x, const void *y)
{
    uint64_t a = ((const tagged *)x)->v, b = ((const tagged *)y)->v;
    return (a > b) - (a < b);
}

/* Upper tail of the standard normal: P(Z >= z). */
static double normal_sf(double z) { return 0.5 * erfc(z / sqrt(2.0)); }

/* Null distribution of U for sample sizes m and n (any order): out[u] =
 * P(U = u), u = 0..m*n. Recurrence on the largest pooled element: it comes
 * from the first sample with probability m/(m+n) and then beats all n of the
 * other, so p(m,n,u) = m/(m+n) p(m-1,n,u-n) + n/(m+n) p(m,n-1,u). The
 * inner dimension is the smaller size, so memory is O(min * m * n). */
static int exact_distribution(size_t m, size_t n, double *out)
{
    if (n > m) {
        size_t t = m;
        m = n;
        n = t;
    }
    size_t len = m * n + 1;
    double *prev = calloc((n + 1) * len, sizeof *prev);
    double *cur = calloc((n + 1) * len, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return -1;
    }
    /* row i = 0: p(0, j, 0) = 1 */
    for (size_t j = 0; j <= n; j++)
        prev[j * len] = 1.0;
    for (size_t i = 1; i <= m; i++) {
        memset(cur, 0, (n + 1) * len * sizeof *cur);
        cur[0] = 1.0; /* p(i, 0, 0) = 1 */
        for (size_t j = 1; j <= n; j++) {
            double wi = (double)i / (double)(i + j), wj = (double)j / (double)(i + j);
            double *d = cur + j * len;
            const double *up = prev + j * len;       /* p(i-1, j, .) */
            const double *left = cur + (j - 1) * len; /* p(i, j-1, .) */
            size_t top = i * j;
            for (size_t u = 0; u <= top; u++) {
                double x = wj * left[u];
                if (u >= j)
                    x += wi * up[u - j];
                d[u] = x;
            }
        }
        double *t = prev;
        prev = cur;
        cur = t;
    }
    memcpy(out, prev + n * len, len * sizeof *out);
    free(prev);
    free(cur);
    return 0;
}

static int mwu(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, int method, eb_mwu *out)
{
    if (na == 0 || nb == 0)
        return -1;
    size_t n = na + nb;
    tagged *t = malloc(n * sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < na; i++)
        t[i] = (tagged){a[i], 0};
    for (size_t i = 0; i < nb; i++)
        t[na + i] = (tagged){b[i], 1};
    qsort(t, n, sizeof *t, cmp_tagged);

    /* rank sum of b with mid-ranks; tie term sum(t^3 - t) */
    double rank_sum_b = 0.0, tie_term = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && t[j].v == t[i].v)
            j++;
        double mid = ((double)i + 1.0 + (double)j) / 2.0; /* ranks i+1 .. j */
        for (size_t k = i; k < j; k++)
            if (t[k].from_b)
                rank_sum_b += mid;
        double g = (double)(j - i);
        tie_term += g * g * g - g;
        i = j;
    }
    free(t);

    double dna = (double)na, dnb = (double)nb, dn = (double)n;
    eb_mwu r;
    memset(&r, 0, sizeof r);
    r.u_b = rank_sum_b - dnb * (dnb + 1.0) / 2.0;
    r.u_a = dna * dnb - r.u_b;
    r.effect = r.u_b / (dna * dnb);
    double mu = dna * dnb / 2.0;

    int exact = method == 1 || (method < 0 && tie_term == 0.0 && dna * dnb <= EB_MWU_EXACT_MAX_CELLS);
    if (exact) {
        if (tie_term != 0.0 || dna * dnb > 1e6)
            return -1;
        size_t len = na * nb + 1;
        double *p = malloc(len * sizeof *p);
        if (!p || exact_distribution(na, nb, p) != 0) {
            free(p);
            return -1;
        }
        size_t u = (size_t)llround(r.u_b);
        double ge = 0.0, le = 0.0;
        for (size_t k = 0; k < len; k++) {
            if (k >= u)
                ge += p[k];
            if (k <= u)
                le += p[k];
        }
        free(p);
        r.p_greater = ge > 1.0 ? 1.0 : ge;
        r.p_less = le > 1.0 ? 1.0 : le;
        r.z = NAN;
        r.exact = 1;
    } else {
        double var = dna * dnb / 12.0 * ((dn + 1.0) - tie_term / (dn * (dn - 1.0)));
        if (!(var > 0.0)) {
            /* every sample equal: no evidence either way */
            r.z = 0.0;
            r.p_greater = r.p_less = 1.0;
        } else {
            double s = sqrt(var);
            r.z = (r.u_b - mu) / s;
            r.p_greater = normal_sf((r.u_b - mu - 0.5) / s);
            r.p_less = normal_sf((r.u_a - mu - 0.5) / s);
        }
    }
    double pmin = r.p_greater < r.p_less ? r.p_greater : r.p_less;
    r.p_two_sided = 2.0 * pmin > 1.0 ? 1.0 : 2.0 * pmin;
    *out = r;
    return 0;
}

int eb_mann_whitney(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, eb_mwu *out)
{
    return mwu(a, na, b, nb, -1, out);
}

int eb_mann_whitney_method(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, int exact,
                           eb_mwu *out)
{
    return mwu(a, na, b, nb, exact ? 1 : 0, out);
}
