/* Text, Markdown and JSON output of a gate result.
 *
 * text:     one line per check "PASS|FAIL|ERROR|INCONCLUSIVE  budget  cell
 *           message", then "gate: passed|FAILED|INCONCLUSIVE (n pass, n fail,
 *           n error, n inconclusive)".
 * markdown: for a pull-request comment: a result line with an emoji-free
 *           marker, the failing checks as a table first, then every check
 *           in a collapsed <details> block.
 * json:     {"format": "edgebench-gate", "version": 1, "result": "pass" |
 *           "fail" | "error" | "inconclusive", "counts": {...}, "checks":
 *           [...]}. */
#include <math.h>
#include <string.h>

#include "common/escape.h"
#include "reports/gate.h"

static const char *result_word(const eb_gate_result *r)
{
    int rc = eb_gate_exit_code(r);
    return rc == 0 ? "pass" : rc == 1 ? "fail" : rc == EB_GATE_EXIT_INCONCLUSIVE ? "inconclusive" : "error";
}

/* The gate's result as a headline word. */
static const char *result_headline(const eb_gate_result *r)
{
    int rc = eb_gate_exit_code(r);
    return rc == 0 ? "passed" : rc == 1 ? "FAILED" : rc == EB_GATE_EXIT_INCONCLUSIVE ? "INCONCLUSIVE" : "ERROR";
}

/* What a re-run showed, after the check's own message. */
static const char *rerun_note(const eb_gate_check *c)
{
    return c->confirmed == 1   ? "confirmed by a re-run"
           : c->confirmed == 3 ? "still undecided after re-runs: the data cannot tell; run longer or on a quieter machine"
                               : NULL;
}

static const char *cell_name(const eb_gate_check *c)
{
    return c->cell ? c->cell->label : "(no cell selected)";
}

int eb_gate_write_text(FILE *f, const eb_gate_result *r)
{
    for (int i = 0; i < r->n_checks; i++) {
        const eb_gate_check *c = &r->checks[i];
        const char *w = c->status == EB_CHECK_PASS   ? "PASS"
                        : c->status == EB_CHECK_FAIL ? "FAIL"
                        : c->status == EB_CHECK_INCONCLUSIVE ? "INCONCLUSIVE"
                                                             : "ERROR";
        fprintf(f, "%-5s  %s  %s  %s", w, r->budgets->items[c->budget].name, cell_name(c), c->message);
        if (rerun_note(c))
            fprintf(f, " [%s]", rerun_note(c));
        else if (c->confirmed == 2)
            fprintf(f, " [passed on a re-run; first run: %s]", c->first_message);
        fputc('\n', f);
    }
    fprintf(f, "gate: %s (%d checks: %d pass, %d fail, %d error, %d inconclusive)\n",
            result_headline(r), r->n_checks, r->counts[EB_CHECK_PASS], r->counts[EB_CHECK_FAIL],
            r->counts[EB_CHECK_ERROR], r->counts[EB_CHECK_INCONCLUSIVE]);
    if (r->counts[EB_CHECK_INCONCLUSIVE] && !r->counts[EB_CHECK_FAIL] && !r->counts[EB_CHECK_ERROR])
        fprintf(f, "gate: no budget failed, but %d check%s could not be decided (the ratio interval "
                   "straddles the tolerance); exit %d. More samples decide it: gate --confirm, "
                   "longer runs, or cpu_p50_ms on a shared runner (docs/ci-gating.md)\n",
                r->counts[EB_CHECK_INCONCLUSIVE], r->counts[EB_CHECK_INCONCLUSIVE] == 1 ? "" : "s",
                EB_GATE_EXIT_INCONCLUSIVE);
    return ferror(f) ? -1 : 0;
}

static void md_row(FILE *f, const eb_gate_result *r, const eb_gate_check *c)
{
    fprintf(f, "| %s | ", c->status == EB_CHECK_PASS   ? "pass"
                          : c->status == EB_CHECK_FAIL ? "**fail**"
                          : c->status == EB_CHECK_INCONCLUSIVE ? "*inconclusive*"
                                                               : "**error**");
    eb_md_text(f, r->budgets->items[c->budget].name);
    fputs(" | ", f);
    eb_md_text(f, cell_name(c));
    fputs(" | ", f);
    eb_md_text(f, c->message);
    if (rerun_note(c))
        fprintf(f, " (%s)", rerun_note(c));
    else if (c->confirmed == 2) {
        fputs(" (passed on a re-run; first run: ", f);
        eb_md_text(f, c->first_message);
        fputs(")", f);
    }
    fputs(" |\n", f);
}

