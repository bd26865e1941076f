/* The escapers every output goes through (common/escape.c): what each
 * format does with quotes, markup characters, control characters and bytes
 * that are not UTF-8; JSON output checked by Python's json module too, so
 * "valid JSON" is not our own parser's opinion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/escape.h"

typedef void (*escaper)(FILE *f, const char *s);

/* The escaper's output for s, as a string (caller frees). */
static char *out_of(escaper fn, const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(f, s);
    fclose(f);
    return buf;
}

static void expect(escaper fn, const char *in, const char *want)
{
    char *got = out_of(fn, in);
    assert_string_equal(got, want);
    free(got);
}

static void test_json_escapes_quotes_controls_and_bad_utf8(void **state)
{
    (void)state;
    expect(eb_json_str, "plain", "\"plain\"");
    expect(eb_json_str, NULL, "\"\"");
    expect(eb_json_str, "a\"b\\c", "\"a\\\"b\\\\c\"");
    expect(eb_json_str, "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
    expect(eb_json_str, "\x01\x1f", "\"\\u0001\\u001f\"");
    expect(eb_json_str, "caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\""); /* kept */
    /* a lone continuation byte, an overlong '/', a surrogate, a cut sequence */
    expect(eb_json_str, "a\x80z", "\"a\\ufffdz\"");
    expect(eb_json_str, "\xc0\xaf", "\"\\ufffd\\ufffd\"");
    expect(eb_json_str, "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
    expect(eb_json_str, "x\xe2\x82", "\"x\\ufffd\\ufffd\"");
}

static void test_json_output_parses_in_python(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import json' 2>/dev/null") != 0)
        skip();
    const char *hostile = "\"}]\\\n\r\x01\x7f\xff\xfe<script>'\xe2\x82";
    char *lit = out_of(eb_json_str, hostile);
    char path[] = "/tmp/eb-escape-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"k\": %s}", lit);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
             "assert d[\"k\"].startswith(\"\\\"}]\\\\\\n\\r\"), d' %s",
             path);
    int rc = system(cmd);
    unlink(path);
    free(lit);
    assert_int_equal(rc, 0);
}

static void test_xml_escapes_markup_and_drops_what_xml_cannot_carry(void **state)
{
    (void)state;
    expect(eb_xml_text, "<a href=\"x\">&'</a>", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    expect(eb_xml_text, NULL, "");
    expect(eb_xml_text, "t\tn\nr\r", "t\tn\nr\r");     /* XML 1.0 allows these */
    expect(eb_xml_text, "a\x01\x1b[31m", "a  [31m");   /* not these */
    expect(eb_xml_text, "\xe2\x82\xac", "\xe2\x82\xac");
    expect(eb_xml_text, "a\xffz", "a\xef\xbf\xbdz");   /* U+FFFD */
}

static void test_markdown_escapes_syntax_and_keeps_a_row_on_one_line(void **state)
{
    (void)state;
    expect(eb_md_text, "a|b", "a\\|b");
    expect(eb_md_text, "*x* _y_ `z` [l](u) <h> ~s~ \\",
           "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\<h\\> \\~s\\~ \\\\");
    expect(eb_md_text, "two\nlines\r\n", "two lines  ");
    expect(eb_md_text, NULL, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_escapes_quotes_controls_and_bad_utf8),
        cmocka_unit_test(test_json_output_parses_in_python),
        cmocka_unit_test(test_xml_escapes_markup_and_drops_what_xml_cannot_carry),
        cmocka_unit_test(test_markdown_escapes_syntax_and_keeps_a_row_on_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
