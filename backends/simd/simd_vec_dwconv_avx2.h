/* fp32 depthwise 3x3 and 5x5 windows at stride 1 or 2 on AVX2 builds
 * (eight lanes, sixteen registers), every plane width, read in place: no
 * padded copy, no layout change.
 *
 * Why its own kernel: the padded 3x3 kernel above holds sixteen-column
 * blocks, twelve accumulators and nine weights, which AVX-512's 32
 * registers take and AVX2's 16 do not: built for AVX2 it spilled on every
 * multiply-add and ran at 2-6 multiply-adds per ns (kernel bench, this
 * 2-vCPU host capped at AVX2), and MobileNet-v2@224 took 12.9 ms there
 * against 5.0 with AVX-512, two thirds of the difference in depthwise
 * layers. The small planes ran channels-last, a copy each way.
 *
 * Shape: blocks of eight output columns, four output rows at a time, two
 * accumulators per output row (even and odd window rows: eight FMA chains,
 * what two FMA ports of latency four keep busy), the weights read as
 * memory operands. Each input row of the group is loaded once per block
 * into K vectors, one per window column:
 *   stride 1: K loads at columns o - pw + kx;
 *   stride 2: loads of sixteen columns from 2o - pw + 2j, split into even
 *     and odd elements by one shufps each. shufps works within 128-bit
 *     halves, so its lanes hold the outputs in the order 0 1 4 5 2 3 6 7:
 *     every tap's vector is in that order, so are the sums, and one
 *     vpermpd per output row puts them back (three shuffles per input row
 *     instead of six).
 * Blocks that reach into the padding or past the row load under masks
 * (vmaskmovps does not fault on masked-off lanes; they read as 0); the
 * others load plainly. Rows in the padding are skipped.
 *
 * Part of simd_vec_dwconv.h (included there, inside the per-ISA build). */
#ifndef EB_SIMD_VEC_DWCONV_AVX2_H
#define EB_SIMD_VEC_DWCONV_AVX2_H

#if defined(__AVX2__) && defined(__FMA__) && !DW_SMALL
#define DW_AVX2 1
#else
#define DW_AVX2 0
#endif

#if DW_AVX2

#define DWA_LANES 8
#define DWA_MAX_LOADS 6 /* stride 2, 5x5: columns +0, +8, +2, +10, +4, +12 */

/* The geometries the kernel takes. Plane sizes stay in int32 lanes (the
 * masks compare columns as int32). */
static int dw_avx2_applies(const eb_simd_conv_geom *g)
{
    return g->kh == g->kw && (g->kh == 3 || g->kh == 5) && g->dh == 1 && g->dw == 1 &&
           g->sh == g->sw && (g->sw == 1 || g->sw == 2) && g->iw < (1 << 28) &&
           g->pw < (1 << 20);
}

/* The planes of at most two blocks that the plan runs planar rather than
 * channels-last (simd_plan_dwconv.c's small_plane). */
static int dw_avx2_small_plane(const eb_simd_conv_geom *g)
{
    return dw_avx2_applies(g) && g->ow <= 2 * 8;
}

/* The same for int8, which takes one call per plane (dwconv_q8): its 14
 * wide planes took 0.8-0.9x the channels-last time, its 7 wide ones 1.25x
 * (MobileNet-v2@224, one thread), so only planes of two blocks. */
static int dw_avx2_small_plane_q8(const eb_simd_conv_geom *g)
{
    return dw_avx2_small_plane(g) && g->ow > 8;
}

/* Vectors loaded per input row and the column of load l relative to the
 * block's first window column. */
static inline __attribute__((always_inline)) int dwa_loads(int k, int s)
{
    return s == 1 ? k : 2 * ((k + 1) / 2);
}

static inline __attribute__((always_inline)) int64_t dwa_load_col(int s, int l)
{
    return s == 1 ? l : (l / 2) * 2 + (l % 2) * DWA_LANES;
}

