/* Packing of GEMM operands (simd_kernels.h, "Layouts"): fp32 and int8
 * activation panels, from a convolution's input (any window) or, for a
 * pointwise one, straight from its planes.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h (after the families above it in its list), inside one
 * vec__<isa>.c, which defines EB_VEC_FN. */
#ifndef EB_SIMD_VEC_PACK_H
#define EB_SIMD_VEC_PACK_H

/* Elements packed as bits (fp32 values or groups of int8 / int16
 * channels): scalar reads and writes of either through this type. */
typedef uint32_t eb_u32a __attribute__((may_alias));

#if defined(__AVX512F__)
/* The index of a permutex2var that keeps the even elements of its two
 * operands: sixteen lanes at stride 2 from 32 consecutive elements (here,
 * and in the later families' stride-2 kernels) */
#define EVEN_PICK_512                                                                        \
    _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)

/* Bit l of a 16-lane mask moved to bit 2l: which of those 32 elements the
 * lanes read */
static inline uint32_t spread_even16(uint32_t m)
{
    m = (m | m << 8) & 0x00ff00ffu;
    m = (m | m << 4) & 0x0f0f0f0fu;
    m = (m | m << 2) & 0x33333333u;
    return (m | m << 1) & 0x55555555u;
}
#endif

/* pack_b_32 of a window of at most PACK_TAPS_MAX taps, without a
 * division or a bounds check per element: where each of the panel's
 * columns reads is worked out once per tap (the same for every channel).
 * A tap whose valid columns read consecutive elements (stride 1: columns
 * of consecutive output rows follow on in the input too when the rows are
 * as wide) is one contiguous copy per channel, clipped to the plane, then
 * the few columns in the padding are set to the fill; any other tap reads
 * each column at its offset. The values are the same as the loop below's. */
#define PACK_TAPS_MAX 49
static void EB_VEC_FN(pack_b_32_taps)(const eb_simd_conv_geom *g_in, const eb_u32a *x,
                                      eb_u32a fill, const int64_t *oy, const int64_t *ox,
                                      int nvalid, int nr, eb_u32a *dst)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const int64_t taps = g->kh * g->kw, plane = g->ih * g->iw;
    int64_t base[PACK_TAPS_MAX], lo[PACK_TAPS_MAX], hi[PACK_TAPS_MAX];
    int contig[PACK_TAPS_MAX], n_pad[PACK_TAPS_MAX];
    int32_t off[PACK_TAPS_MAX][MAX_NR];
    unsigned char pad[PACK_TAPS_MAX][MAX_NR];
    for (int64_t t = 0; t < taps; t++) {
        const int64_t ky = t / g->kw, kx = t % g->kw;
        int64_t first = -1, b = 0;
        int c = g->p_stride == 1;
        n_pad[t] = 0;
        for (int j = 0; j < nr; j++) {
            const int64_t iy = j < nvalid ? oy[j] + ky * g->dh : -1;
            const int64_t ix = j < nvalid ? ox[j] + kx * g->dw : -1;
            const int ok = iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw;
            const int64_t o = ok ? iy * g->iw + ix : 0;
            off[t][j] = (int32_t)(o * g->p_stride);
            if (!ok) {
                pad[t][n_pad[t]++] = (unsigned char)j;
                continue;
            }
            if (first < 0) {
                first = j;
                b = o - j;
            } else if (o != b + j) {
                c = 0;
            }
        }
        contig[t] = c && first >= 0 && plane <= INT32_MAX;
        base[t] = b;
        /* columns whose element base + j lies in the plane */
        lo[t] = b < 0 ? -b : 0;
        hi[t] = plane - b < nr ? plane - b : nr;
        if (lo[t] > nr)
            lo[t] = nr;
        if (hi[t] < lo[t])
            hi[t] = lo[t];
    }
    for (int64_t c = 0; c < g->channels; c++) {
        const eb_u32a *xc = x + c * g->c_stride;
        for (int64_t t = 0; t < taps; t++) {
            eb_u32a *d = dst + (c * taps + t) * nr;
            if (contig[t]) {
                const eb_u32a *sx = xc + base[t];
                int64_t j = 0;
                for (; j < lo[t]; j++)
                    d[j] = fill;
                for (; j < hi[t]; j++)
                    d[j] = sx[j];
                for (; j < nr; j++)
                    d[j] = fill;
                for (int q = 0; q < n_pad[t]; q++)
                    d[pad[t][q]] = fill;
            } else {
                const int32_t *o = off[t];
                int j = 0;
#if defined(__AVX512F__)
                /* sixteen columns a gather (columns in the padding read
                 * element 0 and are set to the fill below) */
                for (; j + 16 <= nr; j += 16)
                    _mm512_storeu_si512(d + j, _mm512_i32gather_epi32(
                                                   _mm512_loadu_si512(o + j), xc, 4));
#endif
                for (; j < nr; j++)
                    d[j] = xc[o[j]];
                for (int q = 0; q < n_pad[t]; q++)
                    d[pad[t][q]] = fill;
            }
        }
    }
}

#if defined(__AVX512F__)
/* pack_b_32 on AVX-512 without an element-by-element gather: the
 * panel's columns are runs along output rows, and under one tap a run
 * reads the elements of one input row sw apart, clipped to the row. Each
 * run's part in a 16-column block of the panel is then one piece: at
 * stride 1 a masked load, at stride 2 two masked loads and a permute that
 * keeps the even elements, wider strides a masked gather. Lanes outside
 * the row or the plane are not read (masked loads and gathers do not
 * fault there). Pieces are worked out once per tap, the same for every
 * channel. Returns 0 when the panel has too many runs for the table
 * (narrow rows under a wide panel): the caller packs it otherwise. */