int eb_gate_write_markdown(FILE *f, const eb_gate_result *r)
{
    int rc = eb_gate_exit_code(r);
    fprintf(f, "## edgebench gate: %s\n\n", result_headline(r));
    fprintf(f, "%d checks: %d pass, %d fail, %d error, %d inconclusive (budgets `%s`, results `%s`%s%s%s)\n\n",
            r->n_checks, r->counts[EB_CHECK_PASS], r->counts[EB_CHECK_FAIL], r->counts[EB_CHECK_ERROR],
            r->counts[EB_CHECK_INCONCLUSIVE],
            r->budgets->path, r->results->path, r->baseline ? ", baseline `" : "",
            r->baseline ? r->baseline->path : "", r->baseline ? "`" : "");
    const char *head = "| result | budget | cell | numbers |\n| --- | --- | --- | --- |\n";
    if (rc != 0) {
        fputs(rc == EB_GATE_EXIT_INCONCLUSIVE ? "### Undecided\n\n" : "### Failing\n\n", f);
        fputs(head, f);
        for (int i = 0; i < r->n_checks; i++)
            if (r->checks[i].status != EB_CHECK_PASS)
                md_row(f, r, &r->checks[i]);
        fputc('\n', f);
    }
    fprintf(f, "<details><summary>All %d checks</summary>\n\n", r->n_checks);
    fputs(head, f);
    for (int i = 0; i < r->n_checks; i++)
        md_row(f, r, &r->checks[i]);
    fputs("\n</details>\n", f);
    return ferror(f) ? -1 : 0;
}

static void num(FILE *f, int has, double v)
{
    if (has && isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

int eb_gate_write_json(FILE *f, const eb_gate_result *r)
{
    fputs("{\n  \"format\": \"edgebench-gate\",\n  \"version\": 1,\n  \"result\": ", f);
    eb_json_str(f, result_word(r));
    fputs(",\n  \"results\": ", f);
    eb_json_str(f, r->results->path);
    fputs(",\n  \"baseline\": ", f);
    if (r->baseline)
        eb_json_str(f, r->baseline->path);
    else
        fputs("null", f);
    fputs(",\n  \"budgets\": ", f);
    eb_json_str(f, r->budgets->path);
    fprintf(f, ",\n  \"exit_code\": %d", eb_gate_exit_code(r));
    fprintf(f, ",\n  \"counts\": {\"pass\": %d, \"fail\": %d, \"error\": %d, \"inconclusive\": %d},\n  \"checks\": [",
            r->counts[EB_CHECK_PASS], r->counts[EB_CHECK_FAIL], r->counts[EB_CHECK_ERROR],
            r->counts[EB_CHECK_INCONCLUSIVE]);
    for (int i = 0; i < r->n_checks; i++) {
        const eb_gate_check *c = &r->checks[i];
        const eb_budget *b = &r->budgets->items[c->budget];
        fputs(i ? ",\n    {" : "\n    {", f);
        fputs("\"budget\": ", f);
        eb_json_str(f, b->name);
        fprintf(f, ", \"budget_line\": %d, \"metric\": ", b->line);
        eb_json_str(f, eb_budget_metric_name(b->metric));
        fputs(", \"cell\": ", f);
        if (c->cell) {
            eb_json_str(f, c->cell->label);
            const eb_run_record *q = c->cell->first;
            fputs(", \"device\": ", f);
            eb_json_str(f, q->device);
            fputs(", \"backend\": ", f);
            eb_json_str(f, q->backend);
            fputs(", \"backend_options\": ", f);
            eb_json_str(f, q->backend_options);
            fputs(", \"variant\": ", f);
            eb_json_str(f, q->variant);
            fputs(", \"condition\": ", f);
            eb_json_str(f, q->condition);
        } else {
            fputs("null", f);
        }
        fputs(", \"status\": ", f);
        eb_json_str(f, eb_check_status_str(c->status));
        fputs(", \"value\": ", f);
        num(f, c->has_value, c->value);
        fputs(", \"max\": ", f);
        num(f, b->has_max, b->max);
        fputs(", \"min\": ", f);
        num(f, b->has_min, b->min);
        fputs(", \"max_regression_pct\": ", f);
        num(f, b->has_regression, b->max_regression_pct);
        fputs(", \"change_pct\": ", f);
        num(f, c->has_change, c->change_pct);
        fputs(", \"unit\": ", f);
        eb_json_str(f, eb_budget_metric_unit(b->metric));
        fputs(", \"baseline_value\": ", f);
        num(f, c->has_base, c->base_value);
        fputs(", \"candidate_value\": ", f);
        num(f, c->has_value, c->value);
        fputs(", \"ratio\": ", f);
        num(f, c->has_ratio, c->ratio);
        fputs(", \"ratio_interval\": ", f);
        if (c->has_interval && isfinite(c->ci_lo) && isfinite(c->ci_hi))
            fprintf(f, "[%.17g, %.17g]", c->ci_lo, c->ci_hi);
        else
            fputs("null", f);
        fputs(", \"p\": ", f);
        num(f, c->has_interval && isfinite(c->p), c->p);
        fputs(", \"verdict\": ", f);
        if (c->verdict)
            eb_json_str(f, c->verdict);
        else
            fputs("null", f);
        fputs(", \"message\": ", f);
        eb_json_str(f, c->message);
        fprintf(f, ", \"rerun\": %s", c->confirmed ? "true" : "false");
        if (c->confirmed) {
            fputs(", \"first_message\": ", f);
            eb_json_str(f, c->first_message);
        }
        fputc('}', f);
    }
    fputs(r->n_checks ? "\n  ]\n}\n" : "]\n}\n", f);
    return ferror(f) ? -1 : 0;
}
