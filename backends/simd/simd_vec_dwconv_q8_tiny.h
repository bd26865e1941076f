/* int8 3x3 depthwise on tiny planes (at most 8 output columns) with VNNI,
 * several planes per vector: a 128-bit lane holds four outputs of one
 * plane's row, so a plane of at most 4 output columns takes one lane (four
 * planes per vector) and one of 5-8 columns two (two planes per vector).
 * The per-plane kernel (dw_vq_k3s1/_k3s2 in simd_vec_dwconv.h) puts a
 * row in one 16-lane vector: on MobileNet-v2 0.5@96's 3x3 planes that
 * used 3 of 16 lanes, and setting up its masks, weights and correction per
 * plane cost more than its multiply-adds (dw_vq_k3s1 was 30% of the int8
 * model's samples; those layers took twice fp32's time).
 *
 * Lane i reads, for each input row, the 16 bytes of plane i / L that
 * start at column (i % L) * 4 * S - pw (one masked load per lane, bytes
 * outside the input read as the zero point, the four lanes joined by
 * inserts); a byte shuffle makes the window-row triples and one vpdpbusd
 * per window row and output row multiply-adds them against that lane's
 * plane's weights, as dw_vq does. The weights and the additive term come
 * packed per channel (dw_tq_pack, once when the plan is built), four
 * int32: the three window rows' bytes (w0, w1, w2, 0) and bias - zp * sum(w)
 * (int8 input flipped to x + 128, the zero point with it). Sums exact,
 * requantisation with EB_VEC_FN(requant)'s float operations in its order:
 * byte-identical with ref. Included by simd_vec_dwconv.h after dw_vq. */
#ifndef EB_SIMD_VEC_DWCONV_Q8_TINY_H
#define EB_SIMD_VEC_DWCONV_Q8_TINY_H

#if defined(__AVX512VNNI__)

/* The four int32 of one channel, or 0 when the tiny kernel does not take
 * the plane (not 3x3 at stride 1 or 2, more than 16 output columns, or
 * weights outside int8). */
static int dw_tq_pack(const eb_simd_conv_geom *g, const int16_t *w, int32_t bias, int32_t x_zp,
                      eb_dtype xdt, int32_t prm[4])
{
    if (g->ow > 16 || !dw_vq_fits(g, w))
        return 0;
    const uint32_t zp_u = (uint32_t)(xdt == EB_DT_U8 ? x_zp : x_zp + 128);
    uint32_t wsum = 0;
    for (int ky = 0; ky < 3; ky++) {
        const uint32_t b0 = (uint8_t)w[ky * 3], b1 = (uint8_t)w[ky * 3 + 1],
                       b2 = (uint8_t)w[ky * 3 + 2];
        prm[ky] = (int32_t)(b0 | b1 << 8 | b2 << 16);
        wsum += (uint32_t)(w[ky * 3] + w[ky * 3 + 1] + w[ky * 3 + 2]);
    }
    /* wrapping, as the kernels' int32 adds: the same sum mod 2^32 */
    prm[3] = (int32_t)((uint32_t)bias - zp_u * wsum);
    return 1;
}

/* Lane i's row: the zero point outside the input (mask tm[i]: none for
 * the lanes of planes past the last), flipped for int8 input. */
#define TQ_XS(S, K, row, xs)                                                                   \
    do {                                                                                       \
        __m512i b_ = zpf; /* a row in the padding: the zero point as flipped */                \
        if (row && TQ_L == 4) {                                                                \
            /* one plane: dw_vq's one load and dword permute */                                \
            b_ = _mm512_permutexvar_epi32(                                                     \
                didx, _mm512_mask_loadu_epi8(zpb, rowm, (row) - g->pw));                       \
        } else if (row) {                                                                      \
            __m128i l_[4];                                                                     \
            for (int i_ = 0; i_ < 4; i_++)                                                     \
                l_[i_] = _mm_mask_loadu_epi8(zp16, tm[i_],                                     \
                                             (row) + (i_ / TQ_L) * x_plane + tcol[i_]);        \
            const __m256i lo_ = _mm256_inserti128_si256(_mm256_castsi128_si256(l_[0]), l_[1], 1), \
                          hi_ = _mm256_inserti128_si256(_mm256_castsi128_si256(l_[2]), l_[3], 1); \
            b_ = _mm512_inserti64x4(_mm512_castsi256_si512(lo_), hi_, 1);                      \
        }                                                                                      \
        if (row) {                                                                             \
            if (flip)                                                                          \
                b_ = _mm512_xor_si512(b_, _mm512_set1_epi8((char)0x80));                       \
        }                                                                                      \
        xs[0] = _mm512_shuffle_epi8(b_, pat);                                                  \
    } while (0)