/* The lanes of eight columns from c that lie in [0, iw). */
static inline __m256i dwa_cols_in(int64_t c, int64_t iw)
{
    const int64_t cc = c < -DWA_LANES ? -DWA_LANES : c > iw ? iw : c;
    const __m256i col = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                         _mm256_set1_epi32((int32_t)cc));
    return _mm256_and_si256(_mm256_cmpgt_epi32(col, _mm256_set1_epi32(-1)),
                            _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)iw), col));
}

/* 1 when every load of the block whose first window column is c lies
 * inside the row. */
static inline int dwa_interior(int k, int s, int64_t c, int64_t iw)
{
    return c >= 0 && c + dwa_load_col(s, dwa_loads(k, s) - 1) + DWA_LANES <= iw;
}

static inline void dwa_masks(int k, int s, int64_t c, int64_t iw, __m256i *m)
{
    for (int l = 0; l < dwa_loads(k, s); l++)
        m[l] = dwa_cols_in(c + dwa_load_col(s, l), iw);
}

/* n <= 8 int8 outputs from exact integer sums v: EB_VEC_FN(requant)'s
 * float32 operations in its order (wrapping add of the bias, convert,
 * multiply, max with lo first, min, round half to even, add the zero
 * point), the low byte of each lane stored: byte-identical with it. */
static inline __attribute__((always_inline)) void dwa_requant_store(__m256 v, const dwq_out *q,
                                                                    __m256 vlo, __m256 vhi,
                                                                    int64_t n, uint8_t *y)
{
    const __m256i a = _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(q->add));
    __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(a), _mm256_set1_ps(q->mult));
    f = _mm256_min_ps(_mm256_max_ps(f, vlo), vhi);
    const __m256i r = _mm256_add_epi32(_mm256_cvtps_epi32(f), _mm256_set1_epi32(q->zp));
    /* the low bytes of each 128-bit half's four lanes, then the halves */
    const __m256i lb = _mm256_shuffle_epi8(
        r, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8,
                            12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    const __m128i b =
        _mm_unpacklo_epi32(_mm256_castsi256_si128(lb), _mm256_extracti128_si256(lb, 1));
    if (n == DWA_LANES) {
        _mm_storel_epi64((__m128i *)(void *)y, b);
        return;
    }
    /* a ragged block: four, two and one bytes as n has them (x86 is
     * little-endian: the low bytes first) */
    uint64_t bytes = (uint64_t)_mm_cvtsi128_si64(b);
    if (n & 4) {
        memcpy(y, &bytes, 4);
        y += 4;
        bytes >>= 32;
    }
    if (n & 2) {
        memcpy(y, &bytes, 2);
        y += 2;
        bytes >>= 16;
    }
    if (n & 1)
        *y = (uint8_t)bytes;
}

/* Output rows [oh0, oh0 + 4) of one block of eight columns from o0 (n of
 * them inside the plane), m the loads' masks (NULL: plain loads). The
 * geometry comes in as locals (see DW_SMALL_ROWS: read through a pointer,
 * it was loaded again after every store). With qo (the int8 path below)
 * the sums are requantised to bytes, [vlo, vhi] the range relative to the
 * zero point; without, clamped to [vlo, vhi] as fp32. */
