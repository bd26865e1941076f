/* Scenarios: defaults, every section, sweeps and the order of the run
 * matrix, seeded shuffling, --set overrides, and every kind of error with
 * its exact file:line:column and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/key_suggest.h"
#include "harness/backend/registry.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/scenario_schema.h"

/* Inline scenarios pretend to live next to the fixture scenarios, so
 * "../models/tiny_conv.onnx" resolves to the committed test model. */
#define SDIR EB_SOURCE_DIR "/tests/data/scenarios"
#define VPATH SDIR "/inline.yaml"
#define MODEL EB_SOURCE_DIR "/tests/data/models/tiny_conv.onnx"
#define HEAD "edgebench: 1\nmodel:\n  path: ../models/tiny_conv.onnx\n"

static eb_registry *reg;
static eb_scenario_errors errs;

static eb_status load(const char *text, const char *const *sets, int n, eb_scenario **out)
{
    eb_backend_names names = {eb_registry_knows, eb_registry_available_names, reg};
    eb_scenario_source src = {.path = VPATH, .text = text, .overrides = sets,
                              .n_overrides = n, .backends = &names};
    return eb_scenario_load_source(&src, out, &errs);
}

static eb_scenario *load_ok_sets(const char *text, const char *const *sets, int n)
{
    eb_scenario *s = NULL;
    if (load(text, sets, n, &s) != EB_OK) {
        char msg[4096];
        eb_scenario_errors_format(&errs, msg, sizeof msg);
        fail_msg("scenario should load, got:\n%s", msg);
    }
    assert_int_equal(errs.n, 0);
    return s;
}

static eb_scenario *load_ok(const char *text)
{
    return load_ok_sets(text, NULL, 0);
}

/* "<where>: <message>" of error i. */
static const char *error_line(int i)
{
    static char buf[2048];
    snprintf(buf, sizeof buf, "%s: %s", errs.items[i].where, errs.items[i].message);
    return buf;
}

/* The scenario fails with exactly these errors, in this order. "@" at the
 * start of an expected line stands for VPATH. */
static void expect_errors_sets(const char *text, const char *const *sets, int n_sets,
                               const char *const *want, int n_want)
{
    eb_scenario *s = (eb_scenario *)1;
    eb_status st = load(text, sets, n_sets, &s);
    assert_int_equal(st, EB_ERR_FORMAT);
    assert_null(s);
    for (int i = 0; i < n_want && i < errs.n; i++) {
        char expected[2048];
        if (want[i][0] == '@')
            snprintf(expected, sizeof expected, "%s%s", VPATH, want[i] + 1);
        else
            snprintf(expected, sizeof expected, "%s", want[i]);
        assert_string_equal(error_line(i), expected);
    }
    if (errs.total != n_want) {
        for (int i = 0; i < errs.n; i++)
            print_message("  got: %s\n", error_line(i));
        fail_msg("expected %d errors, got %d", n_want, errs.total);
    }
}

static void expect_error(const char *text, const char *want)
{
    expect_errors_sets(text, NULL, 0, &want, 1);
}

static void expect_set_error(const char *text, const char *set, const char *want)
{
    expect_errors_sets(text, &set, 1, &want, 1);
}

static int setup(void **state)
{
    (void)state;
    return eb_registry_create(&reg) == EB_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    eb_registry_destroy(reg);
    return 0;
}

/* "a, b" of the backends this build knows, as the loader lists them. */
static const char *known_backends(void)
{
    static char known[1024];
    size_t used = 0;
    known[0] = '\0';
    for (int i = 0; i < reg->n; i++)
        if (reg->entries[i].loaded)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "",
                                     reg->entries[i].name);
    return known;
}

/* ---- reading ----------------------------------------------------------------- */

static void test_minimal_scenario_gets_every_default(void **state)
{
    (void)state;
    const char *text = HEAD "backends: [ref]\n";
    eb_scenario *s = load_ok(text);
    assert_string_equal(s->name, "inline");
    assert_string_equal(s->description, "");
    assert_string_equal(s->path, VPATH);
    assert_string_equal(s->dir, SDIR);
    assert_string_equal(s->yaml, text);
    assert_int_equal(s->yaml_len, strlen(text));
    assert_int_equal(s->n_overrides, 0);

    assert_int_equal(s->n_variants, 1);
    assert_string_equal(s->variants[0].name, "default");
    assert_string_equal(s->variants[0].path, "../models/tiny_conv.onnx");
    assert_string_equal(s->variants[0].resolved_path, MODEL);
    assert_string_equal(s->variants[0].description, "");
    assert_int_equal(s->variants[0].line, 3);
    assert_int_equal(s->variants[0].col, 9);
    assert_int_equal(s->reference, 0);

    assert_int_equal(s->inputs.kind, EB_INPUT_RANDOM);
    assert_int_equal(s->inputs.random.seed, 0);
    assert_int_equal(s->inputs.random.distribution, EB_INPUT_UNIFORM);
    assert_true(s->inputs.random.low == 0.0 && s->inputs.random.high == 1.0);
    assert_true(s->inputs.random.mean == 0.0 && s->inputs.random.std == 1.0);

    assert_int_equal(s->n_backends, 1);
    assert_string_equal(s->backends[0].name, "ref");
    assert_int_equal(s->backends[0].line, 4);
    assert_int_equal(s->backends[0].col, 12);
    assert_int_equal(s->backends[0].threads, 1);
    assert_int_equal(s->backends[0].n_options, 0);
    assert_int_equal(s->backends[0].n_axes, 0);

    const eb_run_settings *r = &s->run;
    assert_int_equal(r->warmup_iterations, 10);
    assert_int_equal(r->warmup_min_time_ms, 100);
    assert_int_equal(r->measure_iterations, 100);
    assert_int_equal(r->measure_min_time_ms, 1000);
    assert_int_equal(r->measure_max_time_ms, 10000);
    assert_int_equal(r->repetitions, 1);
    assert_int_equal(r->order, EB_ORDER_ORDERED);
    assert_int_equal(r->seed, 0);
    assert_int_equal(r->isolation, EB_ISOLATION_PROCESS);
    assert_true(r->timeout_s == 300.0);
    assert_int_equal(s->n_run_axes, 0);

    assert_int_equal(s->n_conditions, 1);
    assert_string_equal(s->conditions[0].name, "plain");
    assert_string_equal(s->conditions[0].kind, "plain");
    assert_int_equal(s->conditions[0].n_params, 0);

    assert_int_equal(s->budgets.present, 0);
    assert_null(s->budgets.yaml);
    eb_scenario_destroy(s);
}