#define PACK_ROW_PIECES 192
static int EB_VEC_FN(pack_b_32_rows)(const eb_simd_conv_geom *g_in, const eb_u32a *x,
                                     eb_u32a fill, int64_t j0, int nvalid, int nr, eb_u32a *dst)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const int64_t taps = g->kh * g->kw, sw = g->sw;
    const int blocks = (nr + 15) / 16;
    /* the panel's runs along output rows: first column, length, and the
     * input row and column of the window's top left for its first column */
    int run_j[MAX_NR], run_len[MAX_NR], runs = 0;
    int64_t run_iy[MAX_NR], run_ix[MAX_NR];
    for (int j = 0; j < nvalid;) {
        const int64_t oy = (j0 + j) / g->ow, ox = (j0 + j) % g->ow;
        const int len = (int)(g->ow - ox < nvalid - j ? g->ow - ox : nvalid - j);
        run_j[runs] = j;
        run_len[runs] = len;
        run_iy[runs] = oy * g->sh - g->ph;
        run_ix[runs] = ox * sw - g->pw;
        runs++;
        j += len;
    }
    /* pieces of tap t, block q: piece_at[t * blocks + q] to the next */
    int32_t piece_off[PACK_ROW_PIECES];
    __mmask16 piece_mask[PACK_ROW_PIECES];
    int piece_at[PACK_TAPS_MAX * 4 + 1], n = 0, most = 0;
    for (int64_t t = 0, ky = 0, kx = 0; t < taps; t++, kx = kx + 1 == g->kw ? (ky++, 0) : kx + 1) {
        /* each run's columns [ra, rb) whose element ix + sw * i lies in
         * the input, lane l reading element roff + sw * l */
        int64_t ra[MAX_NR], rb[MAX_NR];
        int32_t roff[MAX_NR];
        for (int r = 0; r < runs; r++) {
            const int64_t iy = run_iy[r] + ky * g->dh, ix = run_ix[r] + kx * g->dw;
            const int64_t len = run_len[r];
            int64_t lo = 0, hi = 0;
            if (iy >= 0 && iy < g->ih && ix < g->iw && ix + (len - 1) * sw >= 0) {
                /* no division at stride 1, the common case */
                lo = ix >= 0 ? 0 : sw == 1 ? -ix : (-ix + sw - 1) / sw;
                hi = g->iw - ix;
                hi = sw == 1 ? hi : (hi + sw - 1) / sw;
                hi = hi < len ? hi : len;
            }
            ra[r] = run_j[r] + lo;
            rb[r] = run_j[r] + hi;
            roff[r] = (int32_t)(iy * g->iw + ix - run_j[r] * sw);
        }
        for (int q = 0; q < blocks; q++) {
            piece_at[t * blocks + q] = n;
            for (int r = 0; r < runs; r++) {
                const int64_t lo = ra[r] > 16 * q ? ra[r] : 16 * q;
                const int64_t hi = rb[r] < 16 * q + 16 ? rb[r] : 16 * q + 16;
                if (lo >= hi)
                    continue;
                if (n == PACK_ROW_PIECES)
                    return 0;
                /* lane l of the block reads element off + sw * l */
                piece_off[n] = roff[r] + (int32_t)(16 * q * sw);
                piece_mask[n] =
                    (__mmask16)(((1u << (hi - 16 * q)) - 1u) & ~((1u << (lo - 16 * q)) - 1u));
                n++;
            }
            if (n - piece_at[t * blocks + q] > most)
                most = n - piece_at[t * blocks + q];
        }
    }
    piece_at[taps * blocks] = n;
    /* every block the same number of pieces, the missing ones empty: a
     * trip count that varies from block to block (a row's first or last
     * tap clipped) is a branch mispredicted over and over */
    const int slots = (int)(taps * blocks);
    if (slots * most > PACK_ROW_PIECES * 2)
        return 0;
    int32_t slot_off[PACK_ROW_PIECES * 2];
    __mmask16 slot_mask[PACK_ROW_PIECES * 2];
    uint32_t slot_src[PACK_ROW_PIECES * 2]; /* stride 2: the 32 elements read */
    for (int k = 0; k < slots; k++)
        for (int i = 0; i < most; i++) {
            const int from = piece_at[k] + i;
            const int in = from < piece_at[k + 1];
            const unsigned m = in ? piece_mask[from] : 0;
            const uint32_t src = spread_even16(m);
            slot_off[k * most + i] = in ? piece_off[from] : 0;
            slot_mask[k * most + i] = (__mmask16)m;
            slot_src[k * most + i] = src;
        }
    const __mmask16 last = (__mmask16)(nr % 16 ? (1u << (nr % 16)) - 1u : 0xffffu);
    const __m512i even = EVEN_PICK_512, vfill = _mm512_set1_epi32((int)fill);
    const __m512i step = _mm512_mullo_epi32(
        _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
        _mm512_set1_epi32((int)sw));
    /* slot k = (t, q) is row t's block q of every channel: the slot's
     * pieces stay in registers over the channels (one load and one store
     * per channel for a block a run covers) */
    const int64_t cs = g->c_stride, ds = taps * nr;
    for (int k = 0, q = 0; k < slots; k++, q = q + 1 == blocks ? 0 : q + 1) {
        const int32_t *off = slot_off + k * most;
        const __mmask16 *m = slot_mask + k * most;
        const uint32_t *src = slot_src + k * most;
        const __mmask16 keep = q == blocks - 1 ? last : 0xffffu;
        const eb_u32a *xc = x;
        eb_u32a *d = dst + (k / blocks) * nr + 16 * q;
        if (sw == 1 && most == 1) {
            for (int64_t c = 0; c < g->channels; c++, xc += cs, d += ds)
                _mm512_mask_storeu_epi32(d, keep,
                                         _mm512_mask_loadu_epi32(vfill, m[0], xc + off[0]));
        } else if (sw == 1 && most == 2) {
            for (int64_t c = 0; c < g->channels; c++, xc += cs, d += ds) {
                const __m512i v = _mm512_mask_loadu_epi32(vfill, m[0], xc + off[0]);
                _mm512_mask_storeu_epi32(d, keep, _mm512_mask_loadu_epi32(v, m[1], xc + off[1]));
            }
        } else if (sw == 1) {
            for (int64_t c = 0; c < g->channels; c++, xc += cs, d += ds) {
                __m512i v = vfill;
                for (int i = 0; i < most; i++)
                    v = _mm512_mask_loadu_epi32(v, m[i], xc + off[i]);
                _mm512_mask_storeu_epi32(d, keep, v);
            }
        } else if (sw == 2) {
            for (int64_t c = 0; c < g->channels; c++, xc += cs, d += ds) {
                __m512i v = vfill;
                for (int i = 0; i < most; i++) {
                    /* lane l's element is 2l of the 32 from off: the two
                     * loads read exactly the elements of the lanes in m */
                    const __m512i lo = _mm512_maskz_loadu_epi32((__mmask16)src[i], xc + off[i]);
                    const __m512i hi =
                        _mm512_maskz_loadu_epi32((__mmask16)(src[i] >> 16), xc + off[i] + 16);
                    v = _mm512_mask_mov_epi32(v, m[i], _mm512_permutex2var_epi32(lo, even, hi));
                }
                _mm512_mask_storeu_epi32(d, keep, v);
            }
        } else {
            for (int64_t c = 0; c < g->channels; c++, xc += cs, d += ds) {
                __m512i v = vfill;
                for (int i = 0; i < most; i++)
                    v = _mm512_mask_i32gather_epi32(v, m[i], step, xc + off[i], 4);
                _mm512_mask_storeu_epi32(d, keep, v);
            }
        }
    }
    return 1;
}
#endif

