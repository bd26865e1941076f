/* eb_job_set_inputs (see job_inputs.h). */
#include <string.h>

#include "harness/inputs/dataset.h"
#include "harness/run/cell_outputs_job.h"
#include "harness/run/job_inputs.h"

static int choice(const char *v, const char *const *names, int dflt)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    return dflt;
}

void eb_job_set_inputs(const eb_scenario *s, const eb_matrix_cell *c, eb_cell_job *j)
{
    if (s->inputs.kind == EB_INPUT_DATASET) {
        const eb_scenario_dataset *sd = &s->inputs.dataset;
        eb_dataset_input *d = &j->dataset;
        j->use_dataset = 1;
        snprintf(d->data.path, sizeof d->data.path, "%s", sd->path);
        snprintf(d->data.labels, sizeof d->data.labels, "%s", sd->labels);
        int fmt = eb_dataset_format_parse(sd->format);
        d->data.format = fmt < 0 ? EB_DATASET_AUTO : (eb_dataset_format)fmt;
        snprintf(d->data.h5_images, sizeof d->data.h5_images, "%s", sd->images_dataset);
        snprintf(d->data.h5_labels, sizeof d->data.h5_labels, "%s", sd->labels_dataset);
        d->data.limit = sd->limit;
        d->shuffle = sd->shuffled;
        d->seed = sd->seed;
        d->scale = sd->scale;
        d->n_mean = sd->n_mean;
        d->n_std = sd->n_std;
        memcpy(d->mean, sd->mean, sizeof d->mean);
        memcpy(d->std, sd->std, sizeof d->std);
        static const char *const layouts[] = {"auto", "NCHW", "NHWC", NULL};
        static const char *const resizes[] = {"bilinear", "nearest", "none", NULL};
        static const char *const slayouts[] = {"hwc", "chw", NULL};
        d->layout = (eb_layout)choice(sd->layout, layouts, 0);
        d->resize = (eb_resize)choice(sd->resize, resizes, 0);
        d->sample_layout = (eb_sample_layout)choice(sd->sample_layout, slayouts, 0);
        static const char *const dtypes[] = {"auto", "float32", "uint8", "int8", NULL};
        static const eb_dtype dtype_of[] = {EB_DT_UNDEFINED, EB_DT_F32, EB_DT_U8, EB_DT_I8};
        d->dtype = dtype_of[choice(sd->dtype, dtypes, 0)];
    }
    if (c->cond)
        j->cond = *c->cond;
    else
        eb_condition_init(&j->cond, c->condition_kind);
    j->top_k = s->accuracy.top_k;
    j->max_compare = s->accuracy.max_compare;
    /* The reference is the reference variant on the reference backend: a
     * cell that is exactly that has nothing to compare with. */
    const char *ref_model = s->variants[s->reference].resolved_path;
    int is_reference = c->is_reference && strcmp(c->backend, "ref") == 0;
    j->compare_reference = s->accuracy.reference && !is_reference;
    snprintf(j->reference_model, sizeof j->reference_model, "%s",
             j->compare_reference ? ref_model : "");
    eb_cell_outputs_job_from(&j->outputs, s);
    j->op_profile_iterations = s->metrics.op_profile ? (int)s->metrics.op_profile_iterations : 0;
}
