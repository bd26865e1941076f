/* Reading budgets files (format in budget.h). The YAML is parsed by the
 * scenario module's positioned tree (common/yaml_tree.h) so that every
 * error names the file, line and column like a scenario error does. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/yaml_tree.h"
#include "reports/budget.h"

const char *const eb_budget_selector_keys[EB_BUDGET_SEL_COUNT] = {
    "device", "tag", "scenario", "backend", "variant", "condition", "sweep"};

static const char *const metric_names[EB_BM_COUNT] = {
    "latency_p50_ms", "latency_p90_ms", "latency_p95_ms", "latency_p99_ms",
    "peak_memory_mb", "energy_per_inference_mj", "top1", "accuracy_drop", "model_size_mb", "cpu_p50_ms",
    "load_ms", "first_inference_ms", "achieved_qps", "inferences_per_s"};

const char *eb_budget_metric_name(eb_budget_metric m)
{
    return m >= 0 && m < EB_BM_COUNT ? metric_names[m] : "?";
}

const char *eb_budget_metric_unit(eb_budget_metric m)
{
    if (m <= EB_BM_LAT_P99 || m == EB_BM_CPU_P50 || m == EB_BM_LOAD || m == EB_BM_FIRST_INFERENCE)
        return "ms";
    switch (m) {
    case EB_BM_ACHIEVED_QPS:
    case EB_BM_INFERENCES_PER_S: return "1/s";
    case EB_BM_PEAK_MEMORY:
    case EB_BM_MODEL_SIZE: return "MiB";
    case EB_BM_ENERGY: return "mJ";
    default: return "";
    }
}

int eb_budget_metric_is_latency(eb_budget_metric m) { return m <= EB_BM_LAT_P99; }

/* Error at a node: "path:line:col: message". Returns EB_ERR_FORMAT. */
static eb_status at(char *msg, size_t len, const char *path, const eb_ynode *n, const char *fmt,
                    const char *a, const char *b)
{
    char text[512];
    snprintf(text, sizeof text, fmt, a ? a : "", b ? b : "");
    if (n)
        snprintf(msg, len, "%s:%d:%d: %s", path, n->key ? n->key_line : n->line,
                 n->key ? n->key_col : n->col, text);
    else
        snprintf(msg, len, "%s: %s", path, text);
    return EB_ERR_FORMAT;
}

static eb_status read_selector(const char *path, const eb_ynode *v, eb_budget_selector *s,
                               char *msg, size_t len)
{
    char d[96];
    if (v->type == EB_Y_SCALAR && !eb_ynode_is_null(v)) {
        if (strlen(v->text) >= sizeof s->globs[0] || !v->text[0])
            return at(msg, len, path, v, "select.%s: expected a glob of 1 to 127 characters",
                      v->key, NULL);
        snprintf(s->globs[s->n++], sizeof s->globs[0], "%s", v->text);
        return EB_OK;
    }
    if (v->type == EB_Y_SEQ && v->n > 0 && v->n <= EB_BUDGET_MAX_GLOBS) {
        for (int i = 0; i < v->n; i++) {
            const eb_ynode *g = v->kids[i];
            if (g->type != EB_Y_SCALAR || eb_ynode_is_null(g) || !g->text[0] ||
                strlen(g->text) >= sizeof s->globs[0]) {
                char e[256];
                snprintf(e, sizeof e, "select.%s: expected a list of globs, got %s", v->key,
                         eb_ynode_describe(g, d, sizeof d));
                return at(msg, len, path, g, "%s", e, NULL);
            }
            snprintf(s->globs[s->n++], sizeof s->globs[0], "%s", g->text);
        }
        return EB_OK;
    }
    char e[256];
    snprintf(e, sizeof e, "select.%s: expected a glob or a list of 1 to %d globs, got %s", v->key,
             EB_BUDGET_MAX_GLOBS, eb_ynode_describe(v, d, sizeof d));
    return at(msg, len, path, v, "%s", e, NULL);
}

static eb_status read_number(const char *path, const eb_ynode *v, double lo, double hi,
                             double *out, char *msg, size_t len)
{
    char d[96], e[256];
    double x;
    if (v->type != EB_Y_SCALAR || !eb_ynode_num(v, &x) || !(x >= lo && x <= hi)) {
        snprintf(e, sizeof e, "%s: expected a number from %g to %g, got %s", v->key, lo, hi,
                 eb_ynode_describe(v, d, sizeof d));
        return at(msg, len, path, v, "%s", e, NULL);
    }
    *out = x;
    return EB_OK;
}

