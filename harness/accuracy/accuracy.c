/* Accuracy accumulators (see accuracy.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/accuracy/accuracy.h"

size_t eb_value_to_float(const eb_value *v, float *dst, size_t cap)
{
    size_t es = eb_dtype_size(v->dtype);
    size_t n = es ? v->nbytes / es : 0;
    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n; i++) {
        switch (v->dtype) {
        case EB_DT_F32: dst[i] = ((const float *)v->data)[i]; break;
        case EB_DT_F64: dst[i] = (float)((const double *)v->data)[i]; break;
        case EB_DT_F16: dst[i] = eb_f16_to_f32(((const unsigned short *)v->data)[i]); break;
        case EB_DT_U8: dst[i] = ((const uint8_t *)v->data)[i]; break;
        case EB_DT_I8: dst[i] = ((const int8_t *)v->data)[i]; break;
        case EB_DT_I32: dst[i] = (float)((const int32_t *)v->data)[i]; break;
        case EB_DT_I64: dst[i] = (float)((const int64_t *)v->data)[i]; break;
        default: dst[i] = NAN; break;
        }
    }
    return n;
}

int64_t eb_argmax(const float *x, size_t n)
{
    if (!n)
        return -1;
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return (int64_t)best;
}

int eb_in_top_k(const float *x, size_t n, int64_t label, int k)
{
    if (label < 0 || (uint64_t)label >= n)
        return 0;
    /* rank of label: values strictly larger, plus equal ones before it */
    size_t above = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > x[label] || (x[i] == x[label] && (int64_t)i < label))
            above++;
    return above < (size_t)k;
}

void eb_label_acc_init(eb_label_acc *a, int k)
{
    memset(a, 0, sizeof *a);
    a->k = k;
}

void eb_label_acc_add(eb_label_acc *a, const float *out, size_t n, int64_t label)
{
    int ok = eb_argmax(out, n) == label;
    a->top1 += ok;
    if (a->k > 0)
        a->topk += eb_in_top_k(out, n, label, a->k);
    if (a->n == a->cap && !a->oom) {
        uint64_t cap = a->cap ? a->cap * 2 : 4096;
        uint8_t *c = realloc(a->correct, cap);
        if (c) {
            a->correct = c;
            a->cap = cap;
        } else {
            a->oom = 1;
        }
    }
    if (!a->oom)
        a->correct[a->n] = (uint8_t)ok;
    a->n++;
}

void eb_label_acc_free(eb_label_acc *a)
{
    free(a->correct);
    a->correct = NULL;
    a->cap = 0;
}

void eb_output_diff_add(eb_output_diff *d, const float *out, const float *ref, size_t n)
{
    double dot = 0, no = 0, nr = 0;
    for (size_t i = 0; i < n; i++) {
        double e = (double)out[i] - ref[i];
        if (fabs(e) > d->max_abs || isnan(e))
            d->max_abs = isnan(e) ? INFINITY : fabs(e);
        d->sum_sq_err += e * e;
        d->sum_sq_ref += (double)ref[i] * ref[i];
        dot += (double)out[i] * ref[i];
        no += (double)out[i] * out[i];
        nr += (double)ref[i] * ref[i];
    }
    if (no > 0 && nr > 0) {
        d->sum_cos += dot / sqrt(no * nr);
        d->n_cos++;
    }
    d->agree += eb_argmax(out, n) == eb_argmax(ref, n);
    d->elems += n;
    d->n++;
}

void eb_output_diff_metrics(const eb_output_diff *d, eb_diff_metrics *m)
{
    m->agreement = d->n ? (double)d->agree / (double)d->n : NAN;
    m->max_abs_err = d->n ? d->max_abs : NAN;
    m->mse = d->elems ? d->sum_sq_err / (double)d->elems : NAN;
    m->cosine = d->n_cos ? d->sum_cos / (double)d->n_cos : NAN;
    if (!d->n)
        m->snr_db = NAN;
    else if (d->sum_sq_err == 0)
        m->snr_db = INFINITY;
    else
        m->snr_db = 10.0 * log10(d->sum_sq_ref / d->sum_sq_err);
}
