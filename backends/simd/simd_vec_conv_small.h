/* Direct fp32 convolution of an input with few channels (a CNN's first
 * layer: 3 channels, a 3x3 to 7x7 window at stride 1 or 2 over a large
 * plane), read in place. As a GEMM the product is shallow (27 to 147 deep)
 * and its B panels cost as much to make as to use: the stem was unfolded
 * into an im2col matrix first (MobileNet-v2: 84 us of its 277), or each
 * panel packed from 49 taps of 3 channels (ResNet-18: packing 38 % of the
 * stem's time). Here sixteen output columns of one row are a vector, and
 * each (channel, ky, kx) loads it once (stride 2: two masked loads and a
 * permute that keeps the even elements) for sixteen output channels'
 * multiply-adds, weights broadcast from a panel of 16 per tap. Padding is
 * left out of the loads by their masks (lanes outside the row are not
 * read) and of the sum by skipping rows outside the plane. Rows of at most
 * 8 columns (a grouped conv's 7x7 plane) take two output rows per vector,
 * lanes 0-7 and 8-15, so 14 of 16 lanes work rather than 7.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h, inside one vec__<isa>.c, which defines EB_VEC_FN. Only
 * the AVX-512 builds have it (conv_small_f32 is NULL in the others). */
#ifndef EB_SIMD_VEC_CONV_SMALL_H
#define EB_SIMD_VEC_CONV_SMALL_H

#if defined(__AVX512F__) && defined(__AVX512BW__)
#define CONV_SMALL 1

#define CS_REP16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define CS_FMA(O) a##O = _mm512_fmadd_ps(_mm512_set1_ps(wt[O]), v, a##O);
#define CS_INIT(O) __m512 a##O = _mm512_set1_ps(bg[O]);
/* a0..a15 clamped into channel O's plane at yo (lanes in keep), and for a
 * row pair lanes 8-15 into the next row too (lanes in keep2, from eight
 * floats before it) */