/* pack_b_32 of a panel of at most 16 columns (AVX-512; 8 on AVX2) over at
 * most two output rows, at stride 1 or 2 (the 7- and 6-column panels of
 * the few-column kernels on rows at least that wide): per run of the panel
 * along an output row, the lanes each kernel column keeps inside the input
 * row and the kernel rows inside the input are worked out once, kh + kw
 * values; then each row of the column matrix is one masked load per run
 * (stride 2: AVX-512 two and a permute that keeps the even elements, AVX2
 * a masked gather) and one store. pack_b_32_rows builds a table per tap
 * and 16-column block first, which for one 7-column panel took longer
 * than its loads (the Fashion CNN's int8 conv2, 16 -> 32 channels, 3x3 on
 * 14x14: 28 panels in 3.6 us); AVX2's pack_b_32_taps, per element, was a
 * third of that model's time.
 *
 * pack_runs_table fills R: the panel's runs (1 or 2; 0: not taken, nr
 * past max_nr or another stride); under tap t, run r's lanes are the bits
 * m[r][t] and lane l reads element off[r][t] + sw * l of its channel. */
#if defined(__AVX512F__) || defined(__AVX2__)
typedef struct pack_runs {
    int runs;
    uint32_t m[2][PACK_TAPS_MAX];
    int64_t off[2][PACK_TAPS_MAX];
} pack_runs;

static int pack_runs_table(const eb_simd_conv_geom *g, int64_t j0, int nvalid, int nr,
                           int max_nr, pack_runs *R)
{
    uint32_t(*m)[PACK_TAPS_MAX] = R->m;
    int64_t(*off)[PACK_TAPS_MAX] = R->off;
    const int64_t sw = g->sw, ow = g->ow;
    R->runs = 0;
    if (nr > max_nr || nvalid < 1 || (sw != 1 && sw != 2) || g->kh * g->kw > PACK_TAPS_MAX ||
        g->p_stride != 1)
        return 0;
    const int64_t ox0 = j0 % ow;
    const int len0 = (int)(ow - ox0 < nvalid ? ow - ox0 : nvalid);
    const int runs = len0 < nvalid ? 2 : 1;
    if (nvalid - len0 > ow)
        return 0;
    /* run r: lanes from a[r], len[r] of them, output row oy[r] from ox[r] */
    const int a[2] = {0, len0}, len[2] = {len0, nvalid - len0};
    const int64_t oy[2] = {j0 / ow, j0 / ow + 1}, ox[2] = {ox0, 0};
    for (int r = 0; r < runs; r++) {
        uint32_t hm[PACK_TAPS_MAX];
        int64_t hoff[PACK_TAPS_MAX];
        for (int64_t kx = 0; kx < g->kw; kx++) {
            /* lane a[r] + l reads element ix + sw * l of the row */
            const int64_t ix = ox[r] * sw - g->pw + kx * g->dw;
            int64_t lo = ix >= 0 ? 0 : (-ix + sw - 1) / sw;
            int64_t hi = g->iw - ix <= 0 ? 0 : (g->iw - ix + sw - 1) / sw;
            hi = hi < len[r] ? hi : len[r];
            lo = lo < hi ? lo : hi;
            hm[kx] = (((1u << hi) - 1u) & ~((1u << lo) - 1u)) << a[r];
            hoff[kx] = ix - a[r] * sw;
        }
        for (int64_t ky = 0, t = 0; ky < g->kh; ky++) {
            const int64_t iy = oy[r] * g->sh - g->ph + ky * g->dh;
            const int in = iy >= 0 && iy < g->ih;
            for (int64_t kx = 0; kx < g->kw; kx++, t++) {
                m[r][t] = in ? hm[kx] : 0;
                off[r][t] = in ? iy * g->iw + hoff[kx] : 0;
            }
        }
    }
    R->runs = runs;
    return runs;
}
#endif