static inline __attribute__((always_inline)) void
dwa_block(const int K, const int S, const dwq_out *qo, const float *x, int64_t ih, int64_t iw,
          int64_t ph, int64_t pw, int64_t oh0, int64_t oh, int64_t ow, int64_t o0,
          const __m256i *m, const __m256 *wv, __m256 vb, __m256 vlo, __m256 vhi, void *y)
{
    const int NL = dwa_loads(K, S);
    const int64_t c0 = o0 * S - pw;
    __m256 acc[DW_ROWS][2];
    for (int r = 0; r < DW_ROWS; r++) {
        acc[r][0] = vb;
        acc[r][1] = _mm256_setzero_ps();
    }
#pragma GCC unroll 16
    for (int ir = 0; ir < (DW_ROWS - 1) * S + K; ir++) {
        const int64_t row = oh0 * S - ph + ir;
        if (row < 0 || row >= ih)
            continue;
        const float *src = x + row * iw + c0;
        __m256 ld[DWA_MAX_LOADS], xs[5];
#pragma GCC unroll 6
        for (int l = 0; l < NL; l++)
            ld[l] = m ? _mm256_maskload_ps(src + dwa_load_col(S, l), m[l])
                      : _mm256_loadu_ps(src + dwa_load_col(S, l));
#pragma GCC unroll 5
        for (int kx = 0; kx < K; kx++)
            xs[kx] = S == 1 ? ld[kx]
                     : kx % 2 ? _mm256_shuffle_ps(ld[kx - 1], ld[kx], 0xdd)
                              : _mm256_shuffle_ps(ld[kx], ld[kx + 1], 0x88);
#pragma GCC unroll 4
        for (int r = 0; r < DW_ROWS; r++) {
            const int ky = ir - r * S;
            if (ky < 0 || ky >= K)
                continue;
#pragma GCC unroll 5
            for (int kx = 0; kx < K; kx++)
                acc[r][ky % 2] = _mm256_fmadd_ps(xs[kx], wv[ky * K + kx], acc[r][ky % 2]);
        }
    }
    const int64_t n = ow - o0 < DWA_LANES ? ow - o0 : DWA_LANES;
    const __m256i out = dwa_cols_in(0, n);
    for (int r = 0; r < DW_ROWS && oh0 + r < oh; r++) {
        __m256 v = _mm256_add_ps(acc[r][0], acc[r][1]);
        if (S == 2) /* lanes 0 1 4 5 2 3 6 7 back in order */
            v = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), 0xd8));
        const int64_t at = (oh0 + r) * ow + o0;
        if (qo) {
            dwa_requant_store(v, qo, vlo, vhi, n, (uint8_t *)y + at);
            continue;
        }
        v = _mm256_min_ps(_mm256_max_ps(v, vlo), vhi);
        float *dst = (float *)y + at;
        if (n == DWA_LANES)
            _mm256_storeu_ps(dst, v);
        else
            _mm256_maskstore_ps(dst, out, v);
    }
}

/* Planes up to this many blocks wide make their border blocks' masks once
 * per call (a 7x7 plane's multiply-adds are ~60 instructions; its masks
 * made per group of rows were a fifth of that); wider ones make them per
 * border block, two of many. */
#define DWA_TABLE_BLOCKS 4

/* planes consecutive planes (see dwconv_f32) with K x K windows at stride
 * S: groups of four output rows, each across the row's blocks. */
static inline __attribute__((always_inline)) void
dwa_planes(const int K, const int S, const dwq_out *qo, const eb_simd_conv_geom *g,
           int64_t planes, const float *x0, int64_t x_plane, const float *w0,
           const float *bias, float lo, float hi, void *y0, int64_t y_plane)
{
    const int64_t oh = g->oh, ow = g->ow, ih = g->ih, iw = g->iw, ph = g->ph, pw = g->pw;
    const int64_t blocks = (ow + DWA_LANES - 1) / DWA_LANES;
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    __m256i table[DWA_TABLE_BLOCKS][DWA_MAX_LOADS];
    int tabled[DWA_TABLE_BLOCKS] = {0};
    for (int64_t b = 0; b < blocks && blocks <= DWA_TABLE_BLOCKS; b++) {
        const int64_t c = b * DWA_LANES * S - pw;
        tabled[b] = !dwa_interior(K, S, c, iw);
        if (tabled[b])
            dwa_masks(K, S, c, iw, table[b]);
    }
    for (int64_t p = 0; p < planes; p++) {
        const float *x = x0 + p * x_plane, *w = w0 + p * K * K;
        char *y = (char *)y0 + p * y_plane * (qo ? 1 : sizeof(float));
        __m256 wv[25];
        for (int t = 0; t < K * K; t++)
            wv[t] = _mm256_set1_ps(w[t]);
        const __m256 vb = _mm256_set1_ps(bias ? bias[p] : 0.0f);
        for (int64_t oh0 = 0; oh0 < oh; oh0 += DW_ROWS) {
            for (int64_t b = 0; b < blocks; b++) {
                const int64_t o0 = b * DWA_LANES, c = o0 * S - pw;
                const __m256i *m = NULL;
                __m256i mk[DWA_MAX_LOADS];
                if (blocks <= DWA_TABLE_BLOCKS) {
                    m = tabled[b] ? table[b] : NULL;
                } else if (!dwa_interior(K, S, c, iw)) {
                    dwa_masks(K, S, c, iw, mk);
                    m = mk;
                }
                if (m)
                    dwa_block(K, S, qo, x, ih, iw, ph, pw, oh0, oh, ow, o0, m, wv, vb, vlo,
                              vhi, y);
                else
                    dwa_block(K, S, qo, x, ih, iw, ph, pw, oh0, oh, ow, o0, NULL, wv, vb, vlo,
                              vhi, y);
            }
        }
    }
}