static void test_every_section_is_read(void **state)
{
    (void)state;
    eb_scenario *s = load_ok("edgebench: 1\n"
                             "name: full\n"
                             "description: all the keys\n"
                             "model:\n"
                             "  variants:\n"
                             "    fp32: ../models/tiny_conv.onnx\n"
                             "    other:\n"
                             "      path: " MODEL "\n"
                             "      description: absolute path\n"
                             "  reference: other\n"
                             "inputs:\n"
                             "  kind: random\n"
                             "  seed: 42\n"
                             "  distribution: normal\n"
                             "  mean: 0.5\n"
                             "  std: 2\n"
                             "backends:\n"
                             "  - ref\n"
                             "  - name: ref\n"
                             "    threads: 4\n"
                             "    options: {tile: 64, mode: fast, flag: true}\n"
                             "run:\n"
                             "  warmup: {iterations: 0, min_time_ms: 0}\n"
                             "  measure: {iterations: 7, min_time_ms: 20, max_time_ms: 30}\n"
                             "  repetitions: 3\n"
                             "  order: shuffled\n"
                             "  seed: 99\n"
                             "  isolation: none\n"
                             "  timeout_s: 2.5\n"
                             "conditions:\n"
                             "  - name: base\n"
                             "    kind: plain\n"
                             "  - {name: again, kind: plain}\n");
    assert_string_equal(s->name, "full");
    assert_string_equal(s->description, "all the keys");
    assert_int_equal(s->n_variants, 2);
    assert_string_equal(s->variants[0].name, "fp32");
    assert_string_equal(s->variants[0].resolved_path, MODEL);
    assert_int_equal(s->variants[0].line, 6);
    assert_int_equal(s->variants[0].col, 11);
    assert_string_equal(s->variants[1].name, "other");
    assert_string_equal(s->variants[1].path, MODEL);
    assert_string_equal(s->variants[1].description, "absolute path");
    assert_int_equal(s->reference, 1);

    assert_int_equal(s->inputs.random.seed, 42);
    assert_int_equal(s->inputs.random.distribution, EB_INPUT_NORMAL);
    assert_true(s->inputs.random.mean == 0.5 && s->inputs.random.std == 2.0);

    assert_int_equal(s->n_backends, 2);
    assert_int_equal(s->backends[0].threads, 1);
    const eb_scenario_backend *b = &s->backends[1];
    assert_int_equal(b->threads, 4);
    assert_int_equal(b->n_options, 3);
    assert_string_equal(b->option_keys[0], "tile");
    assert_string_equal(b->option_values[0], "64");
    assert_string_equal(b->option_keys[1], "mode");
    assert_string_equal(b->option_values[1], "fast");
    assert_string_equal(b->option_keys[2], "flag");
    assert_string_equal(b->option_values[2], "true");

    assert_int_equal(s->run.warmup_iterations, 0);
    assert_int_equal(s->run.warmup_min_time_ms, 0);
    assert_int_equal(s->run.measure_iterations, 7);
    assert_int_equal(s->run.measure_min_time_ms, 20);
    assert_int_equal(s->run.measure_max_time_ms, 30);
    assert_int_equal(s->run.repetitions, 3);
    assert_int_equal(s->run.order, EB_ORDER_SHUFFLED);
    assert_int_equal(s->run.seed, 99);
    assert_int_equal(s->run.isolation, EB_ISOLATION_NONE);
    assert_true(s->run.timeout_s == 2.5);

    assert_int_equal(s->n_conditions, 2);
    assert_string_equal(s->conditions[0].name, "base");
    assert_string_equal(s->conditions[1].name, "again");
    assert_string_equal(s->conditions[1].kind, "plain");
    eb_scenario_destroy(s);
}

static void test_budgets_keep_their_text_and_line(void **state)
{
    (void)state;
    eb_scenario *s = load_ok(HEAD "backends: [ref]\n"
                                  "budgets:\n"
                                  "  - metric: latency_p99_ms   # a comment\n"
                                  "    max: 5\n"
                                  "  - {metric: top1, min: 0.9}\n"
                                  "\n"
                                  "# trailing comment\n");
    assert_int_equal(s->budgets.present, 1);
    assert_int_equal(s->budgets.line, 5);
    assert_int_equal(s->budgets.col, 1);
    assert_int_equal(s->budgets.n_entries, 2);
    assert_string_equal(s->budgets.yaml, "budgets:\n"
                                         "  - metric: latency_p99_ms   # a comment\n"
                                         "    max: 5\n"
                                         "  - {metric: top1, min: 0.9}\n");
    eb_scenario_destroy(s);

    s = load_ok(HEAD "budgets: [{metric: a}]\nbackends: [ref]\n");
    assert_string_equal(s->budgets.yaml, "budgets: [{metric: a}]\n");
    assert_int_equal(s->budgets.n_entries, 1);
    eb_scenario_destroy(s);
}

static void test_anchors_and_aliases_are_expanded(void **state)
{
    (void)state;
    eb_scenario *s = load_ok(HEAD "backends:\n"
                                  "  - &fast {name: ref, threads: 2, options: {tile: 8}}\n"
                                  "  - *fast\n");
    assert_int_equal(s->n_backends, 2);
    assert_int_equal(s->backends[1].threads, 2);
    assert_string_equal(s->backends[1].option_values[0], "8");
    eb_scenario_destroy(s);
}

static void test_name_defaults_to_the_file_stem_and_load_reads_files(void **state)
{
    (void)state;
    char msg[1024];
    eb_scenario *s = NULL;
    assert_int_equal(eb_scenario_load(SDIR "/good_sweep.yaml", NULL, 0, NULL, &s, msg, sizeof msg),
                     EB_OK);
    assert_string_equal(msg, "");
    assert_string_equal(s->name, "sweep");
    eb_scenario_destroy(s);
    assert_int_equal(eb_scenario_load(SDIR "/good_minimal.yaml", NULL, 0, NULL, &s, msg, sizeof msg),
                     EB_OK);
    assert_string_equal(s->name, "good_minimal");
    assert_non_null(strstr(s->yaml, "backends: [ref]"));
    eb_scenario_destroy(s);
}