#define CS_STORE(O)                                                                          \
    if (O < mine) {                                                                          \
        const __m512 r = _mm512_min_ps(_mm512_max_ps(a##O, vlo), vhi);                       \
        _mm512_mask_storeu_ps(yo + (og * 16 + O) * oplane, keep, r);                         \
        if (keep2)                                                                           \
            _mm512_mask_storeu_ps(yo + (og * 16 + O) * oplane + g->ow - 8, keep2, r);        \
    }

/* The sum over (c, ky, kx) into a0..a15 for one row of sixteen columns,
 * at stride SW (a constant: one copy of the loop per stride) */
#define CS_TAPS(SW)                                                                          \
    for (int64_t c = 0; c < g->channels; c++)                                                \
        for (int64_t ky = 0; ky < g->kh; ky++) {                                             \
            const int64_t iy = oy * g->sh - g->ph + ky * g->dh;                              \
            if (iy < 0 || iy >= g->ih)                                                       \
                continue;                                                                    \
            const float *row = x + c * plane + iy * g->iw;                                   \
            const float *wt = wg + (c * g->kh + ky) * g->kw * 16;                            \
            for (int64_t kx = 0; kx < g->kw; kx++, wt += 16) {                               \
                __m512 v = _mm512_maskz_loadu_ps((__mmask16)in[kx], row + ix[kx]);          \
                if (SW == 2)                                                                 \
                    v = _mm512_permutex2var_ps(                                              \
                        v, even,                                                             \
                        _mm512_maskz_loadu_ps((__mmask16)(in[kx] >> 16), row + ix[kx] + 16)); \
                CS_REP16(CS_FMA)                                                             \
            }                                                                                \
        }

/* The same for two rows of at most eight columns, oy in lanes 0-7 and oy +
 * 1 in lanes 8-15 (each row's lanes off where its input row is outside
 * the plane; the second's where there is no second row). At stride 2 the
 * sixteen elements from each row's first go through one permute, whose
 * even picks of both operands are exactly the two rows' lanes. */
#define CS_TAPS_PAIR(SW)                                                                     \
    for (int64_t c = 0; c < g->channels; c++)                                                \
        for (int64_t ky = 0; ky < g->kh; ky++) {                                             \
            const int64_t iy = oy * g->sh - g->ph + ky * g->dh, iy2 = iy + g->sh;            \
            const __mmask16 on = iy >= 0 && iy < g->ih ? 0xffff : 0;                         \
            const __mmask16 on2 = keep2 && iy2 >= 0 && iy2 < g->ih ? 0xffff : 0;             \
            if (!on && !on2)                                                                 \
                continue;                                                                    \
            const float *row = on ? x + c * plane + iy * g->iw : x;                          \
            const float *row2 = on2 ? x + c * plane + iy2 * g->iw : x;                       \
            const float *wt = wg + (c * g->kh + ky) * g->kw * 16;                            \
            for (int64_t kx = 0; kx < g->kw; kx++, wt += 16) {                               \
                __m512 v;                                                                    \
                if (SW == 1) {                                                               \
                    v = _mm512_maskz_loadu_ps((__mmask16)in[kx] & on, row + ix[kx]);         \
                    v = _mm512_mask_loadu_ps(v, (__mmask16)(in[kx] << 8) & on2,              \
                                             row2 + ix[kx] - 8);                             \
                } else {                                                                     \
                    v = _mm512_permutex2var_ps(                                              \
                        _mm512_maskz_loadu_ps((__mmask16)in[kx] & on, row + ix[kx]), even,   \
                        _mm512_maskz_loadu_ps((__mmask16)in[kx] & on2, row2 + ix[kx]));      \
                }                                                                            \
                CS_REP16(CS_FMA)                                                             \
            }                                                                                \
        }

/* Output rows [oy0, oy1) of one image: y[o][oy][ox] = clamp(bias[o] +
 * sum over (c, ky, kx) of w(o, c, ky, kx) * x[c][iy][ix], lo, hi), o < m.
 * w: for each group of 16 output channels, for each tap t = (c * kh + ky)
 * * kw + kx, 16 values (zero past m); bias: the same 16-padded groups.
 * Needs sw 1 or 2 and kw <= EB_SIMD_CONV_SMALL_KW (simd_kernels.h). */
static void conv_small_f32(const eb_simd_conv_geom *g_in, int64_t m, const float *w,
                           const float *bias, const float *x, float *y, int64_t oy0, int64_t oy1,
                           float lo, float hi)
{
    /* a local copy of the geometry, whose address goes nowhere: through
     * g_in the compiler loads its fields again after every store, not
     * knowing that a store cannot change them (simd_vec_dwconv.h's
     * small-plane loop, the same) */
    const eb_simd_conv_geom gl = *g_in, *g = &gl;
    const int64_t taps = g->channels * g->kh * g->kw, plane = g->ih * g->iw;
    const int64_t oplane = g->oh * g->ow, groups = (m + 15) / 16, sw = g->sw;
    const int pair = g->ow <= 8;
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    const __m512i even = EVEN_PICK_512;
    /* rows outermost: output rows are written, and input rows read, one
     * after another (by columns of 16, the 3 MB output of a 64-channel
     * stem was evicted between column strips and every line read in
     * twice: 2.7x the multiply-adds' time). Where all the groups'
     * weights would crowd the L1 (over 16 KiB), then a group of 16 output
     * channels at a time over the row's blocks of 16 columns, so its
     * weights stay there: ResNet-18's 7x7 stem read its four groups' 37
     * KiB, with 19 KiB of input rows, again for every block (2.26-2.29
     * against 3.0-3.2 ms). Else every group per block, the input rows'
     * loads nearer each other: the 3x3 stems' 3.4-6.9 KiB of weights took
     * 1.07-1.11x their time group by group. */
    const int by_group = groups * taps * 16 * (int64_t)sizeof(float) > (16 << 10);
    for (int64_t oy = oy0; oy < oy1; oy += pair ? 2 : 1)
        for (int64_t go = 0; go < (by_group ? groups : 1); go++)
            for (int64_t ox0 = 0; ox0 < g->ow; ox0 += 16) {
                const int nval = (int)(g->ow - ox0 < 16 ? g->ow - ox0 : 16);
                float *yo = y + oy * g->ow + ox0;
                const __mmask16 keep = (__mmask16)((1u << nval) - 1u);
                const __mmask16 keep2 = pair && oy + 1 < oy1 ? (__mmask16)(keep << 8) : 0;
                /* per kx: the first element lane 0 reads, and the lanes that
                 * read inside the row [first, end) as bits of the 32 elements
                 * from it (every sw-th one) */
                int64_t ix[EB_SIMD_CONV_SMALL_KW];
                uint32_t in[EB_SIMD_CONV_SMALL_KW];
                for (int64_t kx = 0; kx < g->kw; kx++) {
                    const int64_t e = ox0 * sw - g->pw + kx * g->dw;
                    const int64_t first = e >= 0 ? 0 : (-e + sw - 1) / sw;
                    int64_t end = g->iw - e <= 0 ? 0 : (g->iw - e + sw - 1) / sw;
                    end = end < nval ? end : nval;
                    const uint32_t bits =
                        end > first ? ((1u << end) - 1u) & ~((1u << first) - 1u) : 0;
                    ix[kx] = e;
                    in[kx] = sw == 2 ? spread_even16(bits) : bits;
                }
                const int64_t og1 = by_group ? go + 1 : groups;
                for (int64_t og = by_group ? go : 0; og < og1; og++) {
                    const float *wg = w + og * taps * 16, *bg = bias + og * 16;
                    CS_REP16(CS_INIT)
                    if (pair && sw == 1)
                        CS_TAPS_PAIR(1)
                    else if (pair)
                        CS_TAPS_PAIR(2)
                    else if (sw == 1)
                        CS_TAPS(1)
                    else
                        CS_TAPS(2)
                    const int64_t mine = m - og * 16 < 16 ? m - og * 16 : 16;
                    CS_REP16(CS_STORE)
                }
            }
}
#undef CS_REP16
#undef CS_FMA
#undef CS_INIT
#undef CS_STORE
#undef CS_TAPS
#undef CS_TAPS_PAIR
#else
#define CONV_SMALL 0
#endif

#endif
