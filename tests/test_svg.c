/* SVG charts (reports/svg.h, reports/plot.h) and the HTML report: marks land
 * where the data says, every chart draws from real cells, and a chart with
 * nothing to show says why instead of drawing zeros. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports/plot.h"
#include "reports/render.h"
#include "reports/svg.h"
#include "tests/data/gate/fixture_runs.h"

typedef struct out {
    char *buf;
    size_t len;
    FILE *f;
} out;

static void open_out(out *o) { o->f = open_memstream(&o->buf, &o->len); }
static void close_out(out *o) { fclose(o->f); }

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void test_axes_map_data_to_the_plot_area(void **state)
{
    (void)state;
    out o;
    open_out(&o);
    eb_svg_chart c;
    eb_svg_begin(&c, o.f, 600, 400, "t <&>", (eb_svg_axis){0, 10, 0, "x"},
                 (eb_svg_axis){1, 1000, 1, "y"}, NULL, 1);
    assert_true(fabs(eb_svg_px(&c, 0) - c.left) < 1e-9);
    assert_true(fabs(eb_svg_px(&c, 10) - c.right) < 1e-9);
    assert_true(fabs(eb_svg_px(&c, 5) - (c.left + c.right) / 2) < 1e-9);
    /* log axis: 10 and 100 split the decades evenly */
    assert_true(fabs(eb_svg_py(&c, 10) - (c.bottom - (c.bottom - c.top) / 3)) < 1e-9);
    /* out-of-range values are clamped to the frame */
    assert_true(eb_svg_px(&c, 50) == c.right);
    eb_svg_end(&c);
    close_out(&o);
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"";
    assert_true(strncmp(o.buf, head, strlen(head)) == 0);
    assert_non_null(strstr(o.buf, "<title>t &lt;&amp;&gt;</title>"));
    assert_non_null(strstr(o.buf, ">1000</text>"));
    assert_non_null(strstr(o.buf, ">100</text>"));
    assert_non_null(strstr(o.buf, "</svg>\n"));
    free(o.buf);
}

static void test_a_degenerate_range_is_widened_and_a_bad_log_axis_falls_back(void **state)
{
    (void)state;
    out o;
    open_out(&o);
    eb_svg_chart c;
    eb_svg_begin(&c, o.f, 600, 400, "t", (eb_svg_axis){5, 5, 0, "x"}, (eb_svg_axis){0, 10, 1, "y"},
                 NULL, 0);
    assert_true(c.x.lo < 5 && c.x.hi > 5);
    assert_int_equal(c.y.log, 0);
    eb_svg_end(&c);
    close_out(&o);
    assert_null(strstr(o.buf, "<?xml"));
    free(o.buf);
}

static const fx_run cells3[3] = {
    {.variant = "fp32", .cell_index = 0, .median_ns = 1e6, .spread = 0.1, .n = 300},
    {.variant = "int8", .cell_index = 1, .median_ns = 4e5, .spread = 0.1, .n = 300},
    {.variant = "fp32", .device = "other", .cell_index = 0, .median_ns = 2e6, .spread = 0.1, .n = 300},
};

static void test_cdf_draws_one_line_per_cell_with_samples(void **state)
{
    (void)state;
    fx_run runs[4] = {cells3[0], cells3[1], cells3[2], {.variant = "q", .status = EB_RUN_CRASHED}};
    eb_results *r = fx_results("r.h5", runs, 4, 3);
    eb_cells *cs;
    assert_int_equal(eb_cells_build(r, &cs), 0);
    eb_plot_input in = {.results = r, .cells = cs};
    out o;
    open_out(&o);
    char why[128] = "";
    assert_int_equal(eb_plot_latency_cdf(o.f, &in, why, sizeof why), 1);
    close_out(&o);
    assert_int_equal(count(o.buf, "<polyline class=\"eb-series\""), 3);
    assert_non_null(strstr(o.buf, "board/ref/int8/plain threads=1"));
    free(o.buf);
    /* one chart, a timeline panel per cell with samples */
    open_out(&o);
    assert_int_equal(eb_plot_latency_timeline(o.f, &in, why, sizeof why), 1);
    close_out(&o);
    assert_int_equal(count(o.buf, "<svg "), 1);
    assert_int_equal(count(o.buf, "<g class=\"eb-panel\">"), 3);
    assert_null(strstr(o.buf, "temperature")); /* none recorded: no sensor axis */
    free(o.buf);
    eb_cells_free(cs);
    fx_free(r);
}

