/* Fuzz target: the results-file reader (report, compare, gate, merge read
 * through it), then what report and compare do with what it read: the text
 * and JSON reports and a comparison of the file with itself. HDF5 itself is
 * not instrumented: a crash inside libhdf5 is the library's
 * (docs/security.md). */
#include <stdio.h>

#include "reports/compare.h"
#include "reports/render.h"
#include "results/results.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    eb_fuzz_limits();
    /* the read itself is under test here, in this process (the CLI reads
     * in a child first: results/results_sandbox.c) */
    eb_results_set_sandbox(0);
    if (!sink && !(sink = fopen("/dev/null", "w")))
        return 0;
    const char *path = eb_fuzz_file(data, size);
    if (!path)
        return 0;
    eb_results *r = NULL;
    char msg[1024];
    if (eb_results_read(path, 1, &r, msg, sizeof msg) != EB_OK) {
        eb_fuzz_note(msg);
        return 0;
    }
    eb_report_meta meta = {.results_path = r->path, .tool_version = r->tool_version,
                           .created = r->created, .command = r->command, .results = r};
    eb_render_text(sink, &meta, r->runs, (int)r->n_runs);
    eb_render_json(sink, &meta, r->runs, (int)r->n_runs);
    eb_compare_options o;
    eb_compare_options_default(&o);
    o.resamples = 50;
    eb_comparison *c = NULL;
    if (eb_compare_results(r, r, &o, &c) == 0) {
        eb_compare_write_text(sink, c, path, path);
        eb_comparison_free(c);
    }
    eb_results_free(r);
    return 0;
}
