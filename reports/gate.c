/* Evaluating budgets against cells (rules in gate.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/yaml_tree.h"
#include "reports/gate.h"
#include "results/cell_key.h"

const char *eb_check_status_str(eb_check_status s)
{
    return s == EB_CHECK_PASS   ? "pass"
           : s == EB_CHECK_FAIL ? "fail"
           : s == EB_CHECK_INCONCLUSIVE ? "inconclusive"
                                        : "error";
}

static int selects(const eb_budget *b, const eb_cell *c, const eb_results *res)
{
    const eb_run_record *r = c->first;
    const char *values[EB_BUDGET_SEL_COUNT] = {r->device, NULL, r->scenario, r->backend,
                                               r->variant, r->condition, r->sweep};
    if (b->select[EB_BUDGET_SEL_TAG].n) {
        const eb_results_device *d = eb_results_find_device(res, r->device);
        values[EB_BUDGET_SEL_TAG] = d ? eb_results_device_attr(d, "tags") : NULL;
    }
    for (int q = 0; q < EB_BUDGET_SEL_COUNT; q++)
        if (!eb_budget_selector_matches(&b->select[q], values[q], q == EB_BUDGET_SEL_TAG))
            return 0;
    return 1;
}

/* The reference variant of a scenario as its stored YAML says:
 * model.reference, else the first of model.variants, else "default". */
static void reference_variant(const eb_results *res, const char *scenario, char *out, size_t cap)
{
    snprintf(out, cap, "default");
    const eb_results_scenario *s = eb_results_find_scenario(res, scenario);
    if (!s || !s->yaml)
        return;
    eb_ynode *root = NULL;
    eb_yaml_error err;
    if (eb_yaml_parse(s->yaml, strlen(s->yaml), 0, &root, &err) != EB_OK || !root)
        return;
    const eb_ynode *model = eb_ynode_get(root, "model");
    const eb_ynode *ref = model ? eb_ynode_get(model, "reference") : NULL;
    const eb_ynode *vars = model ? eb_ynode_get(model, "variants") : NULL;
    if (ref && ref->type == EB_Y_SCALAR)
        snprintf(out, cap, "%s", ref->text);
    else if (vars && vars->type == EB_Y_MAP && vars->n > 0)
        snprintf(out, cap, "%s", vars->kids[0]->key);
    eb_ynode_free(root);
}

/* The cell of the reference variant measured like c: same device, scenario,
 * condition, sweep and threads; the same backend entry (name and options)
 * preferred, else "ref". */
static const eb_cell *reference_cell(const eb_cells *cells, const eb_cell *c, const char *variant)
{
    const eb_cell *other = NULL;
    const eb_run_record *r = c->first;
    for (size_t i = 0; i < cells->n; i++) {
        const eb_run_record *q = cells->cells[i].first;
        if (strcmp(q->variant, variant) || strcmp(q->device, r->device) ||
            strcmp(q->scenario, r->scenario) || strcmp(q->condition, r->condition) ||
            strcmp(q->sweep, r->sweep) || q->threads != r->threads)
            continue;
        if (eb_cell_fields_equal(q, r, EB_CELL_BACKEND | EB_CELL_OPTIONS) &&
            cells->cells[i].occurrence == c->occurrence)
            return &cells->cells[i];
        if (!other || strcmp(q->backend, "ref") == 0)
            other = &cells->cells[i];
    }
    return other;
}

typedef struct unit {
    const char *label, *unit;
    double scale; /* stored value * scale = budget unit */
    const char *source; /* eb_cell_value name */
} unit;

static unit metric_unit(eb_budget_metric m)
{
    switch (m) {
    case EB_BM_LAT_P50: return (unit){"p50", "ms", 1e-6, "p50"};
    case EB_BM_LAT_P90: return (unit){"p90", "ms", 1e-6, "p90"};
    case EB_BM_LAT_P95: return (unit){"p95", "ms", 1e-6, "p95"};
    case EB_BM_LAT_P99: return (unit){"p99", "ms", 1e-6, "p99"};
    case EB_BM_PEAK_MEMORY: return (unit){"peak memory", "MiB", 1.0 / 1048576.0, "peak_rss_bytes"};
    case EB_BM_ENERGY: return (unit){"energy per inference", "mJ", 1e3, "energy_per_inference_j"};
    case EB_BM_TOP1: return (unit){"top-1", "", 1.0, "top1"};
    case EB_BM_ACCURACY_DROP: return (unit){"accuracy drop", "", 1.0, "top1"};
    case EB_BM_MODEL_SIZE: return (unit){"model size", "MiB", 1.0 / 1048576.0, "model_bytes"};
    case EB_BM_CPU_P50: return (unit){"CPU time p50", "ms", 1e-6, "cpu_p50"};
    case EB_BM_LOAD: return (unit){"load time", "ms", 1.0, "load_ms"};
    case EB_BM_FIRST_INFERENCE: return (unit){"first inference", "ms", 1.0, "first_inference_ms"};
    case EB_BM_ACHIEVED_QPS: return (unit){"achieved rate", "qps", 1.0, "load.achieved_qps"};
    case EB_BM_INFERENCES_PER_S:
        return (unit){"throughput", "inferences/s", 1.0, "load.inferences_per_s"};
    default: return (unit){"?", "", 1.0, "?"};
    }
}

