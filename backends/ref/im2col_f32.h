/* Unfolding convolution windows into a matrix so a convolution becomes one
 * GEMM per group (defined in im2col_f32.c). */
#ifndef EB_REF_IM2COL_F32_H
#define EB_REF_IM2COL_F32_H

#include <stdint.h>

#include "edgebench/window.h"

/* Rows of the column matrix for `channels` channels under window w:
 * channels * prod(w->kernel). Columns: prod(w->out). */
int64_t eb_ref_im2col_rows(const eb_window *w, int64_t channels);
int64_t eb_ref_im2col_cols(const eb_window *w);

/* x: `channels` consecutive input planes of prod(w->in) floats (C x spatial,
 * row-major). col: rows x cols floats, row (c, k0, k1, ...) in the weight's
 * (C/group, kernel...) order, column = flattened output position; positions
 * that fall into padding are 0. Any number of spatial dims. */
void eb_ref_im2col_f32(const eb_window *w, int64_t channels, const float *x, float *col);

#endif
