/* The untimed outputs pass of a cell (see cell_outputs.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/accuracy/golden_diff.h"
#include "harness/run/cell_outputs.h"
#include "harness/run/golden_outputs.h"
#include "results/store_schema.h"

typedef struct kept {
    char leaf[EB_OUTPUT_LEAF_MAX];
    int type;             /* eb_array_type, -1: not kept (a string output) */
    uint64_t elems;       /* per sample */
    size_t bytes;         /* per sample, stored */
    unsigned char *data;  /* samples * bytes */
} kept;

/* One output value into its storage type (golden_outputs.h). */
static void convert(const eb_value *v, int type, void *dst, uint64_t n)
{
    size_t es = eb_dtype_size(v->dtype);
    if (es == eb_array_type_size((eb_array_type)type) && v->dtype != EB_DT_F16 &&
        v->dtype != EB_DT_BF16 && v->dtype != EB_DT_U32 && v->dtype != EB_DT_U64) {
        memcpy(dst, v->data, (size_t)n * es); /* its own type (bool as uint8) */
        return;
    }
    for (uint64_t k = 0; k < n; k++) {
        switch (v->dtype) {
        case EB_DT_F16:
            ((float *)dst)[k] = eb_f16_to_f32(((const unsigned short *)v->data)[k]);
            break;
        case EB_DT_BF16:
            ((float *)dst)[k] = eb_bf16_to_f32(((const uint16_t *)v->data)[k]);
            break;
        case EB_DT_U32:
            ((int64_t *)dst)[k] = ((const uint32_t *)v->data)[k];
            break;
        default: /* U64: as int64 (docs/outputs.md) */
            ((int64_t *)dst)[k] = (int64_t)((const uint64_t *)v->data)[k];
            break;
        }
    }
}

static double element(int type, const unsigned char *p, uint64_t k)
{
    switch (type) {
    case EB_ARRAY_F32: return ((const float *)p)[k];
    case EB_ARRAY_F64: return ((const double *)p)[k];
    case EB_ARRAY_U8: return ((const uint8_t *)p)[k];
    case EB_ARRAY_I8: return ((const int8_t *)p)[k];
    case EB_ARRAY_I16: return ((const int16_t *)p)[k];
    case EB_ARRAY_U16: return ((const uint16_t *)p)[k];
    case EB_ARRAY_I32: return ((const int32_t *)p)[k];
    default: return (double)((const int64_t *)p)[k];
    }
}

/* "[i,j,k]" of flat index f within a tensor of shape dims. */
static void unravel(uint64_t f, const int64_t *dims, int rank, char *out, size_t len)
{
    uint64_t idx[EB_MAX_RANK];
    for (int d = rank - 1; d >= 0; d--) {
        uint64_t n = dims[d] > 0 ? (uint64_t)dims[d] : 1;
        idx[d] = f % n;
        f /= n;
    }
    size_t w = (size_t)snprintf(out, len, "[");
    for (int d = 0; d < rank && w < len; d++)
        w += (size_t)snprintf(out + w, len - w, "%s%" PRIu64, d ? "," : "", idx[d]);
    if (w < len)
        snprintf(out + w, len - w, "]");
}

