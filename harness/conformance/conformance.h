/* The ONNX operator conformance runner: runs the backend node tests that
 * Debian's libonnx-testdata ships (model.onnx + test_data_set_N/{input,
 * output}_K.pb) on one backend and compares outputs with the expected ones. */
#ifndef EB_CONFORMANCE_H
#define EB_CONFORMANCE_H

#include <stdio.h>

#include "harness/backend/registry.h"

#define EB_ONNX_NODE_TESTS "/usr/share/libonnx-testdata/data/node"

typedef struct eb_conf_options {
    const char *dir;     /* directory of test_* folders; NULL = EB_ONNX_NODE_TESTS */
    const char *filter;  /* fnmatch pattern on the test name (substring if no glob chars); NULL = all */
    int verbose;         /* print passing tests too */
    /* Tolerances for floating outputs: |got - want| <= atol + rtol * |want|. */
    double rtol, atol;
} eb_conf_options;

typedef struct eb_conf_counts {
    int passed, failed, skipped;
} eb_conf_counts;

/* Run every matching test on backend e. Each test runs in a child process,
 * so a crashing backend fails that test and the run goes on. Lines go to
 * `out`: "PASS name", "FAIL name: reason", "SKIP name: reason". Returns
 * EB_ERR_NOT_FOUND (with msg) when dir cannot be read. */
eb_status eb_conformance_run(const eb_registry_entry *e, const eb_conf_options *o, FILE *out,
                             eb_conf_counts *counts, char *msg, size_t msg_len);

#endif