#if defined(__AVX512F__)
static int EB_VEC_FN(pack_b_32_runs)(const eb_simd_conv_geom *g_in, const eb_u32a *x,
                                     eb_u32a fill, int64_t j0, int nvalid, int nr, eb_u32a *dst)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    pack_runs R;
    if (!pack_runs_table(g, j0, nvalid, nr, 16, &R))
        return 0;
    const int runs = R.runs;
    const int64_t sw = g->sw, taps = g->kh * g->kw;
    const uint32_t(*m)[PACK_TAPS_MAX] = R.m;
    const int64_t(*off)[PACK_TAPS_MAX] = R.off;
    const __mmask16 keep = (__mmask16)((1u << nr) - 1u);
    const __m512i vfill = _mm512_set1_epi32((int)fill), even = EVEN_PICK_512;
    eb_u32a *d = dst;
    /* one or two loads per row, the common cases, without a loop */
    if (sw == 1 && runs == 1) {
        for (int64_t c = 0; c < g->channels; c++) {
            const eb_u32a *xc = x + c * g->c_stride;
            for (int64_t t = 0; t < taps; t++, d += nr)
                _mm512_mask_storeu_epi32(
                    d, keep, _mm512_mask_loadu_epi32(vfill, (__mmask16)m[0][t], xc + off[0][t]));
        }
        return 1;
    }
    if (sw == 1) {
        for (int64_t c = 0; c < g->channels; c++) {
            const eb_u32a *xc = x + c * g->c_stride;
            for (int64_t t = 0; t < taps; t++, d += nr) {
                const __m512i v =
                    _mm512_mask_loadu_epi32(vfill, (__mmask16)m[0][t], xc + off[0][t]);
                _mm512_mask_storeu_epi32(
                    d, keep, _mm512_mask_loadu_epi32(v, (__mmask16)m[1][t], xc + off[1][t]));
            }
        }
        return 1;
    }
    for (int64_t c = 0; c < g->channels; c++) {
        const eb_u32a *xc = x + c * g->c_stride;
        for (int64_t t = 0; t < taps; t++, d += nr) {
            __m512i v = vfill;
            for (int r = 0; r < runs; r++) {
                /* lane l's element is 2l of the 32 from off: the two loads
                 * read exactly the elements of the lanes in m */
                const uint32_t src = spread_even16(m[r][t]);
                const eb_u32a *at = xc + off[r][t];
                const __m512i lo = _mm512_maskz_loadu_epi32((__mmask16)src, at);
                const __m512i hi = _mm512_maskz_loadu_epi32((__mmask16)(src >> 16), at + 16);
                v = _mm512_mask_mov_epi32(v, (__mmask16)m[r][t],
                                          _mm512_permutex2var_epi32(lo, even, hi));
            }
            _mm512_mask_storeu_epi32(d, keep, v);
        }
    }
    return 1;
}
#elif defined(__AVX2__)
/* Lanes l with bit l of bits set, as an AVX2 mask (all ones / zero). */
static inline __m256i lanes_of_bits8(uint32_t bits)
{
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)bits), bit), bit);
}

static int EB_VEC_FN(pack_b_32_runs)(const eb_simd_conv_geom *g_in, const eb_u32a *x,
                                     eb_u32a fill, int64_t j0, int nvalid, int nr, eb_u32a *dst)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    pack_runs R;
    if (!pack_runs_table(g, j0, nvalid, nr, 8, &R))
        return 0;
    const int runs = R.runs;
    const int64_t sw = g->sw, taps = g->kh * g->kw;
    /* masked lanes are neither read nor written (vpmaskmovd, and the
     * masked gather) */
    __m256i lm[2][PACK_TAPS_MAX];
    for (int r = 0; r < runs; r++)
        for (int64_t t = 0; t < taps; t++)
            lm[r][t] = lanes_of_bits8(R.m[r][t]);
    const __m256i keep = lanes_of_bits8((1u << nr) - 1u), vfill = _mm256_set1_epi32((int)fill);
    const __m256i step2 = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    eb_u32a *d = dst;
    for (int64_t c = 0; c < g->channels; c++) {
        const eb_u32a *xc = x + c * g->c_stride;
        for (int64_t t = 0; t < taps; t++, d += nr) {
            __m256i v = vfill;
            for (int r = 0; r < runs; r++) {
                const eb_u32a *at = xc + R.off[r][t];
                v = sw == 1 ? _mm256_blendv_epi8(
                                  v, _mm256_maskload_epi32((const int *)at, lm[r][t]), lm[r][t])
                            : _mm256_mask_i32gather_epi32(v, (const int *)at, step2, lm[r][t], 4);
            }
            _mm256_maskstore_epi32((int *)d, keep, v);
        }
    }
    return 1;
}
#endif

/* The window packing of any 4-byte elements, moved as bits: fp32 values
 * (fill 0.0f's bits, 0), or the int8 GEMMs' groups of KU channels that
 * fill one such element (pack_b_q8's `blocked` input, fill the padding's
 * group). Column (c, ky, kx) of the column matrix, padding and columns past
 * nvalid the fill. */
static void EB_VEC_FN(pack_b_32)(const eb_simd_conv_geom *g, const eb_u32a *x, eb_u32a fill,
                                 int64_t j0, int nvalid, int nr, eb_u32a *dst)
{
    const int64_t taps = g->kh * g->kw;
    const int64_t k_rows = g->channels * taps;
    if (g->pointwise) {
        for (int64_t k = 0; k < k_rows; k++) {
            const eb_u32a *s = x + k * g->c_stride + j0;
            eb_u32a *d = dst + k * nr;
            int j = 0;
            for (; j < nvalid; j++)
                d[j] = s[j];
            for (; j < nr; j++)
                d[j] = fill;
        }
        return;
    }
#if defined(__AVX512F__) || defined(__AVX2__)
    if (EB_VEC_FN(pack_b_32_runs)(g, x, fill, j0, nvalid, nr, dst))
        return;
#endif
#if defined(__AVX512F__)
    if (g->p_stride == 1 && g->sw <= 64 && taps <= PACK_TAPS_MAX && nr <= MAX_NR &&
        g->ih * g->iw <= INT32_MAX - 8192 &&
        EB_VEC_FN(pack_b_32_rows)(g, x, fill, j0, nvalid, nr, dst))
        return;
#endif
    int64_t oy[MAX_NR], ox[MAX_NR];
    for (int j = 0; j < nvalid; j++) {
        oy[j] = (j0 + j) / g->ow * g->sh - g->ph;
        ox[j] = (j0 + j) % g->ow * g->sw - g->pw;
    }
    if (taps <= PACK_TAPS_MAX && nr <= MAX_NR && g->ih * g->iw * g->p_stride <= INT32_MAX) {
        EB_VEC_FN(pack_b_32_taps)(g, x, fill, oy, ox, nvalid, nr, dst);
        return;
    }
    for (int64_t k = 0; k < k_rows; k++) {
        const int64_t c = k / taps, ky = k % taps / g->kw, kx = k % g->kw;
        const eb_u32a *xc = x + c * g->c_stride;
        eb_u32a *d = dst + k * nr;
        for (int j = 0; j < nr; j++) {
            eb_u32a v = fill;
            if (j < nvalid) {
                int64_t iy = oy[j] + ky * g->dh, ix = ox[j] + kx * g->dw;
                if (iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw)
                    v = xc[(iy * g->iw + ix) * g->p_stride];
            }
            d[j] = v;
        }
    }
}