/* ---- the run matrix ---------------------------------------------------------- */

static eb_matrix *expand_ok(const eb_scenario *s)
{
    char msg[512];
    eb_matrix *m = NULL;
    if (eb_scenario_expand(s, &m, msg, sizeof msg) != EB_OK)
        fail_msg("expand failed: %s", msg);
    return m;
}

static void test_sweeps_expand_in_the_documented_order(void **state)
{
    (void)state;
    eb_scenario *s = load_ok("edgebench: 1\n"
                             "model:\n"
                             "  variants: {a: ../models/tiny_conv.onnx, "
                             "b: ../models/tiny_conv_unsorted.onnx}\n"
                             "backends:\n"
                             "  - name: ref\n"
                             "    threads: [1, 2]\n"
                             "    options: {tile: [8, 16], mode: fast}\n"
                             "  - ref\n"
                             "run:\n"
                             "  measure: {iterations: [5, 6, 7]}\n"
                             "  repetitions: 2\n"
                             "conditions: [{name: c1, kind: plain}, {name: c2, kind: plain}]\n");
    assert_int_equal(s->backends[0].n_axes, 2);
    assert_string_equal(s->backends[0].axes[0].key, "threads");
    assert_string_equal(s->backends[0].axes[1].key, "options.tile");
    assert_int_equal(s->n_run_axes, 1);
    assert_string_equal(s->run_axes[0].key, "run.measure.iterations");
    assert_int_equal(s->run_axes[0].n_values, 3);
    assert_int_equal(s->run.measure_iterations, 5); /* the first value */

    eb_matrix *m = expand_ok(s);
    /* backend 0: 2 variants x 2 conditions x (2 threads x 2 tiles x 3 iterations) x 2 reps
     * backend 1: 2 variants x 2 conditions x 3 iterations x 2 reps */
    assert_int_equal(m->n_cells, 2 * 2 * 12 * 2 + 2 * 2 * 3 * 2);
    for (int i = 0; i < m->n_cells; i++) {
        assert_int_equal(m->cells[i].index, i);
        assert_int_equal(m->cells[i].ordinal, i);
    }
    const eb_matrix_cell *c = &m->cells[0];
    assert_string_equal(c->backend, "ref");
    assert_int_equal(c->backend_entry, 0);
    assert_string_equal(c->variant_name, "a");
    assert_string_equal(c->model_path, MODEL);
    assert_int_equal(c->is_reference, 1);
    assert_string_equal(c->condition_name, "c1");
    assert_string_equal(c->condition_kind, "plain");
    assert_int_equal(c->cond->n, 0);
    assert_string_equal(c->cond->kind, "plain");
    assert_string_equal(c->sweep, "threads=1;options.tile=8;run.measure.iterations=5");
    assert_int_equal(c->threads, 1);
    assert_int_equal(c->n_options, 2);
    assert_string_equal(c->option_keys[0], "tile");
    assert_string_equal(c->option_values[0], "8");
    assert_string_equal(c->option_keys[1], "mode");
    assert_string_equal(c->option_values[1], "fast");
    assert_int_equal(c->run.measure_iterations, 5);
    assert_int_equal(c->repetition, 0);
    /* repetition turns fastest, then the last axis */
    assert_int_equal(m->cells[1].repetition, 1);
    assert_string_equal(m->cells[1].sweep, m->cells[0].sweep);
    assert_string_equal(m->cells[2].sweep, "threads=1;options.tile=8;run.measure.iterations=6");
    assert_int_equal(m->cells[2].run.measure_iterations, 6);
    assert_string_equal(m->cells[6].sweep, "threads=1;options.tile=16;run.measure.iterations=5");
    assert_string_equal(m->cells[6].option_values[0], "16");
    assert_string_equal(m->cells[12].sweep, "threads=2;options.tile=8;run.measure.iterations=5");
    assert_int_equal(m->cells[12].threads, 2);
    /* then the condition, then the variant, then the backend entry */
    assert_string_equal(m->cells[24].condition_name, "c2");
    assert_string_equal(m->cells[24].variant_name, "a");
    assert_string_equal(m->cells[48].condition_name, "c1");
    assert_string_equal(m->cells[48].variant_name, "b");
    assert_int_equal(m->cells[48].is_reference, 0);
    const eb_matrix_cell *last0 = &m->cells[95], *first1 = &m->cells[96];
    assert_int_equal(last0->backend_entry, 0);
    assert_string_equal(last0->sweep, "threads=2;options.tile=16;run.measure.iterations=7");
    assert_int_equal(first1->backend_entry, 1);
    assert_int_equal(first1->threads, 1);
    assert_int_equal(first1->n_options, 0);
    assert_string_equal(first1->sweep, "run.measure.iterations=5");
    assert_string_equal(m->cells[m->n_cells - 1].sweep, "run.measure.iterations=7");
    assert_int_equal(m->cells[m->n_cells - 1].repetition, 1);

    /* the matrix owns its strings */
    eb_scenario_destroy(s);
    assert_string_equal(m->cells[95].option_values[0], "16");
    assert_string_equal(m->cells[95].backend, "ref");
    eb_matrix_destroy(m);
}

static void test_unswept_scenario_has_one_cell_per_repetition(void **state)
{
    (void)state;
    eb_scenario *s = load_ok(HEAD "backends: [ref]\nrun: {repetitions: 3}\n");
    eb_matrix *m = expand_ok(s);
    assert_int_equal(m->n_cells, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(m->cells[i].repetition, i);
        assert_string_equal(m->cells[i].sweep, "");
        assert_string_equal(m->cells[i].variant_name, "default");
    }
    eb_matrix_destroy(m);
    eb_scenario_destroy(s);
}

