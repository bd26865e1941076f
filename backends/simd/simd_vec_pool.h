/* Pooling: 2-D max pooling of fp32 and int8 / uint8 planes (2x2 stride 2
 * with shuffles, any other window in the general loop), and the fp32
 * global average over planes.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h (after the families above it in its list), inside one
 * vec__<isa>.c, which defines EB_VEC_FN. */
#ifndef EB_SIMD_VEC_POOL_H
#define EB_SIMD_VEC_POOL_H

/* 2x2, stride 2, no padding (the pooling of most CNNs, the Fashion CNN's
 * too): eight outputs per vector from two 16-float loads per input row,
 * even and odd columns split by shuffles. The taps are taken in the
 * general loop's order with its comparison (v > m ? v : m, from -inf), so
 * the result, NaN included, is the same. */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
#define EVEN8F 0, 2, 4, 6, 8, 10, 12, 14
#define ODD8F 1, 3, 5, 7, 9, 11, 13, 15
#define EVEN4F 0, 2, 4, 6
#define ODD4F 1, 3, 5, 7

/* m = t > m ? t : m, lane by lane (NaN never replaces m). */
#define MAXPOOL_TAKE(V, VI, m, t)                                                              \
    do {                                                                                       \
        const V t_ = (t);                                                                      \
        const VI gt_ = t_ > (m);                                                               \
        (m) = (V)(((VI)t_ & gt_) | ((VI)(m) & ~gt_));                                          \
    } while (0)

/* W outputs of a 2x2 stride-2 row pair at output column o: two 2W-float
 * loads per row, even and odd columns split by shuffles, the four taps
 * compared in the reference's order (row 0 even, odd, row 1 even, odd;
 * NaN never replaces the running maximum). */
#define MAXPOOL_F32_STEP(V, VI, W, EVEN, ODD, o)                                               \
    do {                                                                                       \
        V a, b, c, d, m = (V){0} - INFINITY;                                                   \
        memcpy(&a, r0 + 2 * (o), sizeof a);                                                    \
        memcpy(&b, r0 + 2 * (o) + (W), sizeof b);                                              \
        memcpy(&c, r1 + 2 * (o), sizeof c);                                                    \
        memcpy(&d, r1 + 2 * (o) + (W), sizeof d);                                              \
        /* four statements, not a loop over an array of the taps: GCC                         \
         * kept that array on the stack and reloaded it, a third of the                        \
         * Fashion CNN's pooling time */                                                       \
        MAXPOOL_TAKE(V, VI, m, __builtin_shufflevector(a, b, EVEN));                           \
        MAXPOOL_TAKE(V, VI, m, __builtin_shufflevector(a, b, ODD));                            \
        MAXPOOL_TAKE(V, VI, m, __builtin_shufflevector(c, d, EVEN));                           \
        MAXPOOL_TAKE(V, VI, m, __builtin_shufflevector(c, d, ODD));                            \
        memcpy(row + (o), &m, sizeof m);                                                       \
    } while (0)

static void maxpool_2x2s2_f32(const eb_simd_conv_geom *g_in, const float *x, float *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    for (int64_t oh = 0; oh < g->oh; oh++) {
        const float *r0 = x + 2 * oh * g->iw, *r1 = r0 + g->iw;
        float *row = y + oh * g->ow;
        int64_t o = 0;
        for (; o + 8 <= g->ow; o += 8)
            MAXPOOL_F32_STEP(v8f, v8i, 8, EVEN8F, ODD8F, o);
        for (; o + 4 <= g->ow; o += 4)
            MAXPOOL_F32_STEP(v4f, v4i, 4, EVEN4F, ODD4F, o);
        /* the last few as one more vector ending at ow, over outputs
         * already written (the same maxima again): the Fashion CNN's
         * 14 -> 7 pool had no full 8 and ran all scalar, its 28 -> 14 one
         * six of fourteen */
        if (o < g->ow && g->ow >= 4) {
            MAXPOOL_F32_STEP(v4f, v4i, 4, EVEN4F, ODD4F, g->ow - 4);
            o = g->ow;
        }
        for (; o < g->ow; o++) {
            float m = -INFINITY;
            const float v[4] = {r0[2 * o], r0[2 * o + 1], r1[2 * o], r1[2 * o + 1]};
            for (int i = 0; i < 4; i++)
                m = v[i] > m ? v[i] : m;
            row[o] = m;
        }
    }
}