static void EB_VEC_FN(pack_b_f32)(const eb_simd_conv_geom *g, const float *x, int64_t j0,
                                  int nvalid, int nr, float *dst)
{
    EB_VEC_FN(pack_b_32)(g, (const eb_u32a *)x, 0u, j0, nvalid, nr, (eb_u32a *)dst);
}

/* Pointwise int8 packing with constant element type and interleave, so the
 * compiler can vectorise the widening and the interleaved stores. */
#define PACK_PW(NAME, TIN, TOUT, KU)                                                          \
    static void NAME(const eb_simd_conv_geom *g, const TIN *x, int32_t sub, int64_t kpad,     \
                     int64_t j0, int nvalid, int nr, TOUT *dst)                               \
    {                                                                                        \
        const int64_t k_rows = g->channels;                                                  \
        for (int64_t k0 = 0; k0 < kpad; k0 += KU) {                                          \
            TOUT *d = dst + (k0 / KU) * nr * KU;                                             \
            for (int kr = 0; kr < KU; kr++) {                                                \
                int64_t k = k0 + kr;                                                         \
                if (k < k_rows) {                                                            \
                    const TIN *s = x + k * g->c_stride + j0;                                 \
                    for (int j = 0; j < nvalid; j++)                                         \
                        d[j * KU + kr] = (TOUT)((int32_t)s[j] - sub);                        \
                    for (int j = nvalid; j < nr; j++)                                        \
                        d[j * KU + kr] = 0;                                                  \
                } else {                                                                     \
                    for (int j = 0; j < nr; j++)                                             \
                        d[j * KU + kr] = 0;                                                  \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }

/* int16 pairs (vpmaddwd's format), the common case: two input rows
 * widened and interleaved sixteen columns at a time, where the generic
 * loop above stores one int16 at a time. Panels narrower than sixteen
 * (the AVX2 16 x 6 tile's six columns) take eight columns at once while
 * sixteen int16 still fit in the panel: what lands past column nr belongs
 * to the next pair of rows, which the next step rewrites. The reads past
 * column nr then stay inside the input: only a pair before the last one
 * reads past its columns, and its rows are followed by another row's
 * plane. */
typedef int16_t v16s __attribute__((vector_size(32)));
typedef int16_t v8s __attribute__((vector_size(16)));
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef int8_t v16s8 __attribute__((vector_size(16)));
typedef uint8_t v8u8 __attribute__((vector_size(8)));
typedef int8_t v8s8 __attribute__((vector_size(8)));

/* Rows k0 and k0 + 1 of PACK_PW2's panel from column j, as VW (int16
 * lanes) less the subtrahend vs: a and b, b zero past the last row. */
#define PW2_ROWS(VIN, VW, vs)                                                                  \
    VIN r0, r1;                                                                                \
    memcpy(&r0, s0 + j, sizeof r0);                                                            \
    VW a = __builtin_convertvector(r0, VW) - (vs), b = (VW){0};                                \
    if (s1) {                                                                                  \
        memcpy(&r1, s1 + j, sizeof r1);                                                        \
        b = __builtin_convertvector(r1, VW) - (vs);                                            \
    }

/* Columns [j, j + 16) (PW2_STEP16) or [j, j + 8) (PW2_STEP8) of rows k0,
 * k0 + 1 into the panel's row pair at d. */
#define PW2_STEP16(VIN)                                                                        \
    do {                                                                                       \
        PW2_ROWS(VIN, v16s, vsub)                                                              \
        v16s lo = __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6,   \
                                          22, 7, 23);                                          \
        v16s hi = __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29,  \
                                          14, 30, 15, 31);                                     \
        memcpy(d + 2 * j, &lo, sizeof lo);                                                     \
        memcpy(d + 2 * j + 16, &hi, sizeof hi);                                                \
    } while (0)
#define PW2_STEP8(VIN8)                                                                        \
    do {                                                                                       \
        PW2_ROWS(VIN8, v8s, vsub8)                                                             \
        v16s ab = __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, \
                                          7, 15);                                              \
        memcpy(d + 2 * j, &ab, sizeof ab);                                                     \
    } while (0)

#define PACK_PW2(NAME, TIN, VIN, VIN8, RAGGED, ATTR)                                           \
    ATTR static void NAME(const eb_simd_conv_geom *g, const TIN *x, int32_t sub, int64_t kpad, \
                          int64_t j0, int nvalid, int nr, int16_t *dst)                        \
    {                                                                                          \
        const int64_t k_rows = g->channels, cs = g->c_stride;                                  \
        const v16s vsub = (v16s){0} + (int16_t)sub;                                            \
        const v8s vsub8 = (v8s){0} + (int16_t)sub;                                             \
        const int n = RAGGED ? nvalid : nr; /* the columns the vectors take */                 \
        for (int64_t k0 = 0; k0 < kpad; k0 += 2) {                                             \
            int16_t *d = dst + k0 * nr;                                                        \
            const TIN *s0 = k0 < k_rows ? x + k0 * cs + j0 : NULL;                             \
            const TIN *s1 = k0 + 1 < k_rows ? x + (k0 + 1) * cs + j0 : NULL;                   \
            int j = 0;                                                                         \
            if (s0 && (RAGGED || nvalid == nr)) {                                              \
                for (; j + 16 <= n; j += 16)                                                   \
                    PW2_STEP16(VIN);                                                           \
                /* eights: past column nr only in full panels (see above) */                   \
                while (RAGGED ? j + 8 <= n                                                     \
                              : j < nr && 2 * (int64_t)j + 16 <= (kpad - k0) * nr) {           \
                    PW2_STEP8(VIN8);                                                           \
                    j = j + 8 < nr ? j + 8 : nr;                                               \
                }                                                                              \
            }                                                                                  \
            for (; j < n; j++) {                                                               \
                d[2 * j] = (int16_t)(s0 && j < nvalid ? (int32_t)s0[j] - sub : 0);             \
                d[2 * j + 1] = (int16_t)(s1 && j < nvalid ? (int32_t)s1[j] - sub : 0);         \
            }                                                                                  \
            /* a ragged panel's columns past nvalid, zero in both rows */                      \
            if (RAGGED)                                                                        \
                memset(d + 2 * n, 0, (size_t)(2 * (nr - n)) * sizeof *d);                      \
        }                                                                                      \
    }

