/* The condition table and the typed condition value (harness/conditions/):
 * the table's rows stay inside the value's bounds, the accessors, the
 * display text, the old text form (a results file's: hostile), and the
 * cell job's typed lines carrying every number exactly. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness/conditions/condition.h"
#include "harness/conditions/condition_table.h"
#include "harness/run/cell.h"

static void test_table_rows_fit_the_value_bounds(void **state)
{
    (void)state;
    int kinds = 0;
    for (const eb_condition_kind *k = eb_condition_kinds; k->name; k++, kinds++) {
        assert_true(strlen(k->name) < EB_CONDITION_KEY_MAX);
        int n = 0;
        for (const eb_cparam_def *d = k->params; d->name; d++, n++) {
            assert_true(strlen(d->name) < EB_CONDITION_KEY_MAX);
            /* "kind" names the group's kind attribute in the results file */
            assert_string_not_equal(d->name, "kind");
            if (d->type == EB_CP_STR)
                assert_true(d->maxlen < EB_CONDITION_STR_MAX);
            if (d->type == EB_CP_ENUM) {
                assert_non_null(d->choices);
                for (const char *const *c = d->choices; *c; c++)
                    assert_true(strlen(*c) < EB_CONDITION_STR_MAX);
            }
            if (d->type == EB_CP_NUM && !(d->flags & EB_CP_REQUIRED))
                assert_true(d->def_num >= d->fmin && d->def_num <= d->fmax);
            if (d->type == EB_CP_INT)
                assert_true(d->def_int >= d->imin && d->def_int <= d->imax);
            assert_ptr_equal(eb_condition_kind_param(k, d->name), d);
        }
        assert_true(n <= EB_CONDITION_MAX_PARAMS);
        assert_ptr_equal(eb_condition_kind_find(k->name), k);
    }
    assert_int_equal(kinds, 15);
    assert_null(eb_condition_kind_find("fog"));
    assert_null(eb_condition_kind_param(eb_condition_kind_find("noise"), "fraction"));
}

static void test_values_are_typed_by_the_table(void **state)
{
    (void)state;
    char msg[256];
    eb_condition c;
    eb_condition_init(&c, "noise");
    assert_int_equal(eb_condition_set_text(&c, "sigma", "0.1", msg, sizeof msg), EB_OK);
    assert_int_equal(eb_condition_set_text(&c, "seed", "3", msg, sizeof msg), EB_OK);
    assert_int_equal(eb_condition_set_text(&c, "drift.shape", "step", msg, sizeof msg), EB_OK);
    assert_int_equal(c.params[0].type, EB_CP_NUM);
    assert_int_equal(c.params[1].type, EB_CP_INT);
    assert_int_equal(c.params[2].type, EB_CP_ENUM);
    double v = 0;
    int64_t i = 0;
    assert_int_equal(eb_condition_number(&c, "sigma", &v), 1);
    assert_true(v == 0.1);
    assert_int_equal(eb_condition_number(&c, "seed", &v), 1); /* an integer is a number too */
    assert_true(v == 3);
    assert_int_equal(eb_condition_integer(&c, "seed", &i), 1);
    assert_int_equal(i, 3);
    assert_int_equal(eb_condition_number(&c, "drift.shape", &v), 0);
    assert_string_equal(eb_condition_string(&c, "drift.shape", "x"), "step");
    assert_string_equal(eb_condition_string(&c, "blur", "none"), "none");
    /* setting again replaces */
    assert_int_equal(eb_condition_set_text(&c, "sigma", "0.2", msg, sizeof msg), EB_OK);
    assert_int_equal(c.n, 3);
    /* out of range, wrong type, unknown key, control characters: refused */
    assert_int_equal(eb_condition_set_text(&c, "sigma", "-1", msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "bad value '-1' for 'sigma'"));
    assert_int_equal(eb_condition_set_text(&c, "seed", "1.5", msg, sizeof msg), EB_ERR_FORMAT);
    assert_int_equal(eb_condition_set_text(&c, "sigma", "nan", msg, sizeof msg), EB_ERR_FORMAT);
    assert_int_equal(eb_condition_set_text(&c, "p", "0.1", msg, sizeof msg), EB_ERR_FORMAT);
    assert_non_null(strstr(msg, "has no parameter 'p'"));
    eb_condition_init(&c, "cooldown");
    assert_int_equal(eb_condition_set_text(&c, "sensor", "a\nb", msg, sizeof msg), EB_ERR_FORMAT);
    /* defaults come from the table */
    assert_true(eb_condition_num(&c, "below_c") == 50);
}

