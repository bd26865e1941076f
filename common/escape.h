/* Text into JSON, XML/HTML/SVG and Markdown output: one escaper per
 * format, so every report, the gate's JUnit file, the charts and the device
 * files agree on what a quote, a control character, a newline or bytes that
 * are not UTF-8 become. Names, labels and messages written by the reports
 * come from scenarios and results files, which may be hostile
 * (docs/security.md): none of them can break out of its string, element or
 * table cell. */
#ifndef EB_ESCAPE_H
#define EB_ESCAPE_H

#include <stdio.h>

/* s as a JSON string literal, with its quotes; NULL as "". Quote,
 * backslash and control characters escaped (\n \r \t \b \f, else \u00XX);
 * bytes that are not well-formed UTF-8 become \ufffd, so the output is
 * always valid JSON. */
void eb_json_str(FILE *f, const char *s);

/* s as XML 1.0 character data or attribute value (also HTML and SVG):
 * & < > " ' as references; control characters XML cannot carry (all below
 * 0x20 but tab, newline, carriage return) as spaces; bytes that are not
 * well-formed UTF-8 as U+FFFD. NULL writes nothing. */
void eb_xml_text(FILE *f, const char *s);

/* s as inline Markdown text (a table cell, a list item): the characters
 * CommonMark gives meaning to (\ ` * _ [ ] < > | ~) backslash-escaped, and
 * control characters (newlines included, which would end a table row) as
 * spaces. NULL writes nothing. */
void eb_md_text(FILE *f, const char *s);

#endif