#if DW_SMALL
/* Any other window at stride 1 or 2 (column dilation 1) on AVX-512: 16
 * outputs of a row per vector, each tap's inputs by masked loads (columns
 * outside the input read as -inf, which never replaces the maximum; at
 * stride 2 two loads and an even-element permute), the taps taken in the
 * general loop's order with its comparison, so the result is the same.
 * SqueezeNet's 3x3 / 2 pools, element by element below, were an eighth of
 * its inference. */
#define MAXPOOL_ROWS_KW 16 /* widest window row of maxpool_rows_f32 */
static void maxpool_rows_f32(const eb_simd_conv_geom *g_in, const float *x, float *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    const __m512i even = EVEN_PICK_512;
    const int64_t oh_n = g->oh, ow = g->ow, iw = g->iw, ih_n = g->ih, kh = g->kh, kw = g->kw;
    const int64_t sh = g->sh, dh = g->dh, ph = g->ph, s2 = g->sw == 2;
    __mmask16 ma[MAXPOOL_ROWS_KW], mb[MAXPOOL_ROWS_KW];
    for (int64_t o0 = 0; o0 < ow; o0 += 16) {
        const int64_t n = ow - o0 < 16 ? ow - o0 : 16, c0 = o0 * g->sw - g->pw;
        /* each window column's masks, the same for every row */
        for (int64_t kx = 0; kx < kw; kx++) {
            ma[kx] = cols_in(c0 + kx, iw);
            mb[kx] = cols_in(c0 + kx + 16, iw);
        }
        for (int64_t oh = 0; oh < oh_n; oh++) {
            __m512 m = ninf;
            for (int64_t ky = 0; ky < kh; ky++) {
                const int64_t ih = oh * sh - ph + ky * dh;
                if (ih < 0 || ih >= ih_n)
                    continue;
                const float *p = x + ih * iw + c0; /* lane 0's column, window column 0 */
                for (int64_t kx = 0; kx < kw; kx++) {
                    __m512 v = _mm512_mask_loadu_ps(ninf, ma[kx], p + kx);
                    if (s2)
                        v = _mm512_permutex2var_ps(
                            v, even, _mm512_mask_loadu_ps(ninf, mb[kx], p + kx + 16));
                    m = _mm512_mask_mov_ps(m, _mm512_cmp_ps_mask(v, m, _CMP_GT_OQ), v);
                }
            }
            _mm512_mask_storeu_ps(y + oh * ow + o0, (__mmask16)((1u << n) - 1), m);
        }
    }
}

/* 3x3 windows at stride 2 (ResNet's, SqueezeNet's, ShuffleNet's pools),
 * the commonest case of the above, by window rows: each input row's
 * three-tap maximum (16 outputs per vector: four masked loads, the even
 * elements of columns +0/+16 for tap 0, the odd for tap 1, the even of
 * +2/+18 for tap 2) is made once and serves the two output rows whose
 * windows share it, and every maximum is one vmaxps instead of a compare
 * and a blend in one chain (1.5 input rows per output row instead of 3).
 *
 * The same result, bits, NaN and signed zeros included: vmaxps(t, m) is
 * exactly "t > m ? t : m" (the second operand when either is NaN or they
 * are equal), and taking the taps row by row and then the rows in order
 * keeps, like the general loop, the first of equal maxima (each later
 * group only replaces the earlier one when greater), never a NaN (no
 * group's maximum is NaN: each starts from -inf). Rows and columns
 * outside the input are -inf, which replaces nothing. */