/* requantised (requant_store_m16 with a multiplier per lane, always
 * clamping on the float: the saturating narrow of q8_narrow16_by made
 * MobileNet-v2 0.5@96's 6x6 and 3x3 layers 1.05-1.2x slower here), each
 * plane's bytes stored with one masked store (ts[k]: plane k's ow bytes,
 * which start at byte 4 k L of the register) */
#define TQ_STORE(v, oh)                                                                        \
    do {                                                                                       \
        const __m128i b_ = q8_requant16(v, mv, flo, fhi, zpo, 0);                              \
        for (int k_ = 0; k_ < P; k_++)                                                         \
            if (ts[k_])                                                                        \
                _mm_mask_storeu_epi8(y + k_ * y_plane + (oh) * ow - 4 * k_ * TQ_L, ts[k_], b_); \
    } while (0)

/* NAME: stride S, L lanes per plane (4 / L planes per vector). */
#define DW_TQ(NAME, S, L)                                                                      \
    static void NAME(const eb_simd_conv_geom *g, int64_t planes, const uint8_t *x0,            \
                     int64_t x_plane, int flip, int32_t x_zp, const int32_t *prm,              \
                     const float *mult, const dwq_out *q, uint8_t *y0, int64_t y_plane)        \
    {                                                                                          \
        enum { P = 4 / L, TQ_L = L };                                                          \
        const __m512i zpb = _mm512_set1_epi8((char)(uint8_t)x_zp);                             \
        const __m128i zp16 = _mm512_castsi512_si128(zpb);                                      \
        const __m512i zpf = flip ? _mm512_xor_si512(zpb, _mm512_set1_epi8((char)0x80)) : zpb;  \
        const __m512i pat = vq_pat(S);                                                         \
        const __m512 flo = _mm512_set1_ps(q->flo), fhi = _mm512_set1_ps(q->fhi);               \
        const __m512i zpo = _mm512_set1_epi32(q->zp);                                          \
        /* dword d: its lane's plane's packed int32 k (wq[0..2], add) */                       \
        __m512i pidx[4];                                                                       \
        for (int k = 0; k < 4; k++) {                                                          \
            int32_t ix[16];                                                                    \
            for (int d = 0; d < 16; d++)                                                       \
                ix[d] = 4 * (d / 4 / L) + k;                                                   \
            pidx[k] = _mm512_loadu_si512(ix);                                                  \
        }                                                                                      \
        const __m512i midx = _mm512_srli_epi32(pidx[0], 2);                                    \
        /* one plane (L 4): the row's bytes from column -pw (vq_row_mask) */                   \
        const __mmask64 rowm = vq_row_mask(g->pw, g->iw);                                      \
        const __m512i didx = vq_didx(S);                                                       \
        /* lane i: its first input column and the mask of its 16 bytes                         \
         * inside the input (the first 16 of vq_row_mask's 64) */                              \
        const int64_t ow = g->ow;                                                              \
        int64_t tcol[4];                                                                       \
        __mmask16 lm[4];                                                                       \
        for (int i = 0; i < 4; i++) {                                                          \
            tcol[i] = (i % L) * 4 * S - g->pw;                                                 \
            lm[i] = (__mmask16)vq_row_mask(-tcol[i], g->iw);                                   \
        }                                                                                      \
        for (int64_t p = 0; p < planes; p += P) {                                              \
            const int np = planes - p < P ? (int)(planes - p) : P;                             \
            const uint8_t *x = x0 + p * x_plane;                                               \
            uint8_t *y = y0 + p * y_plane;                                                     \
            __mmask16 tm[4], ts[P];                                                            \
            for (int i = 0; i < 4; i++)                                                        \
                tm[i] = i / L < np ? lm[i] : 0;                                                \
            for (int k = 0; k < P; k++)                                                        \
                ts[k] = k < np ? (__mmask16)(((1u << ow) - 1) << (4 * k * L)) : 0;             \
            const __m512i T =                                                                  \
                _mm512_maskz_loadu_epi32((__mmask16)((1u << (4 * np)) - 1), prm + 4 * p);      \
            const __m512i wq[3] = {_mm512_permutexvar_epi32(pidx[0], T),                       \
                                   _mm512_permutexvar_epi32(pidx[1], T),                       \
                                   _mm512_permutexvar_epi32(pidx[2], T)};                      \
            const __m512i addv = _mm512_permutexvar_epi32(pidx[3], T);                         \
            const __m512 mv = _mm512_permutexvar_ps(                                           \
                midx, _mm512_maskz_loadu_ps((__mmask16)((1u << np) - 1), mult + p));           \
            /* groups of up to 8 output rows, one accumulator each (the                        \
             * independent rows hide vpdpbusd's latency): a 6- or 3-row                        \
             * plane is one group, each input row read once (groups of                         \
             * four rows read 12 and 6 rows for them and computed 8 and 4) */                  \
            for (int64_t oh0 = 0; oh0 < g->oh; oh0 += 8) {                                     \
                const int rows = g->oh - oh0 < 8 ? (int)(g->oh - oh0) : 8;                     \
                const int in_rows = (rows - 1) * S + 3;                                        \
                __m512i acc[8];                                                                \
                for (int r = 0; r < 8; r++)                                                    \
                    acc[r] = addv;                                                             \
                _Pragma("GCC unroll 17") for (int ir = 0; ir < 7 * S + 3; ir++)                \
                {                                                                              \
                    if (ir >= in_rows)                                                         \
                        break;                                                                 \
                    const int64_t ih = oh0 * S - g->ph + ir;                                   \
                    const uint8_t *row = ih < 0 || ih >= g->ih ? NULL : x + ih * g->iw;        \
                    __m512i xs[1];                                                             \
                    TQ_XS(S, 3, row, xs);                                                      \
                    _Pragma("GCC unroll 8") for (int r = 0; r < 8; r++)                        \
                    {                                                                          \
                        const int ky = ir - r * S;                                             \
                        if (ky >= 0 && ky < 3 && r < rows)                                     \
                            acc[r] = eb_simd_dpbusd(acc[r], xs[0], wq[ky]);                    \
                    }                                                                          \
                }                                                                              \
                for (int r = 0; r < rows; r++)                                                 \
                    TQ_STORE(acc[r], oh0 + r);                                                 \
            }                                                                                  \
        }                                                                                      \
    }

