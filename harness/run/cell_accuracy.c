/* Dataset inputs and accuracy inside a cell (see cell_accuracy.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/backend/session.h"
#include "harness/run/cell_accuracy.h"
#include "harness/run/reference_inputs.h"
#include "harness/stats/two_sample.h"

eb_status eb_cell_acc_open(eb_cell_acc *a, const eb_cell_job *job, const eb_graph *g, char *msg,
                           size_t msg_len)
{
    memset(a, 0, sizeof *a);
    a->job = job;
    a->g = g;
    eb_status st;
    const char *kind = job->cond.kind[0] ? job->cond.kind : "plain";
    st = eb_transform_from_condition(&job->cond, job->loop.iterations, &a->tf, msg, msg_len);
    if (st == EB_OK) {
        a->has_tf = 1;
        if (!job->use_dataset) {
            snprintf(msg, msg_len, "condition kind %s transforms input samples: it needs "
                     "`inputs: {kind: dataset}`", kind);
            return EB_ERR_INVALID_ARG;
        }
    } else if (st != EB_ERR_NOT_FOUND) {
        return st; /* a bad transform parameter */
    }
    if (job->use_dataset &&
        (st = eb_dataset_stream_open(&job->dataset, g, a->has_tf ? &a->tf : NULL, &a->stream, msg,
                                     msg_len)) != EB_OK)
        return st;
    const eb_tensor *o = &g->tensors[g->outputs[0]];
    size_t es = eb_dtype_size(o->dtype);
    a->out_elems = es ? o->nbytes / es : 0;
    int labelled = a->stream && eb_dataset_stream_label(a->stream, 0) >= 0;
    eb_label_acc_init(&a->labels, job->top_k);
    if (job->compare_reference && job->reference_model[0]) {
        /* random inputs repeat one tensor: one sample says everything */
        uint64_t cap = (uint64_t)(job->max_compare > 0 ? job->max_compare : 0);
        /* kept per call: a batched call holds several samples */
        uint64_t nb = a->stream ? eb_dataset_stream_batch(a->stream) : 1;
        a->n_keep = a->stream ? (cap + nb - 1) / nb : (cap ? 1 : 0);
    }
    a->scored = labelled || a->n_keep;
    if (!a->scored)
        return EB_OK;
    a->tmp = malloc((a->out_elems ? a->out_elems : 1) * sizeof *a->tmp);
    if (a->n_keep && a->n_keep * a->out_elems > (64ull << 20)) /* at most 256 MiB of outputs */
        a->n_keep = (64ull << 20) / (a->out_elems ? a->out_elems : 1);
    if (!a->tmp) {
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    return EB_OK;
}

void eb_cell_acc_before(eb_cell_acc *a, eb_input_set *in, uint64_t i, int measured)
{
    if (!a->stream)
        return;
    /* warm-up sees clean samples; the measured stream starts at sample 0 */
    uint64_t m = measured ? a->m : i;
    eb_dataset_stream_fill(a->stream, m, measured, &in->values[0]);
}

void eb_cell_acc_after(eb_cell_acc *a, const eb_value *out0)
{
    uint64_t m = a->m++;
    if (!a->scored)
        return;
    size_t n = eb_value_to_float(out0, a->tmp, a->out_elems);
    if (a->stream) {
        /* a batched call: output 0's rows are its samples, scored each */
        uint64_t nb = eb_dataset_stream_batch(a->stream);
        size_t row = n / nb;
        for (uint64_t b = 0; b < nb && row; b++) {
            int64_t label = eb_dataset_stream_label(a->stream, m * nb + b);
            if (label >= 0)
                eb_label_acc_add(&a->labels, a->tmp + b * row, row, label);
        }
    }
    if (a->n_kept < a->n_keep) {
        if (!a->kept) {
            a->kept = malloc(a->n_keep * a->out_elems * sizeof *a->kept);
            if (!a->kept)
                a->n_keep = 0; /* reported: reference_compared stays 0 */
        }
        if (a->kept)
            memcpy(a->kept + a->n_kept++ * a->out_elems, a->tmp, n * sizeof *a->tmp);
    }
}