static eb_status read_entry(const char *path, const eb_ynode *e, int index, eb_budget *b,
                            char *msg, size_t len)
{
    char d[96], t[512];
    memset(b, 0, sizeof *b);
    b->line = e->line;
    b->col = e->col;
    b->alpha = 0.01;
    if (e->type != EB_Y_MAP) {
        snprintf(t, sizeof t, "budgets[%d]: expected a map, got %s", index,
                 eb_ynode_describe(e, d, sizeof d));
        return at(msg, len, path, e, "%s", t, NULL);
    }
    const eb_ynode *metric = eb_ynode_get(e, "metric");
    if (!metric) {
        snprintf(t, sizeof t, "budgets[%d]: missing key 'metric'", index);
        return at(msg, len, path, e, "%s", t, NULL);
    }
    int found = 0;
    for (int m = 0; m < EB_BM_COUNT; m++)
        if (metric->type == EB_Y_SCALAR && strcmp(metric->text, metric_names[m]) == 0) {
            b->metric = (eb_budget_metric)m;
            found = 1;
        }
    if (!found) {
        size_t n = (size_t)snprintf(t, sizeof t, "metric: unknown metric %s (one of",
                                    eb_ynode_describe(metric, d, sizeof d));
        for (int m = 0; m < EB_BM_COUNT && n < sizeof t; m++)
            n += (size_t)snprintf(t + n, sizeof t - n, " %s", metric_names[m]);
        if (n < sizeof t)
            snprintf(t + n, sizeof t - n, ")");
        return at(msg, len, path, metric, "%s", t, NULL);
    }
    eb_status st;
    for (int i = 0; i < e->n; i++) {
        const eb_ynode *v = e->kids[i];
        const char *k = v->key;
        if (strcmp(k, "metric") == 0)
            continue;
        if (strcmp(k, "name") == 0) {
            if (v->type != EB_Y_SCALAR || !v->text[0] || strlen(v->text) >= sizeof b->name)
                return at(msg, len, path, v, "name: expected text of 1 to 191 characters", NULL,
                          NULL);
            snprintf(b->name, sizeof b->name, "%s", v->text);
        } else if (strcmp(k, "select") == 0) {
            if (v->type != EB_Y_MAP)
                return at(msg, len, path, v, "select: expected a map of selector keys", NULL, NULL);
            for (int j = 0; j < v->n; j++) {
                const eb_ynode *s = v->kids[j];
                int which = -1;
                for (int q = 0; q < EB_BUDGET_SEL_COUNT; q++)
                    if (strcmp(s->key, eb_budget_selector_keys[q]) == 0)
                        which = q;
                if (which < 0)
                    return at(msg, len, path, s,
                              "select: unknown key '%s' (device, tag, scenario, backend, variant, "
                              "condition, sweep)",
                              s->key, NULL);
                if (b->select[which].n)
                    return at(msg, len, path, s, "select: duplicate key '%s'", s->key, NULL);
                if ((st = read_selector(path, s, &b->select[which], msg, len)) != EB_OK)
                    return st;
            }
        } else if (strcmp(k, "max") == 0) {
            if ((st = read_number(path, v, -1e300, 1e300, &b->max, msg, len)) != EB_OK)
                return st;
            b->has_max = 1;
        } else if (strcmp(k, "min") == 0) {
            if ((st = read_number(path, v, -1e300, 1e300, &b->min, msg, len)) != EB_OK)
                return st;
            b->has_min = 1;
        } else if (strcmp(k, "max_regression_pct") == 0) {
            if ((st = read_number(path, v, 0, 1e6, &b->max_regression_pct, msg, len)) != EB_OK)
                return st;
            b->has_regression = 1;
        } else if (strcmp(k, "alpha") == 0) {
            if ((st = read_number(path, v, 1e-12, 0.5, &b->alpha, msg, len)) != EB_OK)
                return st;
        } else if (strcmp(k, "on_unstable") == 0) {
            if (v->type != EB_Y_SCALAR ||
                (strcmp(v->text, "fail") && strcmp(v->text, "pass") && strcmp(v->text, "inconclusive")))
                return at(msg, len, path, v,
                          "on_unstable: expected 'inconclusive' (the default), 'fail' or 'pass'",
                          NULL, NULL);
            b->on_unstable = !strcmp(v->text, "fail")   ? EB_UNSTABLE_FAIL
                             : !strcmp(v->text, "pass") ? EB_UNSTABLE_PASS
                                                        : EB_UNSTABLE_INCONCLUSIVE;
        } else {
            return at(msg, len, path, v,
                      "unknown key '%s' in a budget (name, select, metric, max, min, "
                      "max_regression_pct, alpha, on_unstable)",
                      k, NULL);
        }
    }
    const char *mname = metric_names[b->metric];
    /* the metrics where larger is better: accuracy and a load's rates */
    int up = b->metric == EB_BM_TOP1 || b->metric == EB_BM_ACHIEVED_QPS ||
             b->metric == EB_BM_INFERENCES_PER_S;
    if (up && (b->has_max || b->has_regression))
        return at(msg, len, path, metric, "%s takes 'min' (a lower limit), not 'max' or "
                  "'max_regression_pct'", mname, NULL);
    if (!up && b->has_min)
        return at(msg, len, path, metric, "%s takes 'max' (an upper limit), not 'min'", mname, NULL);
    if (b->metric == EB_BM_ACCURACY_DROP && b->has_regression)
        return at(msg, len, path, metric, "accuracy_drop takes 'max', not 'max_regression_pct'",
                  NULL, NULL);
    if (!b->has_max && !b->has_min && !b->has_regression)
        return at(msg, len, path, e, "budget for %s sets no limit (max, min or max_regression_pct)",
                  mname, NULL);
    if (!b->name[0]) {
        size_t n = (size_t)snprintf(b->name, sizeof b->name, "%s", mname);
        for (int q = 0; q < EB_BUDGET_SEL_COUNT && n < sizeof b->name; q++)
            for (int g = 0; g < b->select[q].n && n < sizeof b->name; g++)
                n += (size_t)snprintf(b->name + n, sizeof b->name - n, " %s=%s",
                                      eb_budget_selector_keys[q], b->select[q].globs[g]);
    }
    return EB_OK;
}

