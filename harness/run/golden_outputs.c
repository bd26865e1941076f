/* Output names, storage types and golden files (see golden_outputs.h). */
#include <stdio.h>
#include <string.h>

#include "harness/model/model_load.h"
#include "harness/run/golden_outputs.h"
#include "harness/scenario/scenario.h"

static void leaf_base(const char *name, char *out, size_t len)
{
    size_t n = 0;
    for (const char *p = name ? name : ""; *p && n + 1 < len && n < 32; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '+' || c == '-' || c == ':';
        out[n++] = ok ? c : '_';
    }
    if (n == 0 && len > 1)
        out[n++] = '_'; /* an unnamed output */
    out[n] = '\0';
}

void eb_output_leaf(const eb_graph *g, int i, char *leaf, size_t len)
{
    char mine[EB_OUTPUT_LEAF_MAX], other[EB_OUTPUT_LEAF_MAX];
    leaf_base(g->tensors[g->outputs[i]].name, mine, sizeof mine);
    for (int j = 0; j < i; j++) {
        leaf_base(g->tensors[g->outputs[j]].name, other, sizeof other);
        if (strcmp(mine, other) == 0) {
            snprintf(leaf, len, "%.26s_%d", mine, i);
            return;
        }
    }
    snprintf(leaf, len, "%s", mine);
}

int eb_output_array_type(int dtype)
{
    switch (dtype) {
    case EB_DT_F32:
    case EB_DT_F16:
    case EB_DT_BF16:
        return EB_ARRAY_F32;
    case EB_DT_F64:
        return EB_ARRAY_F64;
    case EB_DT_U8:
    case EB_DT_BOOL:
        return EB_ARRAY_U8;
    case EB_DT_I8:
        return EB_ARRAY_I8;
    case EB_DT_I16:
        return EB_ARRAY_I16;
    case EB_DT_U16:
        return EB_ARRAY_U16;
    case EB_DT_I32:
        return EB_ARRAY_I32;
    case EB_DT_I64:
    case EB_DT_U32:
    case EB_DT_U64:
        return EB_ARRAY_I64;
    default:
        return -1;
    }
}

int eb_output_is_float(int dtype)
{
    return dtype == EB_DT_F32 || dtype == EB_DT_F16 || dtype == EB_DT_BF16 || dtype == EB_DT_F64;
}

static void shape_str(const int64_t *dims, int rank, char *out, size_t len)
{
    size_t n = (size_t)snprintf(out, len, "[");
    for (int d = 0; d < rank && n < len; d++)
        n += (size_t)snprintf(out + n, len - n, "%s%lld", d ? ", " : "", (long long)dims[d]);
    if (n < len)
        snprintf(out + n, len - n, "]");
}

