/* Channels-last depthwise 2-D convolution, fp32 and int8: vectorised over
 * channels, so each output pixel is a few full vectors of channels however
 * small the plane; outputs written straight back to the planar layout.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h (after the families above it in its list), inside one
 * vec__<isa>.c, which defines EB_VEC_FN. */
#ifndef EB_SIMD_VEC_DWCONV_NHWC_H
#define EB_SIMD_VEC_DWCONV_NHWC_H

FP_CONTRACT_FAST_BEGIN

/* A block of up to eight consecutive output pixels (in row-major order,
 * across rows, so 3x3 planes fill the lanes too): where each one's window
 * starts in the padded channels-last buffer (rows of `row` pixels, the
 * padding stored as zeros, so every tap is a plain load). Lanes past np
 * repeat the first pixel and are never stored. */
static inline __attribute__((always_inline)) int px_block_make(const eb_simd_conv_geom *g,
                                                               int64_t cpad, int64_t row,
                                                               int64_t p0, int64_t p1,
                                                               int64_t *off)
{
    const int np = (int)(p1 - p0 < 8 ? p1 - p0 : 8);
    for (int i = 0; i < 8; i++) {
        int64_t p = p0 + (i < np ? i : 0);
        off[i] = (p / g->ow * g->sh * row + p % g->ow * g->sw) * cpad;
    }
    return np;
}

/* acc[i] += w(tap) * x(pixel i, tap) over the window, channels [c, c + 8) */
#define F32_MUL(w, x) ((w) * (x))
#define DW_NHWC_TAPS(V, MUL, KH, KW, off, x, w, row, cpad, c, acc)                             \
    for (int64_t ky = 0; ky < KH; ky++)                                                        \
        for (int64_t kx = 0; kx < KW; kx++) {                                                  \
            V wv;                                                                              \
            memcpy(&wv, w + (ky * KW + kx) * cpad + c, sizeof wv);                             \
            const int64_t t = (ky * g->dh * row + kx * g->dw) * cpad + c;                      \
            for (int i = 0; i < 8; i++) {                                                      \
                V xv;                                                                          \
                memcpy(&xv, x + off[i] + t, sizeof xv);                                        \
                acc[i] += MUL(wv, xv);                                                         \
            }                                                                                  \
        }

static void EB_VEC_FN(dwconv_nhwc_f32)(const eb_simd_conv_geom *g_in, int64_t channels,
                                       int64_t cpad, int64_t row, const float *x, const float *w,
                                       const float *bias, float lo, float hi, int64_t oh0,
                                       int64_t oh1, float *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const v8f vlo = (v8f){0} + lo, vhi = (v8f){0} + hi;
    const int64_t oplane = g->oh * g->ow, p_end = oh1 * g->ow;
    for (int64_t p0 = oh0 * g->ow; p0 < p_end; p0 += 8) {
        int64_t off[8];
        const int np = px_block_make(g, cpad, row, p0, p_end, off);
        for (int64_t c = 0; c < channels; c += 8) {
            v8f acc[8], bv;
            memcpy(&bv, bias + c, sizeof bv);
            for (int i = 0; i < 8; i++)
                acc[i] = bv;
            /* 3x3 (every depthwise layer of MobileNet) fully unrolled */
            if (g->kh == 3 && g->kw == 3) {
                DW_NHWC_TAPS(v8f, F32_MUL, 3, 3, off, x, w, row, cpad, c, acc)
            } else {
                DW_NHWC_TAPS(v8f, F32_MUL, g->kh, g->kw, off, x, w, row, cpad, c, acc)
            }
            for (int i = 0; i < 8; i++) {
                v8i below = acc[i] < vlo, above = acc[i] > vhi;
                v8f a = (v8f)(((v8i)acc[i] & ~below) | ((v8i)vlo & below));
                acc[i] = (v8f)(((v8i)a & ~above) | ((v8i)vhi & above));
            }
            TRANSPOSE8(v8f, acc);
            const int64_t nc = channels - c < 8 ? channels - c : 8;
            /* a constant size when the block is full: an inline store,
             * not a library call */
            if (np == 8)
                for (int64_t j = 0; j < nc; j++)
                    memcpy(y + (c + j) * oplane + p0, &acc[j], 8 * sizeof(float));
            else
                for (int64_t j = 0; j < nc; j++)
                    memcpy(y + (c + j) * oplane + p0, &acc[j], (size_t)np * sizeof(float));
        }
    }
}

FP_CONTRACT_FAST_END

/* int8: accumulators in int32 lanes over x - x_zp (from to_nhwc_q8, so the
 * skipped padding is exactly the reference's zero contribution), then
 * requant8 with per-channel bias and multiplier. */
static void EB_VEC_FN(dwconv_nhwc_q8)(const eb_simd_conv_geom *g_in, int64_t channels,
                                      int64_t cpad, int64_t row, const int32_t *x,
                                      const int32_t *w,
                                      const int32_t *bias, const float *mult, int32_t y_zp,
                                      int32_t y_min, int32_t y_max, int64_t oh0, int64_t oh1,
                                      void *yv)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    /* int8 and uint8 alike: the low byte of the in-range result */
    uint8_t *y = yv;
    const v8f vlo = (v8f){0} + (float)(y_min - y_zp), vhi = (v8f){0} + (float)(y_max - y_zp);
    const int64_t oplane = g->oh * g->ow, p_end = oh1 * g->ow;
    for (int64_t p0 = oh0 * g->ow; p0 < p_end; p0 += 8) {
        int64_t off[8];
        const int np = px_block_make(g, cpad, row, p0, p_end, off);
        for (int64_t c = 0; c < channels; c += 8) {
            v8i acc[8];
            for (int i = 0; i < 8; i++)
                acc[i] = (v8i){0};
            if (g->kh == 3 && g->kw == 3) {
                DW_NHWC_TAPS(v8i, DWQ_MUL, 3, 3, off, x, w, row, cpad, c, acc)
            } else {
                DW_NHWC_TAPS(v8i, DWQ_MUL, g->kh, g->kw, off, x, w, row, cpad, c, acc)
            }
            for (int i = 0; i < 8; i++)
                acc[i] = requant8(acc[i], bias + c, mult + c, y_zp, vlo, vhi);
            TRANSPOSE8(v8i, acc);
            const int64_t nc = channels - c < 8 ? channels - c : 8;
            for (int64_t j = 0; j < nc; j++) {
                v32u8 low = LOW_BYTES8(acc[j]);
                if (np == 8)
                    memcpy(y + (c + j) * oplane + p0, &low, 8);
                else
                    memcpy(y + (c + j) * oplane + p0, &low, (size_t)np);
            }
        }
    }
}

#endif