static int *shuffled_ordinals(const char *seed, int *n)
{
    char text[512];
    snprintf(text, sizeof text,
             HEAD "backends: [{name: ref, threads: [1, 2, 3, 4, 5]}]\n"
                  "run: {repetitions: 2, order: shuffled, seed: %s}\n",
             seed);
    eb_scenario *s = load_ok(text);
    eb_matrix *m = expand_ok(s);
    *n = m->n_cells;
    int *ord = malloc(sizeof(int) * (size_t)m->n_cells);
    for (int i = 0; i < m->n_cells; i++) {
        assert_int_equal(m->cells[i].index, i);
        ord[i] = m->cells[i].ordinal;
        /* a cell keeps its own content when moved */
        assert_int_equal(m->cells[i].threads, m->cells[i].ordinal / 2 + 1);
        assert_int_equal(m->cells[i].repetition, m->cells[i].ordinal % 2);
    }
    eb_matrix_destroy(m);
    eb_scenario_destroy(s);
    return ord;
}

static void test_shuffle_is_a_permutation_fixed_by_the_seed(void **state)
{
    (void)state;
    int n, n2, n3;
    int *a = shuffled_ordinals("42", &n), *b = shuffled_ordinals("42", &n2),
        *c = shuffled_ordinals("43", &n3);
    assert_int_equal(n, 10);
    assert_memory_equal(a, b, sizeof(int) * 10);
    assert_memory_not_equal(a, c, sizeof(int) * 10);
    int seen[10] = {0};
    for (int i = 0; i < n; i++)
        seen[a[i]]++;
    for (int i = 0; i < n; i++)
        assert_int_equal(seen[i], 1);
    /* splitmix64 + Fisher-Yates is the same on every platform: pin it */
    static const int golden42[10] = {0, 9, 5, 8, 6, 4, 7, 2, 1, 3};
    assert_memory_equal(a, golden42, sizeof golden42);
    free(a);
    free(b);
    free(c);
}

static void test_too_many_cells_are_refused(void **state)
{
    (void)state;
    /* 1000 thread values x 101 option values = 101000 cells */
    size_t cap = 32768, o = 0;
    char *text = malloc(cap);
    o += (size_t)snprintf(text + o, cap - o, HEAD "backends:\n  - name: ref\n    threads: [");
    for (int i = 1; i <= 1000; i++)
        o += (size_t)snprintf(text + o, cap - o, "%s%d", i > 1 ? ", " : "", i);
    o += (size_t)snprintf(text + o, cap - o, "]\n    options: {x: [");
    for (int i = 0; i <= 100; i++)
        o += (size_t)snprintf(text + o, cap - o, "%s%d", i ? ", " : "", i);
    snprintf(text + o, cap - o, "]}\n");
    eb_scenario *s = load_ok(text);
    free(text);
    eb_matrix *m = (eb_matrix *)1;
    char msg[512];
    assert_int_equal(eb_scenario_expand(s, &m, msg, sizeof msg), EB_ERR_OVERFLOW);
    assert_null(m);
    assert_string_equal(msg, VPATH ": the scenario expands to more than 100000 cells");
    eb_scenario_destroy(s);
}

/* ---- overrides ------------------------------------------------------------------ */

static void test_overrides_set_values_sweeps_and_maps(void **state)
{
    (void)state;
    const char *sets[] = {
        "run.measure.iterations=10",
        "run.isolation=none",
        "backends.0.threads=[1,2]",       /* a bare name becomes {name: ...} */
        "backends[0].options.tile=32",
        "inputs.seed=5",
        "name=renamed",
        "run.measure.iterations=11",      /* the last one wins */
        "backends.1={name: ref, threads: 3}",
    };
    eb_scenario *s = load_ok_sets(HEAD "backends: [ref, ref]\nrun:\n", sets, 8);
    assert_int_equal(s->run.measure_iterations, 11);
    assert_int_equal(s->run.isolation, EB_ISOLATION_NONE);
    assert_int_equal(s->backends[0].n_axes, 1);
    assert_string_equal(s->backends[0].axes[0].key, "threads");
    assert_int_equal(s->backends[0].axes[0].n_values, 2);
    assert_string_equal(s->backends[0].option_keys[0], "tile");
    assert_string_equal(s->backends[0].option_values[0], "32");
    assert_int_equal(s->backends[1].threads, 3);
    assert_int_equal(s->inputs.random.seed, 5);
    assert_string_equal(s->name, "renamed");
    assert_int_equal(s->n_overrides, 8);
    assert_string_equal(s->overrides[1], "run.isolation=none");
    /* the stored text is the file's, before --set */
    assert_null(strstr(s->yaml, "renamed"));
    eb_scenario_destroy(s);
}

static void test_override_paths_are_relative_to_the_working_directory(void **state)
{
    (void)state;
    char old[4096];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir(EB_SOURCE_DIR "/tests/data"), 0);
    const char *set = "model.path=models/tiny_conv.onnx";
    eb_scenario *s = load_ok_sets(HEAD "backends: [ref]\n", &set, 1);
    assert_int_equal(chdir(old), 0);
    assert_string_equal(s->variants[0].resolved_path, MODEL);
    assert_int_equal(s->variants[0].line, 0);
    eb_scenario_destroy(s);
}

static void test_bad_overrides_name_the_set(void **state)
{
    (void)state;
    const char *text = HEAD "backends: [ref]\n";
    expect_set_error(text, "run.mesure.iterations=10",
                     "@: --set run.mesure.iterations=10: unknown key 'mesure' in run (did you "
                     "mean 'measure'?)");
    expect_set_error(text, "run.measure.iterations=abc",
                     "@: --set run.measure.iterations=abc: run.measure.iterations: expected an "
                     "integer, got string 'abc'");
    expect_set_error(text, "run.isolation",
                     "@: --set run.isolation: expected KEY=VALUE, e.g. "
                     "run.measure.iterations=10");
    expect_set_error(text, "backends.2.threads=1",
                     "@: --set backends.2.threads=1: backends has 1 entry: index 2 is out of "
                     "range");
    expect_set_error(text, "backends.ref.threads=1",
                     "@: --set backends.ref.threads=1: backends is a list: 'ref' is not an "
                     "index (e.g. backends.0)");
    expect_set_error(text, "run..seed=1",
                     "@: --set run..seed=1: malformed key path 'run..seed' (use dots and list "
                     "indexes, e.g. backends.0.threads or backends[0].threads)");
    expect_set_error(text, "budgets=[]",
                     "@: --set budgets=[]: budgets cannot be changed with --set (edit the "
                     "scenario file)");
    expect_set_error(text, "run.seed=[1",
                     "@: --set run.seed=[1: value is not valid YAML: malformed YAML: did not "
                     "find expected ',' or ']' (while parsing a flow sequence at line 1, column "
                     "1)");
    expect_set_error(text, "model.path.x=1",
                     "@: --set model.path.x=1: model.path is string '../models/tiny_conv.onnx', "
                     "not a map: it has no key 'x'");
    expect_set_error(text, "edgebench=2",
                     "@: --set edgebench=2: edgebench: unsupported scenario format version 2 "
                     "(this edgebench reads version 1)");
    /* a relative path from --set is relative to the working directory */
    char cwd[4096], want[8192];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(want, sizeof want,
             "@: --set model.path=no_such.onnx: model.path: model file not found: %s/no_such.onnx",
             cwd);
    expect_set_error(text, "model.path=no_such.onnx", want);
}

