/* int8 3x3 convolution of an input of at most 4 channels (a CNN's stem)
 * with VNNI, direct: no im2col matrix, no packed panels.
 *
 * An output row is computed in blocks of 16 output columns. For each
 * input channel c and window row ky, one masked 64-byte load of the input
 * row (bytes outside the input read as the zero point), a dword permute
 * and a byte shuffle give lane j the window row's three bytes
 * (x[j*s - pw + 0..2], 0), as the depthwise kernel dw_vq does; these
 * C * 3 vectors serve every output channel, 16 at a time in 16
 * accumulators, each window row one vpdpbusd against that channel's
 * (w0, w1, w2, 0) broadcast. The weights come packed when the plan is
 * built (cq_pack in simd_plan_conv.c's terms: per block of 16 channels,
 * per window row c * 3 + ky, 16 dwords), and each channel's accumulator
 * starts at bias - zp * sum(w) (int8 input flipped to x + 128 and its zero
 * point with it), so the sums are bias + sum w * (x - zp), exact in
 * int32; the requantisation is EB_VEC_FN(requant)'s float operations in
 * its order with the channel's multiplier: byte-identical with ref.
 * MobileNet-v2's int8 stems had run as a GEMM over a byte im2col matrix
 * (27 rows padded to 28 for the 4-deep products, then packed into panels
 * again): 0.5@96's took 20.7 us against fp32's direct 23.4.
 *
 * Part of the per-ISA build of the vector helpers (simd_vec_impl.h), the
 * VNNI build only. */
#ifndef EB_SIMD_VEC_CONV_SMALL_Q8_H
#define EB_SIMD_VEC_CONV_SMALL_Q8_H

#if defined(__AVX512VNNI__)

