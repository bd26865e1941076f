/* eb_run_record: status names, summary of the samples, release of the
 * sample arrays. The record is plain data; this file only adds the few
 * functions every producer and consumer of a record needs. */
#include <stdlib.h>
#include <string.h>

#include "reports/run_record.h"

/* Indexed by eb_run_status; the strings are the ones the results schema
 * stores (docs/results-schema.md), so they never change once released. */
static const char *const run_status_names[] = {
    [EB_RUN_OK] = "ok",
    [EB_RUN_FAILED] = "failed",
    [EB_RUN_CRASHED] = "crashed",
    [EB_RUN_TIMEOUT] = "timeout",
    [EB_RUN_SKIPPED] = "skipped",
    [EB_RUN_INTERRUPTED] = "interrupted",
};
#define RUN_STATUS_COUNT (sizeof run_status_names / sizeof run_status_names[0])

const char *eb_run_status_str(eb_run_status s)
{
    if ((unsigned)s < RUN_STATUS_COUNT && run_status_names[s])
        return run_status_names[s];
    return "unknown";
}

int eb_run_status_parse(const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < RUN_STATUS_COUNT; i++)
        if (run_status_names[i] && strcmp(s, run_status_names[i]) == 0)
            return (int)i;
    return -1;
}

int eb_run_record_summarize(eb_run_record *rec)
{
    /* A record without a sample array (a failed cell) summarises as zero
     * samples: every statistic NAN, n = 0. */
    size_t n = rec->latency_ns ? (size_t)rec->n : 0;
    return eb_stats_summarize(rec->latency_ns, n, NULL, NULL, &rec->summary) == 0 ? 0 : -1;
}

void eb_run_record_free(eb_run_record *rec)
{
    if (!rec)
        return;
    free(rec->latency_ns);
    free(rec->t_ns);
    rec->latency_ns = NULL;
    rec->t_ns = NULL;
}