static inline __attribute__((always_inline)) __m512
maxpool3_row(const float *x, int64_t r, int64_t ih, int64_t iw, int64_t c0, const __mmask16 *mk,
             __m512i even, __m512i odd, __m512 ninf)
{
    if (r < 0 || r >= ih)
        return ninf;
    const float *p = x + r * iw + c0;
    const __m512 a = _mm512_mask_loadu_ps(ninf, mk[0], p),
                 b = _mm512_mask_loadu_ps(ninf, mk[1], p + 16),
                 c = _mm512_mask_loadu_ps(ninf, mk[2], p + 2),
                 d = _mm512_mask_loadu_ps(ninf, mk[3], p + 18);
    __m512 m = _mm512_max_ps(_mm512_permutex2var_ps(a, even, b), ninf);
    m = _mm512_max_ps(_mm512_permutex2var_ps(a, odd, b), m);
    return _mm512_max_ps(_mm512_permutex2var_ps(c, even, d), m);
}

static void maxpool_3x3s2_f32(const eb_simd_conv_geom *g_in, const float *x, float *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    const __m512i even = EVEN_PICK_512,
                  odd = _mm512_add_epi32(EVEN_PICK_512, _mm512_set1_epi32(1));
    const int64_t oh_n = g->oh, ow = g->ow, iw = g->iw, ih = g->ih, ph = g->ph;
    for (int64_t o0 = 0; o0 < ow; o0 += 16) {
        const int64_t n = ow - o0 < 16 ? ow - o0 : 16, c0 = o0 * 2 - g->pw;
        const __mmask16 mk[4] = {cols_in(c0, iw), cols_in(c0 + 16, iw), cols_in(c0 + 2, iw),
                                 cols_in(c0 + 18, iw)};
        const __mmask16 out = (__mmask16)((1u << n) - 1);
        __m512 top = maxpool3_row(x, -ph, ih, iw, c0, mk, even, odd, ninf);
        for (int64_t oh = 0; oh < oh_n; oh++) {
            const int64_t r = oh * 2 - ph;
            const __m512 mid = maxpool3_row(x, r + 1, ih, iw, c0, mk, even, odd, ninf),
                         bottom = maxpool3_row(x, r + 2, ih, iw, c0, mk, even, odd, ninf);
            const __m512 m = _mm512_max_ps(bottom, _mm512_max_ps(mid, top));
            _mm512_mask_storeu_ps(y + oh * ow + o0, out, m);
            top = bottom; /* the next output row's first window row */
        }
    }
}
#endif

#if DW_AVX2
/* maxpool_3x3s2_f32 on AVX2: eight outputs per block; each input row's
 * columns +0..15 and +2..17 split into even and odd elements by shufps,
 * which leaves the outputs in the lane order 0 1 4 5 2 3 6 7 in every tap
 * alike (undone by one vpermpd at the store). Blocks reaching outside the
 * row load under masks, the lanes outside set to -inf. The same bits as
 * the general loop, for the reasons given above. SqueezeNet's first pool
 * (64 planes 111x111): 319 us in the general loop. */
static inline __attribute__((always_inline)) __m256 maxpool3_load8(const float *p, int masked,
                                                                   __m256i m, __m256 ninf)
{
    if (!masked)
        return _mm256_loadu_ps(p);
    return _mm256_blendv_ps(ninf, _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}

static inline __attribute__((always_inline)) __m256
maxpool3_row8(const float *x, int64_t r, int64_t ih, int64_t iw, int64_t c0, int masked,
              const __m256i *mk, __m256 ninf)
{
    if (r < 0 || r >= ih)
        return ninf;
    const float *p = x + r * iw + c0;
    const __m256 a = maxpool3_load8(p, masked, mk[0], ninf),
                 b = maxpool3_load8(p + 8, masked, mk[1], ninf),
                 c = maxpool3_load8(p + 2, masked, mk[2], ninf),
                 d = maxpool3_load8(p + 10, masked, mk[3], ninf);
    __m256 m = _mm256_max_ps(_mm256_shuffle_ps(a, b, 0x88), ninf);
    m = _mm256_max_ps(_mm256_shuffle_ps(a, b, 0xdd), m);
    return _mm256_max_ps(_mm256_shuffle_ps(c, d, 0x88), m);
}

static inline __attribute__((always_inline)) void
maxpool3_block8(const float *x, float *y, int64_t oh_n, int64_t ow, int64_t ih, int64_t iw,
                int64_t ph, int64_t o0, int64_t c0, int masked, const __m256i *mk, __m256 ninf)
{
    const int64_t n = ow - o0 < 8 ? ow - o0 : 8;
    const __m256i out = dwa_cols_in(0, n);
    __m256 top = maxpool3_row8(x, -ph, ih, iw, c0, masked, mk, ninf);
    for (int64_t oh = 0; oh < oh_n; oh++) {
        const int64_t r = oh * 2 - ph;
        const __m256 mid = maxpool3_row8(x, r + 1, ih, iw, c0, masked, mk, ninf),
                     bottom = maxpool3_row8(x, r + 2, ih, iw, c0, masked, mk, ninf);
        __m256 m = _mm256_max_ps(bottom, _mm256_max_ps(mid, top));
        m = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(m), 0xd8));
        if (n == 8)
            _mm256_storeu_ps(y + oh * ow + o0, m);
        else
            _mm256_maskstore_ps(y + oh * ow + o0, out, m);
        top = bottom;
    }
}

