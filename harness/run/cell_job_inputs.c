/* The dataset, condition and accuracy part of a cell job on the pipe to
 * the cell process: one "key=value" line per field. Floats are written
 * with 17 significant digits, so the child computes with the very values
 * the parent resolved. The condition goes as its kind and one typed line
 * per parameter ("cond.sigma=0.10000000000000001"), typed again on arrival
 * through the condition table. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "harness/run/cell.h"

static void write_list(FILE *f, const char *key, const double *v, int n)
{
    fprintf(f, "%s=", key);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%.17g", i ? "," : "", v[i]);
    fputc('\n', f);
}

static int read_list(const char *s, double *v, int max)
{
    int n = 0;
    while (*s && n < max) {
        char *end;
        v[n++] = strtod(s, &end);
        if (*end != ',')
            break;
        s = end + 1;
    }
    return n;
}

void eb_cell_job_write_inputs(FILE *f, const eb_cell_job *j)
{
    const eb_dataset_input *d = &j->dataset;
    fprintf(f, "use_dataset=%d\n", j->use_dataset);
    if (j->use_dataset) {
        fprintf(f, "ds_path=%s\nds_labels=%s\nds_format=%d\nds_h5_images=%s\nds_h5_labels=%s\n",
                d->data.path, d->data.labels, (int)d->data.format, d->data.h5_images,
                d->data.h5_labels);
        fprintf(f, "ds_limit=%" PRIu64 "\nds_shuffle=%d\nds_seed=%" PRIu64 "\nds_scale=%.17g\n",
                d->data.limit, d->shuffle, d->seed, d->scale);
        write_list(f, "ds_mean", d->mean, d->n_mean);
        write_list(f, "ds_std", d->std, d->n_std);
        fprintf(f, "ds_layout=%d\nds_resize=%d\nds_sample_layout=%d\nds_dtype=%d\n",
                (int)d->layout, (int)d->resize, (int)d->sample_layout, (int)d->dtype);
    }
    /* the kind first: the reader types each parameter by it */
    fprintf(f, "cond_kind=%s\n", j->cond.kind);
    for (int i = 0; i < j->cond.n; i++) {
        const eb_condition_param *p = &j->cond.params[i];
        if (p->type == EB_CP_NUM)
            fprintf(f, "cond.%s=%.17g\n", p->key, p->num);
        else if (p->type == EB_CP_INT)
            fprintf(f, "cond.%s=%" PRId64 "\n", p->key, p->i);
        else
            fprintf(f, "cond.%s=%s\n", p->key, p->str);
    }
    fprintf(f, "top_k=%d\ncompare_reference=%d\nmax_compare=%" PRId64 "\nreference_model=%s\n",
            j->top_k, j->compare_reference, j->max_compare, j->reference_model);
}

#define STR(field) snprintf(field, sizeof field, "%s", v)

int eb_cell_job_read_inputs(const char *k, const char *v, eb_cell_job *j, char *msg,
                            size_t msg_len)
{
    eb_dataset_input *d = &j->dataset;
    if (strcmp(k, "use_dataset") == 0)
        j->use_dataset = atoi(v);
    else if (strcmp(k, "ds_path") == 0)
        STR(d->data.path);
    else if (strcmp(k, "ds_labels") == 0)
        STR(d->data.labels);
    else if (strcmp(k, "ds_format") == 0)
        d->data.format = (eb_dataset_format)atoi(v);
    else if (strcmp(k, "ds_h5_images") == 0)
        STR(d->data.h5_images);
    else if (strcmp(k, "ds_h5_labels") == 0)
        STR(d->data.h5_labels);
    else if (strcmp(k, "ds_limit") == 0)
        d->data.limit = strtoull(v, NULL, 10);
    else if (strcmp(k, "ds_shuffle") == 0)
        d->shuffle = atoi(v);
    else if (strcmp(k, "ds_seed") == 0)
        d->seed = strtoull(v, NULL, 10);
    else if (strcmp(k, "ds_scale") == 0)
        d->scale = strtod(v, NULL);
    else if (strcmp(k, "ds_mean") == 0)
        d->n_mean = read_list(v, d->mean, EB_PREP_MAX_CHANNELS);
    else if (strcmp(k, "ds_std") == 0)
        d->n_std = read_list(v, d->std, EB_PREP_MAX_CHANNELS);
    else if (strcmp(k, "ds_layout") == 0)
        d->layout = (eb_layout)atoi(v);
    else if (strcmp(k, "ds_resize") == 0)
        d->resize = (eb_resize)atoi(v);
    else if (strcmp(k, "ds_sample_layout") == 0)
        d->sample_layout = (eb_sample_layout)atoi(v);
    else if (strcmp(k, "ds_dtype") == 0)
        d->dtype = (eb_dtype)atoi(v);
    else if (strcmp(k, "cond_kind") == 0)
        eb_condition_init(&j->cond, v);
    else if (strncmp(k, "cond.", 5) == 0)
        return eb_condition_set_text(&j->cond, k + 5, v, msg, msg_len) == EB_OK ? 1 : -1;
    else if (strcmp(k, "top_k") == 0)
        j->top_k = atoi(v);
    else if (strcmp(k, "compare_reference") == 0)
        j->compare_reference = atoi(v);
    else if (strcmp(k, "max_compare") == 0)
        j->max_compare = strtoll(v, NULL, 10);
    else if (strcmp(k, "reference_model") == 0)
        STR(j->reference_model);
    else
        return 0;
    return 1;
}
