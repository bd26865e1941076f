/* im2col for the simd plan's GEMM convolutions (simd_plan_conv.c): a
 * 2-D convolution's windows unfolded into a matrix once per run, so the
 * stem of a CNN (few channels, a large output) runs as a 1x1 product over
 * it. Row (c, ky, kx), column oy * ow + ox, the layout of
 * eb_ref_im2col_f32. */
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

/* The next row's channel and tap, (c, ky, kx) in row-major order. */
static inline void next_tap(const eb_simd_conv_geom *g, int64_t *c, int64_t *ky,
                                     int64_t *kx)
{
    if (++*kx < g->kw)
        return;
    *kx = 0;
    if (++*ky < g->kh)
        return;
    *ky = 0;
    ++*c;
}

/* Stride 1, dilation 1, rows as wide as the input's: a tap's row of the
 * column matrix is the input plane shifted by one offset, so it is one
 * contiguous copy, then the columns that fall in the padding (at most
 * |dx| per output row) and the rows that do are set to the padding value:
 * 0 for fp32, the byte of x_zp for int8. */
#define IM2COL_SHIFT(NAME, T)                                                                  \
    static void NAME(const eb_simd_conv_geom *g_in, int64_t rows, int64_t oy0, int64_t oy1,    \
                     const T *x, T pad, T *col)                                                \
    {                                                                                          \
        /* a local copy: through g_in every field is loaded again after   \
         * each store (simd_vec_conv_small.h) */                          \
        const eb_simd_conv_geom gl = *g_in, *g = &gl;                                          \
        const int64_t n = g->oh * g->ow, plane = g->ih * g->iw;                                \
        const int64_t e0 = oy0 * g->ow, e1 = oy1 * g->ow; /* the columns written */            \
        /* the row's (c, ky, kx) are stepped, not divided out per row: three                   \
         * 64-bit divisions were a fifth of the Fashion CNN's im2col */                        \
        int64_t c = 0, ky = 0, kx = 0;                                                         \
        for (int64_t r = 0; r < rows; r++, col += n, next_tap(g, &c, &ky, &kx)) {              \
            const T *xc = x + c * plane;                                                       \
            const int64_t dy = ky - g->ph, dx = kx - g->pw, shift = dy * g->iw + dx;           \
            int64_t y0 = dy < 0 ? -dy : 0;                                                     \
            int64_t y1 = g->ih - dy < g->oh ? g->ih - dy : g->oh;                              \
            y0 = y0 > oy0 ? y0 : oy0;                                                          \
            y1 = y1 < oy1 ? y1 : oy1;                                                          \
            if (y1 < y0)                                                                       \
                y1 = y0;                                                                       \
            const int64_t q0 = y0 * g->ow, q1 = y1 * g->ow;                                    \
            for (int64_t q = e0; q < q0; q++)                                                  \
                col[q] = pad;                                                                  \
            for (int64_t q = q1; q < e1; q++)                                                  \
                col[q] = pad;                                                                  \
            /* reads stay inside the plane: what is clipped lies in                            \
             * the padding columns, set below */                                               \
            const int64_t c0 = q0 + shift < 0 ? -shift : q0;                                   \
            const int64_t c1 = q1 + shift > plane ? plane - shift : q1;                        \
            for (int64_t q = q0; q < c0 && q < q1; q++)                                        \
                col[q] = pad;                                                                  \
            /* memcpy: this file is built for the baseline ISA, whose                          \
             * 16-byte loop took 40 % of the copy; libc picks the host's */                    \
            if (c1 > c0)                                                                       \
                memcpy(col + c0, xc + c0 + shift, (size_t)(c1 - c0) * sizeof(T));              \
            for (int64_t q = c1 > q0 ? c1 : q0; q < q1; q++)                                   \
                col[q] = pad;                                                                  \
            /* columns outer, rows inner: strided stores, which the                            \
             * compiler does not turn into a memset call per row */                            \
            if (dx != 0) {                                                                     \
                const int64_t lo = dx < 0 ? 0 : g->iw - dx, hi = dx < 0 ? -dx : g->iw;         \
                for (int64_t ox = lo; ox < hi && ox < g->ow; ox++)                             \
                    for (int64_t oy = y0; oy < y1; oy++)                                       \
                        col[oy * g->ow + ox] = pad;                                            \
            }                                                                                  \
        }                                                                                      \
    }

IM2COL_SHIFT(im2col_shift_f32, float)
IM2COL_SHIFT(im2col_shift_q8, uint8_t)

