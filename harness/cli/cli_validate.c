/* edgebench validate SCENARIO.yaml: check a scenario and show its run matrix
 * without running anything. Exit 0 when valid, 2 on any error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "harness/backend/registry.h"
#include "harness/cli/cli.h"
#include "harness/run/consent.h"
#include "harness/run/golden_outputs.h"
#include "harness/run/reference_inputs.h"
#include "harness/scenario/scenario.h"
#include "results/backend_label.h"

#define MAX_SETS 256

static int usage(void)
{
    fprintf(stderr, "usage: edgebench validate SCENARIO.yaml [--set KEY=VALUE]... [--matrix] "
                    "[--format text|json]\n");
    return EB_EXIT_USAGE;
}

static const char *or_dash(const char *s)
{
    return s && s[0] ? s : "-";
}

static int width(int w, const char *s)
{
    int n = (int)strlen(s);
    return n > w ? n : w;
}

/* The cell's backend as the results will name it: simd{qdq_fusion=0}. */
static void backend_label(const eb_matrix_cell *c, char *buf, size_t len)
{
    static eb_run_record r; /* large; only the three fields below are read */
    snprintf(r.backend, sizeof r.backend, "%s", c->backend);
    snprintf(r.sweep, sizeof r.sweep, "%s", c->sweep ? c->sweep : "");
    eb_backend_options_format(c->n_options, c->option_keys, c->option_values, r.backend_options,
                              sizeof r.backend_options);
    eb_backend_label(&r, buf, len);
}

static void print_table(const eb_matrix *m)
{
    int wb = 7, wv = 7, wc = 9, ws = 5;
    char lab[EB_BACKEND_LABEL_MAX];
    for (int i = 0; i < m->n_cells; i++) {
        const eb_matrix_cell *c = &m->cells[i];
        backend_label(c, lab, sizeof lab);
        wb = width(wb, lab);
        wv = width(wv, c->variant_name);
        wc = width(wc, c->condition_name);
        ws = width(ws, or_dash(c->sweep));
    }
    printf("%5s  %-*s  %7s  %-*s  %-*s  %-*s  %10s\n", "index", wb, "backend", "threads", wv,
           "variant", wc, "condition", ws, "sweep", "repetition");
    for (int i = 0; i < m->n_cells; i++) {
        const eb_matrix_cell *c = &m->cells[i];
        backend_label(c, lab, sizeof lab);
        printf("%5d  %-*s  %7d  %-*s  %-*s  %-*s  %10d\n", c->index, wb, lab, c->threads,
               wv, c->variant_name, wc, c->condition_name, ws, or_dash(c->sweep), c->repetition);
    }
}

static void print_errors_json(const char *path, const eb_scenario_errors *e)
{
    printf("{\"file\": ");
    eb_json_str(stdout, path);
    printf(", \"valid\": false, \"errors\": [");
    for (int i = 0; i < e->n; i++) {
        printf("%s\n  {\"where\": ", i ? "," : "");
        eb_json_str(stdout, e->items[i].where);
        printf(", \"line\": %d, \"column\": %d, \"message\": ", e->items[i].line,
               e->items[i].col);
        eb_json_str(stdout, e->items[i].message);
        printf("}");
    }
    printf("\n], \"errors_total\": %d}\n", e->total);
}

static void print_ok_json(const eb_scenario *s, const eb_matrix *m, int matrix)
{
    printf("{\"file\": ");
    eb_json_str(stdout, s->path);
    printf(", \"valid\": true, \"name\": ");
    eb_json_str(stdout, s->name);
    printf(", \"cells\": %d", m->n_cells);
    if (matrix) {
        printf(", \"matrix\": [");
        for (int i = 0; i < m->n_cells; i++) {
            const eb_matrix_cell *c = &m->cells[i];
            printf("%s\n  {\"index\": %d, \"backend\": ", i ? "," : "", c->index);
            eb_json_str(stdout, c->backend);
            printf(", \"threads\": %d, \"options\": {", c->threads);
            for (int k = 0; k < c->n_options; k++) {
                printf("%s", k ? ", " : "");
                eb_json_str(stdout, c->option_keys[k]);
                printf(": ");
                eb_json_str(stdout, c->option_values[k]);
            }
            printf("}, \"variant\": ");
            eb_json_str(stdout, c->variant_name);
            printf(", \"model_path\": ");
            eb_json_str(stdout, c->model_path);
            printf(", \"reference\": %s, \"condition\": ", c->is_reference ? "true" : "false");
            eb_json_str(stdout, c->condition_name);
            printf(", \"condition_kind\": ");
            eb_json_str(stdout, c->condition_kind);
            /* the display text as before, and the typed values (JSON numbers
             * for numbers and integers) */
            char ctext[EB_CONDITION_TEXT_MAX];
            eb_condition empty;
            const eb_condition *cv = c->cond;
            if (!cv) {
                eb_condition_init(&empty, c->condition_kind);
                cv = &empty;
            }
            eb_condition_text(cv, ctext, sizeof ctext);
            printf(", \"condition_params\": ");
            eb_json_str(stdout, ctext);
            printf(", \"condition_values\": {");
            for (int k = 0; k < cv->n; k++) {
                char v[EB_CONDITION_STR_MAX];
                const eb_condition_param *p = &cv->params[k];
                eb_condition_value_text(p, v, sizeof v);
                printf("%s", k ? ", " : "");
                eb_json_str(stdout, p->key);
                printf(": ");
                if (p->type == EB_CP_NUM || p->type == EB_CP_INT)
                    printf("%s", v);
                else
                    eb_json_str(stdout, v);
            }
            printf("}");
            printf(", \"sweep\": ");
            eb_json_str(stdout, c->sweep);
            printf(", \"repetition\": %d, \"warmup_iterations\": %lld, "
                   "\"warmup_min_time_ms\": %lld, \"measure_iterations\": %lld, "
                   "\"measure_min_time_ms\": %lld, \"measure_max_time_ms\": %lld, "
                   "\"isolation\": \"%s\", \"timeout_s\": %g}",
                   c->repetition, (long long)c->run.warmup_iterations,
                   (long long)c->run.warmup_min_time_ms, (long long)c->run.measure_iterations,
                   (long long)c->run.measure_min_time_ms, (long long)c->run.measure_max_time_ms,
                   eb_isolation_str(c->run.isolation), c->run.timeout_s);
        }
        printf("\n]");
    }
    printf("}\n");
}