static void maxpool_3x3s2_f32(const eb_simd_conv_geom *g_in, const float *x, float *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const __m256 ninf = _mm256_set1_ps(-INFINITY);
    const int64_t oh_n = g->oh, ow = g->ow, iw = g->iw, ih = g->ih, ph = g->ph;
    for (int64_t o0 = 0; o0 < ow; o0 += 8) {
        const int64_t c0 = o0 * 2 - g->pw;
        const __m256i mk[4] = {dwa_cols_in(c0, iw), dwa_cols_in(c0 + 8, iw),
                               dwa_cols_in(c0 + 2, iw), dwa_cols_in(c0 + 10, iw)};
        if (c0 >= 0 && c0 + 18 <= iw)
            maxpool3_block8(x, y, oh_n, ow, ih, iw, ph, o0, c0, 0, mk, ninf);
        else
            maxpool3_block8(x, y, oh_n, ow, ih, iw, ph, o0, c0, 1, mk, ninf);
    }
}
#endif

static void EB_VEC_FN(maxpool_f32)(const eb_simd_conv_geom *g_in, const float *x, float *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    if (g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->dh == 1 && g->dw == 1 &&
        g->ph == 0 && g->pw == 0 && 2 * g->oh <= g->ih && 2 * g->ow <= g->iw) {
        maxpool_2x2s2_f32(g, x, y);
        return;
    }
#if DW_SMALL || DW_AVX2
    if (g->kh == 3 && g->kw == 3 && g->sh == 2 && g->sw == 2 && g->dh == 1 && g->dw == 1) {
        maxpool_3x3s2_f32(g, x, y);
        return;
    }
#endif
#if DW_SMALL
    if ((g->sw == 1 || g->sw == 2) && g->dw == 1 && g->kw <= MAXPOOL_ROWS_KW) {
        maxpool_rows_f32(g, x, y);
        return;
    }
#endif
    for (int64_t oh = 0; oh < g->oh; oh++) {
        float *row = y + oh * g->ow;
        for (int64_t o = 0; o < g->ow; o++)
            row[o] = -INFINITY;
        for (int64_t ky = 0; ky < g->kh; ky++) {
            int64_t ih = oh * g->sh - g->ph + ky * g->dh;
            if (ih < 0 || ih >= g->ih)
                continue;
            const float *src = x + ih * g->iw;
            for (int64_t kx = 0; kx < g->kw; kx++) {
                const int64_t off = kx * g->dw - g->pw;
                int64_t l, h;
                eb_window_valid_range(off, g->sw, g->iw, g->ow, &l, &h);
                if (g->sw == 2) {
                    const float *s = src + off;
                    for (int64_t o = l; o < h; o++)
                        row[o] = s[2 * o] > row[o] ? s[2 * o] : row[o];
                } else {
                    for (int64_t o = l; o < h; o++) {
                        float v = src[o * g->sw + off];
                        row[o] = v > row[o] ? v : row[o];
                    }
                }
            }
        }
    }
}

/* Each channel's sum in ref's order (one float accumulator, element by
 * element: the same bits, which a quantised consumer needs), eight
 * channels at a time so eight sums are in flight: one channel alone waits
 * an add's latency per element (EfficientNet-b0's squeeze-excite pools
 * were 8 % of its samples). */