/* Run the reference model on the ref backend over the kept samples. */
static eb_status compare_reference(eb_cell_acc *a, const eb_registry *reg,
                                   const eb_input_set *cell_in, const eb_cell_sink *sink,
                                   char *msg, size_t msg_len)
{
    const eb_cell_job *job = a->job;
    const eb_registry_entry *e = eb_registry_find(reg, "ref");
    if (!e || !e->available) {
        snprintf(msg, msg_len, "the ref backend is not available for the reference comparison");
        return EB_ERR_UNAVAILABLE;
    }
    eb_session ses;
    eb_input_set in = {0};
    eb_value *out = NULL;
    float *ref = NULL;
    char emsg[1024] = "", bmsg[1024] = "";
    eb_status st = eb_session_load(&ses, &e->table, job->reference_model, job->batch, emsg,
                                   sizeof emsg);
    if (st != EB_OK)
        goto out;
    const eb_graph *g = ses.g;
    const eb_tensor *o = &g->tensors[g->outputs[0]];
    size_t es = eb_dtype_size(o->dtype);
    /* the reference is fed this variant's input: never into a buffer of
     * another type, size or layout */
    if ((st = eb_reference_inputs_match(g, a->g, bmsg, sizeof bmsg)) != EB_OK) {
        snprintf(emsg, sizeof emsg, "this variant cannot be compared with the reference: %s",
                 bmsg);
        goto out;
    }
    if (!es || o->nbytes / es != a->out_elems) {
        snprintf(emsg, sizeof emsg, "the reference does not match this variant's inputs and "
                 "first output (%zu values, the variant has %zu)", es ? o->nbytes / es : 0,
                 a->out_elems);
        st = EB_ERR_INVALID_ARG;
        goto out;
    }
    eb_backend_options bo = {.struct_size = sizeof bo, .threads = 1};
    if ((st = eb_session_prepare(&ses, &bo, emsg, sizeof emsg)) != EB_OK ||
        (st = eb_random_inputs(g, &job->inputs, &in, emsg, sizeof emsg)) != EB_OK ||
        (st = eb_session_alloc_outputs(&ses, &out, emsg, sizeof emsg)) != EB_OK)
        goto out;
    ref = malloc((a->out_elems ? a->out_elems : 1) * sizeof *ref);
    if (!ref) {
        snprintf(emsg, sizeof emsg, "out of memory");
        st = EB_ERR_NOMEM;
        goto out;
    }
    eb_output_diff diff = {0};
    eb_label_acc ref_labels;
    eb_label_acc_init(&ref_labels, 0);
    for (uint64_t k = 0; k < a->n_kept; k++) {
        if (a->stream)
            eb_dataset_stream_fill(a->stream, k, 1, &in.values[0]);
        else /* random inputs: the very tensors the cell ran on */
            for (int i = 0; i < in.n && i < cell_in->n; i++)
                if (in.values[i].nbytes == cell_in->values[i].nbytes)
                    memcpy(in.values[i].data, cell_in->values[i].data, in.values[i].nbytes);
        st = ses.be->run(ses.ctx, ses.plan, in.values, in.n, out, g->n_outputs, bmsg, sizeof bmsg);
        if (st != EB_OK) {
            snprintf(emsg, sizeof emsg, "run failed: %s", bmsg[0] ? bmsg : eb_status_str(st));
            eb_label_acc_free(&ref_labels);
            goto out;
        }
        size_t n = eb_value_to_float(&out[0], ref, a->out_elems);
        eb_output_diff_add(&diff, a->kept + k * a->out_elems, ref, n);
        uint64_t nb = a->stream ? eb_dataset_stream_batch(a->stream) : 1;
        size_t row = n / nb;
        for (uint64_t b = 0; a->stream && b < nb && row; b++) {
            int64_t label = eb_dataset_stream_label(a->stream, k * nb + b);
            if (label >= 0)
                eb_label_acc_add(&ref_labels, ref + b * row, row, label);
        }
    }
    eb_diff_metrics dm;
    eb_output_diff_metrics(&diff, &dm);
    eb_cell_metric(sink, "reference_compared", (double)diff.n);
    eb_cell_metric(sink, "agreement_with_reference", dm.agreement);
    eb_cell_metric(sink, "max_abs_err", dm.max_abs_err);
    eb_cell_metric(sink, "mse", dm.mse);
    eb_cell_metric(sink, "cosine", dm.cosine);
    eb_cell_metric(sink, "snr_db", dm.snr_db);
    if (ref_labels.n) {
        /* the same samples, so the drop is paired, not two noisy estimates */
        double own = 0;
        uint64_t only_ref = 0, only_own = 0; /* the discordant pairs */
        for (uint64_t k = 0; k < ref_labels.n && k < a->labels.n; k++) {
            int mine = a->labels.correct ? a->labels.correct[k] : 0;
            int theirs = ref_labels.correct ? ref_labels.correct[k] : 0;
            own += mine;
            only_ref += theirs && !mine;
            only_own += mine && !theirs;
        }
        double n = (double)ref_labels.n;
        eb_cell_metric(sink, "top1_reference", (double)ref_labels.top1 / n);
        eb_cell_metric(sink, "top1_vs_reference", own / n - (double)ref_labels.top1 / n);
        /* is the change of top-1 more than chance? McNemar on the same
         * samples (docs/accuracy.md); only with per-sample hits on both */
        if (a->labels.correct && ref_labels.correct && !a->labels.oom && !ref_labels.oom) {
            eb_cell_metric(sink, "top1_only_reference", (double)only_ref);
            eb_cell_metric(sink, "top1_only_variant", (double)only_own);
            eb_cell_metric(sink, "top1_vs_reference_p", eb_mcnemar_exact_p(only_ref, only_own));
        }
    }
    eb_label_acc_free(&ref_labels);
out:
    if (st != EB_OK)
        snprintf(msg, msg_len, "reference comparison with %s on ref: %s", job->reference_model,
                 emsg);
    free(ref);
    eb_session_free_outputs(&ses, out);
    eb_input_set_free(&in);
    eb_session_close(&ses);
    return st;
}

