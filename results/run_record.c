/* eb_run_record: status names, summary of the samples, release of the
 * sample arrays. The record is plain data; this file only adds the few
 * functions every producer and consumer of a record needs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/run_record.h"

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
    for (int i = 0; i < rec->n_arrays; i++)
        free(rec->arrays[i].data);
    free(rec->metrics);
    free(rec->texts);
    free(rec->arrays);
    rec->metrics = NULL;
    rec->texts = NULL;
    rec->arrays = NULL;
    rec->n_metrics = rec->n_texts = rec->n_arrays = 0;
}

/* ---- extras ------------------------------------------------------------- */

int eb_extra_name_valid(const char *name, int has_group)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n >= EB_EXTRA_NAME_MAX)
        return 0;
    int slashes = 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '/') {
            /* one separator, not at either end: "group/name" */
            if (!has_group || ++slashes > 1 || i == 0 || i + 1 == n)
                return 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '.' || c == '+' || c == '-' || c == ':')) {
            return 0;
        }
    }
    return 1;
}

size_t eb_array_type_size(eb_array_type t)
{
    switch (t) {
    case EB_ARRAY_F64:
    case EB_ARRAY_I64:
        return 8;
    case EB_ARRAY_U8:
    case EB_ARRAY_I8:
        return 1;
    case EB_ARRAY_I16:
    case EB_ARRAY_U16:
        return 2;
    case EB_ARRAY_F32:
    case EB_ARRAY_I32:
        return 4;
    }
    return 0;
}

const char *eb_array_type_str(eb_array_type t)
{
    switch (t) {
    case EB_ARRAY_F64:
        return "float64";
    case EB_ARRAY_U8:
        return "uint8";
    case EB_ARRAY_I64:
        return "int64";
    case EB_ARRAY_F32:
        return "float32";
    case EB_ARRAY_I8:
        return "int8";
    case EB_ARRAY_I16:
        return "int16";
    case EB_ARRAY_U16:
        return "uint16";
    case EB_ARRAY_I32:
        return "int32";
    }
    return "unknown";
}

/* Grow *items (of n elements of size sz) by one; NULL when out of memory. */
static void *grow(void *items, int n, size_t sz)
{
    return realloc(items, (size_t)(n + 1) * sz);
}

int eb_run_record_set_metric(eb_run_record *rec, const char *name, double value)
{
    if (!eb_extra_name_valid(name, 0))
        return -1;
    for (int i = 0; i < rec->n_metrics; i++)
        if (strcmp(rec->metrics[i].name, name) == 0) {
            rec->metrics[i].value = value;
            return 0;
        }
    eb_run_metric *m = grow(rec->metrics, rec->n_metrics, sizeof *m);
    if (!m)
        return -1;
    rec->metrics = m;
    snprintf(m[rec->n_metrics].name, sizeof m->name, "%s", name);
    m[rec->n_metrics++].value = value;
    return 0;
}

int eb_run_record_set_text(eb_run_record *rec, const char *name, const char *value)
{
    if (!eb_extra_name_valid(name, 0) || !value)
        return -1;
    for (int i = 0; i < rec->n_texts; i++)
        if (strcmp(rec->texts[i].name, name) == 0) {
            snprintf(rec->texts[i].value, sizeof rec->texts[i].value, "%s", value);
            return 0;
        }
    eb_run_text *t = grow(rec->texts, rec->n_texts, sizeof *t);
    if (!t)
        return -1;
    rec->texts = t;
    snprintf(t[rec->n_texts].name, sizeof t->name, "%s", name);
    snprintf(t[rec->n_texts++].value, sizeof t->value, "%s", value);
    return 0;
}

int eb_run_record_set_array(eb_run_record *rec, const char *name, eb_array_type type,
                            uint64_t rows, uint64_t cols, const void *data)
{
    size_t esz = eb_array_type_size(type);
    if (!eb_extra_name_valid(name, 1) || !esz || (rows && !data))
        return -1;
    uint64_t count = rows * (cols ? cols : 1);
    if (cols && count / cols != rows)
        return -1;
    if (count > SIZE_MAX / esz)
        return -1;
    void *copy = malloc(count ? (size_t)count * esz : 1);
    if (!copy)
        return -1;
    if (count)
        memcpy(copy, data, (size_t)count * esz);
    eb_run_array *slot = NULL;
    for (int i = 0; i < rec->n_arrays; i++)
        if (strcmp(rec->arrays[i].name, name) == 0) {
            slot = &rec->arrays[i];
            free(slot->data);
        }
    if (!slot) {
        eb_run_array *a = grow(rec->arrays, rec->n_arrays, sizeof *a);
        if (!a) {
            free(copy);
            return -1;
        }
        rec->arrays = a;
        slot = &a[rec->n_arrays++];
        snprintf(slot->name, sizeof slot->name, "%s", name);
    }
    slot->type = type;
    slot->rows = rows;
    slot->cols = cols;
    slot->data = copy;
    slot->rank = 0;
    return 0;
}

int eb_run_record_set_array_nd(eb_run_record *rec, const char *name, eb_array_type type, int rank,
                               const uint64_t *dims, const void *data)
{
    if (rank < 1 || rank > EB_ARRAY_MAX_RANK)
        return -1;
    uint64_t cols = 1;
    for (int d = 1; d < rank; d++) {
        if (dims[d] == 0 || cols > UINT64_MAX / dims[d])
            return -1;
        cols *= dims[d];
    }
    if (rank > 1 && dims[0] && cols > UINT64_MAX / dims[0])
        return -1;
    if (eb_run_record_set_array(rec, name, type, dims[0], rank > 1 ? cols : 0, data) != 0)
        return -1;
    eb_run_array *a = NULL;
    for (int i = 0; i < rec->n_arrays; i++)
        if (strcmp(rec->arrays[i].name, name) == 0)
            a = &rec->arrays[i];
    a->rank = rank;
    memcpy(a->dims, dims, (size_t)rank * sizeof *dims);
    return 0;
}

int eb_run_record_metric(const eb_run_record *rec, const char *name, double *out)
{
    for (int i = 0; i < rec->n_metrics; i++)
        if (strcmp(rec->metrics[i].name, name) == 0) {
            if (out)
                *out = rec->metrics[i].value;
            return 1;
        }
    return 0;
}

const char *eb_run_record_text(const eb_run_record *rec, const char *name)
{
    for (int i = 0; i < rec->n_texts; i++)
        if (strcmp(rec->texts[i].name, name) == 0)
            return rec->texts[i].value;
    return NULL;
}

const eb_run_array *eb_run_record_array(const eb_run_record *rec, const char *name)
{
    for (int i = 0; i < rec->n_arrays; i++)
        if (strcmp(rec->arrays[i].name, name) == 0)
            return &rec->arrays[i];
    return NULL;
}

int eb_run_record_copy_extras(eb_run_record *dst, const eb_run_record *src)
{
    for (int i = 0; i < src->n_metrics; i++)
        if (eb_run_record_set_metric(dst, src->metrics[i].name, src->metrics[i].value) != 0)
            return -1;
    for (int i = 0; i < src->n_texts; i++)
        if (eb_run_record_set_text(dst, src->texts[i].name, src->texts[i].value) != 0)
            return -1;
    for (int i = 0; i < src->n_arrays; i++) {
        const eb_run_array *a = &src->arrays[i];
        if ((a->rank ? eb_run_record_set_array_nd(dst, a->name, a->type, a->rank, a->dims, a->data)
                     : eb_run_record_set_array(dst, a->name, a->type, a->rows, a->cols, a->data)) != 0)
            return -1;
    }
    return 0;
}