/* ---- errors ----------------------------------------------------------------------- */

static void test_unknown_keys_suggest_the_nearest_or_list_the_valid_ones(void **state)
{
    (void)state;
    expect_error(HEAD "backends: [ref]\nrun:\n  measure:\n    itertions: 5\n",
                 "@:7:5: unknown key 'itertions' in run.measure (did you mean 'iterations'?)");
    expect_error(HEAD "backends: [ref]\nrun:\n  wormup: {}\n",
                 "@:6:3: unknown key 'wormup' in run (did you mean 'warmup'?)");
    expect_error(HEAD "backends: [ref]\ntelemetry: {power: rapl}\n",
                 "@:5:1: unknown key 'telemetry' (valid keys: edgebench, name, description, "
                 "model, inputs, backends, run, conditions, budgets, metrics, accuracy, outputs)");
    expect_error(HEAD "backends: [{name: ref, thread: 2}]\n",
                 "@:4:24: unknown key 'thread' in backends[0] (did you mean 'threads'?)");
    expect_error(HEAD "backends: [ref]\ninputs: {kind: random, sead: 1}\n",
                 "@:5:24: unknown key 'sead' in inputs (did you mean 'seed'?)");
}

static void test_wrong_types_say_what_was_expected_and_got(void **state)
{
    (void)state;
    expect_error(HEAD "backends: [ref]\nrun: {measure: {iterations: abc}}\n",
                 "@:5:29: run.measure.iterations: expected an integer, got string 'abc'");
    expect_error(HEAD "backends: [ref]\nrun: {measure: {iterations: \"10\"}}\n",
                 "@:5:29: run.measure.iterations: expected an integer, got string '10'");
    expect_error(HEAD "backends: [ref]\nrun: {measure: {iterations: 1.5}}\n",
                 "@:5:29: run.measure.iterations: expected an integer, got number 1.5");
    expect_error(HEAD "backends: [ref]\nrun: {measure: {iterations: }}\n",
                 "@:5:29: run.measure.iterations: expected an integer, got null");
    expect_error(HEAD "backends: [ref]\nrun: {timeout_s: soon}\n",
                 "@:5:18: run.timeout_s: expected a number, got string 'soon'");
    expect_error(HEAD "backends: [ref]\nrun: [1]\n",
                 "@:5:6: run: expected a map, got a list");
    expect_error(HEAD "backends: ref\n", "@:4:11: backends: expected a list, got string 'ref'");
    expect_error(HEAD "backends: [~]\n",
                 "@:4:12: backends[0]: expected a map or a string (its name), got null");
    expect_error(HEAD "backends: [{name: ref, options: {a: {b: 1}}}]\n",
                 "@:4:37: backends[0].options.a: expected a value (string or number), got a map");
    expect_error(HEAD "backends: [ref]\nrun: {order: true}\n",
                 "@:5:14: run.order: unknown value 'true' (valid values: ordered, shuffled)");
}

static void test_values_out_of_range_give_the_range(void **state)
{
    (void)state;
    expect_error(HEAD "backends: [{name: ref, threads: 0}]\n",
                 "@:4:33: backends[0].threads: 0 is out of range (1 to 1024)");
    expect_error(HEAD "backends: [ref]\nrun: {repetitions: 99999999999999999999}\n",
                 "@:5:20: run.repetitions: 99999999999999999999 is out of range (1 to 10000)");
    expect_error(HEAD "backends: [ref]\ninputs: {distribution: normal, std: 0}\n",
                 "@:5:37: inputs.std: 0 is out of range (must be more than 0)");
    expect_error(HEAD "backends: [ref]\nrun: {timeout_s: 0}\n",
                 "@:5:18: run.timeout_s: 0 is out of range (more than 0, at most 604800)");
    expect_error(HEAD "backends: [ref]\nrun: {order: shufled}\n",
                 "@:5:14: run.order: unknown value 'shufled' (did you mean 'shuffled'? valid "
                 "values: ordered, shuffled)");
}

static void test_cross_key_ranges_name_both_keys(void **state)
{
    (void)state;
    expect_error(HEAD "backends: [ref]\nrun:\n  measure: {min_time_ms: 100, max_time_ms: [50, "
                      "500]}\n",
                 "@:6:44: run.measure.max_time_ms: 50 is less than run.measure.min_time_ms "
                 "(100)");
    expect_error(HEAD "backends: [ref]\nrun:\n  measure: {min_time_ms: 20000}\n",
                 "@:6:26: run.measure.min_time_ms: 20000 is more than "
                 "run.measure.max_time_ms (10000, its default)");
    expect_error(HEAD "backends: [ref]\nrun: {timeout_s: 1}\n",
                 "@:5:18: run.timeout_s: 1 s leaves no time to measure: "
                 "run.warmup.min_time_ms + run.measure.min_time_ms = 1100 ms");
    expect_error(HEAD "backends: [ref]\ninputs: {low: 1, high: 1}\n",
                 "@:5:24: inputs.high: must be greater than inputs.low (1, 1)");
    expect_error(HEAD "backends: [ref]\ninputs: {mean: 1}\n",
                 "@:5:10: inputs.mean: applies only to distribution normal (uniform uses low "
                 "and high)");
    expect_error(HEAD "backends: [ref]\ninputs: {distribution: normal, high: 1}\n",
                 "@:5:32: inputs.high: applies only to distribution uniform (normal uses mean "
                 "and std)");
}