/* Whether im2col_shift_* applies. */
static int shift_im2col(const eb_simd_conv_geom *g)
{
    return g->sh == 1 && g->sw == 1 && g->dh == 1 && g->dw == 1 && g->ow == g->iw &&
           g->pw < g->iw && g->kw - 1 - g->pw < g->iw;
}

/* Any other window: a tap's valid columns are the same for every output
 * row, so they are found once per tap, and rows are filled with plain
 * loops, neither a bounds check per element (it made MobileNet-v2's int8
 * stem ~270 of its 346 us) nor memset / memcpy calls, which cost more than
 * they copy on 14-wide rows (the Fashion CNN's second convolution: 2016
 * rows of 14). Taps in the padding get `pad`. */
#define IM2COL_WINDOW(NAME, T)                                                                 \
    static void NAME(const eb_simd_conv_geom *g_in, int64_t rows, int64_t oy0, int64_t oy1,    \
                     const T *x, T pad, T *col)                                                \
    {                                                                                          \
        /* a local copy: through g_in every field is loaded again after   \
         * each store (simd_vec_conv_small.h) */                          \
        const eb_simd_conv_geom gl = *g_in, *g = &gl;                                          \
        const int64_t n = g->oh * g->ow;                                                       \
        int64_t c = 0, ky = 0, kx = 0;                                                         \
        for (int64_t r = 0; r < rows; r++, col += n, next_tap(g, &c, &ky, &kx)) {              \
            const T *xc = x + c * g->ih * g->iw;                                               \
            const int64_t off = kx * g->dw - g->pw;                                            \
            int64_t lo, hi;                                                                    \
            eb_window_valid_range(off, g->sw, g->iw, g->ow, &lo, &hi);                         \
            for (int64_t oy = oy0; oy < oy1; oy++) {                                           \
                T *d = col + oy * g->ow;                                                       \
                const int64_t iy = oy * g->sh - g->ph + ky * g->dh;                            \
                if (iy < 0 || iy >= g->ih || hi <= lo) {                                       \
                    for (int64_t ox = 0; ox < g->ow; ox++)                                     \
                        d[ox] = pad;                                                           \
                    continue;                                                                  \
                }                                                                              \
                const T *row = xc + iy * g->iw + off;                                          \
                for (int64_t ox = 0; ox < lo; ox++)                                            \
                    d[ox] = pad;                                                               \
                if (g->sw == 1)                                                                \
                    for (int64_t ox = lo; ox < hi; ox++)                                       \
                        d[ox] = row[ox];                                                       \
                else if (g->sw == 2)                                                           \
                    for (int64_t ox = lo; ox < hi; ox++)                                       \
                        d[ox] = row[2 * ox];                                                   \
                else                                                                           \
                    for (int64_t ox = lo; ox < hi; ox++)                                       \
                        d[ox] = row[ox * g->sw];                                               \
                for (int64_t ox = hi; ox < g->ow; ox++)                                        \
                    d[ox] = pad;                                                               \
            }                                                                                  \
        }                                                                                      \
    }

IM2COL_WINDOW(im2col_window_f32, float)
IM2COL_WINDOW(im2col_window_q8, uint8_t)

/* im2col of a 2-D int8 / uint8 convolution (one image, all channels):
 * rows [0, rows) (row (c, ky, kx)) of the columns of output rows [oy0,
 * oy1) (column oy * ow + ox); taps in the padding get the byte of x_zp,
 * which the GEMM's packing then treats as any input value, so the result
 * is the same as packing from the input. Threads fill ranges of output
 * rows, so each writes the columns its part of the GEMM then reads. */
void eb_simd__im2col_q8(const eb_simd_conv_geom *g, int64_t rows, int64_t oy0, int64_t oy1,
                        const uint8_t *x, uint8_t pad, uint8_t *col)
{
    if (shift_im2col(g))
        im2col_shift_q8(g, rows, oy0, oy1, x, pad, col);
    else
        im2col_window_q8(g, rows, oy0, oy1, x, pad, col);
}

/* The same for fp32, the layout of eb_ref_im2col_f32 (padding 0). */
void eb_simd__im2col_f32(const eb_simd_conv_geom *g, int64_t rows, int64_t oy0, int64_t oy1,
                         const float *x, float *col)
{
    if (shift_im2col(g))
        im2col_shift_f32(g, rows, oy0, oy1, x, 0.0f, col);
    else
        im2col_window_f32(g, rows, oy0, oy1, x, 0.0f, col);
}