static void EB_VEC_FN(gavgpool_f32)(const float *x, int64_t plane, float *y, int64_t c0,
                                    int64_t c1)
{
    for (; c0 + 8 <= c1 && plane; c0 += 8) {
        const float *s = x + c0 * plane;
        float sum[8] = {0};
        for (int64_t i = 0; i < plane; i++)
            for (int k = 0; k < 8; k++)
                sum[k] += s[k * plane + i];
        for (int k = 0; k < 8; k++)
            y[c0 + k] = sum[k] / (float)plane;
    }
    for (int64_t c = c0; c < c1; c++) {
        const float *s = x + c * plane;
        float sum = 0.0f;
        for (int64_t i = 0; i < plane; i++)
            sum += s[i];
        y[c] = plane ? sum / (float)plane : 0.0f;
    }
}

/* int8 / uint8 max pooling: 2x2 stride 2 unpadded sixteen outputs per
 * vector (two 32-byte loads per input row, even and odd bytes split by
 * shuffles); anything else by rows with the valid column range of each
 * tap found once. Integer max: exact, the same bytes as the reference. */
typedef int8_t v32s8 __attribute__((vector_size(32))); /* v32u8, v16*: simd_vec_pack.h */

#define EVEN16 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODD16 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define EVEN8 0, 2, 4, 6, 8, 10, 12, 14
#define ODD8 1, 3, 5, 7, 9, 11, 13, 15
typedef int8_t v8s8 __attribute__((vector_size(8))); /* v8u8: simd_vec_pack.h */

/* W outputs of a 2x2 stride-2 row pair at output column o: two 2W-byte
 * loads, even and odd bytes split by shuffles, integer max. */
#define MAXPOOL_Q8_STEP(VIN, VOUT, EVEN, ODD, o)                                               \
    do {                                                                                       \
        VIN a, b;                                                                              \
        memcpy(&a, r0 + 2 * (o), sizeof a);                                                    \
        memcpy(&b, r1 + 2 * (o), sizeof b);                                                    \
        VOUT ae = __builtin_shufflevector(a, a, EVEN), ao = __builtin_shufflevector(a, a, ODD); \
        VOUT be = __builtin_shufflevector(b, b, EVEN), bo = __builtin_shufflevector(b, b, ODD); \
        VOUT m = (VOUT)(((VOUT)(ae > ao) & ae) | ((VOUT)(ae <= ao) & ao));                     \
        VOUT n = (VOUT)(((VOUT)(be > bo) & be) | ((VOUT)(be <= bo) & bo));                     \
        m = (VOUT)(((VOUT)(m > n) & m) | ((VOUT)(m <= n) & n));                                \
        memcpy(row + (o), &m, sizeof m);                                                       \
    } while (0)

#if defined(__AVX512BW__)
/* One output row of a 2x2 / 2 int8 pool on AVX-512 BW: 64 input bytes of
 * each row at a time (32 outputs, the last chunk masked), their vertical
 * maximum, then each column pair's maximum in the low byte of its 16-bit
 * lane (the odd byte shifted down onto it), the low bytes stored
 * (vpmovwb). The 8- and 16-wide vector-extension steps below ran the
 * Fashion CNN's int8 pools at about 10 cycles per 8 outputs, the fp32
 * pools' time. */
static inline void maxpool2_q8_row(const uint8_t *r0, const uint8_t *r1, uint8_t *row,
                                   int64_t ow, int u8)
{
    for (int64_t o = 0; o < ow; o += 32) {
        const int64_t n = ow - o < 32 ? ow - o : 32;
        const __mmask64 mi = n == 32 ? ~0ull : (1ull << (2 * n)) - 1;
        const __mmask32 mo = n == 32 ? ~0u : (1u << n) - 1;
        const __m512i a = _mm512_maskz_loadu_epi8(mi, r0 + 2 * o),
                      b = _mm512_maskz_loadu_epi8(mi, r1 + 2 * o);
        __m512i m = u8 ? _mm512_max_epu8(a, b) : _mm512_max_epi8(a, b);
        const __m512i h = _mm512_srli_epi16(m, 8);
        m = u8 ? _mm512_max_epu8(m, h) : _mm512_max_epi8(m, h);
        _mm256_mask_storeu_epi8(row + o, mo, _mm512_cvtepi16_epi8(m));
    }
}
#define MAXPOOL2_Q8_ROW(MIN) (maxpool2_q8_row((const uint8_t *)r0, (const uint8_t *)r1, \
                                               (uint8_t *)row, g->ow, (MIN) == 0), 1)