/* Compare output i's captured samples with its golden values. */
static eb_status check_golden(const eb_cell_outputs_job *o, const eb_outputs_session *s, int i,
                              const kept *k, uint64_t captured, const eb_cell_sink *sink,
                              uint64_t *mismatches, int *checked, char *msg, size_t msg_len)
{
    eb_nd nd;
    uint64_t n_golden;
    eb_status st = eb_golden_for_output(o->golden, s->model, s->g, i, &nd, &n_golden, msg,
                                        msg_len);
    if (st == EB_ERR_NOT_FOUND)
        return EB_OK;
    if (st != EB_OK)
        return st;
    uint64_t n = captured < n_golden ? captured : n_golden;
    double *got = malloc((k->elems ? k->elems : 1) * sizeof *got);
    double *want = malloc((k->elems ? k->elems : 1) * sizeof *want);
    if (!got || !want) {
        free(got);
        free(want);
        eb_nd_free(&nd);
        snprintf(msg, msg_len, "out of memory comparing with the golden values");
        return EB_ERR_NOMEM;
    }
    eb_golden_diff d;
    eb_golden_diff_init(&d, o->rtol, o->atol, o->equal_nan, o->worst);
    for (uint64_t smp = 0; smp < n; smp++) {
        for (uint64_t e = 0; e < k->elems; e++) {
            uint64_t gi = smp * k->elems + e;
            got[e] = element(k->type, k->data + smp * k->bytes, e);
            want[e] = nd.f ? (double)nd.f[gi] : (double)nd.i[gi];
        }
        eb_golden_diff_add(&d, got, want, (size_t)k->elems);
    }
    free(got);
    free(want);
    eb_nd_free(&nd);
    char name[EB_EXTRA_NAME_MAX];
#define METRIC(suffix, v)                                                   \
    do {                                                                     \
        snprintf(name, sizeof name, "golden.%s." suffix, k->leaf);          \
        eb_cell_metric(sink, name, (v));                                     \
    } while (0)
    METRIC("samples", (double)n);
    METRIC("compared", (double)d.n);
    METRIC("mismatches", (double)d.mismatches);
    METRIC("mismatch_fraction", eb_golden_diff_fraction(&d));
    METRIC("max_abs_err", d.max_abs_err);
    METRIC("max_rel_err", d.max_rel_err);
    METRIC("nan_mismatches", (double)d.nan_mismatches);
#undef METRIC
    /* the worst elements: a line for people, rows for programs */
    const eb_tensor *t = &s->g->tensors[s->g->outputs[i]];
    char text[EB_EXTRA_TEXT_MAX] = "";
    size_t w = 0;
    double *rows = d.n_worst ? malloc((size_t)d.n_worst * 5 * sizeof *rows) : NULL;
    for (int j = 0; j < d.n_worst; j++) {
        const eb_golden_elem *e = &d.worst[j];
        uint64_t smp = e->index / (k->elems ? k->elems : 1), flat = e->index % (k->elems ? k->elems : 1);
        char at[96];
        unravel(flat, t->dims, t->rank, at, sizeof at);
        if (w < sizeof text)
            w += (size_t)snprintf(text + w, sizeof text - w, "%ssample %" PRIu64 " %s: %.9g vs %.9g",
                                  j ? "; " : "", smp, at, e->got, e->want);
        if (rows) {
            double *r = rows + 5 * j;
            r[0] = (double)smp;
            r[1] = (double)flat;
            r[2] = e->got;
            r[3] = e->want;
            r[4] = e->err;
        }
    }
    if (d.n_worst) {
        snprintf(name, sizeof name, "golden.%s.worst", k->leaf);
        eb_cell_text(sink, name, text);
        snprintf(name, sizeof name, "golden_worst/%s", k->leaf);
        if (rows)
            eb_cell_array(sink, name, EB_ARRAY_F64, (uint64_t)d.n_worst, 5, rows);
    }
    free(rows);
    *mismatches += d.mismatches;
    (*checked)++;
    return EB_OK;
}

