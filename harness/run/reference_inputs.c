/* Same inputs for the reference comparison (reference_inputs.h). */
#include <stdio.h>
#include <string.h>

#include "edgebench/dtype.h"
#include "harness/model/model_load.h"
#include "harness/run/reference_inputs.h"

eb_status eb_reference_inputs_match(const eb_graph *ref, const eb_graph *var, char *msg,
                                    size_t msg_len)
{
    if (ref->n_inputs != var->n_inputs) {
        snprintf(msg, msg_len, "it takes %d input%s, the reference %d", var->n_inputs,
                 var->n_inputs == 1 ? "" : "s", ref->n_inputs);
        return EB_ERR_INVALID_ARG;
    }
    for (int i = 0; i < ref->n_inputs; i++) {
        const eb_tensor *a = &var->tensors[var->inputs[i]], *b = &ref->tensors[ref->inputs[i]];
        int same = a->dtype == b->dtype && a->rank == b->rank && a->rank >= 0;
        for (int d = 0; same && d < a->rank; d++)
            same = a->dims[d] == b->dims[d];
        if (!same) {
            char sa[128], sb[128];
            snprintf(msg, msg_len,
                     "its input '%s' is %s %s, the reference's '%s' is %s %s (a different type, "
                     "size or layout): the reference comparison feeds both models the same "
                     "input, so their inputs must match (give this variant a reference of its "
                     "own in another scenario, or set accuracy.reference: off)",
                     a->name, eb_dtype_name(a->dtype), eb_shape_str(a, sa, sizeof sa), b->name,
                     eb_dtype_name(b->dtype), eb_shape_str(b, sb, sizeof sb));
            return EB_ERR_INVALID_ARG;
        }
    }
    return EB_OK;
}

eb_status eb_scenario_check_reference_inputs(const eb_scenario *s, char *msg, size_t msg_len)
{
    if (!s->accuracy.reference || s->accuracy.max_compare <= 0 || s->n_variants < 2)
        return EB_OK;
    const eb_scenario_variant *rv = &s->variants[s->reference];
    eb_load_options lo = {.default_dim = 1};
    eb_graph *ref = NULL;
    char why[1024];
    if (eb_graph_load(rv->resolved_path, &lo, &ref, why, sizeof why) != EB_OK)
        return EB_OK; /* its cells say why */
    eb_status st = EB_OK;
    for (int i = 0; i < s->n_variants && st == EB_OK; i++) {
        const eb_scenario_variant *v = &s->variants[i];
        if (i == s->reference || strcmp(v->resolved_path, rv->resolved_path) == 0)
            continue;
        eb_graph *g = NULL;
        if (eb_graph_load(v->resolved_path, &lo, &g, why, sizeof why) != EB_OK)
            continue;
        if ((st = eb_reference_inputs_match(ref, g, why, sizeof why)) != EB_OK) {
            char at[64] = "";
            if (v->line)
                snprintf(at, sizeof at, ":%d:%d", v->line, v->col);
            snprintf(msg, msg_len, "%s%s: model.variants.%s: cannot be compared with the "
                                   "reference variant '%s': %s",
                     s->path, at, v->name, rv->name, why);
        }
        eb_graph_destroy(g);
    }
    eb_graph_destroy(ref);
    return st;
}