#define CONV_SMALL_Q8(NAME, C, S)                                                              \
    static void NAME(const eb_simd_conv_geom *g, int64_t m, const int32_t *w,                  \
                     const int32_t *add, const float *mult, const uint8_t *x, int flip,        \
                     int32_t x_zp, int32_t y_zp, int32_t y_min, int32_t y_max, uint8_t *y,     \
                     int64_t oy0, int64_t oy1)                                                 \
    {                                                                                          \
        enum { T = C * 3 };                                                                    \
        const int64_t ih = g->ih, iw = g->iw, ow = g->ow, ph = g->ph, pw = g->pw;              \
        const int64_t cs = g->c_stride, oplane = g->oh * g->ow;                                \
        const __m512i zpb = _mm512_set1_epi8((char)(uint8_t)x_zp);                             \
        const __m512i fl = _mm512_set1_epi8(flip ? (char)0x80 : 0);                            \
        const __m512i zpf = _mm512_xor_si512(zpb, fl);                                         \
        const __m512i didx = vq_didx(S), pat = vq_pat(S); /* see vq_row_mask */                \
        const __m512 flo = _mm512_set1_ps((float)(y_min - y_zp)),                              \
                     fhi = _mm512_set1_ps((float)(y_max - y_zp));                              \
        const __m512i zpo = _mm512_set1_epi32(y_zp);                                           \
        const int sat = dwq_sat(y_min, y_max, mult, m);                                        \
        for (int64_t oy = oy0; oy < oy1; oy++)                                                 \
            for (int64_t o0 = 0; o0 < ow; o0 += 16) {                                          \
                const int64_t n = ow - o0 < 16 ? ow - o0 : 16;                                 \
                const __mmask16 out = (__mmask16)((1u << n) - 1);                              \
                const __mmask64 rowm = vq_row_mask(pw - o0 * S, iw);                           \
                __m512i xv[T];                                                                 \
                for (int c = 0; c < C; c++)                                                    \
                    for (int ky = 0; ky < 3; ky++) {                                           \
                        const int64_t iy = oy * S - ph + ky;                                   \
                        __m512i b = zpf;                                                       \
                        if (iy >= 0 && iy < ih)                                                \
                            b = _mm512_xor_si512(                                              \
                                _mm512_mask_loadu_epi8(zpb, rowm,                              \
                                                       x + c * cs + iy * iw + o0 * S - pw),    \
                                fl);                                                           \
                        xv[c * 3 + ky] =                                                       \
                            _mm512_shuffle_epi8(_mm512_permutexvar_epi32(didx, b), pat);       \
                    }                                                                          \
                for (int64_t m0 = 0; m0 < m; m0 += 16) {                                       \
                    const int32_t *wb = w + (m0 / 16) * T * 16;                                \
                    __m512i acc[16];                                                           \
                    for (int o = 0; o < 16; o++)                                               \
                        acc[o] = _mm512_set1_epi32(add[m0 + o]);                               \
                    for (int t = 0; t < T; t++)                                                \
                        for (int o = 0; o < 16; o++)                                           \
                            acc[o] = eb_simd_dpbusd_bcast(acc[o], xv[t], wb + t * 16 + o);     \
                    const int64_t mb = m - m0 < 16 ? m - m0 : 16;                              \
                    for (int o = 0; o < mb; o++) {                                             \
                        _mm_mask_storeu_epi8(y + (m0 + o) * oplane + oy * ow + o0, out,        \
                                             q8_requant16(acc[o], _mm512_set1_ps(mult[m0 + o]), \
                                                          flo, fhi, zpo, sat));                \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
    }

CONV_SMALL_Q8(conv_small_q8_c1s1, 1, 1)
CONV_SMALL_Q8(conv_small_q8_c2s1, 2, 1)
CONV_SMALL_Q8(conv_small_q8_c3s1, 3, 1)
CONV_SMALL_Q8(conv_small_q8_c4s1, 4, 1)
CONV_SMALL_Q8(conv_small_q8_c1s2, 1, 2)
CONV_SMALL_Q8(conv_small_q8_c2s2, 2, 2)
CONV_SMALL_Q8(conv_small_q8_c3s2, 3, 2)
CONV_SMALL_Q8(conv_small_q8_c4s2, 4, 2)

/* Whether the kernel takes the geometry: 3x3, stride 1 or 2 both ways,
 * undilated, 1 to 4 input channels, rows whose 16-column blocks' bytes
 * fit one 64-byte load. */
static int conv_small_q8_fits(const eb_simd_conv_geom *g)
{
    return g->channels >= 1 && g->channels <= 4 && g->kh == 3 && g->kw == 3 && g->dh == 1 &&
           g->dw == 1 && g->sh == g->sw && (g->sw == 1 || g->sw == 2) && g->pw < 16 &&
           g->p_stride == 1 && !g->pointwise;
}

/* Packs m output channels' centred weights w (m x C x 3 x 3, int16) and
 * bias (NULL: zeros) for the kernel: wp gets (m + 15) / 16 blocks of
 * C * 3 * 16 dwords, add (m + 15) / 16 * 16 int32 (zero past m). 0 when
 * the kernel does not take the geometry or a weight is outside int8. */
static int conv_small_q8_pack(const eb_simd_conv_geom *g, int64_t m, const int16_t *w,
                              const int32_t *bias, int32_t x_zp, eb_dtype xdt, int32_t *wp,
                              int32_t *add)
{
    if (!conv_small_q8_fits(g))
        return 0;
    const int64_t c = g->channels, t_rows = c * 3, blocks = (m + 15) / 16;
    for (int64_t i = 0; i < m * c * 9; i++)
        if (w[i] < -128 || w[i] > 127)
            return 0;
    const uint32_t zp_u = (uint32_t)(xdt == EB_DT_U8 ? x_zp : x_zp + 128);
    memset(wp, 0, (size_t)(blocks * t_rows * 16) * sizeof(int32_t));
    memset(add, 0, (size_t)(blocks * 16) * sizeof(int32_t));
    for (int64_t o = 0; o < m; o++) {
        uint32_t wsum = 0;
        for (int64_t t = 0; t < t_rows; t++) {
            const int16_t *r = w + o * c * 9 + t * 3;
            wp[((o / 16) * t_rows + t) * 16 + o % 16] =
                (int32_t)((uint32_t)(uint8_t)r[0] | (uint32_t)(uint8_t)r[1] << 8 |
                          (uint32_t)(uint8_t)r[2] << 16);
            wsum += (uint32_t)(r[0] + r[1] + r[2]);
        }
        /* wrapping, as the kernel's int32 adds */
        add[o] = (int32_t)((uint32_t)(bias ? bias[o] : 0) - zp_u * wsum);
    }
    return 1;
}

static void EB_VEC_FN(conv_small_q8)(const eb_simd_conv_geom *g_in, int64_t m, const int32_t *w,
                                     const int32_t *add, const float *mult, const void *x,
                                     eb_dtype xdt, int32_t x_zp, int32_t y_zp, int32_t y_min,
                                     int32_t y_max, void *y, int64_t oy0, int64_t oy1)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    static void (*const k[2][4])(const eb_simd_conv_geom *, int64_t, const int32_t *,
                                 const int32_t *, const float *, const uint8_t *, int, int32_t,
                                 int32_t, int32_t, int32_t, uint8_t *, int64_t, int64_t) = {
        {conv_small_q8_c1s1, conv_small_q8_c2s1, conv_small_q8_c3s1, conv_small_q8_c4s1},
        {conv_small_q8_c1s2, conv_small_q8_c2s2, conv_small_q8_c3s2, conv_small_q8_c4s2}};
    k[g->sw - 1][g->channels - 1](g, m, w, add, mult, (const uint8_t *)x, xdt != EB_DT_U8, x_zp,
                                  y_zp, y_min, y_max, (uint8_t *)y, oy0, oy1);
}

#endif /* __AVX512VNNI__ */
#endif