/* Append "; " and a formatted part to a message. */
__attribute__((format(printf, 3, 4))) static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len >= cap - 1)
        return;
    if (len) {
        snprintf(buf + len, cap - len, "; ");
        len = strlen(buf);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

static void check_absolute(const eb_budget *b, const eb_cell *cell, const eb_results *res,
                           const eb_cells *cells, eb_gate_check *out)
{
    unit u = metric_unit(b->metric);
    double v;
    char where[256] = "";
    if (b->metric == EB_BM_ACCURACY_DROP) {
        char refv[128];
        reference_variant(res, cell->first->scenario, refv, sizeof refv);
        double top1, ref_top1;
        if (!eb_cell_value(cell, "top1", &top1)) {
            out->status = EB_CHECK_FAIL;
            append(out->message, sizeof out->message, "accuracy drop: top-1 not measured");
            return;
        }
        const eb_cell *rc = reference_cell(cells, cell, refv);
        if (!rc || !eb_cell_value(rc, "top1", &ref_top1)) {
            out->status = EB_CHECK_FAIL;
            append(out->message, sizeof out->message,
                   "accuracy drop: no top-1 of the reference variant '%s' measured like this cell",
                   refv);
            return;
        }
        v = ref_top1 - top1;
        snprintf(where, sizeof where, " (reference %s top-1 %.4f)", refv, ref_top1);
    } else if (!eb_cell_value(cell, u.source, &v)) {
        out->status = EB_CHECK_FAIL;
        append(out->message, sizeof out->message, "%s not measured", u.label);
        return;
    } else {
        v *= u.scale;
    }
    out->has_value = 1;
    out->value = v;
    const char *sp = u.unit[0] ? " " : "";
    char n[48] = "";
    if (eb_budget_metric_is_latency(b->metric))
        snprintf(n, sizeof n, " (n=%llu)", (unsigned long long)cell->summary.n);
    if (b->has_max) {
        int ok = v <= b->max;
        append(out->message, sizeof out->message, "%s %.6g%s%s %s max %.6g%s%s%s%s", u.label, v, sp,
               u.unit, ok ? "<=" : ">", b->max, sp, u.unit, n, where);
        if (!ok)
            out->status = EB_CHECK_FAIL;
    }
    if (b->has_min) {
        int ok = v >= b->min;
        append(out->message, sizeof out->message, "%s %.6g%s%s %s min %.6g%s%s%s", u.label, v, sp,
               u.unit, ok ? ">=" : "<", b->min, sp, u.unit, where);
        if (!ok)
            out->status = EB_CHECK_FAIL;
    }
}

static void keep_stats(const eb_cell_compare *cc, eb_gate_check *out)
{
    out->verdict = eb_verdict_str(cc->verdict);
    if (cc->have_stats) {
        out->has_interval = 1;
        out->ci_lo = cc->ci.lo;
        out->ci_hi = cc->ci.hi;
        out->p = isfinite(cc->change) && cc->change < 0 ? cc->mwu.p_less : cc->mwu.p_greater;
    }
}

/* The baseline's figures of a check (gate.h), whatever its limits. */
static void baseline_figures(const eb_budget *b, const eb_cell *cell, const eb_cells *base_cells,
                             eb_gate_check *out)
{
    const eb_cell *base = base_cells ? eb_cells_find(base_cells, cell) : NULL;
    if (!base || b->metric == EB_BM_ACCURACY_DROP)
        return;
    unit u = metric_unit(b->metric);
    double vb, vc;
    if (eb_cell_value(base, u.source, &vb)) {
        out->has_base = 1;
        out->base_value = vb * u.scale;
    }
    if (!out->has_value && eb_cell_value(cell, u.source, &vc)) {
        out->has_value = 1;
        out->value = vc * u.scale;
    }
    if (out->has_base && out->has_value && out->base_value != 0) {
        out->has_ratio = 1;
        out->ratio = out->value / out->base_value;
    }
    if ((eb_budget_metric_is_latency(b->metric) || b->metric == EB_BM_CPU_P50) && !out->verdict) {
        eb_compare_options o;
        eb_compare_options_default(&o);
        if (b->has_regression)
            o.tolerance = b->max_regression_pct / 100.0;
        o.alpha = b->alpha;
        eb_cell_compare cc;
        eb_cell vb, vc;
        if (b->metric != EB_BM_CPU_P50) {
            if (eb_compare_cell(base, cell, &o, &cc) == 0)
                keep_stats(&cc, out);
        } else if (eb_cell_cpu_view(base, &vb) == 1) {
            if (eb_cell_cpu_view(cell, &vc) == 1) {
                if (eb_compare_cell(&vb, &vc, &o, &cc) == 0)
                    keep_stats(&cc, out);
                free(vc.samples);
            }
            free(vb.samples);
        }
    }
}

static void check_relative(const eb_budget *b, const eb_cell *cell, const eb_cells *base_cells,
                           eb_gate_check *out)
{
    const eb_cell *base = base_cells ? eb_cells_find(base_cells, cell) : NULL;
    double limit = b->max_regression_pct;
    if (!base) {
        out->status = EB_CHECK_FAIL;
        append(out->message, sizeof out->message, "no baseline cell to compare with");
        return;
    }
    if (eb_budget_metric_is_latency(b->metric) || b->metric == EB_BM_CPU_P50) {
        eb_compare_options o;
        eb_compare_options_default(&o);
        o.tolerance = limit / 100.0;
        o.alpha = b->alpha;
        eb_cell_compare cc;
        eb_cell vb, vc;
        int cpu = b->metric == EB_BM_CPU_P50, rb = 0, rc = 0;
        if (cpu && ((rb = eb_cell_cpu_view(base, &vb)) != 1 || (rc = eb_cell_cpu_view(cell, &vc)) != 1)) {
            if (rb == 1)
                free(vb.samples);
            out->status = EB_CHECK_FAIL;
            append(out->message, sizeof out->message, "CPU time not measured in the %s",
                   rb == 1 ? "candidate" : "baseline");
            return;
        }
        int failed = eb_compare_cell(cpu ? &vb : base, cpu ? &vc : cell, &o, &cc) != 0;
        if (cpu) {
            free(vb.samples);
            free(vc.samples);
            cc.base = base; /* the views are gone */
            cc.cand = cell;
        }
        if (failed) {
            out->status = EB_CHECK_FAIL;
            append(out->message, sizeof out->message, "out of memory comparing with the baseline");
            return;
        }
        if (isfinite(cc.change)) {
            out->has_change = 1;
            out->change_pct = 100 * cc.change;
        }
        keep_stats(&cc, out);
        switch (cc.verdict) {
        case EB_VERDICT_SLOWER:
            out->status = EB_CHECK_FAIL;
            append(out->message, sizeof out->message, "slower than baseline: %s", cc.why);
            break;
        case EB_VERDICT_UNSTABLE:
            /* the data cannot tell: never downgrade a failed absolute limit */
            if (b->on_unstable == EB_UNSTABLE_FAIL)
                out->status = EB_CHECK_FAIL;
            else if (b->on_unstable == EB_UNSTABLE_INCONCLUSIVE && out->status == EB_CHECK_PASS)
                out->status = EB_CHECK_INCONCLUSIVE;
            append(out->message, sizeof out->message, "unstable%s: %s",
                   b->on_unstable == EB_UNSTABLE_PASS   ? " (on_unstable: pass)"
                   : b->on_unstable == EB_UNSTABLE_FAIL ? " (on_unstable: fail)"
                                                        : "",
                   cc.why);
            break;
        case EB_VERDICT_FAILED:
            out->status = EB_CHECK_FAIL;
            append(out->message, sizeof out->message, "cannot compare with baseline: %s", cc.why);
            break;
        default:
            append(out->message, sizeof out->message, "vs baseline (max regression %.6g%%): %s",
                   limit, cc.why);
        }
        return;
    }
    unit u = metric_unit(b->metric);
    double vb, vc;
    int hb = eb_cell_value(base, u.source, &vb), hc = eb_cell_value(cell, u.source, &vc);
    if (!hb || !hc) {
        out->status = EB_CHECK_FAIL;
        append(out->message, sizeof out->message, "%s not measured in the %s", u.label,
               hb ? "candidate" : "baseline");
        return;
    }
    double change = vb != 0 ? 100 * (vc / vb - 1.0) : (vc > 0 ? INFINITY : 0.0);
    out->has_change = 1;
    out->change_pct = change;
    int ok = change <= limit;
    append(out->message, sizeof out->message, "%s %.6g -> %.6g %s: %+.2f%% %s max regression %.6g%%",
           u.label, vb * u.scale, vc * u.scale, u.unit, change, ok ? "<=" : ">", limit);
    if (!ok)
        out->status = EB_CHECK_FAIL;
}

void eb_gate_check_cell(const eb_budget *b, int budget_index, const eb_cell *cell,
                        const eb_results *results, const eb_cells *cells,
                        const eb_cells *base_cells, eb_gate_check *out)
{
    memset(out, 0, sizeof *out);
    out->budget = budget_index;
    out->cell = cell;
    out->status = EB_CHECK_PASS;
    if (cell->bad) {
        out->status = EB_CHECK_FAIL;
        snprintf(out->message, sizeof out->message, "run %s %s: %.900s", cell->bad->id,
                 eb_run_status_str(cell->bad->status),
                 cell->bad->message[0] ? cell->bad->message : "(no message)");
        return;
    }
    if (b->has_max || b->has_min)
        check_absolute(b, cell, results, cells, out);
    if (b->has_regression)
        check_relative(b, cell, base_cells, out);
    baseline_figures(b, cell, base_cells, out);
}

void eb_gate_recount(eb_gate_result *r)
{
    memset(r->counts, 0, sizeof r->counts);
    for (int i = 0; i < r->n_checks; i++)
        r->counts[r->checks[i].status]++;
}

/* A baseline of which no cell matches any cell of the results (typically
 * two device ids): every regression check is an error that says why, not
 * a list of "no baseline cell" failures. */
static void no_match_is_an_error(eb_gate_result *r)
{
    if (!r->base_cells)
        return;
    for (size_t k = 0; k < r->cells->n; k++)
        if (eb_cells_find(r->base_cells, &r->cells->cells[k]))
            return;
    char why[sizeof r->checks[0].message];
    eb_cells_explain_no_match(r->base_cells, r->baseline->path, r->cells, r->results->path, why,
                              sizeof why);
    for (int i = 0; i < r->n_checks; i++) {
        eb_gate_check *c = &r->checks[i];
        if (c->cell && r->budgets->items[c->budget].has_regression &&
            strstr(c->message, "no baseline cell")) {
            c->status = EB_CHECK_ERROR;
            snprintf(c->message, sizeof c->message, "%s", why);
        }
    }
}

eb_status eb_gate_evaluate(const eb_budget_set *budgets, const eb_results *results,
                           const eb_results *baseline, eb_gate_result **out, char *msg,
                           size_t msg_len)
{
    for (int i = 0; i < budgets->n; i++)
        if (budgets->items[i].has_regression && !baseline) {
            snprintf(msg, msg_len, "%s:%d:%d: budget '%s' sets max_regression_pct and needs "
                     "--baseline BASE.h5", budgets->path, budgets->items[i].line,
                     budgets->items[i].col, budgets->items[i].name);
            return EB_ERR_INVALID_ARG;
        }
    eb_gate_result *r = calloc(1, sizeof *r);
    if (!r)
        goto nomem;
    r->budgets = budgets;
    r->results = results;
    r->baseline = baseline;
    if (eb_cells_build(results, &r->cells) != 0 ||
        (baseline && eb_cells_build(baseline, &r->base_cells) != 0))
        goto nomem;
    size_t cap = (size_t)budgets->n * (r->cells->n + 1);
    r->checks = calloc(cap ? cap : 1, sizeof *r->checks);
    if (!r->checks)
        goto nomem;
    for (int i = 0; i < budgets->n; i++) {
        const eb_budget *b = &budgets->items[i];
        int hits = 0;
        for (size_t k = 0; k < r->cells->n; k++) {
            const eb_cell *c = &r->cells->cells[k];
            if (!selects(b, c, results))
                continue;
            hits++;
            eb_gate_check_cell(b, i, c, results, r->cells, r->base_cells, &r->checks[r->n_checks++]);
        }
        if (!hits) {
            eb_gate_check *e = &r->checks[r->n_checks++];
            memset(e, 0, sizeof *e);
            e->budget = i;
            e->status = EB_CHECK_ERROR;
            snprintf(e->message, sizeof e->message,
                     "%s:%d:%d: budget '%s' selects no cell of %s (a budget that checks nothing "
                     "is an error, not a pass)",
                     budgets->path, b->line, b->col, b->name, results->path);
        }
    }
    no_match_is_an_error(r);
    eb_gate_recount(r);
    *out = r;
    return EB_OK;
nomem:
    eb_gate_result_free(r);
    snprintf(msg, msg_len, "out of memory");
    return EB_ERR_NOMEM;
}

int eb_gate_exit_code(const eb_gate_result *r)
{
    if (r->counts[EB_CHECK_ERROR])
        return 2;
    if (r->counts[EB_CHECK_FAIL])
        return 1;
    return r->counts[EB_CHECK_INCONCLUSIVE] ? EB_GATE_EXIT_INCONCLUSIVE : 0;
}

void eb_gate_result_free(eb_gate_result *r)
{
    if (!r)
        return;
    eb_cells_free(r->cells);
    eb_cells_free(r->base_cells);
    free(r->checks);
    free(r);
}
