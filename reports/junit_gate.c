/* JUnit XML of a gate result: the shape read by Jenkins (junit plugin),
 * GitLab (artifacts:reports:junit), GitHub test-report actions and the
 * junit-10.xsd that tests/data/gate/junit.xsd follows:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <testsuites name="edgebench gate" tests="3" failures="1" errors="0">
 *     <testsuite name="latency_p99_ms backend=ref" tests="2" failures="1" errors="0"
 *                skipped="0" time="0">
 *       <testcase name="local/ref/fp32/plain threads=1" classname="edgebench.gate.<budget>" time="0">
 *         <failure message="p99 6.1 ms &gt; max 5 ms (n=200)" type="budget">...</failure>
 *       </testcase>
 *     </testsuite>
 *   </testsuites>
 *
 * Text is escaped for attributes and content; control characters that XML
 * 1.0 cannot carry become spaces. */
#include <string.h>

#include "common/escape.h"
#include "reports/gate.h"

/* classname: "edgebench.gate." + the budget name with characters that
 * reporters split on (dots, spaces) turned into '_'. */
static void classname(FILE *f, const char *name)
{
    char buf[256];
    size_t k = 0;
    for (; *name && k + 1 < sizeof buf; name++)
        buf[k++] = (*name == '.' || *name == ' ' || *name == '/') ? '_' : *name;
    buf[k] = '\0';
    fputs("edgebench.gate.", f);
    eb_xml_text(f, buf);
}

int eb_gate_write_junit(FILE *f, const eb_gate_result *r)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"edgebench gate\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"0\">\n",
            r->n_checks, r->counts[EB_CHECK_FAIL], r->counts[EB_CHECK_ERROR]);
    for (int b = 0; b < r->budgets->n; b++) {
        const eb_budget *bg = &r->budgets->items[b];
        int tests = 0, fails = 0, errors = 0, skipped = 0;
        for (int i = 0; i < r->n_checks; i++)
            if (r->checks[i].budget == b) {
                tests++;
                fails += r->checks[i].status == EB_CHECK_FAIL;
                errors += r->checks[i].status == EB_CHECK_ERROR;
                skipped += r->checks[i].status == EB_CHECK_INCONCLUSIVE;
            }
        fputs("  <testsuite name=\"", f);
        eb_xml_text(f, bg->name);
        fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"0\">\n", tests,
                fails, errors, skipped);
        fputs("    <properties>\n      <property name=\"budgets_file\" value=\"", f);
        eb_xml_text(f, r->budgets->path);
        fprintf(f, "\"/>\n      <property name=\"budget_line\" value=\"%d\"/>\n", bg->line);
        fputs("      <property name=\"metric\" value=\"", f);
        eb_xml_text(f, eb_budget_metric_name(bg->metric));
        fputs("\"/>\n    </properties>\n", f);
        for (int i = 0; i < r->n_checks; i++) {
            const eb_gate_check *c = &r->checks[i];
            if (c->budget != b)
                continue;
            fputs("    <testcase name=\"", f);
            eb_xml_text(f, c->cell ? c->cell->label : "(no cell selected)");
            fputs("\" classname=\"", f);
            classname(f, bg->name);
            fputs("\" time=\"0\"", f);
            if (c->status == EB_CHECK_PASS && !c->confirmed) {
                fputs(">\n      <system-out>", f);
                eb_xml_text(f, c->message);
                fputs("</system-out>\n    </testcase>\n", f);
                continue;
            }
            fputs(">\n", f);
            if (c->status == EB_CHECK_INCONCLUSIVE) {
                /* neither passed nor failed: test reporters show a skipped
                 * case with its reason */
                fputs("      <skipped message=\"inconclusive: ", f);
                eb_xml_text(f, c->message);
                fputs("\"/>\n", f);
            } else if (c->status != EB_CHECK_PASS) {
                const char *el = c->status == EB_CHECK_FAIL ? "failure" : "error";
                fprintf(f, "      <%s message=\"", el);
                eb_xml_text(f, c->message);
                fprintf(f, "\" type=\"%s\">", c->status == EB_CHECK_FAIL ? "budget" : "no-cell");
                eb_xml_text(f, c->message);
                if (c->confirmed == 1) {
                    fputs("\nconfirmed by a re-run; first run: ", f);
                    eb_xml_text(f, c->first_message);
                }
                fprintf(f, "</%s>\n", el);
            } else {
                fputs("      <system-out>", f);
                eb_xml_text(f, c->message);
                fputs("\npassed on a confirmation re-run; first run: ", f);
                eb_xml_text(f, c->first_message);
                fputs("</system-out>\n", f);
            }
            fputs("    </testcase>\n", f);
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}
