/* Constant: its value is known at load time (the loader gives the output
 * tensor its data), so the plan never executes it. Listing it lets a model
 * containing Constant nodes be claimed; run() has nothing to do. */
#include "backends/ref/ref_op.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *y = eb_node_output(g, n, 0);
    if (!y || !y->data) {
        snprintf(why, len, "value is not known at load time");
        return 0;
    }
    return 1;
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)x;
    (void)msg;
    (void)len;
    return EB_OK;
}

const eb_ref_op eb_ref_op_constant = {.op_type = "Constant", .check = check, .run = run};