#define DW_AVX2_F32(NAME, K, S)                                                                \
    static void NAME(const eb_simd_conv_geom *g, int64_t planes, const float *x,               \
                     int64_t x_plane, const float *w, const float *bias, float lo, float hi,   \
                     float *y, int64_t y_plane)                                                \
    {                                                                                          \
        dwa_planes(K, S, NULL, g, planes, x, x_plane, w, bias, lo, hi, y, y_plane);            \
    }

DW_AVX2_F32(dw_avx2_f32_k3s1, 3, 1)
DW_AVX2_F32(dw_avx2_f32_k3s2, 3, 2)
DW_AVX2_F32(dw_avx2_f32_k5s1, 5, 1)
DW_AVX2_F32(dw_avx2_f32_k5s2, 5, 2)

static void dw_avx2_f32(const eb_simd_conv_geom *g, int64_t planes, const float *x,
                        int64_t x_plane, const float *w, const float *bias, float lo, float hi,
                        float *y, int64_t y_plane)
{
    DW_KS_PICK(dw_avx2_f32, g)(g, planes, x, x_plane, w, bias, lo, hi, y, y_plane);
}

/* int8 depthwise through the same kernel: the plane's rows converted to
 * fp32 as x - x_zp, a band of 16 KiB at a time (in L1; bands of the whole
 * plane took 1.1x), summed without bias, each block's sums requantised in
 * registers (dwa_requant_store).
 *
 * Exact, so byte-identical with ref: every value is an integer, |x - x_zp|
 * <= 255 and the weights' absolute sum is at most 65535 (dw_avx2_q8_fits),
 * so every partial sum in either accumulator is an integer below 2^24,
 * which fp32 holds exactly, and the products too; the order of the
 * additions cannot change the result. Why fp32 and not int32 lanes: AVX2
 * has no int32 multiply-add (vpmulld + vpaddd is three micro-ops against
 * one FMA), and the int16 pair kernel (dw3q16_padded) holds sixteen-lane
 * vectors that spill on sixteen registers: MobileNet-v2@224's
 * features.1 took 1044 us that way, planar int8 slower than fp32. */
static int dw_avx2_q8_fits(const eb_simd_conv_geom *g, const int16_t *w)
{
    if (!dw_avx2_applies(g) || g->kh * g->iw > PAD_MAX_ELEMS)
        return 0;
    /* wide 3x3 planes at stride 2 stay with the int16 kernel, which
     * measured faster there (MobileNet-v2@224's features.2: 227 against
     * 277 us) */
    if (g->sw == 2 && dw3_applies(g) && !dw_avx2_small_plane(g))
        return 0;
    int32_t sum = 0;
    for (int t = 0; t < g->kh * g->kw; t++)
        sum += w[t] < 0 ? -w[t] : w[t];
    return sum <= 65535;
}