DW_TQ(dw_tq_s1_l1, 1, 1)
DW_TQ(dw_tq_s1_l2, 1, 2)
DW_TQ(dw_tq_s2_l1, 2, 1)
DW_TQ(dw_tq_s2_l2, 2, 2)
DW_TQ(dw_tq_s1_l4, 1, 4)
DW_TQ(dw_tq_s2_l4, 2, 4)

/* `planes` consecutive planes (x_plane / y_plane bytes apart) of the
 * geometry dw_tq_pack took, prm their channels' packed int32 (four each),
 * mult their multipliers. */
static void EB_VEC_FN(dwconv_q8_tiny)(const eb_simd_conv_geom *g, int64_t planes, const void *x,
                                      int64_t x_plane, eb_dtype xdt, int32_t x_zp,
                                      const int32_t *prm, const float *mult, int32_t y_zp,
                                      int32_t y_min, int32_t y_max, void *y, int64_t y_plane)
{
    const dwq_out q = {.zp = y_zp, .flo = (float)(y_min - y_zp), .fhi = (float)(y_max - y_zp)};
    const int flip = xdt != EB_DT_U8, l = g->ow > 8 ? 4 : g->ow > 4 ? 2 : 1;
    void (*k)(const eb_simd_conv_geom *, int64_t, const uint8_t *, int64_t, int, int32_t,
              const int32_t *, const float *, const dwq_out *, uint8_t *, int64_t) =
        g->sw == 1 ? (l == 4 ? dw_tq_s1_l4 : l == 2 ? dw_tq_s1_l2 : dw_tq_s1_l1)
                   : (l == 4 ? dw_tq_s2_l4 : l == 2 ? dw_tq_s2_l2 : dw_tq_s2_l1);
    k(g, planes, (const uint8_t *)x, x_plane, flip, x_zp, prm, mult, &q, (uint8_t *)y, y_plane);
}

#endif /* __AVX512VNNI__ */
#endif