static void test_text_is_key_value_in_table_order_shortest_numbers(void **state)
{
    (void)state;
    char msg[256], buf[EB_CONDITION_TEXT_MAX];
    eb_condition c;
    assert_int_equal(eb_condition_parse_text(&c, "noise",
                                             "sigma=0.10;seed=1;drift.param=sigma;drift.from=0.0;"
                                             "drift.to=0.4;drift.shape=linear;drift.at=0",
                                             msg, sizeof msg),
                     EB_OK);
    size_t n = eb_condition_text(&c, buf, sizeof buf);
    assert_string_equal(buf, "sigma=0.1;seed=1;drift.param=sigma;drift.from=0;drift.to=0.4;"
                             "drift.shape=linear;drift.at=0");
    assert_int_equal(n, strlen(buf));
    /* cut like snprintf, the whole length still reported */
    char small[8];
    assert_int_equal(eb_condition_text(&c, small, sizeof small), n);
    assert_string_equal(small, "sigma=0");
    eb_condition_init(&c, "plain");
    assert_int_equal(eb_condition_text(&c, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

/* A results file's old text form: numbers where they read as one, bounded,
 * and what is not key=value refused with a message. */
static void test_old_text_form_is_bounded(void **state)
{
    (void)state;
    char msg[256];
    eb_condition c;
    assert_int_equal(eb_condition_parse_text(&c, "", "sigma=0.1;method=signal", msg, sizeof msg),
                     EB_OK);
    double v;
    assert_int_equal(eb_condition_number(&c, "sigma", &v), 1);
    assert_true(v == 0.1);
    assert_string_equal(eb_condition_string(&c, "method", ""), "signal");
    assert_int_equal(eb_condition_parse_text(&c, "", "", msg, sizeof msg), EB_OK);
    assert_int_equal(c.n, 0);
    const char *bad[] = {"sigma", "=1", "sigma=0.1;;seed=1", "sigma=0.1;junk"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(eb_condition_parse_text(&c, "", bad[i], msg, sizeof msg), EB_ERR_FORMAT);
    char long_text[400];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    long_text[2] = '=';
    assert_int_equal(eb_condition_parse_text(&c, "", long_text, msg, sizeof msg), EB_ERR_FORMAT);
    char many[512] = "";
    for (int i = 0; i <= EB_CONDITION_MAX_PARAMS; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%sk%d=1", i ? ";" : "", i);
    assert_int_equal(eb_condition_parse_text(&c, "", many, msg, sizeof msg), EB_ERR_FORMAT);
}

/* The cell job's lines: every number comes back bit for bit, integers and
 * text as they were. */
static void test_wire_round_trip_is_exact(void **state)
{
    (void)state;
    eb_cell_job *w = calloc(1, sizeof *w), *r = calloc(1, sizeof *r);
    assert_non_null(w);
    assert_non_null(r);
    eb_condition_init(&w->cond, "noise");
    eb_condition_set_num(&w->cond, "sigma", 1.0 / 3.0);
    eb_condition_set_int(&w->cond, "seed", INT64_MAX);
    eb_condition_set_str(&w->cond, "drift.param", EB_CP_STR, "sigma");
    eb_condition_set_num(&w->cond, "drift.from", 1e-300);
    eb_condition_set_num(&w->cond, "drift.to", 0.30000000000000004);
    eb_condition_set_str(&w->cond, "drift.shape", EB_CP_ENUM, "step");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    eb_cell_job_write_inputs(f, w);
    fclose(f);
    assert_non_null(strstr(text, "cond_kind=noise\ncond.sigma=0.33333333333333331\n"));
    char msg[256] = "";
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        assert_non_null(eq);
        *eq = '\0';
        assert_true(eb_cell_job_read_inputs(line, eq + 1, r, msg, sizeof msg) >= 0);
    }
    assert_true(eb_condition_equal(&w->cond, &r->cond));
    /* a typed line the table refuses stops the job */
    assert_int_equal(eb_cell_job_read_inputs("cond.sigma", "loud", r, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "sigma"));
    free(text);
    free(w);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_rows_fit_the_value_bounds),
        cmocka_unit_test(test_values_are_typed_by_the_table),
        cmocka_unit_test(test_text_is_key_value_in_table_order_shortest_numbers),
        cmocka_unit_test(test_old_text_form_is_bounded),
        cmocka_unit_test(test_wire_round_trip_is_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
