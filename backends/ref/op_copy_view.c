/* The ops whose output holds the input's bytes unchanged, only under another
 * shape: Identity, Flatten, Reshape, Squeeze, Unsqueeze. The loader computes
 * the output shape (for Reshape/Squeeze/Unsqueeze fed shapes or axes at run
 * time, the shape the model declares), so one check and one copy serve all;
 * run() verifies the byte counts agree. Any element type. */
#include <string.h>

#include "backends/ref/ref_check.h"
#include "backends/ref/ref_op.h"

static int check(const eb_graph *g, const eb_node *n, char *why, size_t len)
{
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (!x || x->rank < 0 || eb_dtype_size(x->dtype) == 0) {
        snprintf(why, len, "input needs a known shape and a numeric or bool type%s%s",
                 x ? ", not " : "", x ? eb_dtype_name(x->dtype) : "");
        return 0;
    }
    return eb_ref_outputs_known(g, n, why, len);
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    if (x->in[0]->nbytes != x->out[0]->nbytes) {
        EB_REF_FAIL(msg, len, x->node, "input has %zu bytes, output %zu", x->in[0]->nbytes,
                    x->out[0]->nbytes);
        return EB_ERR_SHAPE;
    }
    if (x->out[0]->nbytes)
        memcpy(x->out[0]->data, x->in[0]->data, x->out[0]->nbytes);
    return EB_OK;
}

const eb_ref_op eb_ref_op_identity = {.op_type = "Identity", .check = check, .run = run};
const eb_ref_op eb_ref_op_flatten = {.op_type = "Flatten", .check = check, .run = run};
const eb_ref_op eb_ref_op_reshape = {.op_type = "Reshape", .check = check, .run = run};
const eb_ref_op eb_ref_op_squeeze = {.op_type = "Squeeze", .check = check, .run = run};
const eb_ref_op eb_ref_op_unsqueeze = {.op_type = "Unsqueeze", .check = check, .run = run};