/* rows [r0, r1) of an int8 plane iw wide, as fp32 x - x_zp */
static void dwa_q_rows(const void *x, eb_dtype xdt, int32_t x_zp, int64_t iw, int64_t r0,
                       int64_t r1, float *dst)
{
    const int64_t n = (r1 - r0) * iw;
    const uint8_t *u = (const uint8_t *)x + r0 * iw;
    const int8_t *s = (const int8_t *)x + r0 * iw;
    const __m256i zp = _mm256_set1_epi32(x_zp);
    int64_t i = 0;
    for (; i + DWA_LANES <= n; i += DWA_LANES) {
        const __m128i b = _mm_loadl_epi64((const __m128i *)(const void *)(u + i));
        const __m256i v = xdt == EB_DT_U8 ? _mm256_cvtepu8_epi32(b) : _mm256_cvtepi8_epi32(b);
        _mm256_storeu_ps(dst + i, _mm256_cvtepi32_ps(_mm256_sub_epi32(v, zp)));
    }
    for (; i < n; i++)
        dst[i] = (float)((xdt == EB_DT_U8 ? (int32_t)u[i] : (int32_t)s[i]) - x_zp);
}

#define DW_AVX2_Q(NAME, K, S)                                                                  \
    static void NAME(const eb_simd_conv_geom *g, const float *x, const float *w,               \
                     const dwq_out *q, uint8_t *y)                                             \
    {                                                                                          \
        dwa_planes(K, S, q, g, 1, x, 0, w, NULL, q->flo, q->fhi, y, 0);                        \
    }

DW_AVX2_Q(dw_avx2_q_k3s1, 3, 1)
DW_AVX2_Q(dw_avx2_q_k3s2, 3, 2)
DW_AVX2_Q(dw_avx2_q_k5s1, 5, 1)
DW_AVX2_Q(dw_avx2_q_k5s2, 5, 2)

#ifndef DWA_Q_BAND
#define DWA_Q_BAND 4096
#endif

/* y = requant(sum w * (x - x_zp)) over each window of the plane x, for a
 * geometry dw_avx2_q8_fits takes. Bands of output rows whose
 * input rows fit the buffer, each run as a plane of its own: its rows
 * [r0, r1) of the input, its top padding what remains of ph above r0. */
static void dw_avx2_q8(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt, int32_t x_zp,
                       const int16_t *w, const dwq_out *q, void *y)
{
    float buf[PAD_MAX_ELEMS], wf[25];
    const int64_t k = g->kh, s = g->sw;
    for (int64_t t = 0; t < k * k; t++)
        wf[t] = (float)w[t];
    void (*run)(const eb_simd_conv_geom *, const float *, const float *, const dwq_out *,
                uint8_t *) = DW_KS_PICK(dw_avx2_q, g);
    const int64_t rows = DWA_Q_BAND / g->iw > k ? DWA_Q_BAND / g->iw : k;
    int64_t band = (rows - k) / s + 1;
    if (band > DW_ROWS)
        band -= band % DW_ROWS;
    for (int64_t ob0 = 0; ob0 < g->oh; ob0 += band) {
        const int64_t ob1 = g->oh - ob0 < band ? g->oh : ob0 + band;
        const int64_t top = ob0 * s - g->ph, bottom = (ob1 - 1) * s - g->ph + k;
        const int64_t r0 = top > 0 ? top : 0;
        int64_t r1 = bottom < g->ih ? bottom : g->ih;
        if (r1 < r0)
            r1 = r0;
        eb_simd_conv_geom gb = *g;
        gb.oh = ob1 - ob0;
        gb.ih = r1 - r0;
        gb.ph = r0 - top;
        dwa_q_rows(x, xdt, x_zp, g->iw, r0, r1, buf);
        run(&gb, buf, wf, q, (uint8_t *)y + ob0 * g->ow);
    }
}

#endif /* DW_AVX2 */
#endif