static void test_timelines_stop_at_the_cap_and_say_how_many_are_left(void **state)
{
    (void)state;
    enum { N = EB_PLOT_MAX_TIMELINES + 6 };
    fx_run runs[N];
    for (int i = 0; i < N; i++)
        runs[i] = (fx_run){.cell_index = i, .median_ns = 1e5, .spread = 0.1, .n = 20};
    eb_results *r = fx_results("r.h5", runs, N, 3);
    eb_cells *cs;
    assert_int_equal(eb_cells_build(r, &cs), 0);
    assert_int_equal(cs->n, N); /* same key, other matrix positions: #2, #3, ... */
    eb_plot_input in = {.results = r, .cells = cs};
    out o;
    open_out(&o);
    char why[256] = "";
    assert_int_equal(eb_plot_latency_timeline(o.f, &in, why, sizeof why), 1);
    close_out(&o);
    assert_int_equal(count(o.buf, "<g class=\"eb-panel\">"), EB_PLOT_MAX_TIMELINES);
    assert_non_null(strstr(why, "drawn for the first 24 cells; 6 more have samples"));
    free(o.buf);
    eb_cells_free(cs);
    fx_free(r);
}

static void test_charts_without_data_say_why_and_draw_nothing(void **state)
{
    (void)state;
    fx_run runs[1] = {{.status = EB_RUN_CRASHED}};
    eb_results *r = fx_results("r.h5", runs, 1, 3);
    eb_cells *cs;
    assert_int_equal(eb_cells_build(r, &cs), 0);
    eb_plot_input in = {.results = r, .cells = cs};
    int n;
    const eb_plot_kind *k = eb_plot_kinds(&n);
    assert_int_equal(n, 7);
    for (int i = 0; i < n; i++) {
        out o;
        open_out(&o);
        char why[128] = "";
        assert_int_equal(k[i].draw(o.f, &in, why, sizeof why), 0);
        close_out(&o);
        assert_int_equal(o.len, 0);
        assert_true(strlen(why) > 10);
        free(o.buf);
    }
    eb_cells_free(cs);
    fx_free(r);
}

static void test_tradeoff_without_accuracy_plots_size_and_says_so(void **state)
{
    (void)state;
    eb_results *r = fx_results("r.h5", cells3, 3, 3);
    eb_cells *cs;
    assert_int_equal(eb_cells_build(r, &cs), 0);
    eb_plot_input in = {.results = r, .cells = cs};
    out o;
    open_out(&o);
    char why[128];
    assert_int_equal(eb_plot_tradeoff(o.f, &in, why, sizeof why), 1);
    close_out(&o);
    assert_non_null(strstr(o.buf, "accuracy not measured"));
    assert_int_equal(count(o.buf, "class=\"eb-point\""), 3);
    assert_non_null(strstr(o.buf, ">other · plain</text>")); /* a panel per device */
    free(o.buf);
    eb_cells_free(cs);
    /* with top-1 on two cells, only those two are placed */
    eb_run_record_set_metric(&r->runs[0], "top1", 0.9);
    eb_run_record_set_metric(&r->runs[1], "top1", 0.8);
    assert_int_equal(eb_cells_build(r, &cs), 0);
    in.cells = cs;
    open_out(&o);
    assert_int_equal(eb_plot_tradeoff(o.f, &in, why, sizeof why), 1);
    close_out(&o);
    assert_null(strstr(o.buf, "accuracy not measured"));
    assert_int_equal(count(o.buf, "class=\"eb-point\""), 2);
    free(o.buf);
    eb_cells_free(cs);
    fx_free(r);
}

static void test_roofline_needs_flops_and_the_device_peak(void **state)
{
    (void)state;
    eb_results *r = fx_results("r.h5", cells3, 2, 3);
    eb_cells *cs;
    eb_plot_input in = {.results = r};
    out o;
    char why[128];
    eb_run_record_set_metric(&r->runs[0], "flops_per_inference", 2e6);
    assert_int_equal(eb_cells_build(r, &cs), 0);
    in.cells = cs;
    open_out(&o);
    assert_int_equal(eb_plot_roofline(o.f, &in, why, sizeof why), 0);
    close_out(&o);
    assert_string_equal(why, "no device of these cells records its peak (peak_gflops_fp32)");
    free(o.buf);
    eb_cells_free(cs);
    /* a device with a peak of 10 GFLOP/s: 2e6 FLOPs in 1 ms = 2 GFLOP/s = 20% */
    eb_results_kv kv[2] = {{"peak_gflops_fp32", "10"}, {"tags", "ci"}};
    eb_results_device dev = {"board", 2, kv};
    r->devices = &dev;
    assert_int_equal(eb_cells_build(r, &cs), 0);
    in.cells = cs;
    double a, p;
    assert_int_equal(eb_plot_efficiency(r, &cs->cells[0], &a, &p), 1);
    assert_true(fabs(a - 2.0) < 0.05 && p == 10);
    assert_int_equal(eb_plot_efficiency(r, &cs->cells[1], &a, &p), 0); /* no FLOPs recorded */
    open_out(&o);
    assert_int_equal(eb_plot_roofline(o.f, &in, why, sizeof why), 1);
    close_out(&o);
    assert_non_null(strstr(o.buf, "board peak 10 GFLOP/s"));
    const char *lab = strstr(o.buf, "class=\"eb-label\"");
    assert_non_null(lab);
    lab = strchr(lab, '>');
    assert_true(fabs(atof(lab + 1) - 20.0) < 1.0); /* "% of peak" beside the point */
    free(o.buf);
    eb_cells_free(cs);
    fx_free(r);
}