eb_status eb_cell_acc_finish(eb_cell_acc *a, const eb_registry *reg, const eb_input_set *in,
                             const eb_cell_sink *sink, char *msg, size_t msg_len)
{
    if (a->stream)
        eb_cell_metric(sink, "dataset_samples", (double)eb_dataset_stream_size(a->stream));
    if (a->labels.n) {
        double n = (double)a->labels.n;
        eb_cell_metric(sink, "top1", (double)a->labels.top1 / n);
        if (a->labels.k > 0) {
            char name[32];
            snprintf(name, sizeof name, "top%d", a->labels.k);
            if (a->labels.k > 1)
                eb_cell_metric(sink, name, (double)a->labels.topk / n);
            eb_cell_metric(sink, "topk", (double)a->labels.topk / n);
            eb_cell_metric(sink, "top_k", (double)a->labels.k);
        }
        eb_cell_metric(sink, "accuracy_samples", n);
        if (!a->labels.oom)
            eb_cell_array(sink, "accuracy/correct", EB_ARRAY_U8, a->labels.n, 0,
                          a->labels.correct);
    }
    if (a->has_tf && a->tf.drift != EB_DRIFT_NONE && a->m) {
        /* the drifting parameter per measured sample, to plot accuracy
         * against (a batched call's rows are samples) */
        uint64_t ns = a->m * (a->stream ? eb_dataset_stream_batch(a->stream) : 1);
        double *v = malloc(ns * sizeof *v);
        if (v) {
            for (uint64_t k = 0; k < ns; k++)
                v[k] = eb_transform_param(&a->tf, a->tf.drift_param, k);
            char name[64];
            snprintf(name, sizeof name, "accuracy/drift_%s", a->tf.names[a->tf.drift_param]);
            eb_cell_array(sink, name, EB_ARRAY_F64, ns, 0, v);
            free(v);
        }
    }
    if (a->n_kept)
        return compare_reference(a, reg, in, sink, msg, msg_len);
    return EB_OK;
}

void eb_cell_acc_close(eb_cell_acc *a)
{
    eb_dataset_stream_close(a->stream);
    eb_transform_free(&a->tf);
    eb_label_acc_free(&a->labels);
    free(a->tmp);
    free(a->kept);
    a->stream = NULL;
    a->tmp = a->kept = NULL;
}