static void test_missing_required_keys_are_named(void **state)
{
    (void)state;
    expect_error(HEAD, "@:1:1: missing required key 'backends'");
    expect_error("edgebench: 1\nbackends: [ref]\n", "@:1:1: missing required key 'model'");
    expect_error("edgebench: 1\nbackends: [ref]\nmodel: {reference: x}\n",
                 "@:3:8: model: missing required key 'path' (or 'variants')");
    expect_error(HEAD "backends: [{threads: 2}]\n",
                 "@:4:12: backends[0]: missing required key 'name'");
    expect_error(HEAD "backends: [ref]\nconditions: [{name: a}]\n",
                 "@:5:14: conditions[0]: missing required key 'kind'");
    expect_error(HEAD "backends: []\n", "@:4:11: backends: needs at least one entry");
}

static void test_duplicate_keys_and_names_point_at_the_first(void **state)
{
    (void)state;
    expect_error(HEAD "backends: [ref]\nrun:\n  seed: 1\n  seed: 2\n",
                 "@:7:3: duplicate key 'seed' in run (first at line 6, column 3)");
    expect_error(HEAD "backends: [ref]\nbackends: [ref]\n",
                 "@:5:1: duplicate key 'backends' (first at line 4, column 1)");
    expect_error(HEAD "backends: [ref]\nconditions:\n  - {name: a, kind: plain}\n"
                      "  - {name: a, kind: plain}\n",
                 "@:7:12: conditions[1].name: duplicate condition name 'a' (first at line 6, "
                 "column 12)");
}

static void test_model_errors_name_the_resolved_path_and_variants(void **state)
{
    (void)state;
    expect_error("edgebench: 1\nmodel:\n  path: ../models/nope.onnx\nbackends: [ref]\n",
                 "@:3:9: model.path: model file not found: " EB_SOURCE_DIR
                 "/tests/data/models/nope.onnx");
    expect_error("edgebench: 1\nmodel:\n  path: ../models\nbackends: [ref]\n",
                 "@:3:9: model.path: " EB_SOURCE_DIR
                 "/tests/data/models is a directory, not a model file");
    expect_error("edgebench: 1\nmodel:\n  variants:\n    a: ./x.onnx\nbackends: [ref]\n",
                 "@:4:8: model.variants.a.path: model file not found: " SDIR "/x.onnx");
    expect_error("edgebench: 1\nmodel:\n  variants: {fp32: ../models/tiny_conv.onnx}\n"
                 "  reference: fp23\nbackends: [ref]\n",
                 "@:4:14: model.reference: unknown variant 'fp23' (did you mean 'fp32'? "
                 "variants: fp32)");
    expect_error("edgebench: 1\nmodel:\n  path: ../models/tiny_conv.onnx\n"
                 "  variants: {a: ../models/tiny_conv.onnx}\nbackends: [ref]\n",
                 "@:4:3: model: give either 'path' or 'variants', not both");
    expect_error("edgebench: 1\nmodel:\n  variants: {a b: ../models/tiny_conv.onnx}\n"
                 "backends: [ref]\n",
                 "@:3:14: model.variants: 'a b' is not a valid name (1 to 63 letters, digits, "
                 "'_', '-', '.', '+')");
    expect_error("edgebench: 1\nmodel:\n  variants: {}\nbackends: [ref]\n",
                 "@:3:13: model.variants: needs at least one entry");
}

static void test_unknown_backend_lists_the_known_ones(void **state)
{
    (void)state;
    char want[2048];
    snprintf(want, sizeof want,
             "@:4:17: backends[1]: unknown backend 'refx' (did you mean 'ref'? known backends: "
             "%s)",
             known_backends());
    expect_error(HEAD "backends: [ref, refx]\n", want);
    snprintf(want, sizeof want,
             "@:4:19: backends[0]: unknown backend 'tflite-gpu' (known backends: %s)",
             known_backends());
    expect_error(HEAD "backends: [{name: tflite-gpu}]\n", want);
}

static void test_lists_only_sweep_where_allowed(void **state)
{
    (void)state;
    char want[1024];
    snprintf(want, sizeof want,
             "@:5:20: run.repetitions: expected an integer, got a list (a list sweeps only %s)",
             eb_schema_sweep_keys());
    expect_error(HEAD "backends: [ref]\nrun: {repetitions: [1, 2]}\n", want);
    assert_string_equal(eb_schema_sweep_keys(),
                        "inputs.batch, backends[].threads, backends[].options.*, run.warmup.iterations, "
                        "run.warmup.min_time_ms, run.measure.iterations, "
                        "run.measure.min_time_ms, run.measure.max_time_ms, "
                        "conditions[] parameters of a kind");
    expect_error(HEAD "backends: [{name: ref, threads: []}]\n",
                 "@:4:33: backends[0].threads: empty sweep list (give at least one value)");
    expect_error(HEAD "backends: [{name: ref, threads: [1, 2, 1]}]\n",
                 "@:4:40: backends[0].threads: sweep value 1 is listed twice");
    expect_error(HEAD "backends: [{name: ref, threads: [1, x]}]\n",
                 "@:4:37: backends[0].threads: expected an integer, got string 'x'");
}

static void test_unknown_kinds_list_the_valid_kinds(void **state)
{
    (void)state;
    expect_error(HEAD "backends: [ref]\ninputs: {kind: datasets, file: x.npz}\n",
                 "@:5:16: inputs.kind: unknown kind 'datasets' (did you mean 'dataset'? valid "
                 "kinds: random, dataset)");
    expect_error(HEAD "backends: [ref]\nconditions: [{name: hot, kind: sauna}]\n",
                 "@:5:32: conditions[0].kind: unknown kind 'sauna' (valid kinds: plain, noise, "
                 "salt_pepper, dead_pixels, brightness, contrast, bit_depth, blur, occlusion, "
                 "rotate, translate, soak, cooldown, throttle, background_load)");
    expect_error(HEAD "backends: [ref]\nconditions: [{name: n, kind: plain, sigma: 1}]\n",
                 "@:5:37: unknown key 'sigma' in conditions[0] (valid keys: name, kind)");
}

