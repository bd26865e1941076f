/* eb_ref_im2col_f32: the column matrix of an N-d convolution.
 *
 * One row per (channel, kernel offset), one column per output position, so
 * that Y[M x OUT] = W[M x C*K] * col[C*K x OUT] is the convolution. Work is
 * done a whole output row (the last spatial axis) at a time: the valid range
 * of that row is computed once, padding is zero-filled around it, and the
 * copy in between is a strided (stride 1 for unit strides) loop. */
#include <string.h>

#include "backends/ref/im2col_f32.h"

int64_t eb_ref_im2col_rows(const eb_window *w, int64_t channels)
{
    int64_t r = channels;
    for (int i = 0; i < w->n_spatial; i++)
        r *= w->kernel[i];
    return r;
}

int64_t eb_ref_im2col_cols(const eb_window *w)
{
    int64_t c = 1;
    for (int i = 0; i < w->n_spatial; i++)
        c *= w->out[i];
    return c;
}

void eb_ref_im2col_f32(const eb_window *w, int64_t channels, const float *x, float *col)
{
    const int ns = w->n_spatial, last = ns - 1;
    int64_t in_plane = 1, kernel_n = 1, out_rows = 1;
    int64_t in_stride[EB_MAX_SPATIAL]; /* elements per step along each input axis */
    for (int i = ns - 1; i >= 0; i--) {
        in_stride[i] = in_plane;
        in_plane *= w->in[i];
        kernel_n *= w->kernel[i];
        if (i != last)
            out_rows *= w->out[i];
    }
    const int64_t ow_n = w->out[last], sw = w->stride[last];
    for (int64_t c = 0; c < channels; c++) {
        const float *xc = x + c * in_plane;
        int64_t k[EB_MAX_SPATIAL] = {0};
        for (int64_t kk = 0; kk < kernel_n; kk++) {
            /* input offset of output position 0 along each axis for this tap */
            int64_t off[EB_MAX_SPATIAL];
            for (int i = 0; i < ns; i++)
                off[i] = k[i] * w->dilation[i] - w->pad_begin[i];
            int64_t lo, hi;
            eb_window_valid_range(off[last], sw, w->in[last], ow_n, &lo, &hi);
            int64_t o[EB_MAX_SPATIAL] = {0};
            for (int64_t r = 0; r < out_rows; r++, col += ow_n) {
                const float *src = xc;
                int inside = 1;
                for (int i = 0; i < last; i++) {
                    int64_t p = o[i] * w->stride[i] + off[i];
                    if (p < 0 || p >= w->in[i]) {
                        inside = 0;
                        break;
                    }
                    src += p * in_stride[i];
                }
                if (!inside || lo >= hi) {
                    memset(col, 0, sizeof(float) * (size_t)ow_n);
                } else {
                    memset(col, 0, sizeof(float) * (size_t)lo);
                    src += lo * sw + off[last];
                    if (sw == 1)
                        memcpy(col + lo, src, sizeof(float) * (size_t)(hi - lo));
                    else
                        for (int64_t j = lo; j < hi; j++)
                            col[j] = src[(j - lo) * sw];
                    memset(col + hi, 0, sizeof(float) * (size_t)(ow_n - hi));
                }
                for (int i = last - 1; i >= 0; i--) {
                    if (++o[i] < w->out[i])
                        break;
                    o[i] = 0;
                }
            }
            for (int i = ns - 1; i >= 0; i--) {
                if (++k[i] < w->kernel[i])
                    break;
                k[i] = 0;
            }
        }
    }
}