#else
#define MAXPOOL2_Q8_ROW(MIN) 0
#endif

#define MAXPOOL_Q8(NAME, T, V32, V16, V8, MIN)                                                      \
    static void NAME(const eb_simd_conv_geom *g, const T *x, T *y)                             \
    {                                                                                          \
        if (g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->dh == 1 &&              \
            g->dw == 1 && g->ph == 0 && g->pw == 0 && 2 * g->oh <= g->ih &&                    \
            2 * g->ow <= g->iw) {                                                              \
            for (int64_t oh = 0; oh < g->oh; oh++) {                                           \
                const T *r0 = x + 2 * oh * g->iw, *r1 = r0 + g->iw;                            \
                T *row = y + oh * g->ow;                                                       \
                if (MAXPOOL2_Q8_ROW(MIN))                                                      \
                    continue;                                                                  \
                int64_t o = 0;                                                                 \
                for (; o + 16 <= g->ow; o += 16)                                               \
                    MAXPOOL_Q8_STEP(V32, V16, EVEN16, ODD16, o);                               \
                for (; o + 8 <= g->ow; o += 8)                                                 \
                    MAXPOOL_Q8_STEP(V16, V8, EVEN8, ODD8, o);                                  \
                /* the last few as one more vector ending at ow, over outputs                  \
                 * already written (the same maxima again): the Fashion                       \
                 * CNN's 28 -> 14 pool had no full 16 and ran all scalar */                    \
                if (o < g->ow && g->ow >= 8) {                                                 \
                    MAXPOOL_Q8_STEP(V16, V8, EVEN8, ODD8, g->ow - 8);                          \
                    o = g->ow;                                                                 \
                }                                                                              \
                for (; o < g->ow; o++) {                                                       \
                    T m = r0[2 * o];                                                           \
                    m = r0[2 * o + 1] > m ? r0[2 * o + 1] : m;                                 \
                    m = r1[2 * o] > m ? r1[2 * o] : m;                                         \
                    row[o] = r1[2 * o + 1] > m ? r1[2 * o + 1] : m;                            \
                }                                                                              \
            }                                                                                  \
            return;                                                                            \
        }                                                                                      \
        for (int64_t oh = 0; oh < g->oh; oh++) {                                               \
            T *row = y + oh * g->ow;                                                           \
            for (int64_t o = 0; o < g->ow; o++)                                                \
                row[o] = MIN;                                                                  \
            for (int64_t ky = 0; ky < g->kh; ky++) {                                           \
                int64_t ih = oh * g->sh - g->ph + ky * g->dh;                                  \
                if (ih < 0 || ih >= g->ih)                                                     \
                    continue;                                                                  \
                const T *src = x + ih * g->iw;                                                 \
                for (int64_t kx = 0; kx < g->kw; kx++) {                                       \
                    const int64_t off = kx * g->dw - g->pw;                                    \
                    int64_t l, h;                                                              \
                    eb_window_valid_range(off, g->sw, g->iw, g->ow, &l, &h);                   \
                    for (int64_t o = l; o < h; o++) {                                          \
                        T v = src[o * g->sw + off];                                            \
                        row[o] = v > row[o] ? v : row[o];                                      \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }

MAXPOOL_Q8(maxpool_u8, uint8_t, v32u8, v16u8, v8u8, 0)
MAXPOOL_Q8(maxpool_i8, int8_t, v32s8, v16s8, v8s8, -128)

static void EB_VEC_FN(maxpool_q8)(const eb_simd_conv_geom *g_in, const void *x, eb_dtype dt,
                                  void *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    if (dt == EB_DT_U8)
        maxpool_u8(g, x, y);
    else
        maxpool_i8(g, x, y);
}

#endif