static void test_accuracy_severity_follows_the_swept_condition_parameter(void **state)
{
    (void)state;
    fx_run runs[3];
    for (int i = 0; i < 3; i++)
        runs[i] = (fx_run){.condition = "noise", .cell_index = i, .median_ns = 1e6, .spread = 0.1, .n = 50};
    eb_results *r = fx_results("r.h5", runs, 3, 3);
    const double sigma[3] = {0.1, 0.4, 0.2}, top1[3] = {0.9, 0.6, 0.8};
    for (int i = 0; i < 3; i++) {
        eb_condition_init(&r->runs[i].cond, "noise");
        eb_condition_set_int(&r->runs[i].cond, "seed", 1);
        eb_condition_set_num(&r->runs[i].cond, "sigma", sigma[i]);
        snprintf(r->runs[i].sweep, sizeof r->runs[i].sweep, "sigma=%g", sigma[i]);
        eb_run_record_set_metric(&r->runs[i], "top1", top1[i]);
    }
    eb_cells *cs;
    assert_int_equal(eb_cells_build(r, &cs), 0);
    eb_plot_input in = {.results = r, .cells = cs};
    out o;
    open_out(&o);
    char why[128];
    assert_int_equal(eb_plot_accuracy_severity(o.f, &in, why, sizeof why), 1);
    close_out(&o);
    assert_non_null(strstr(o.buf, "noise: top-1 against sigma"));
    assert_int_equal(count(o.buf, "<circle class=\"eb-point\""), 3);
    /* the line joins the points in order of sigma: 0.1, 0.2, 0.4 */
    const char *pl = o.buf;
    int segments = 0;
    while ((pl = strstr(pl, "<polyline class=\"eb-series\""))) {
        double x1, y1, x2, y2;
        pl = strstr(pl, "points=\"") + 8;
        assert_int_equal(sscanf(pl, "%lf,%lf %lf,%lf", &x1, &y1, &x2, &y2), 4);
        assert_true(x1 < x2 && y1 < y2); /* larger y px = lower top-1 */
        segments++;
    }
    assert_int_equal(segments, 2);
    free(o.buf);
    eb_cells_free(cs);
    fx_free(r);
}

static void test_html_report_is_self_contained_with_inline_charts(void **state)
{
    (void)state;
    fx_run runs[4] = {cells3[0], cells3[1], cells3[2], {.variant = "q", .cell_index = 2, .status = EB_RUN_TIMEOUT}};
    eb_results *r = fx_results("r.h5", runs, 4, 3);
    eb_report_meta meta = {.results_path = "r.h5 <x>", .tool_version = "0.1.0", .results = r};
    out o;
    open_out(&o);
    assert_int_equal(eb_render_html(o.f, &meta, r->runs, 4), 0);
    close_out(&o);
    assert_true(strncmp(o.buf, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    assert_non_null(strstr(o.buf, "<li>results: <code>r.h5 &lt;x&gt;</code></li>"));
    assert_non_null(strstr(o.buf, "<h2 id=\"summary\">Summary</h2>"));
    assert_int_equal(count(o.buf, "<svg "), 3); /* CDF, timelines (a panel per cell), trade-off */
    assert_non_null(strstr(o.buf, "<h2 id=\"runs\">Runs</h2>"));
    assert_non_null(strstr(o.buf, "<h2 id=\"variants\">Variants</h2>"));
    assert_non_null(strstr(o.buf, "Not drawn: no cell records flops_per_inference"));
    assert_non_null(strstr(o.buf, "<span class=\"bad\">timeout</span>"));
    /* nothing fetched from anywhere: no scripts, links or external references */
    assert_null(strstr(o.buf, "<script"));
    assert_null(strstr(o.buf, "<link"));
    assert_null(strstr(o.buf, "src="));
    assert_int_equal(count(o.buf, "http"), count(o.buf, "xmlns=\"http://www.w3.org/2000/svg\""));
    free(o.buf);
    /* without the file (runs only) it still renders */
    open_out(&o);
    assert_int_equal(eb_render_html(o.f, NULL, r->runs, 4), 0);
    close_out(&o);
    assert_non_null(strstr(o.buf, "4 runs in 4 cells"));
    free(o.buf);
    fx_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axes_map_data_to_the_plot_area),
        cmocka_unit_test(test_a_degenerate_range_is_widened_and_a_bad_log_axis_falls_back),
        cmocka_unit_test(test_cdf_draws_one_line_per_cell_with_samples),
        cmocka_unit_test(test_timelines_stop_at_the_cap_and_say_how_many_are_left),
        cmocka_unit_test(test_charts_without_data_say_why_and_draw_nothing),
        cmocka_unit_test(test_tradeoff_without_accuracy_plots_size_and_says_so),
        cmocka_unit_test(test_roofline_needs_flops_and_the_device_peak),
        cmocka_unit_test(test_accuracy_severity_follows_the_swept_condition_parameter),
        cmocka_unit_test(test_html_report_is_self_contained_with_inline_charts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