eb_status eb_budget_set_parse(const char *path, const char *text, size_t len, eb_budget_set **out,
                              char *msg, size_t msg_len)
{
    eb_ynode *root = NULL;
    eb_yaml_error err;
    *out = NULL;
    if (eb_yaml_parse(text, len, 0, &root, &err) != EB_OK) {
        snprintf(msg, msg_len, "%s:%d:%d: %s", path, err.line, err.col, err.text);
        return EB_ERR_FORMAT;
    }
    eb_status st = EB_OK;
    eb_budget_set *s = NULL;
    if (!root || root->type != EB_Y_MAP) {
        st = at(msg, msg_len, path, root, "expected a map with a 'budgets' list", NULL, NULL);
        goto out;
    }
    /* every error of the file is listed (one line each), not just the first */
    int n_err = 0;
    size_t used = 0;
    char one[1024];
    msg[0] = '\0';
#define COLLECT(expr)                                                                              \
    do {                                                                                           \
        eb_status e_ = (expr);                                                                     \
        if (e_ != EB_OK) {                                                                         \
            if (st == EB_OK)                                                                       \
                st = e_;                                                                           \
            if (used < msg_len)                                                                    \
                used += (size_t)snprintf(msg + used, msg_len - used, "%s%s", n_err ? "\n" : "",  \
                                         one);                                                     \
            n_err++;                                                                               \
        }                                                                                          \
    } while (0)
    int scenario = eb_ynode_get(root, "edgebench") != NULL;
    for (int i = 0; i < root->n && !scenario; i++)
        if (strcmp(root->kids[i]->key, "budgets") != 0)
            COLLECT(at(one, sizeof one, path, root->kids[i],
                       "unknown key '%s' (a budgets file has one key, 'budgets')",
                       root->kids[i]->key, NULL));
    const eb_ynode *list = eb_ynode_get(root, "budgets");
    if (!list || list->type != EB_Y_SEQ || list->n == 0) {
        COLLECT(at(one, sizeof one, path, list ? list : root, "expected 'budgets:' with a list of "
                   "at least one budget", NULL, NULL));
        goto out;
    }
    s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path)) || !(s->items = calloc((size_t)list->n, sizeof *s->items))) {
        st = EB_ERR_NOMEM;
        snprintf(msg, msg_len, "%s: out of memory", path);
        goto out;
    }
    for (int i = 0; i < list->n; i++) {
        COLLECT(read_entry(path, list->kids[i], i, &s->items[i], one, sizeof one));
        s->n++;
    }
#undef COLLECT
    if (st == EB_OK) {
        *out = s;
        s = NULL;
    }
out:
    eb_budget_set_free(s);
    eb_ynode_free(root);
    return st;
}

eb_status eb_budget_set_load(const char *path, eb_budget_set **out, char *msg, size_t msg_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(msg, msg_len, "%s: cannot read: %s", path, strerror(e));
        return e == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap)
            break;
        char *nb = cap > (64u << 20) ? NULL : realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(msg, msg_len, "%s: cannot read (too large or I/O error)", path);
        return EB_ERR_IO;
    }
    buf[n] = '\0';
    eb_status st = eb_budget_set_parse(path, buf, n, out, msg, msg_len);
    free(buf);
    return st;
}

void eb_budget_set_free(eb_budget_set *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->items);
    free(s);
}

/* Tags may be stored as "a,b", "a b" or a YAML/JSON-style list "[a, 'b']". */
#define TAG_SEPARATORS ",[]'\""

int eb_budget_selector_matches(const eb_budget_selector *s, const char *value, int is_tags)
{
    if (s->n == 0)
        return 1;
    if (!value)
        return 0;
    if (!is_tags) {
        for (int g = 0; g < s->n; g++)
            if (fnmatch(s->globs[g], value, 0) == 0)
                return 1;
        return 0;
    }
    char tag[128];
    const char *p = value;
    while (*p) {
        while (*p && (strchr(TAG_SEPARATORS, *p) || isspace((unsigned char)*p)))
            p++;
        size_t k = 0;
        while (*p && !strchr(TAG_SEPARATORS, *p) && !isspace((unsigned char)*p)) {
            if (k + 1 < sizeof tag)
                tag[k++] = *p;
            p++;
        }
        tag[k] = '\0';
        if (k)
            for (int g = 0; g < s->n; g++)
                if (fnmatch(s->globs[g], tag, 0) == 0)
                    return 1;
    }
    return 0;
}