/* Full panels, and ragged ones (nvalid < nr: the last panel of a plane
 * whose pixels are not a multiple of nr, 196 = 12 x 16 + 4) in functions
 * of their own: one int16 at a time, a ragged panel took as long as all
 * the full ones of a 14x14 plane; the ragged branch inside one function
 * made the full panels 2-7% slower on AVX2 (MobileNet-v2@224 int8's
 * pointwise layers). */
PACK_PW2(pw2_u8, uint8_t, v16u8, v8u8, 0, )
PACK_PW2(pw2_i8, int8_t, v16s8, v8s8, 0, )
PACK_PW2(pw2r_u8, uint8_t, v16u8, v8u8, 1, __attribute__((noinline)))
PACK_PW2(pw2r_i8, int8_t, v16s8, v8s8, 1, __attribute__((noinline)))

PACK_PW(pw_u8_i16_1, uint8_t, int16_t, 1)
PACK_PW(pw_i8_i16_1, int8_t, int16_t, 1)
/* Bytes in groups of four rows (vpdpbusd's / SDOT's format), pointwise:
 * the generic loop above stored one byte at a time and was most of the
 * VNNI GEMM's time on MobileNet's 14x14 and 7x7 planes (measured: 58% of
 * a 64 x 384 x 196 product with the 6 x 32 kernel, 71% with 32 x 7). Here
 * four input rows are interleaved 16 or 8 columns at a time. (x - sub) as
 * a byte is the same wrapping byte subtraction for int8 and uint8 input,
 * so one function serves both. A 7-column panel (the few-column kernel's)
 * reads 8 bytes per row, one past the panel, where that byte still lies in
 * the input (it does for all but the last row's end), and writes 32 bytes
 * per group, 4 into the next group, which the next group then overwrites
 * (only where the panel goes on that far). Ragged groups and panels take
 * a vector path of their own (pw_b_4_ragged): the Fashion CNN's int8 stem
 * (K = 9, 784 columns) went from 5.2 to 3.0 us with it. */

static inline void pw_b_4_interleave16(v16u8 a0, v16u8 a1, v16u8 a2, v16u8 a3, uint8_t *d)
{
    const v16u8 lo01 = __builtin_shufflevector(a0, a1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21,
                                               6, 22, 7, 23);
    const v16u8 lo23 = __builtin_shufflevector(a2, a3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21,
                                               6, 22, 7, 23);
    const v16u8 hi01 = __builtin_shufflevector(a0, a1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13,
                                               29, 14, 30, 15, 31);
    const v16u8 hi23 = __builtin_shufflevector(a2, a3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13,
                                               29, 14, 30, 15, 31);
    const v16u8 o0 = __builtin_shufflevector(lo01, lo23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21,
                                             6, 7, 22, 23);
    const v16u8 o1 = __builtin_shufflevector(lo01, lo23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28,
                                             29, 14, 15, 30, 31);
    const v16u8 o2 = __builtin_shufflevector(hi01, hi23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21,
                                             6, 7, 22, 23);
    const v16u8 o3 = __builtin_shufflevector(hi01, hi23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28,
                                             29, 14, 15, 30, 31);
    memcpy(d, &o0, 16);
    memcpy(d + 16, &o1, 16);
    memcpy(d + 32, &o2, 16);
    memcpy(d + 48, &o3, 16);
}

static inline void pw_b_4_interleave8(v8u8 a0, v8u8 a1, v8u8 a2, v8u8 a3, uint8_t *d)
{
    const v16u8 l01 = __builtin_shufflevector(a0, a1, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6,
                                              14, 7, 15);
    const v16u8 l23 = __builtin_shufflevector(a2, a3, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6,
                                              14, 7, 15);
    const v16u8 o0 = __builtin_shufflevector(l01, l23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21,
                                             6, 7, 22, 23);
    const v16u8 o1 = __builtin_shufflevector(l01, l23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28,
                                             29, 14, 15, 30, 31);
    memcpy(d, &o0, 16);
    memcpy(d + 16, &o1, 16);
}

/* One group of pw_b_4 that the fast path below does not take: fewer than
 * four rows left (the last group of a K that is not a multiple of 4, like
 * a 3x3 stem on one channel: K = 9) or a ragged panel (nvalid < nr); the
 * missing rows are zero vectors, the columns past nvalid zero. Returns the
 * first column it left to the scalar tail. */
static int pw_b_4_ragged(const uint8_t *s, int64_t cs, int rows, int64_t k0, int64_t kpad,
                         int64_t j0, int64_t end, int nvalid, int nr, uint8_t bsub, uint8_t *d)
{
    const v16u8 vsub16 = (v16u8){0} + bsub, zero16 = {0};
    const v8u8 vsub8 = (v8u8){0} + bsub, zero8 = {0};
    int j = 0;
    for (; j + 16 <= nvalid; j += 16) {
        v16u8 a0, a1 = zero16, a2 = zero16, a3 = zero16;
        memcpy(&a0, s + j, 16);
        a0 -= vsub16;
        if (rows > 1) {
            memcpy(&a1, s + cs + j, 16);
            a1 -= vsub16;
        }
        if (rows > 2) {
            memcpy(&a2, s + 2 * cs + j, 16);
            a2 -= vsub16;
        }
        if (rows > 3) {
            memcpy(&a3, s + 3 * cs + j, 16);
            a3 -= vsub16;
        }
        pw_b_4_interleave16(a0, a1, a2, a3, d + 4 * j);
    }
    /* 8 columns at a time, the last time maybe past nvalid where reading
     * and writing a little further is safe; what lands past nvalid is
     * rewritten by the caller's tail */
    while (j < nvalid && (j + 8 <= nvalid || (4 * j + 32 <= (kpad - k0) * nr &&
                                              (k0 + rows - 1) * cs + j0 + j + 8 <= end))) {
        v8u8 a0, a1 = zero8, a2 = zero8, a3 = zero8;
        memcpy(&a0, s + j, 8);
        a0 -= vsub8;
        if (rows > 1) {
            memcpy(&a1, s + cs + j, 8);
            a1 -= vsub8;
        }
        if (rows > 2) {
            memcpy(&a2, s + 2 * cs + j, 8);
            a2 -= vsub8;
        }
        if (rows > 3) {
            memcpy(&a3, s + 3 * cs + j, 8);
            a3 -= vsub8;
        }
        pw_b_4_interleave8(a0, a1, a2, a3, d + 4 * j);
        j = j + 8 < nvalid ? j + 8 : nvalid;
    }
    return j;
}

