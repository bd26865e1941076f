/* Stability verdict: is a cell's latency distribution trustworthy enough to
 * compare? Drift between the start and the end of the measured phase
 * (thermal throttling, a background job, a cache warming slowly) is the
 * failure mode that percentiles alone hide, so it is judged from the
 * measurement order. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/stats/stats.h"

void eb_stability_rules_default(eb_stability_rules *r)
{
    r->max_cv = 0.05;
    r->max_outlier_frac = 0.02;
    r->min_samples = 10;
    r->max_drift = 0.05;
}

static double median_of_copy(const uint64_t *v, size_t n, uint64_t *scratch)
{
    memcpy(scratch, v, n * sizeof *v);
    eb_sort_u64(scratch, n);
    return eb_percentile_sorted(scratch, n, 50.0);
}

double eb_drift(const uint64_t *samples, size_t n, uint64_t *scratch)
{
    size_t third = n / 3;
    if (third == 0)
        return NAN;
    double first = median_of_copy(samples, third, scratch);
    double last = median_of_copy(samples + (n - third), third, scratch);
    if (first == 0.0)
        return last == 0.0 ? 0.0 : INFINITY;
    return (last - first) / first;
}

/* Append "; "-separated text to a fixed buffer, truncating safely. */
static void add_reason(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len > 0 && len + 2 < cap) {
        memcpy(buf + len, "; ", 3);
        len += 2;
    }
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

void eb_stability_verdict(eb_summary *s, const eb_stability_rules *rules)
{
    eb_stability_rules def;
    if (!rules) {
        eb_stability_rules_default(&def);
        rules = &def;
    }
    char *why = s->stability;
    size_t cap = sizeof s->stability;
    why[0] = '\0';

    if (s->n == 0) {
        add_reason(why, cap, "no samples");
    } else if (s->n < rules->min_samples) {
        /* Nothing else can be judged from so few samples. */
        add_reason(why, cap, "too few samples (n=%llu < %llu)", (unsigned long long)s->n,
                   (unsigned long long)rules->min_samples);
    } else {
        if (!isnan(s->cv) && s->cv > rules->max_cv)
            add_reason(why, cap, "cv %.1f%% > %g%%", 100.0 * s->cv, 100.0 * rules->max_cv);
        double frac = (double)s->outliers / (double)s->n;
        if (frac > rules->max_outlier_frac)
            add_reason(why, cap, "outliers %.1f%% > %g%%", 100.0 * frac, 100.0 * rules->max_outlier_frac);
        if (!isnan(s->drift) && fabs(s->drift) > rules->max_drift)
            add_reason(why, cap, "drift %+.1f%% > %g%% (first vs last third)", 100.0 * s->drift,
                       100.0 * rules->max_drift);
    }
    s->stable = why[0] == '\0';
    if (s->stable)
        snprintf(why, cap, "stable");
}

void eb_stability_short(const eb_summary *s, char *buf, size_t cap)
{
    if (s->stable) {
        snprintf(buf, cap, "stable");
        return;
    }
    /* the first reason up to its threshold (" > ") or detail (" (") */
    const char *why = s->stability;
    size_t n = strcspn(why, ";");
    const char *gt = strstr(why, " > ");
    const char *par = strstr(why, " (");
    if (gt && (size_t)(gt - why) < n)
        n = (size_t)(gt - why);
    if (par && (size_t)(par - why) < n)
        n = (size_t)(par - why);
    if (n == 0) {
        snprintf(buf, cap, "unstable");
        return;
    }
    /* "cv" is spelled as the tables' headers spell it */
    if (n >= 3 && strncmp(why, "cv ", 3) == 0)
        snprintf(buf, cap, "unstable (CV %.*s)", (int)(n - 3), why + 3);
    else
        snprintf(buf, cap, "unstable (%.*s)", (int)n, why);
}
