/* Unit tests of the report renderers (reports/render*.c): each format is a
 * contract, so each test renders hand-built run records into a memory stream
 * and compares the document line by line with the text written here. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/plot.h"
#include "reports/reporter.h"

/* ---- helpers ------------------------------------------------------------- */

/* Render into a string (caller frees). */
static char *render(eb_render_fn fn, const eb_report_meta *meta, const eb_run_record *runs, int n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(fn(f, meta, runs, n), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* Compare line by line, so a failure names the first line that differs. */
static void assert_lines(const char *got, const char *want)
{
    int line = 1;
    for (;;) {
        const char *g_end = strchr(got, '\n'), *w_end = strchr(want, '\n');
        size_t g_len = g_end ? (size_t)(g_end - got) : strlen(got);
        size_t w_len = w_end ? (size_t)(w_end - want) : strlen(want);
        if (g_len != w_len || memcmp(got, want, g_len) != 0 || !g_end != !w_end) {
            print_error("line %d differs\n  want: %.*s\n  got:  %.*s\n", line, (int)w_len, want, (int)g_len,
                        got);
            fail();
        }
        if (!g_end)
            return;
        got = g_end + 1;
        want = w_end + 1;
        line++;
    }
}

static void check(eb_render_fn fn, const eb_report_meta *meta, const eb_run_record *runs, int n,
                  const char *want)
{
    char *got = render(fn, meta, runs, n);
    assert_lines(got, want);
    free(got);
}

static const eb_report_meta meta = {
    .results_path = "results.h5",
    .tool_version = "0.1.0",
    .created = "2026-11-26T07:01:09Z",
    .command = "edgebench run scenarios/quickstart.yaml",
};

static void set_summary(eb_run_record *r, double p50, double p90, double p99, double mean, double cv,
                        int stable, const char *why)
{
    eb_summary *s = &r->summary;
    s->n = r->n;
    s->min = p50 * 0.98;
    s->p50 = p50;
    s->p90 = p90;
    s->p95 = (p90 + p99) / 2;
    s->p99 = p99;
    s->p999 = p99 * 1.05;
    s->max = p99 * 1.3;
    s->mean = mean;
    s->stdev = cv * mean;
    s->cv = cv;
    s->mad = p50 * 0.005;
    s->median_ci_lo = p50 - 1000;
    s->median_ci_hi = p50 + 1000;
    s->outliers = 0;
    s->drift = 0;
    s->stable = stable;
    snprintf(s->stability, sizeof s->stability, "%s", why);
}

/* The common fields of every fixture; the rest is zero (summary included:
 * a record without samples must render the same whatever its summary holds). */
static void base(eb_run_record *r, const char *id, const char *backend, const char *variant,
                 const char *condition, eb_run_status status)
{
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", id);
    snprintf(r->device, sizeof r->device, "local");
    snprintf(r->scenario, sizeof r->scenario, "quickstart");
    snprintf(r->backend, sizeof r->backend, "%s", backend);
    snprintf(r->backend_version, sizeof r->backend_version, "0.1.0");
    snprintf(r->variant, sizeof r->variant, "%s", variant);
    snprintf(r->model_path, sizeof r->model_path, "models/mnist-%s.onnx", variant);
    snprintf(r->condition, sizeof r->condition, "%s", condition);
    r->threads = 1;
    r->status = status;
    snprintf(r->started, sizeof r->started, "2026-11-26T07:01:02Z");
    snprintf(r->finished, sizeof r->finished, "2026-11-26T07:01:05Z");
    r->model_bytes = 1677721; /* 1.6 MiB */
}

/* The two-run example: one good run and one crash. */
static void two_runs(eb_run_record r[2])
{
    base(&r[0], "000001", "ref", "fp32", "baseline", EB_RUN_OK);
    r[0].wall_s = 2.5;
    r[0].warmup_n = 50;
    r[0].n = 1000;
    r[0].peak_rss_bytes = 25690112; /* 24.5 MiB */
    eb_summary *s = &r[0].summary;
    s->n = 1000;
    s->min = 801200;
    s->p50 = 812345.5;
    s->p90 = 830100;
    s->p95 = 845000;
    s->p99 = 901700;
    s->p999 = 950000;
    s->max = 1203400;
    s->mean = 815020.25;
    s->stdev = 9780.2;
    s->cv = 0.012;
    s->mad = 4100;
    s->median_ci_lo = 811000;
    s->median_ci_hi = 813700;
    s->outliers = 3;
    s->drift = 0.004;
    s->stable = 1;
    snprintf(s->stability, sizeof s->stability, "stable");

    base(&r[1], "000002", "xnnpack", "int8", "noise", EB_RUN_CRASHED);
    snprintf(r[1].library_version, sizeof r[1].library_version, "2024.02");
    snprintf(r[1].backend_options, sizeof r[1].backend_options, "use_weight_cache=1");
    eb_condition_init(&r[1].cond, "noise");
    eb_condition_set_num(&r[1].cond, "sigma", 0.1);
    snprintf(r[1].sweep, sizeof r[1].sweep, "threads=2");
    snprintf(r[1].message, sizeof r[1].message, "killed by signal 11 (SIGSEGV)");
    snprintf(r[1].finished, sizeof r[1].finished, "2026-11-26T07:01:06Z");
    r[1].cell_index = 5;
    r[1].repetition = 1;
    r[1].threads = 2;
    r[1].wall_s = 0.125;
    r[1].model_bytes = 431210; /* 421.1 KiB */
}

/* Five runs: ok, unstable, failed with a message, crashed without one, and a
 * timeout that still has samples (and drifted). */
static void five_runs(eb_run_record r[5])
{
    base(&r[0], "000001", "ref", "fp32", "baseline", EB_RUN_OK);
    r[0].n = 1000;
    r[0].peak_rss_bytes = 25690112;
    set_summary(&r[0], 812345.5, 830100, 901700, 815020.25, 0.012, 1, "stable");

    base(&r[1], "000002", "ref", "fp32", "noise", EB_RUN_OK);
    snprintf(r[1].sweep, sizeof r[1].sweep, "sigma=0.2");
    r[1].n = 200;
    r[1].peak_rss_bytes = 26214400; /* 25.0 MiB */
    set_summary(&r[1], 1520000, 1890000, 2650000, 1601000, 0.1234, 0, "cv 12.3% > 5%; outliers 4.0% > 2%");

    base(&r[2], "000003", "ref", "int8", "baseline", EB_RUN_FAILED);
    snprintf(r[2].message, sizeof r[2].message, "prepare: node 'conv1' (Conv): unsupported dtype int4");

    base(&r[3], "000004", "simd", "fp32", "baseline", EB_RUN_CRASHED);
    r[3].model_bytes = 0; /* unknown */

    base(&r[4], "000005", "ref", "fp32", "thermal", EB_RUN_TIMEOUT);
    snprintf(r[4].message, sizeof r[4].message, "killed after 30 s");
    r[4].repetition = 2;
    r[4].n = 500;
    r[4].peak_rss_bytes = 25690112;
    set_summary(&r[4], 2345678, 2400000, 2600000, 2350000, 0.031, 0, "drift +12.0% > 5% (first vs last third)");
}

/* ---- the two-run example in every format --------------------------------- */

static void test_text_two_runs(void **state)
{
    (void)state;
    eb_run_record r[2];
    two_runs(r);
    check(eb_render_text, &meta, r, 2,
          "edgebench report\n"
          "results: results.h5\n"
          "tool version: 0.1.0\n"
          "created: 2026-11-26T07:01:09Z\n"
          "command: edgebench run scenarios/quickstart.yaml\n"
          "\n"
          "id      backend                      variant  condition  sweep      rep  threads  status      n  p50 µs  p90 µs  p99 µs  mean µs  CV %  verdict  RSS MiB      model  load ms  cold ms  device  scenario\n"
          "------  ---------------------------  -------  ---------  ---------  ---  -------  -------  ----  ------  ------  ------  -------  ----  -------  -------  ---------  -------  -------  ------  ----------\n"
          "000001  ref                          fp32     baseline   -            0        1  ok       1000   812.3   830.1   901.7    815.0   1.2  stable      24.5    1.6 MiB        -        -  local   quickstart\n"
          "000002  xnnpack{use_weight_cache=1}  int8     noise      threads=2    1        2  crashed     0       -       -       -        -     -  -              -  421.1 KiB        -        -  local   quickstart\n"
          "\n"
          "Failures:\n"
          "  000002 xnnpack{use_weight_cache=1}/int8/noise threads=2 rep 1: crashed: killed by signal 11 (SIGSEGV)\n");
}

static void test_md_two_runs(void **state)
{
    (void)state;
    eb_run_record r[2];
    two_runs(r);
    check(eb_render_md, &meta, r, 2,
          "# edgebench report\n"
          "\n"
          "- results: `results.h5`\n"
          "- tool version: 0.1.0\n"
          "- created: 2026-11-26T07:01:09Z\n"
          "- command: `edgebench run scenarios/quickstart.yaml`\n"
          "\n"
          "| id | backend | variant | condition | sweep | rep | threads | status | n | p50 µs | p90 µs | p99 µs | mean µs | CV % | verdict | RSS MiB | model | load ms | cold ms | device | scenario |\n"
          "| --- | --- | --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |\n"
          "| 000001 | ref | fp32 | baseline | - | 0 | 1 | ok | 1000 | 812.3 | 830.1 | 901.7 | 815.0 | 1.2 | stable | 24.5 | 1.6 MiB | - | - | local | quickstart |\n"
          "| 000002 | xnnpack{use\\_weight\\_cache=1} | int8 | noise | threads=2 | 1 | 2 | crashed | 0 | - | - | - | - | - | - | - | 421.1 KiB | - | - | local | quickstart |\n"
          "\n"
          "## Failures\n"
          "\n"
          "- 000002 xnnpack{use\\_weight\\_cache=1}/int8/noise threads=2 rep 1: **crashed**: killed by signal 11 (SIGSEGV)\n");
}

static void test_json_two_runs(void **state)
{
    (void)state;
    eb_run_record r[2];
    two_runs(r);
    check(eb_render_json, &meta, r, 2,
          "{\n"
          "  \"format\": \"edgebench-report\",\n"
          "  \"version\": 1,\n"
          "  \"results\": \"results.h5\",\n"
          "  \"tool_version\": \"0.1.0\",\n"
          "  \"created\": \"2026-11-26T07:01:09Z\",\n"
          "  \"command\": \"edgebench run scenarios/quickstart.yaml\",\n"
          "  \"runs\": [\n"
          "    {\n"
          "      \"id\": \"000001\",\n"
          "      \"device\": \"local\",\n"
          "      \"scenario\": \"quickstart\",\n"
          "      \"backend\": \"ref\",\n"
          "      \"backend_version\": \"0.1.0\",\n"
          "      \"library_version\": \"\",\n"
          "      \"variant\": \"fp32\",\n"
          "      \"model_path\": \"models/mnist-fp32.onnx\",\n"
          "      \"condition\": \"baseline\",\n"
          "      \"condition_params\": \"\",\n"
          "      \"sweep\": \"\",\n"
          "      \"cell_index\": 0,\n"
          "      \"repetition\": 0,\n"
          "      \"threads\": 1,\n"
          "      \"status\": \"ok\",\n"
          "      \"message\": \"\",\n"
          "      \"started\": \"2026-11-26T07:01:02Z\",\n"
          "      \"finished\": \"2026-11-26T07:01:05Z\",\n"
          "      \"wall_s\": 2.5,\n"
          "      \"warmup_n\": 50,\n"
          "      \"n\": 1000,\n"
          "      \"peak_rss_bytes\": 25690112,\n"
          "      \"model_bytes\": 1677721,\n"
          "      \"backend_options\": \"\",\n"
          "      \"load_pattern\": \"single_stream\",\n"
          "      \"load_params\": \"\",\n"
          "      \"metrics\": {},\n"
          "      \"summary\": {\n"
          "        \"n\": 1000,\n"
          "        \"min_ns\": 801200,\n"
          "        \"p50_ns\": 812345.5,\n"
          "        \"p90_ns\": 830100,\n"
          "        \"p95_ns\": 845000,\n"
          "        \"p99_ns\": 901700,\n"
          "        \"p999_ns\": 950000,\n"
          "        \"max_ns\": 1203400,\n"
          "        \"mean_ns\": 815020.25,\n"
          "        \"stdev_ns\": 9780.2,\n"
          "        \"cv\": 0.012,\n"
          "        \"mad_ns\": 4100,\n"
          "        \"median_ci_ns\": [811000, 813700],\n"
          "        \"outliers\": 3,\n"
          "        \"drift\": 0.004,\n"
          "        \"stable\": true,\n"
          "        \"stability\": \"stable\"\n"
          "      }\n"
          "    },\n"
          "    {\n"
          "      \"id\": \"000002\",\n"
          "      \"device\": \"local\",\n"
          "      \"scenario\": \"quickstart\",\n"
          "      \"backend\": \"xnnpack\",\n"
          "      \"backend_version\": \"0.1.0\",\n"
          "      \"library_version\": \"2024.02\",\n"
          "      \"variant\": \"int8\",\n"
          "      \"model_path\": \"models/mnist-int8.onnx\",\n"
          "      \"condition\": \"noise\",\n"
          "      \"condition_params\": \"sigma=0.1\",\n"
          "      \"sweep\": \"threads=2\",\n"
          "      \"cell_index\": 5,\n"
          "      \"repetition\": 1,\n"
          "      \"threads\": 2,\n"
          "      \"status\": \"crashed\",\n"
          "      \"message\": \"killed by signal 11 (SIGSEGV)\",\n"
          "      \"started\": \"2026-11-26T07:01:02Z\",\n"
          "      \"finished\": \"2026-11-26T07:01:06Z\",\n"
          "      \"wall_s\": 0.125,\n"
          "      \"warmup_n\": 0,\n"
          "      \"n\": 0,\n"
          "      \"peak_rss_bytes\": null,\n"
          "      \"model_bytes\": 431210,\n"
          "      \"backend_options\": \"use_weight_cache=1\",\n"
          "      \"load_pattern\": \"single_stream\",\n"
          "      \"load_params\": \"\",\n"
          "      \"metrics\": {},\n"
          "      \"summary\": null\n"
          "    }\n"
          "  ]\n"
          "}\n");
}

static void test_csv_two_runs(void **state)
{
    (void)state;
    eb_run_record r[2];
    two_runs(r);
    /* 812345.5 ns is 812.3455 us, stored as 812.345500000000015..., so %.3f rounds up. */
    check(eb_render_csv, &meta, r, 2,
          "id,device,scenario,backend,backend_version,library_version,variant,model_path,condition,"
          "condition_params,sweep,cell_index,repetition,threads,status,message,started,finished,wall_s,"
          "warmup_n,n,min_us,p50_us,p90_us,p95_us,p99_us,p999_us,max_us,mean_us,stdev_us,cv_pct,mad_us,"
          "median_ci_lo_us,median_ci_hi_us,outliers,drift_pct,verdict,stability,peak_rss_bytes,model_bytes,backend_options,load_pattern,load_params\r\n"
          "000001,local,quickstart,ref,0.1.0,,fp32,models/mnist-fp32.onnx,baseline,,,0,0,1,ok,,"
          "2026-11-26T07:01:02Z,2026-11-26T07:01:05Z,2.500,50,1000,801.200,812.346,830.100,845.000,"
          "901.700,950.000,1203.400,815.020,9.780,1.20,4.100,811.000,813.700,3,0.40,stable,stable,"
          "25690112,1677721,,single_stream,\r\n"
          "000002,local,quickstart,xnnpack,0.1.0,2024.02,int8,models/mnist-int8.onnx,noise,sigma=0.1,"
          "threads=2,5,1,2,crashed,killed by signal 11 (SIGSEGV),2026-11-26T07:01:02Z,"
          "2026-11-26T07:01:06Z,0.125,0,0,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,,-,431210,use_weight_cache=1,single_stream,\r\n");
}

/* ---- five runs: every status, the failure and the unstable lists ---------- */

static void test_text_lists_failures_and_unstable_runs_below_the_table(void **state)
{
    (void)state;
    eb_run_record r[5];
    five_runs(r);
    /* Latencies: 1520000 ns = 1520.0 us; mean 2350000 = 2350.0; CV 0.1234 ->
     * 12.3; RSS 26214400 B = 25.0 MiB. The timeout has samples, so it is in
     * the table with numbers and in both lists. */
    check(eb_render_text, NULL, r, 5,
          "edgebench report\n"
          "\n"
          "id      backend  variant  condition  sweep      rep  threads  status      n  p50 µs  p90 µs  p99 µs  mean µs  CV %  verdict   RSS MiB    model  load ms  cold ms  device  scenario\n"
          "------  -------  -------  ---------  ---------  ---  -------  -------  ----  ------  ------  ------  -------  ----  --------  -------  -------  -------  -------  ------  ----------\n"
          "000001  ref      fp32     baseline   -            0        1  ok       1000   812.3   830.1   901.7    815.0   1.2  stable       24.5  1.6 MiB        -        -  local   quickstart\n"
          "000002  ref      fp32     noise      sigma=0.2    0        1  ok        200  1520.0  1890.0  2650.0   1601.0  12.3  unstable     25.0  1.6 MiB        -        -  local   quickstart\n"
          "000003  ref      int8     baseline   -            0        1  failed      0       -       -       -        -     -  -               -  1.6 MiB        -        -  local   quickstart\n"
          "000004  simd     fp32     baseline   -            0        1  crashed     0       -       -       -        -     -  -               -        -        -        -  local   quickstart\n"
          "000005  ref      fp32     thermal    -            2        1  timeout   500  2345.7  2400.0  2600.0   2350.0   3.1  unstable     24.5  1.6 MiB        -        -  local   quickstart\n"
          "\n"
          "Failures:\n"
          "  000003 ref/int8/baseline rep 0: failed: prepare: node 'conv1' (Conv): unsupported dtype int4\n"
          "  000004 simd/fp32/baseline rep 0: crashed\n"
          "  000005 ref/fp32/thermal rep 2: timeout: killed after 30 s\n"
          "\n"
          "Unstable:\n"
          "  000002 ref/fp32/noise sigma=0.2 rep 0: cv 12.3% > 5%; outliers 4.0% > 2%\n"
          "  000005 ref/fp32/thermal rep 2: drift +12.0% > 5% (first vs last third)\n");
}

static void test_md_lists_failures_and_unstable_runs_below_the_table(void **state)
{
    (void)state;
    eb_run_record r[5];
    five_runs(r);
    check(eb_render_md, NULL, r, 5,
          "# edgebench report\n"
          "\n"
          "| id | backend | variant | condition | sweep | rep | threads | status | n | p50 µs | p90 µs | p99 µs | mean µs | CV % | verdict | RSS MiB | model | load ms | cold ms | device | scenario |\n"
          "| --- | --- | --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |\n"
          "| 000001 | ref | fp32 | baseline | - | 0 | 1 | ok | 1000 | 812.3 | 830.1 | 901.7 | 815.0 | 1.2 | stable | 24.5 | 1.6 MiB | - | - | local | quickstart |\n"
          "| 000002 | ref | fp32 | noise | sigma=0.2 | 0 | 1 | ok | 200 | 1520.0 | 1890.0 | 2650.0 | 1601.0 | 12.3 | unstable | 25.0 | 1.6 MiB | - | - | local | quickstart |\n"
          "| 000003 | ref | int8 | baseline | - | 0 | 1 | failed | 0 | - | - | - | - | - | - | - | 1.6 MiB | - | - | local | quickstart |\n"
          "| 000004 | simd | fp32 | baseline | - | 0 | 1 | crashed | 0 | - | - | - | - | - | - | - | - | - | - | local | quickstart |\n"
          "| 000005 | ref | fp32 | thermal | - | 2 | 1 | timeout | 500 | 2345.7 | 2400.0 | 2600.0 | 2350.0 | 3.1 | unstable | 24.5 | 1.6 MiB | - | - | local | quickstart |\n"
          "\n"
          "## Failures\n"
          "\n"
          "- 000003 ref/int8/baseline rep 0: **failed**: prepare: node 'conv1' (Conv): unsupported dtype int4\n"
          "- 000004 simd/fp32/baseline rep 0: **crashed**\n"
          "- 000005 ref/fp32/thermal rep 2: **timeout**: killed after 30 s\n"
          "\n"
          "## Unstable\n"
          "\n"
          "- 000002 ref/fp32/noise sigma=0.2 rep 0: cv 12.3% \\> 5%; outliers 4.0% \\> 2%\n"
          "- 000005 ref/fp32/thermal rep 2: drift +12.0% \\> 5% (first vs last third)\n");
}

/* Throttled and competing load are separate lists: a busy machine is not a
 * throttled device (docs/sensors.md). */
static void test_text_and_md_list_throttled_apart_from_competing_load(void **state)
{
    (void)state;
    eb_run_record r[5];
    five_runs(r);
    eb_run_record_set_text(&r[0], "throttled", "no: calibration speed 1.00x per CPU second "
                                               "(0.45x wall clock)");
    eb_run_record_set_text(&r[0], "competing_load",
                           "yes: the cell got 41% of the CPU time of its 1 thread");
    eb_run_record_set_text(&r[1], "throttled", "yes: temperature reached 85.0 C (limit 80.0 C)");
    eb_run_record_set_text(&r[1], "competing_load", "no: cpu_share 0.99");
    char *got = render(eb_render_text, NULL, r, 5);
    assert_non_null(strstr(got, "\nThrottled:\n  000002 ref/fp32/noise sigma=0.2 rep 0: yes: "
                                "temperature reached 85.0 C (limit 80.0 C)\n"));
    assert_non_null(strstr(got, "\nCompeting load:\n  000001 ref/fp32/baseline rep 0: yes: the "
                                "cell got 41% of the CPU time of its 1 thread\n"));
    assert_null(strstr(got, "000001 ref/fp32/baseline rep 0: no:"));
    assert_null(strstr(got, "000002 ref/fp32/noise sigma=0.2 rep 0: no:"));
    free(got);
    got = render(eb_render_md, NULL, r, 5);
    assert_non_null(strstr(got, "\n## Throttled\n\n- 000002 "));
    assert_non_null(strstr(got, "\n## Competing load\n\n- 000001 ref/fp32/baseline rep 0: yes: "
                                "the cell got 41% of the CPU time of its 1 thread\n"));
    free(got);
    for (int i = 0; i < 5; i++)
        eb_run_record_free(&r[i]);
}

/* Runs under a load pattern get a table per pattern below the run table
 * (docs/load-patterns.md), with the pattern's own figures; a report whose
 * runs are all single_stream has no such section. */
static void test_text_and_md_show_a_table_per_load_pattern(void **state)
{
    (void)state;
    eb_run_record r[5];
    five_runs(r);
    char *got = render(eb_render_text, NULL, r, 5);
    assert_null(strstr(got, "Load patterns"));
    free(got);
    eb_run_record_set_text(&r[0], "load.pattern", "server");
    eb_run_record_set_text(&r[0], "load.params", "target_qps=200;duration_s=2");
    eb_run_record_set_metric(&r[0], "load.target_qps", 200);
    eb_run_record_set_metric(&r[0], "load.achieved_qps", 198.25);
    eb_run_record_set_metric(&r[0], "load.issued", 400);
    eb_run_record_set_metric(&r[0], "load.completed", 399);
    eb_run_record_set_metric(&r[0], "load.latency_bound_ms", 1);
    eb_run_record_set_metric(&r[0], "load.trials", 1);
    eb_run_record_set_text(&r[1], "load.pattern", "offline");
    eb_run_record_set_metric(&r[1], "load.batch", 8);
    eb_run_record_set_metric(&r[1], "load.completed", 25);
    eb_run_record_set_metric(&r[1], "load.inferences", 200);
    eb_run_record_set_metric(&r[1], "load.inferences_per_s", 1234.56);
    got = render(eb_render_text, NULL, r, 5);
    assert_non_null(strstr(got, "\nLoad patterns (latency per query, from its scheduled start):\n"
                                "\nserver:\nid      run                      target qps  achieved qps"
                                "  issued  completed  p50 µs  p99 µs  bound ms  search qps  trials\n"));
    /* p99 901.7 µs is within the 1 ms bound */
    assert_non_null(strstr(got, "000001  ref/fp32/baseline rep 0         200         198.2     400"
                                "        399   812.3   901.7     1 met           -       1\n"));
    assert_non_null(strstr(got, "\noffline:\n"));
    assert_non_null(strstr(got, "000002  ref/fp32/noise sigma=0.2 rep 0      8       25         200        1234.6  1520.0\n"));
    assert_null(strstr(got, "multi_stream:"));
    free(got);
    got = render(eb_render_md, NULL, r, 5);
    assert_non_null(strstr(got, "\n## Load patterns\n"));
    assert_non_null(strstr(got, "\n### server\n\n| id | run | target qps |"));
    assert_non_null(strstr(got, "| 000001 | ref/fp32/baseline rep 0 | 200 | 198.2 | 400 | 399 |"));
    free(got);
    for (int i = 0; i < 5; i++)
        eb_run_record_free(&r[i]);
}

/* Start-up cost sits in the run table: load (read + parse + open +
 * prepare) and the cold first inference, from the run's metrics; "-" for a
 * run without them (an older file, a failed load). */
static void test_text_and_md_show_load_and_cold_inference(void **state)
{
    (void)state;
    eb_run_record r[5];
    five_runs(r);
    eb_run_record_set_metric(&r[0], "load_ms", 12.34);
    eb_run_record_set_metric(&r[0], "first_inference_ms", 1.236);
    char *got = render(eb_render_text, NULL, r, 5);
    assert_non_null(strstr(got, "  model  load ms  cold ms  device  scenario\n"));
    assert_non_null(strstr(got, "  1.6 MiB     12.3     1.24  local   quickstart\n"));
    assert_non_null(strstr(got, "  1.6 MiB        -        -  local   quickstart\n"));
    free(got);
    got = render(eb_render_md, NULL, r, 5);
    assert_non_null(strstr(got, "| 1.6 MiB | 12.3 | 1.24 | local | quickstart |\n"));
    free(got);
    for (int i = 0; i < 5; i++)
        eb_run_record_free(&r[i]);
}

static void test_csv_carries_status_message_and_verdict_per_row(void **state)
{
    (void)state;
    eb_run_record r[5];
    five_runs(r);
    /* set_summary: min = 0.98 p50, p95 = (p90 + p99)/2, p999 = 1.05 p99,
     * max = 1.3 p99, stdev = cv * mean, mad = 0.005 p50, CI = p50 -+ 1000 ns. */
    check(eb_render_csv, NULL, r, 5,
          "id,device,scenario,backend,backend_version,library_version,variant,model_path,condition,"
          "condition_params,sweep,cell_index,repetition,threads,status,message,started,finished,wall_s,"
          "warmup_n,n,min_us,p50_us,p90_us,p95_us,p99_us,p999_us,max_us,mean_us,stdev_us,cv_pct,mad_us,"
          "median_ci_lo_us,median_ci_hi_us,outliers,drift_pct,verdict,stability,peak_rss_bytes,model_bytes,backend_options,load_pattern,load_params\r\n"
          "000001,local,quickstart,ref,0.1.0,,fp32,models/mnist-fp32.onnx,baseline,,,0,0,1,ok,,"
          "2026-11-26T07:01:02Z,2026-11-26T07:01:05Z,0.000,0,1000,796.099,812.346,830.100,865.900,"
          "901.700,946.785,1172.210,815.020,9.780,1.20,4.062,811.346,813.346,0,0.00,stable,stable,"
          "25690112,1677721,,single_stream,\r\n"
          "000002,local,quickstart,ref,0.1.0,,fp32,models/mnist-fp32.onnx,noise,,sigma=0.2,0,0,1,ok,,"
          "2026-11-26T07:01:02Z,2026-11-26T07:01:05Z,0.000,0,200,1489.600,1520.000,1890.000,2270.000,"
          "2650.000,2782.500,3445.000,1601.000,197.563,12.34,7.600,1519.000,1521.000,0,0.00,unstable,"
          "cv 12.3% > 5%; outliers 4.0% > 2%,26214400,1677721,,single_stream,\r\n"
          "000003,local,quickstart,ref,0.1.0,,int8,models/mnist-int8.onnx,baseline,,,0,0,1,failed,"
          "prepare: node 'conv1' (Conv): unsupported dtype int4,2026-11-26T07:01:02Z,2026-11-26T07:01:05Z,"
          "0.000,0,0,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,,-,1677721,,single_stream,\r\n"
          "000004,local,quickstart,simd,0.1.0,,fp32,models/mnist-fp32.onnx,baseline,,,0,0,1,crashed,,"
          "2026-11-26T07:01:02Z,2026-11-26T07:01:05Z,0.000,0,0,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,,-,-,,single_stream,\r\n"
          "000005,local,quickstart,ref,0.1.0,,fp32,models/mnist-fp32.onnx,thermal,,,0,2,1,timeout,"
          "killed after 30 s,2026-11-26T07:01:02Z,2026-11-26T07:01:05Z,0.000,0,500,2298.764,2345.678,"
          "2400.000,2500.000,2600.000,2730.000,3380.000,2350.000,72.850,3.10,11.728,2344.678,2346.678,0,"
          "0.00,unstable,drift +12.0% > 5% (first vs last third),25690112,1677721,,single_stream,\r\n");
}

/* ---- units, missing values, escaping ------------------------------------- */

static void test_text_switches_to_ms_when_every_p50_is_at_least_10ms(void **state)
{
    (void)state;
    eb_run_record r[2];
    base(&r[0], "000001", "ref", "fp32", "baseline", EB_RUN_OK);
    r[0].n = 20;
    set_summary(&r[0], 12.5e6, 13e6, 14e6, 12.6e6, 0.01, 1, "stable");
    base(&r[1], "000002", "ref", "int8", "baseline", EB_RUN_OK);
    r[1].n = 20;
    set_summary(&r[1], 31.25e6, 32e6, 40e6, 31.5e6, NAN, 1, "stable"); /* NAN cv prints "-" */
    check(eb_render_text, NULL, r, 2,
          "edgebench report\n"
          "\n"
          "id      backend  variant  condition  sweep  rep  threads  status   n  p50 ms  p90 ms  p99 ms  mean ms  CV %  verdict  RSS MiB    model  load ms  cold ms  device  scenario\n"
          "------  -------  -------  ---------  -----  ---  -------  ------  --  ------  ------  ------  -------  ----  -------  -------  -------  -------  -------  ------  ----------\n"
          "000001  ref      fp32     baseline   -        0        1  ok      20   12.50   13.00   14.00    12.60   1.0  stable         -  1.6 MiB        -        -  local   quickstart\n"
          "000002  ref      int8     baseline   -        0        1  ok      20   31.25   32.00   40.00    31.50     -  stable         -  1.6 MiB        -        -  local   quickstart\n");
    /* One run under 10 ms keeps the whole table in µs. */
    set_summary(&r[1], 9.5e6, 9.6e6, 9.9e6, 9.5e6, 0.01, 1, "stable");
    char *got = render(eb_render_text, NULL, r, 2);
    assert_non_null(strstr(got, "p50 µs"));
    assert_non_null(strstr(got, "12500.0"));
    free(got);
}

static void test_md_escapes_pipes_and_markup_from_records(void **state)
{
    (void)state;
    eb_run_record r[1];
    base(&r[0], "000001", "my_backend", "a|b", "*hot*", EB_RUN_FAILED);
    snprintf(r[0].message, sizeof r[0].message, "bad `x` <y> [z]\nsecond line");
    eb_report_meta m = {.results_path = "out`s.h5", .command = "`edgebench` run"};
    check(eb_render_md, &m, r, 1,
          "# edgebench report\n"
          "\n"
          "- results: ``out`s.h5``\n"
          "- command: `` `edgebench` run ``\n"
          "\n"
          "| id | backend | variant | condition | sweep | rep | threads | status | n | p50 µs | p90 µs | p99 µs | mean µs | CV % | verdict | RSS MiB | model | load ms | cold ms | device | scenario |\n"
          "| --- | --- | --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |\n"
          "| 000001 | my\\_backend | a\\|b | \\*hot\\* | - | 0 | 1 | failed | 0 | - | - | - | - | - | - | - | 1.6 MiB | - | - | local | quickstart |\n"
          "\n"
          "## Failures\n"
          "\n"
          "- 000001 my\\_backend/a\\|b/\\*hot\\* rep 0: **failed**: bad \\`x\\` \\<y\\> \\[z\\] second line\n");
}

static void test_json_escapes_strings_and_replaces_invalid_utf8(void **state)
{
    (void)state;
    eb_run_record r[1];
    base(&r[0], "000001", "ref", "fp32", "baseline", EB_RUN_FAILED);
    /* quote, backslash, newline, tab, a control byte, UTF-8 µ kept, a stray
     * continuation byte, a truncated sequence and an overlong '/' replaced. */
    snprintf(r[0].message, sizeof r[0].message, "say \"hi\"\\\n\t\x01 5 \xc2\xb5s \x80 \xe2\x82 \xc0\xaf end");
    char *got = render(eb_render_json, NULL, r, 1);
    assert_non_null(strstr(got, "  \"results\": null,\n  \"tool_version\": null,\n"
                                "  \"created\": null,\n  \"command\": null,\n"));
    const char *want = "      \"message\": \"say \\\"hi\\\"\\\\\\n\\t\\u0001 5 \xc2\xb5s \\ufffd \\ufffd\\ufffd "
                       "\\ufffd\\ufffd end\",\n";
    if (!strstr(got, want)) {
        print_error("want line:\n%s\nin:\n%s\n", want, got);
        fail();
    }
    free(got);
}

static void test_json_prints_non_finite_statistics_as_null(void **state)
{
    (void)state;
    eb_run_record r[1];
    base(&r[0], "000001", "ref", "fp32", "baseline", EB_RUN_OK);
    r[0].n = 1;
    set_summary(&r[0], 1000, 1000, 1000, 1000, NAN, 0, "too few samples (n=1 < 10)");
    r[0].summary.stdev = NAN;
    r[0].summary.mad = NAN;
    r[0].summary.median_ci_lo = r[0].summary.median_ci_hi = NAN;
    r[0].summary.drift = INFINITY;
    char *got = render(eb_render_json, NULL, r, 1);
    assert_non_null(strstr(got, "        \"stdev_ns\": null,\n        \"cv\": null,\n        \"mad_ns\": null,\n"
                                "        \"median_ci_ns\": null,\n"));
    assert_non_null(strstr(got, "        \"drift\": null,\n        \"stable\": false,\n"));
    free(got);
}

static void test_csv_quotes_fields_per_rfc4180(void **state)
{
    (void)state;
    eb_run_record r[1];
    base(&r[0], "000001", "ref", "fp32", "a,b", EB_RUN_FAILED);
    snprintf(r[0].message, sizeof r[0].message, "he said \"no\"\r\nthen left");
    snprintf(r[0].model_path, sizeof r[0].model_path, "plain path");
    check(eb_render_csv, NULL, r, 1,
          "id,device,scenario,backend,backend_version,library_version,variant,model_path,condition,"
          "condition_params,sweep,cell_index,repetition,threads,status,message,started,finished,wall_s,"
          "warmup_n,n,min_us,p50_us,p90_us,p95_us,p99_us,p999_us,max_us,mean_us,stdev_us,cv_pct,mad_us,"
          "median_ci_lo_us,median_ci_hi_us,outliers,drift_pct,verdict,stability,peak_rss_bytes,model_bytes,backend_options,load_pattern,load_params\r\n"
          "000001,local,quickstart,ref,0.1.0,,fp32,plain path,\"a,b\",,,0,0,1,failed,\"he said \"\"no\"\"\r\n"
          "then left\",2026-11-26T07:01:02Z,2026-11-26T07:01:05Z,0.000,0,0,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,"
          "-,,-,1677721,,single_stream,\r\n");
}

static void test_text_keeps_one_line_per_entry_and_counts_utf8_width(void **state)
{
    (void)state;
    eb_run_record r[2];
    base(&r[0], "000001", "réf", "fp32", "baseline", EB_RUN_CRASHED);
    snprintf(r[0].message, sizeof r[0].message, "signal 6\nabort()\tin kernel");
    base(&r[1], "000002", "ref", "fp32", "baseline", EB_RUN_SKIPPED);
    check(eb_render_text, NULL, r, 2,
          "edgebench report\n"
          "\n"
          "id      backend  variant  condition  sweep  rep  threads  status   n  p50 µs  p90 µs  p99 µs  mean µs  CV %  verdict  RSS MiB    model  load ms  cold ms  device  scenario\n"
          "------  -------  -------  ---------  -----  ---  -------  -------  -  ------  ------  ------  -------  ----  -------  -------  -------  -------  -------  ------  ----------\n"
          "000001  réf      fp32     baseline   -        0        1  crashed  0       -       -       -        -     -  -              -  1.6 MiB        -        -  local   quickstart\n"
          "000002  ref      fp32     baseline   -        0        1  skipped  0       -       -       -        -     -  -              -  1.6 MiB        -        -  local   quickstart\n"
          "\n"
          "Failures:\n"
          "  000001 réf/fp32/baseline rep 0: crashed: signal 6 abort() in kernel\n"
          "  000002 ref/fp32/baseline rep 0: skipped\n");
}

/* ---- no runs, the table of formats, write errors --------------------------- */

static void test_every_format_renders_zero_runs(void **state)
{
    (void)state;
    check(eb_render_text, NULL, NULL, 0, "edgebench report\n\nno runs\n");
    check(eb_render_md, NULL, NULL, 0, "# edgebench report\n\nNo runs.\n");
    check(eb_render_json, NULL, NULL, 0,
          "{\n"
          "  \"format\": \"edgebench-report\",\n"
          "  \"version\": 1,\n"
          "  \"results\": null,\n"
          "  \"tool_version\": null,\n"
          "  \"created\": null,\n"
          "  \"command\": null,\n"
          "  \"runs\": []\n"
          "}\n");
    char *csv = render(eb_render_csv, NULL, NULL, 0);
    assert_non_null(strstr(csv, "model_bytes,backend_options,load_pattern,load_params\r\n"));
    assert_null(strchr(strchr(csv, '\n') + 1, '\n')); /* the header only */
    free(csv);
}

/* One table of formats for report, compare and gate: each name finds its
 * documents, and a format without a kind of document is not offered for it. */
static void test_reporters_list_each_format_once_with_its_documents(void **state)
{
    (void)state;
    int count = 0;
    const eb_reporter *list = eb_reporters(&count);
    assert_int_equal(count, 8);
    const char *names[] = {"text", "md", "json", "csv", "variants", "html", "svg", "junit"};
    const eb_render_fn fns[] = {eb_render_text, eb_render_md, eb_render_json, eb_render_csv,
                                eb_render_variants, eb_render_html, NULL, NULL};
    for (int i = 0; i < count; i++) {
        assert_string_equal(list[i].name, names[i]);
        assert_non_null(list[i].description);
        assert_ptr_equal(list[i].runs, fns[i]);
        assert_ptr_equal(eb_reporter_find(names[i], EB_REPORT_RUNS),
                         i < 7 ? &list[i] : NULL);
    }
    assert_ptr_equal(eb_reporter_find("svg", EB_REPORT_RUNS)->runs_dir, eb_plots_write_dir);
    assert_ptr_equal(eb_reporter_find("md", EB_REPORT_COMPARISON)->comparison, eb_compare_write_md);
    assert_ptr_equal(eb_reporter_find("junit", EB_REPORT_GATE)->gate, eb_gate_write_junit);
    assert_null(eb_reporter_find("csv", EB_REPORT_COMPARISON));
    assert_null(eb_reporter_find("html", EB_REPORT_GATE));
    assert_null(eb_reporter_find("pdf", EB_REPORT_RUNS));
    assert_null(eb_reporter_find("TEXT", EB_REPORT_RUNS));
    assert_null(eb_reporter_find(NULL, EB_REPORT_RUNS));
    char buf[128];
    eb_reporter_names(EB_REPORT_COMPARISON, buf, sizeof buf);
    assert_string_equal(buf, "text, md, json");
    eb_reporter_names(EB_REPORT_GATE, buf, sizeof buf);
    assert_string_equal(buf, "text, md, json, junit");
    eb_reporter_names(EB_REPORT_GATE, buf, 6); /* cut, never overrun */
    assert_int_equal(strlen(buf), 5);
}

static void test_every_format_reports_a_write_error(void **state)
{
    (void)state;
    eb_run_record r[2];
    two_runs(r);
    int count = 0;
    const eb_reporter *list = eb_reporters(&count);
    for (int i = 0; i < count; i++) {
        if (!list[i].runs)
            continue;
        FILE *f = fopen("/dev/null", "r"); /* every write fails */
        assert_non_null(f);
        assert_int_equal(list[i].runs(f, &meta, r, 2), -1);
        fclose(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_two_runs),
        cmocka_unit_test(test_text_and_md_show_load_and_cold_inference),
        cmocka_unit_test(test_md_two_runs),
        cmocka_unit_test(test_json_two_runs),
        cmocka_unit_test(test_csv_two_runs),
        cmocka_unit_test(test_text_lists_failures_and_unstable_runs_below_the_table),
        cmocka_unit_test(test_md_lists_failures_and_unstable_runs_below_the_table),
        cmocka_unit_test(test_text_and_md_list_throttled_apart_from_competing_load),
        cmocka_unit_test(test_text_and_md_show_a_table_per_load_pattern),
        cmocka_unit_test(test_csv_carries_status_message_and_verdict_per_row),
        cmocka_unit_test(test_text_switches_to_ms_when_every_p50_is_at_least_10ms),
        cmocka_unit_test(test_md_escapes_pipes_and_markup_from_records),
        cmocka_unit_test(test_json_escapes_strings_and_replaces_invalid_utf8),
        cmocka_unit_test(test_json_prints_non_finite_statistics_as_null),
        cmocka_unit_test(test_csv_quotes_fields_per_rfc4180),
        cmocka_unit_test(test_text_keeps_one_line_per_entry_and_counts_utf8_width),
        cmocka_unit_test(test_every_format_renders_zero_runs),
        cmocka_unit_test(test_reporters_list_each_format_once_with_its_documents),
        cmocka_unit_test(test_every_format_reports_a_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