static void pw_b_4(const eb_simd_conv_geom *g_in, const uint8_t *x, int32_t sub, int64_t kpad,
                   int64_t j0, int nvalid, int nr, uint8_t *dst)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const int64_t k_rows = g->channels;
    /* one past the last input byte of this group: the last row's plane */
    const int64_t end = (k_rows - 1) * g->c_stride + g->ih * g->iw;
    const uint8_t bsub = (uint8_t)sub;
    const v16u8 vsub16 = (v16u8){0} + bsub;
    const v8u8 vsub8 = (v8u8){0} + bsub;
    for (int64_t k0 = 0; k0 < kpad; k0 += 4) {
        uint8_t *d = dst + k0 * nr;
        int j = 0;
        if (nvalid == nr && k0 + 4 <= k_rows) {
            const uint8_t *s = x + k0 * g->c_stride + j0;
            const int64_t cs = g->c_stride;
            for (; j + 16 <= nr; j += 16) {
                v16u8 a0, a1, a2, a3;
                memcpy(&a0, s + j, 16);
                memcpy(&a1, s + cs + j, 16);
                memcpy(&a2, s + 2 * cs + j, 16);
                memcpy(&a3, s + 3 * cs + j, 16);
                pw_b_4_interleave16(a0 - vsub16, a1 - vsub16, a2 - vsub16, a3 - vsub16, d + 4 * j);
            }
            /* 8 columns, or the 1..7 left when reading and writing a little
             * past them is safe (see above) */
            if (j < nr &&
                (j + 8 == nr ||
                 (j + 8 > nr && 4 * j + 32 <= (kpad - k0) * nr &&
                  (k0 + 3) * cs + j0 + j + 8 <= end))) {
                v8u8 a0, a1, a2, a3;
                memcpy(&a0, s + j, 8);
                memcpy(&a1, s + cs + j, 8);
                memcpy(&a2, s + 2 * cs + j, 8);
                memcpy(&a3, s + 3 * cs + j, 8);
                pw_b_4_interleave8(a0 - vsub8, a1 - vsub8, a2 - vsub8, a3 - vsub8, d + 4 * j);
                j = nr;
            }
        } else if (k0 < k_rows) {
            j = pw_b_4_ragged(x + k0 * g->c_stride + j0, g->c_stride,
                              k_rows - k0 < 4 ? (int)(k_rows - k0) : 4, k0, kpad, j0, end, nvalid,
                              nr, bsub, d);
        }
        if (j >= nr)
            continue;
        /* columns [j, nvalid) one byte at a time; the columns past nvalid
         * are zero in all four rows, one run of bytes (zeroed one at a
         * time, they were a fifth of this packer's samples on MobileNet-v2
         * 0.5@96's 144-pixel planes, a panel of 16 columns in 32) */
        const int z = j > nvalid ? j : nvalid;
        for (int kr = 0; kr < 4; kr++) {
            const int64_t k = k0 + kr;
            const uint8_t *s = k < k_rows ? x + k * g->c_stride + j0 : NULL;
            for (int jj = j; jj < z; jj++)
                d[jj * 4 + kr] = s ? (uint8_t)(s[jj] - bsub) : 0;
        }
        if (z < nr)
            memset(d + 4 * z, 0, (size_t)(4 * (nr - z)));
    }
}

static void EB_VEC_FN(pack_b_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt,
                                 int32_t sub, int32_t pad, int elem_bytes, int ku, int64_t kpad,
                                 int64_t j0, int nvalid, int nr, void *dst)
{
    const int u8 = xdt == EB_DT_U8;
    if (g->blocked) {
        /* the padding's value in every channel of its group */
        const uint32_t fill =
            elem_bytes == 1 ? (uint8_t)pad * 0x01010101u : (uint16_t)pad * 0x00010001u;
        EB_VEC_FN(pack_b_32)(g, x, fill, j0, nvalid, nr, dst);
        return;
    }
    if (g->pointwise) {
        if (elem_bytes == 2 && ku == 1) {
            u8 ? pw_u8_i16_1(g, x, sub, kpad, j0, nvalid, nr, dst)
               : pw_i8_i16_1(g, x, sub, kpad, j0, nvalid, nr, dst);
            return;
        }
        if (elem_bytes == 2 && ku == 2) {
            if (nvalid < nr)
                u8 ? pw2r_u8(g, x, sub, kpad, j0, nvalid, nr, dst)
                   : pw2r_i8(g, x, sub, kpad, j0, nvalid, nr, dst);
            else
                u8 ? pw2_u8(g, x, sub, kpad, j0, nvalid, nr, dst)
                   : pw2_i8(g, x, sub, kpad, j0, nvalid, nr, dst);
            return;
        }
        if (elem_bytes == 1 && ku == 4) {
            /* the byte pattern of (x - sub) as int8 or uint8 is the same */
            pw_b_4(g, x, sub, kpad, j0, nvalid, nr, dst);
            return;
        }
    }
    const int64_t taps = g->kh * g->kw;
    const int64_t k_rows = g->channels * taps;
    int64_t oy[MAX_NR], ox[MAX_NR];
    for (int j = 0; j < nvalid; j++) {
        oy[j] = (j0 + j) / g->ow * g->sh - g->ph;
        ox[j] = (j0 + j) % g->ow * g->sw - g->pw;
    }
    for (int64_t k = 0; k < kpad; k++) {
        const int64_t c = k / taps, ky = k % taps / g->kw, kx = k % g->kw;
        const int64_t base = (k / ku) * nr * ku + k % ku;
        for (int j = 0; j < nr; j++) {
            int32_t v = 0;
            if (k < k_rows && j < nvalid) {
                int64_t iy = oy[j] + ky * g->dh, ix = ox[j] + kx * g->dw;
                if (iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw) {
                    int64_t i = c * g->c_stride + (iy * g->iw + ix) * g->p_stride;
                    v = (u8 ? (int32_t)((const uint8_t *)x)[i] : (int32_t)((const int8_t *)x)[i]) -
                        sub;
                } else {
                    v = pad;
                }
            }
            if (elem_bytes == 2)
                ((int16_t *)dst)[base + j * ku] = (int16_t)v;
            else
                ((uint8_t *)dst)[base + j * ku] = (uint8_t)v;
        }
    }
}