eb_status eb_golden_for_output(const char *golden, const char *model, const eb_graph *g, int i,
                               eb_nd *nd, uint64_t *samples, char *msg, size_t msg_len)
{
    memset(nd, 0, sizeof *nd);
    *samples = 0;
    const eb_tensor *t = &g->tensors[g->outputs[i]];
    char leaf[EB_OUTPUT_LEAF_MAX], why[1024];
    eb_output_leaf(g, i, leaf, sizeof leaf);
    size_t gl = strlen(golden);
    int npy = gl >= 4 && strcmp(golden + gl - 4, ".npy") == 0;
    if (npy && i > 0)
        return EB_ERR_NOT_FOUND;
    /* an output the file does not name is not checked, whatever its type */
    if (!npy && eb_h5_has_dataset(golden, leaf) == 0)
        return EB_ERR_NOT_FOUND;
    if (eb_output_array_type(t->dtype) < 0 || t->rank < 0) {
        snprintf(msg, msg_len, "golden %s: output '%s' of %s has a type or shape that cannot be "
                 "compared", golden, t->name, model);
        return EB_ERR_UNSUPPORTED;
    }
    int is_float = eb_output_is_float(t->dtype);
    eb_status st = eb_read_golden(golden, leaf, !is_float, nd, why, sizeof why);
    if (st == EB_ERR_NOT_FOUND)
        return st;
    if (st != EB_OK) {
        /* an integer output against float values: say that, not "labels" */
        if (!is_float && strstr(why, "must") && strstr(why, "integers"))
            snprintf(msg, msg_len, "golden %s: output '%s' of %s is %s, the golden values are "
                     "floating point", golden, t->name, model, eb_dtype_name(t->dtype));
        else
            snprintf(msg, msg_len, "golden for output '%s' of %s: %s", t->name, model, why);
        return st;
    }
    if (is_float && !nd->file_float) {
        snprintf(msg, msg_len, "golden %s: output '%s' of %s is %s, the golden values are "
                 "integers", golden, t->name, model, eb_dtype_name(t->dtype));
        eb_nd_free(nd);
        return EB_ERR_FORMAT;
    }
    /* the golden's shape is the output's, or [N] + the output's */
    int lead = nd->rank - t->rank;
    int fits = lead == 0 || lead == 1;
    for (int d = 0; fits && d < t->rank; d++)
        fits = nd->dims[lead + d] == t->dims[d];
    if (!fits) {
        char want[128], got[128];
        shape_str(t->dims, t->rank, want, sizeof want);
        shape_str(nd->dims, nd->rank, got, sizeof got);
        snprintf(msg, msg_len, "golden %s: '%s' has shape %s; output '%s' of %s has shape %s "
                 "(a golden is [samples] + that, or that for one sample)", golden,
                 npy ? "the array" : leaf, got, t->name, model, want);
        eb_nd_free(nd);
        return EB_ERR_FORMAT;
    }
    *samples = lead ? (uint64_t)nd->dims[0] : 1;
    return EB_OK;
}

static eb_status check_golden(const eb_scenario *s, char *msg, size_t msg_len)
{
    const char *golden = s->outputs.golden;
    for (int v = 0; v < s->n_variants; v++) {
        const char *model = s->variants[v].resolved_path;
        eb_load_options lo = {.default_dim = 1};
        eb_graph *g = NULL;
        char why[1024];
        eb_status st = eb_graph_load(model, &lo, &g, why, sizeof why);
        if (st != EB_OK) {
            snprintf(msg, msg_len, "%s: %s", model, why);
            return st;
        }
        int found = 0;
        for (int i = 0; i < g->n_outputs && st == EB_OK; i++) {
            eb_nd nd;
            uint64_t n;
            st = eb_golden_for_output(golden, model, g, i, &nd, &n, msg, msg_len);
            if (st == EB_OK)
                found++;
            if (st == EB_ERR_NOT_FOUND)
                st = EB_OK;
            eb_nd_free(&nd);
        }
        if (st == EB_OK && !found) {
            char leaf[EB_OUTPUT_LEAF_MAX];
            eb_output_leaf(g, 0, leaf, sizeof leaf);
            snprintf(msg, msg_len, "golden %s holds none of the outputs of %s (a dataset named "
                     "after each output, e.g. '%s')", golden, model, leaf);
            st = EB_ERR_FORMAT;
        }
        eb_graph_destroy(g);
        if (st != EB_OK)
            return st;
    }
    return EB_OK;
}

eb_status eb_scenario_check_golden(const eb_scenario *s, char *msg, size_t msg_len)
{
    if (!s->outputs.golden || !s->outputs.golden[0])
        return EB_OK;
    char why[2048];
    eb_status st = check_golden(s, why, sizeof why);
    if (st == EB_OK)
        return st;
    /* where the scenario names the file, as its other errors say */
    if (s->outputs.golden_line)
        snprintf(msg, msg_len, "%s:%d:%d: outputs.golden: %s", s->path, s->outputs.golden_line,
                 s->outputs.golden_col, why);
    else
        snprintf(msg, msg_len, "outputs.golden: %s", why);
    return st;
}