eb_status eb_cell_outputs_run(const eb_cell_outputs_job *o, const eb_outputs_session *s,
                              const eb_cell_sink *sink, char *msg, size_t msg_len)
{
    if (!eb_cell_outputs_wanted(o))
        return EB_OK;
    const eb_graph *g = s->g;
    int n_out = g->n_outputs;
    kept *k = calloc((size_t)(n_out ? n_out : 1), sizeof *k);
    if (!k) {
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    eb_status st = EB_OK;
    uint64_t per_sample = 0;
    for (int i = 0; i < n_out; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        eb_output_leaf(g, i, k[i].leaf, sizeof k[i].leaf);
        k[i].type = t->rank >= 0 ? eb_output_array_type(t->dtype) : -1;
        size_t es = eb_dtype_size(t->dtype);
        if (k[i].type < 0 || !es || s->out[i].nbytes != t->nbytes)
            continue; /* not kept: said in outputs_skipped */
        k[i].elems = t->nbytes / es;
        k[i].bytes = (size_t)k[i].elems * eb_array_type_size((eb_array_type)k[i].type);
        per_sample += k[i].bytes;
    }
    /* how many samples: the cap on samples, then the cap on bytes */
    /* in calls: a batched model's call holds eb_dataset_stream_batch samples */
    uint64_t nb = s->stream ? eb_dataset_stream_batch(s->stream) : 1;
    uint64_t available = s->stream ? (eb_dataset_stream_size(s->stream) + nb - 1) / nb : 1;
    uint64_t want = available < (uint64_t)o->max_samples ? available : (uint64_t)o->max_samples;
    const char *cut = want < available ? "max_samples" : "";
    if (per_sample && want > (uint64_t)o->max_bytes / per_sample) {
        want = (uint64_t)o->max_bytes / per_sample;
        cut = "max_mb";
    }
    if (o->golden[0] && !want) {
        snprintf(msg, msg_len, "outputs.max_mb (%" PRId64 " bytes) holds less than one sample's "
                 "outputs (%" PRIu64 " bytes): nothing to check against the golden file",
                 o->max_bytes, per_sample);
        st = EB_ERR_INVALID_ARG;
        goto out;
    }
    for (int i = 0; i < n_out && want; i++) {
        if (k[i].type < 0 || !k[i].bytes)
            continue;
        if (!(k[i].data = malloc((size_t)want * k[i].bytes))) {
            snprintf(msg, msg_len, "out of memory for %" PRIu64 " samples of outputs", want);
            st = EB_ERR_NOMEM;
            goto out;
        }
    }
    /* the pass itself: sample m of the measured stream is rebuilt exactly
     * as the timing loop's before hook built it */
    for (uint64_t m = 0; m < want; m++) {
        if (s->stream)
            eb_dataset_stream_fill(s->stream, m, 1, &s->in->values[0]);
        char bmsg[1024] = "";
        st = s->be->run(s->ctx, s->plan, s->in->values, s->in->n, s->out, n_out, bmsg,
                        sizeof bmsg);
        if (st != EB_OK) {
            snprintf(msg, msg_len, "outputs pass, sample %" PRIu64 ": %s", m,
                     bmsg[0] ? bmsg : eb_status_str(st));
            goto out;
        }
        for (int i = 0; i < n_out; i++)
            if (k[i].data)
                convert(&s->out[i], k[i].type, k[i].data + m * k[i].bytes, k[i].elems);
    }
    eb_cell_metric(sink, "outputs_samples", (double)want);
    eb_cell_metric(sink, "outputs_available", (double)available);
    if (cut[0])
        eb_cell_text(sink, "outputs_cut", cut);
    if (o->store) {
        /* which dataset sample each stored one is (inputs.order shuffles) */
        int64_t *index = malloc((want ? want : 1) * sizeof *index);
        if (!index) {
            snprintf(msg, msg_len, "out of memory");
            st = EB_ERR_NOMEM;
            goto out;
        }
        for (uint64_t m = 0; m < want; m++)
            index[m] = s->stream ? (int64_t)eb_dataset_stream_index(s->stream, m * nb) : 0;
        eb_cell_array(sink, "outputs_index", EB_ARRAY_I64, want, 0, index);
        free(index);
        for (int i = 0; i < n_out; i++) {
            const eb_tensor *t = &g->tensors[g->outputs[i]];
            if (k[i].type < 0 || !k[i].bytes) {
                char name[EB_EXTRA_NAME_MAX];
                snprintf(name, sizeof name, "outputs_skipped.%s", k[i].leaf);
                eb_cell_text(sink, name, "a string or unsized output is not stored");
                continue;
            }
            uint64_t dims[EB_ARRAY_MAX_RANK];
            int rank = 1 + t->rank;
            dims[0] = want;
            if (rank > EB_ARRAY_MAX_RANK) { /* flattened past 7 tensor dimensions */
                rank = 2;
                dims[1] = k[i].elems;
            } else {
                for (int d = 0; d < t->rank; d++)
                    dims[1 + d] = (uint64_t)t->dims[d];
            }
            char name[EB_EXTRA_NAME_MAX];
            snprintf(name, sizeof name, EB_GROUP_OUTPUTS "/%s", k[i].leaf);
            eb_cell_array_nd(sink, name, (eb_array_type)k[i].type, rank, dims, k[i].data);
        }
    }
    if (o->golden[0]) {
        uint64_t mismatches = 0;
        int checked = 0;
        for (int i = 0; i < n_out && st == EB_OK; i++)
            if (k[i].data)
                st = check_golden(o, s, i, &k[i], want, sink, &mismatches, &checked, msg,
                                  msg_len);
        if (st != EB_OK)
            goto out;
        eb_cell_metric(sink, "golden_outputs", (double)checked);
        eb_cell_metric(sink, "golden_mismatches", (double)mismatches);
        eb_cell_metric(sink, "golden_pass", checked && !mismatches && want ? 1 : 0);
    }
out:
    for (int i = 0; i < n_out; i++)
        free(k[i].data);
    free(k);
    return st;
}