/* Column panels [p0, p1) of nr columns each (the last may end at column
 * n, ragged), panel p at dst + (p - p0) * kpad * nr * elem_bytes, each as
 * pack_b_q8 packs it. The few-column int8 GEMMs pack every panel of their
 * product this way. Pointwise bytes in groups of four rows on AVX-512
 * (the 32 x 7 VNNI tile's format) go in one pass per group of rows: the
 * four rows widened and interleaved 16 columns at a time into a line of
 * dwords, then each panel's nr dwords copied out with one masked store.
 * Panel by panel, every 7-column panel loaded its four 8-byte pieces and
 * interleaved them on its own: the packing was 9 % of MobileNet-v2@224
 * int8's samples, as long as some of the products it fed. The line is
 * written 64 bytes at a time, aligned, and each panel read back as the
 * two whole 64-byte pieces it falls in, its dwords picked by a permute:
 * read as 28 bytes across the interleave's four 16-byte stores, every
 * load waited for them to leave the store buffer (no forwarding across
 * stores), and that wait was half of this function's samples. */
#if defined(__AVX512BW__) && defined(__AVX512VL__)
#define PANELS_CHUNK 256 /* columns interleaved at once, at most */
static void pw_b_4_panels(const eb_simd_conv_geom *g_in, const uint8_t *x, int32_t sub,
                          int64_t kpad, int64_t n, int nr, int64_t p0, int64_t p1, uint8_t *dst)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    const int64_t k_rows = g->channels, cs = g->c_stride, per = PANELS_CHUNK / nr;
    const size_t panel = (size_t)(kpad * nr);
    const __m128i vsub = _mm_set1_epi8((char)(uint8_t)sub);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    /* zeroed: a panel's second piece may lie past the columns written,
     * its lanes then dropped by the mask */
    _Alignas(64) uint8_t line[4 * PANELS_CHUNK + 64] = {0};
    for (int64_t q0 = p0; q0 < p1; q0 += per) {
        const int64_t q1 = q0 + per < p1 ? q0 + per : p1;
        const int64_t a = q0 * nr, b = q1 * nr < n ? q1 * nr : n; /* columns [a, b) */
        for (int64_t k0 = 0; k0 < kpad; k0 += 4) {
            for (int64_t c = a; c < b; c += 16) {
                const __mmask16 m = (__mmask16)(b - c >= 16 ? 0xFFFFu : (1u << (b - c)) - 1u);
                __m128i r[4];
                for (int i = 0; i < 4; i++)
                    r[i] = k0 + i < k_rows
                               ? _mm_maskz_sub_epi8(
                                     m, _mm_maskz_loadu_epi8(m, x + (k0 + i) * cs + c), vsub)
                               : _mm_setzero_si128();
                /* column j's four bytes in dword j (pw_b_4_interleave16's
                 * order), one store */
                const __m128i lo01 = _mm_unpacklo_epi8(r[0], r[1]),
                              hi01 = _mm_unpackhi_epi8(r[0], r[1]),
                              lo23 = _mm_unpacklo_epi8(r[2], r[3]),
                              hi23 = _mm_unpackhi_epi8(r[2], r[3]);
                const __m512i v = _mm512_inserti64x4(
                    _mm512_castsi256_si512(_mm256_set_m128i(_mm_unpackhi_epi16(lo01, lo23),
                                                            _mm_unpacklo_epi16(lo01, lo23))),
                    _mm256_set_m128i(_mm_unpackhi_epi16(hi01, hi23),
                                     _mm_unpacklo_epi16(hi01, hi23)),
                    1);
                _mm512_store_si512(line + 4 * (c - a), v);
            }
            for (int64_t p = q0; p < q1; p++) {
                const int64_t j0 = p * nr, at = j0 - a, piece = at & ~(int64_t)15;
                const int nvalid = (int)(n - j0 < nr ? n - j0 : nr);
                const __m512i d = _mm512_maskz_permutex2var_epi32(
                    (__mmask16)((1u << nvalid) - 1u), _mm512_load_si512(line + 4 * piece),
                    _mm512_add_epi32(iota, _mm512_set1_epi32((int)(at - piece))),
                    _mm512_load_si512(line + 4 * piece + 64));
                _mm512_mask_storeu_epi32(dst + (size_t)(p - p0) * panel + (size_t)(k0 * nr),
                                         (__mmask16)((1u << nr) - 1u), d);
            }
        }
    }
}
#endif

static void EB_VEC_FN(pack_b_q8_panels)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt,
                                        int32_t sub, int32_t pad, int elem_bytes, int ku,
                                        int64_t kpad, int64_t n, int nr, int64_t p0, int64_t p1,
                                        void *dst)
{
#if defined(__AVX512BW__) && defined(__AVX512VL__)
    if (g->pointwise && elem_bytes == 1 && ku == 4 && nr <= 16) {
        pw_b_4_panels(g, x, sub, kpad, n, nr, p0, p1, dst);
        return;
    }
#endif
    const size_t panel = (size_t)(kpad * nr) * (size_t)elem_bytes;
    for (int64_t p = p0; p < p1; p++) {
        const int64_t j0 = p * nr;
        EB_VEC_FN(pack_b_q8)(g, x, xdt, sub, pad, elem_bytes, ku, kpad, j0,
                             (int)(n - j0 < nr ? n - j0 : nr), nr,
                             (unsigned char *)dst + (size_t)(p - p0) * panel);
    }
}

#endif