static void test_version_malformed_yaml_and_shape_errors_stop_early(void **state)
{
    (void)state;
    expect_error("edgebench: 2\nmodel: 5\n",
                 "@:1:12: edgebench: unsupported scenario format version 2 (this edgebench "
                 "reads version 1)");
    expect_error("# a comment\nmodel: {}\n",
                 "@:2:1: missing required key 'edgebench' (the scenario format version: start "
                 "the file with 'edgebench: 1')");
    expect_error("edgebench: one\n",
                 "@:1:12: edgebench: expected an integer (the scenario format version), got "
                 "string 'one'");
    expect_error("edgebench: 1\nmodel:\n  path: a\n   backends: [ref]\n",
                 "@:4:12: malformed YAML: mapping values are not allowed in this context");
    expect_error("edgebench: 1\nbackends: [ref\n",
                 "@:3:1: malformed YAML: did not find expected ',' or ']' (while parsing a flow "
                 "sequence at line 2, column 11)");
    expect_error("edgebench: 1\nrun: *nothing\n", "@:2:6: unknown alias '*nothing'");
    expect_error("", "@: the scenario is empty (start it with 'edgebench: 1', then its keys; see "
                     "docs/scenarios.md)");
    expect_error("- a\n", "@:1:1: expected a map of scenario keys at the top level, got a list");
    expect_error("edgebench: 1\n---\nedgebench: 1\n",
                 "@:2:1: a scenario is one YAML document, but a second one starts here");
    expect_error("edgebench: 1\n[a]: 1\n", "@:2:1: a key must be a plain string, not a map or "
                                           "a list");
}

static void test_budgets_must_be_a_list_of_maps(void **state)
{
    (void)state;
    expect_error(HEAD "backends: [ref]\nbudgets: {p99: 5}\n",
                 "@:5:10: budgets: expected a list of maps, got a map");
    expect_error(HEAD "backends: [ref]\nbudgets: [{p99: 5}, 3]\n",
                 "@:5:21: budgets[1]: expected a map, got integer 3");
}

static void test_all_errors_are_reported_in_file_order(void **state)
{
    (void)state;
    char backend[1200];
    snprintf(backend, sizeof backend, "@:6:5: backends[0]: unknown backend 'nope' (known "
                                      "backends: %s)",
             known_backends());
    const char *const want[] = {
        "@:3:9: model.path: model file not found: " SDIR "/missing.onnx",
        "@:4:9: inputs: expected a map, got integer 3",
        backend,
        "@:8:3: unknown key 'repetition' in run (did you mean 'repetitions'?)",
        "@:9:14: run.isolation: unknown value 'fork' (valid values: process, none)",
    };
    /* the run section first in the file, still reported last */
    expect_errors_sets("edgebench: 1\nmodel:\n  path: missing.onnx\n"
                       "inputs: 3\n"
                       "backends:\n"
                       "  - nope\n"
                       "run:\n"
                       "  repetition: 2\n"
                       "  isolation: fork\n",
                       NULL, 0, want, 5);
}

static void test_errors_are_capped_and_counted(void **state)
{
    (void)state;
    char text[4096];
    size_t o = (size_t)snprintf(text, sizeof text, HEAD "backends: [ref]\n");
    for (int i = 0; i < 25; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "bogus%d: 1\n", i);
    eb_scenario *s = NULL;
    assert_int_equal(load(text, NULL, 0, &s), EB_ERR_FORMAT);
    assert_int_equal(errs.n, EB_SCENARIO_MAX_ERRORS);
    assert_int_equal(errs.total, 25);
    assert_int_equal(errs.items[0].line, 5);
    assert_int_equal(errs.items[0].col, 1);
    assert_string_equal(errs.items[19].message,
                        "unknown key 'bogus19' (valid keys: edgebench, name, description, "
                        "model, inputs, backends, run, conditions, budgets, metrics, accuracy, outputs)");
    char msg[8192];
    eb_scenario_errors_format(&errs, msg, sizeof msg);
    const char *last = strrchr(msg, '\n');
    assert_string_equal(last, "\n... and 5 more errors");
    char first[256];
    snprintf(first, sizeof first, "%s:5:1: unknown key 'bogus0' (", VPATH);
    assert_int_equal(strncmp(msg, first, strlen(first)), 0);
}

static void test_load_from_a_file_formats_errors_into_msg(void **state)
{
    (void)state;
    char msg[2048];
    eb_scenario *s = (eb_scenario *)1;
    assert_int_equal(eb_scenario_load(SDIR "/bad_unknown_key.yaml", NULL, 0, NULL, &s, msg,
                                      sizeof msg),
                     EB_ERR_FORMAT);
    assert_null(s);
    assert_string_equal(msg, SDIR "/bad_unknown_key.yaml:7:5: unknown key 'itertions' in "
                                  "run.measure (did you mean 'iterations'?)");
    assert_int_equal(eb_scenario_load(SDIR "/no_such.yaml", NULL, 0, NULL, &s, msg, sizeof msg),
                     EB_ERR_IO);
    assert_string_equal(msg, SDIR "/no_such.yaml: cannot open the scenario: No such file or "
                                  "directory");
    /* a message that does not fit is cut at a line, saying how many are left */
    assert_int_equal(eb_scenario_load(SDIR "/bad_many.yaml", NULL, 0, NULL, &s, msg, 150),
                     EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "inputs.kind: unknown kind 'images'"));
    assert_non_null(strstr(msg, "\n... and 3 more errors"));
}

/* ---- pieces ------------------------------------------------------------------------ */

static void test_edit_distance_counts_typos(void **state)
{
    (void)state;
    assert_int_equal(eb_edit_distance("iterations", "iterations"), 0);
    assert_int_equal(eb_edit_distance("itertions", "iterations"), 1);
    assert_int_equal(eb_edit_distance("itreations", "iterations"), 1); /* transposition */
    assert_int_equal(eb_edit_distance("Iterations", "iterations"), 0);
    assert_int_equal(eb_edit_distance("", "abc"), 3);
    assert_int_equal(eb_edit_distance("kitten", "sitting"), 3);
    const char *const keys[] = {"iterations", "min_time_ms", "max_time_ms"};
    assert_string_equal(eb_key_suggest("iteration", keys, 3), "iterations");
    assert_string_equal(eb_key_suggest("max_time", keys, 3), "max_time_ms");
    assert_null(eb_key_suggest("seed", keys, 3));
}

