/* Two-sample statistics for comparing a baseline with a candidate: the
 * Mann-Whitney U test on latency samples and a bootstrap confidence interval
 * of the ratio of medians. Pure functions, no I/O, no globals; deterministic
 * for a given seed.
 *
 * Where each piece lives: mann_whitney.c (U, exact and normal p-values),
 * median_ratio_ci.c (seeded percentile bootstrap of median(b) / median(a)),
 * two_proportion.c (accuracy: a z test of two hit rates), mcnemar.c (accuracy:
 * the exact test of two models' hits on the same samples). */
#ifndef EB_TWO_SAMPLE_H
#define EB_TWO_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct eb_mwu {
    double u_b;          /* U of sample b: pairs (a_i, b_j) with b_j > a_i, ties count 1/2 */
    double u_a;          /* na * nb - u_b */
    double z;            /* normal score of u_b (continuity- and tie-corrected); NAN when exact */
    double p_greater;    /* one-sided p: H1 "b tends to be larger than a" */
    double p_less;       /* one-sided p: H1 "b tends to be smaller than a" */
    double p_two_sided;  /* min(1, 2 min(p_greater, p_less)) */
    double effect;       /* u_b / (na nb): P(b > a) + P(b = a) / 2; 0.5 = no shift */
    int exact;           /* 1 when the p-values come from the exact null distribution */
} eb_mwu;

/* Largest na * nb for which the exact distribution is used (when there are
 * no ties); above it, or with ties, the normal approximation with tie
 * correction and continuity correction (as scipy.stats.mannwhitneyu
 * method="asymptotic", use_continuity=True). */
#define EB_MWU_EXACT_MAX_CELLS 2500

/* Mann-Whitney U test of a[0..na) against b[0..nb). Returns 0, or -1 when
 * na or nb is 0 or out of memory (out untouched). All samples equal: p = 1
 * both ways, z = 0. Inputs are only read. Cost O((na+nb) log(na+nb)). */
int eb_mann_whitney(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, eb_mwu *out);

/* Same with a method forced: exact != 0 uses the exact null distribution
 * (refused with -1 when there are ties or na*nb > 1e6), exact == 0 the normal
 * approximation. For tests against reference values. */
int eb_mann_whitney_method(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, int exact,
                           eb_mwu *out);

typedef struct eb_ratio_ci {
    double ratio;   /* median(b) / median(a), type-7 medians; NAN when median(a) is 0 */
    double lo, hi;  /* percentile-bootstrap interval at the asked confidence */
    int resamples;
} eb_ratio_ci;

/* Default resamples and seed of the bootstrap: fixed, so the same files
 * give the same interval on every machine. */
#define EB_RATIO_CI_RESAMPLES 2000
#define EB_RATIO_CI_SEED 0x65646765626e6368ull /* "edgebnch" */

/* Confidence interval of median(b) / median(a) by the percentile bootstrap:
 * `resamples` times, each sample is resampled with replacement (xoshiro256**
 * seeded from `seed` by splitmix64) and the ratio of the resampled medians
 * kept; the interval is the type-7 (1-c)/2 and (1+c)/2 percentiles of those
 * ratios. Samples need not be sorted (only read). Cost O(resamples (na + nb))
 * time, O(na + nb) memory. Returns 0, or -1 when na or nb is 0, confidence
 * is not in (0, 1), resamples < 10 or out of memory. */
int eb_median_ratio_ci(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                       double confidence, int resamples, uint64_t seed, eb_ratio_ci *out);

/* Two-proportion z test (pooled variance) of k_a successes in n_a trials
 * against k_b in n_b, e.g. top-1 hits of a baseline and a candidate.
 * *p_less: one-sided p for "b's proportion is lower"; *p_greater the
 * mirror. Returns 0, or -1 when a count is 0 or k > n. Both proportions 0 or
 * both 1: p = 1 both ways. (two_proportion.c) */
int eb_two_proportion_test(uint64_t k_a, uint64_t n_a, uint64_t k_b, uint64_t n_b, double *z,
                           double *p_less, double *p_greater);

/* McNemar's exact two-sided p for paired hits: b samples only the first
 * model got right, c only the second. 1 when b + c == 0. */
double eb_mcnemar_exact_p(uint64_t b, uint64_t c);

#endif
