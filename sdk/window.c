/* eb_window_resolve: conv/pool window geometry, the ONNX rules in one place. */
#include <stdio.h>
#include <string.h>

#include "edgebench/window.h"
#include "sdk/sdk_fail.h"

#define FAIL EB_SDK_FAIL

static int attr_ints(const eb_node *n, const char *name, int64_t *out, int want, int64_t dflt,
                     int *present)
{
    const int64_t *v;
    int c = eb_node_attr_ints(n, name, &v);
    *present = c >= 0;
    if (c < 0) {
        for (int i = 0; i < want; i++)
            out[i] = dflt;
        return want;
    }
    for (int i = 0; i < c && i < 2 * EB_MAX_SPATIAL; i++)
        out[i] = v[i];
    return c;
}

eb_status eb_window_resolve(const eb_graph *g, const eb_node *n, const eb_tensor *x,
                            const eb_tensor *weight, eb_window *w, char *msg, size_t msg_len)
{
    memset(w, 0, sizeof *w);
    if (x->rank < 3 || x->rank > EB_MAX_RANK)
        FAIL("input '%s' has rank %d; expected N x C x spatial (rank 3..%d)", x->name, x->rank,
             EB_MAX_RANK);
    int ns = x->rank - 2;
    w->n_spatial = ns;
    for (int i = 0; i < ns; i++)
        w->in[i] = x->dims[i + 2];

    int64_t ks[2 * EB_MAX_SPATIAL];
    int have_k;
    int c = attr_ints(n, "kernel_shape", ks, ns, 0, &have_k);
    if (have_k && c != ns)
        FAIL("kernel_shape has %d values for %d spatial dims", c, ns);
    if (weight) {
        if (weight->rank != x->rank)
            FAIL("weight '%s' has rank %d, input has rank %d", weight->name, weight->rank,
                 x->rank);
        for (int i = 0; i < ns; i++) {
            if (have_k && ks[i] != weight->dims[i + 2])
                FAIL("kernel_shape[%d]=%lld does not match weight dim %lld", i,
                     (long long)ks[i], (long long)weight->dims[i + 2]);
            w->kernel[i] = weight->dims[i + 2];
        }
    } else {
        if (!have_k)
            FAIL("kernel_shape attribute is required");
        for (int i = 0; i < ns; i++)
            w->kernel[i] = ks[i];
    }
    int have;
    int64_t tmp[2 * EB_MAX_SPATIAL];
    c = attr_ints(n, "strides", tmp, ns, 1, &have);
    if (c != ns)
        FAIL("strides has %d values for %d spatial dims", c, ns);
    memcpy(w->stride, tmp, sizeof(int64_t) * (size_t)ns);
    c = attr_ints(n, "dilations", tmp, ns, 1, &have);
    if (c != ns)
        FAIL("dilations has %d values for %d spatial dims", c, ns);
    memcpy(w->dilation, tmp, sizeof(int64_t) * (size_t)ns);
    int have_pads;
    c = attr_ints(n, "pads", tmp, 2 * ns, 0, &have_pads);
    if (c != 2 * ns)
        FAIL("pads has %d values; expected %d", c, 2 * ns);
    for (int i = 0; i < ns; i++) {
        w->pad_begin[i] = tmp[i];
        w->pad_end[i] = tmp[i + ns];
    }
    for (int i = 0; i < ns; i++) {
        if (w->kernel[i] < 1 || w->stride[i] < 1 || w->dilation[i] < 1)
            FAIL("kernel, strides and dilations must be >= 1 (axis %d: %lld, %lld, %lld)", i,
                 (long long)w->kernel[i], (long long)w->stride[i], (long long)w->dilation[i]);
        if (w->pad_begin[i] < 0 || w->pad_end[i] < 0)
            FAIL("negative pads are not supported");
    }
    const char *ap = eb_node_attr_string(n, "auto_pad", "NOTSET");
    int ceil_mode = weight ? 0 : (int)eb_node_attr_int(n, "ceil_mode", 0);
    for (int i = 0; i < ns; i++) {
        int64_t span = (w->kernel[i] - 1) * w->dilation[i] + 1;
        if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
            int64_t out = (w->in[i] + w->stride[i] - 1) / w->stride[i];
            int64_t total = (out - 1) * w->stride[i] + span - w->in[i];
            if (total < 0)
                total = 0;
            int64_t small = total / 2, big = total - small;
            w->pad_begin[i] = ap[5] == 'U' ? small : big;
            w->pad_end[i] = ap[5] == 'U' ? big : small;
            w->out[i] = out;
        } else if (strcmp(ap, "VALID") == 0 || strcmp(ap, "NOTSET") == 0) {
            if (ap[0] == 'V')
                w->pad_begin[i] = w->pad_end[i] = 0;
            int64_t padded = w->in[i] + w->pad_begin[i] + w->pad_end[i];
            if (padded < span)
                FAIL("window of %lld along spatial axis %d exceeds the padded input (%lld)",
                     (long long)span, i, (long long)padded);
            int64_t num = padded - span;
            int64_t out = ceil_mode ? (num + w->stride[i] - 1) / w->stride[i] + 1
                                    : num / w->stride[i] + 1;
            /* With ceil_mode the last window must start inside the input or
             * its left padding (the rule PyTorch and ONNX Runtime apply). */
            if (ceil_mode && (out - 1) * w->stride[i] >= w->in[i] + w->pad_begin[i])
                out--;
            w->out[i] = out;
        } else {
            FAIL("unknown auto_pad value '%s'", ap);
        }
    }
    return EB_OK;
}