/* run.load: single_stream by default, a bare kind is the kind with its
 * defaults, each pattern's keys only under its kind, and a search needs a
 * bound and time for its trials. */
static void test_run_load_patterns_and_their_checks(void **state)
{
    (void)state;
    eb_scenario *s = load_ok(HEAD "backends: [ref]\n");
    assert_int_equal(s->run.load.pattern, EB_PATTERN_SINGLE_STREAM);
    eb_scenario_destroy(s);
    s = load_ok(HEAD "backends: [ref]\nrun: {load: offline}\n");
    assert_int_equal(s->run.load.pattern, EB_PATTERN_OFFLINE);
    assert_int_equal(s->run.load.batch, 1);
    eb_scenario_destroy(s);
    s = load_ok(HEAD "backends: [ref]\nrun: {load: {kind: multi_stream, interval_ms: 2.5}}\n");
    assert_int_equal(s->run.load.pattern, EB_PATTERN_MULTI_STREAM);
    assert_int_equal(s->run.load.samples_per_query, 8);
    assert_true(s->run.load.interval_ms == 2.5);
    eb_scenario_destroy(s);
    s = load_ok(HEAD "backends: [ref]\nrun:\n  load: {kind: server, target_qps: 250, duration_s: 2,"
                     " latency_bound_ms: 15, search: true, max_trials: 5}\n");
    const eb_run_load *l = &s->run.load;
    assert_int_equal(l->pattern, EB_PATTERN_SERVER);
    assert_true(l->target_qps == 250 && l->duration_s == 2 && l->latency_bound_ms == 15);
    assert_int_equal(l->search, 1);
    assert_int_equal(l->max_trials, 5);
    eb_scenario_destroy(s);
    /* inputs.batch: the symbolic dimensions' value, for either kind of inputs */
    s = load_ok(HEAD "backends: [ref]\n");
    assert_int_equal(s->inputs.batch, 1);
    eb_scenario_destroy(s);
    s = load_ok(HEAD "inputs: {batch: 8}\nbackends: [ref]\nrun: {load: offline}\n");
    assert_int_equal(s->inputs.batch, 8);
    eb_scenario_destroy(s);
    s = load_ok(HEAD "inputs: {kind: dataset, path: ../fashion/t100.h5, batch: 4}\n"
                     "backends: [ref]\n");
    assert_int_equal(s->inputs.batch, 4);
    eb_scenario_destroy(s);
    expect_error(HEAD "backends: [ref]\nrun: {load: {kind: offline, target_qps: 3}}\n",
                 "@:5:29: unknown key 'target_qps' in run.load (valid keys: kind, batch)");
    expect_error(HEAD "backends: [ref]\nrun: {load: {kind: server, search: true}}\n",
                 "@:5:36: run.load.search: a search needs run.load.latency_bound_ms > 0");
    expect_error(HEAD "backends: [ref]\nrun: {timeout_s: 30, load: {kind: server, duration_s: 20}}\n",
                 "@:5:55: run.load.duration_s: 20 s x 1 trial(s), each with its drain (twice the "
                 "window), may take 40 s: more than run.timeout_s (30 s)");
}

static int doc_has(const char *doc, const char *path)
{
    char needle[300];
    snprintf(needle, sizeof needle, "`%s`", path);
    return strstr(doc, needle) != NULL;
}

static void check_documented(void *arg, const char *path, const eb_key *k, const eb_kind *kind)
{
    (void)k;
    (void)kind;
    if (!doc_has(arg, path))
        fail_msg("docs/scenarios.md does not document `%s`", path);
}

static void test_every_key_is_documented(void **state)
{
    (void)state;
    FILE *f = fopen(EB_SOURCE_DIR "/docs/scenarios.md", "rb");
    assert_non_null(f);
    static char doc[1 << 17];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    eb_schema_visit(check_documented, doc);
    assert_true(doc_has(doc, "model.variants.*.path"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_scenario_gets_every_default),
        cmocka_unit_test(test_every_section_is_read),
        cmocka_unit_test(test_budgets_keep_their_text_and_line),
        cmocka_unit_test(test_anchors_and_aliases_are_expanded),
        cmocka_unit_test(test_name_defaults_to_the_file_stem_and_load_reads_files),
        cmocka_unit_test(test_sweeps_expand_in_the_documented_order),
        cmocka_unit_test(test_unswept_scenario_has_one_cell_per_repetition),
        cmocka_unit_test(test_shuffle_is_a_permutation_fixed_by_the_seed),
        cmocka_unit_test(test_too_many_cells_are_refused),
        cmocka_unit_test(test_overrides_set_values_sweeps_and_maps),
        cmocka_unit_test(test_override_paths_are_relative_to_the_working_directory),
        cmocka_unit_test(test_bad_overrides_name_the_set),
        cmocka_unit_test(test_unknown_keys_suggest_the_nearest_or_list_the_valid_ones),
        cmocka_unit_test(test_wrong_types_say_what_was_expected_and_got),
        cmocka_unit_test(test_values_out_of_range_give_the_range),
        cmocka_unit_test(test_cross_key_ranges_name_both_keys),
        cmocka_unit_test(test_missing_required_keys_are_named),
        cmocka_unit_test(test_duplicate_keys_and_names_point_at_the_first),
        cmocka_unit_test(test_model_errors_name_the_resolved_path_and_variants),
        cmocka_unit_test(test_unknown_backend_lists_the_known_ones),
        cmocka_unit_test(test_lists_only_sweep_where_allowed),
        cmocka_unit_test(test_unknown_kinds_list_the_valid_kinds),
        cmocka_unit_test(test_version_malformed_yaml_and_shape_errors_stop_early),
        cmocka_unit_test(test_budgets_must_be_a_list_of_maps),
        cmocka_unit_test(test_all_errors_are_reported_in_file_order),
        cmocka_unit_test(test_errors_are_capped_and_counted),
        cmocka_unit_test(test_load_from_a_file_formats_errors_into_msg),
        cmocka_unit_test(test_edit_distance_counts_typos),
        cmocka_unit_test(test_every_key_is_documented),
        cmocka_unit_test(test_run_load_patterns_and_their_checks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