/* Backends known but not usable here: their cells will be recorded as skipped. */
static void note_unavailable(const eb_scenario *s, const eb_registry *reg)
{
    for (int i = 0; i < s->n_backends; i++) {
        const eb_registry_entry *e = eb_registry_find(reg, s->backends[i].name);
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= strcmp(s->backends[j].name, s->backends[i].name) == 0;
        if (e && !e->available && !seen)
            fprintf(stderr, "note: backend '%s' is not available here (%s): its cells will be "
                            "recorded as skipped\n",
                    e->name, e->why);
    }
}

int eb_cmd_validate(int argc, char **argv)
{
    const char *path = NULL;
    const char *sets[MAX_SETS];
    int n_sets = 0, matrix = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
            if (n_sets == MAX_SETS) {
                fprintf(stderr, "edgebench validate: more than %d --set\n", MAX_SETS);
                return EB_EXIT_USAGE;
            }
            sets[n_sets++] = argv[++i];
        } else if (strcmp(argv[i], "--matrix") == 0) {
            matrix = 1;
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") == 0)
                json = 1;
            else if (strcmp(f, "text") != 0) {
                fprintf(stderr, "edgebench validate: unknown format '%s' (text, json)\n", f);
                return EB_EXIT_USAGE;
            }
        } else if (argv[i][0] == '-' || path) {
            return usage();
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return usage();

    eb_registry *reg = NULL;
    eb_scenario_errors *errors = malloc(sizeof *errors);
    if (!errors || eb_registry_create(&reg) != EB_OK) {
        free(errors);
        fprintf(stderr, "edgebench validate: out of memory\n");
        return EB_EXIT_RUN;
    }
    eb_scenario *s = NULL;
    eb_matrix *m = NULL;
    eb_backend_names names = {eb_registry_knows, eb_registry_available_names, reg};
    eb_scenario_source src = {.path = path, .overrides = sets, .n_overrides = n_sets,
                              .backends = &names};
    eb_status st = eb_scenario_load_source(&src, &s, errors);
    int rc = EB_EXIT_OK;
    if (st != EB_OK) {
        if (json) {
            print_errors_json(path, errors);
        } else {
            for (int i = 0; i < errors->n; i++)
                fprintf(stderr, "%s: %s\n", errors->items[i].where, errors->items[i].message);
            if (errors->total > errors->n)
                fprintf(stderr, "... and %d more errors\n", errors->total - errors->n);
        }
        rc = eb_exit_for_status(st);
        goto out;
    }
    char msg[sizeof errors->items[0].message];
    if ((st = eb_scenario_check_reference_inputs(s, msg, sizeof msg)) == EB_OK &&
        (st = eb_scenario_check_golden(s, msg, sizeof msg)) == EB_OK)
        st = eb_scenario_expand(s, &m, msg, sizeof msg);
    if (st != EB_OK) {
        if (json) {
            errors->n = errors->total = 1;
            errors->items[0].line = errors->items[0].col = 0;
            snprintf(errors->items[0].where, sizeof errors->items[0].where, "%s", path);
            snprintf(errors->items[0].message, sizeof errors->items[0].message, "%s", msg);
            print_errors_json(path, errors);
        } else {
            fprintf(stderr, "%s\n", msg);
        }
        rc = st == EB_ERR_NOMEM ? EB_EXIT_RUN : EB_EXIT_USAGE;
        goto out;
    }
    note_unavailable(s, reg);
    char where[1400];
    if (eb_scenario_runs_commands(s, where, sizeof where))
        fprintf(stderr, "note: %s: " EB_COMMAND_KEY " runs a shell command on this machine: run "
                        "and farm need --allow-commands for it (docs/security.md)\n",
                where);
    if (json) {
        print_ok_json(s, m, matrix);
    } else {
        if (matrix)
            print_table(m);
        printf("ok: %d cell%s\n", m->n_cells, m->n_cells == 1 ? "" : "s");
    }
out:
    eb_matrix_destroy(m);
    eb_scenario_destroy(s);
    eb_registry_destroy(reg);
    free(errors);
    return rc;
}
