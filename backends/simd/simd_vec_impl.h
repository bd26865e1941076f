/* The vector helpers of the simd backend, written once in plain C and built
 * once per ISA (vec__c.c, vec__avx2.c, ...): each build is compiled with its
 * ISA's flags (backends/simd/CMakeLists.txt) so the compiler vectorises the
 * inner loops for that ISA. Loops are shaped for that: unit or constant
 * strides, no calls, integer work in int32 lanes.
 *
 * The includer defines EB_VEC_FN(name) (appends its ISA suffix),
 * EB_VEC_TABLE, EB_VEC_LABEL and EB_VEC_ISA. Every file is built with
 * -ffp-contract=off: the int8 paths must round exactly as requant_s32.h
 * says; the fp32 paths ask for fused multiply-adds explicitly (MADD). */
#include <math.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "edgebench/window.h"

#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
#define MADD(a, b, c) fmaf((a), (b), (c))
#else
#define MADD(a, b, c) ((a) * (b) + (c))
#endif

#define MAX_NR 64

/* rint() for |v| < 2^22 in the default rounding mode, in a form every
 * vectoriser handles: adding 1.5 * 2^23 leaves no fraction bits, so the sum
 * is rounded to an integer half to even, and the subtraction is exact. */
static inline float round_half_even(float v)
{
    return (v + 12582912.0f) - 12582912.0f;
}

/* eb_ref_q_round with the bounds already relative to zp. Same result for
 * every non-NaN v: clamp first, then round. */
static inline int32_t q_round(float v, int32_t zp, float lo, float hi)
{
    v = !(v >= lo) ? lo : v;
    v = v > hi ? hi : v;
    return zp + (int32_t)round_half_even(v);
}

/* ---- packing ------------------------------------------------------------ */

/* pack_b_f32 of a window of at most PACK_TAPS_MAX taps, without a
 * division or a bounds check per element: where each of the panel's
 * columns reads is worked out once per tap (the same for every channel).
 * A tap whose valid columns read consecutive elements (stride 1: columns
 * of consecutive output rows follow on in the input too when the rows are
 * as wide) is one contiguous copy per channel, clipped to the plane, then
 * the few columns in the padding are set to 0; any other tap reads each
 * column at its offset. The values are the same as the loop below's. */
#define PACK_TAPS_MAX 49
static void EB_VEC_FN(pack_b_f32_taps)(const eb_simd_conv_geom *g, const float *x,
                                       const int64_t *oy, const int64_t *ox, int nvalid, int nr,
                                       float *dst)
{
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
        const float *xc = x + c * g->c_stride;
        for (int64_t t = 0; t < taps; t++) {
            float *d = dst + (c * taps + t) * nr;
            if (contig[t]) {
                const float *sx = xc + base[t];
                int64_t j = 0;
                for (; j < lo[t]; j++)
                    d[j] = 0.0f;
                for (; j < hi[t]; j++)
                    d[j] = sx[j];
                for (; j < nr; j++)
                    d[j] = 0.0f;
                for (int q = 0; q < n_pad[t]; q++)
                    d[pad[t][q]] = 0.0f;
            } else {
                const int32_t *o = off[t];
                for (int j = 0; j < nr; j++)
                    d[j] = xc[o[j]];
                for (int q = 0; q < n_pad[t]; q++)
                    d[pad[t][q]] = 0.0f;
            }
        }
    }
}

static void EB_VEC_FN(pack_b_f32)(const eb_simd_conv_geom *g, const float *x, int64_t j0,
                                  int nvalid, int nr, float *dst)
{
    const int64_t taps = g->kh * g->kw;
    const int64_t k_rows = g->channels * taps;
    if (g->pointwise) {
        for (int64_t k = 0; k < k_rows; k++) {
            const float *s = x + k * g->c_stride + j0;
            float *d = dst + k * nr;
            int j = 0;
            for (; j < nvalid; j++)
                d[j] = s[j];
            for (; j < nr; j++)
                d[j] = 0.0f;
        }
        return;
    }
    int64_t oy[MAX_NR], ox[MAX_NR];
    for (int j = 0; j < nvalid; j++) {
        oy[j] = (j0 + j) / g->ow * g->sh - g->ph;
        ox[j] = (j0 + j) % g->ow * g->sw - g->pw;
    }
    if (taps <= PACK_TAPS_MAX && nr <= MAX_NR && g->ih * g->iw * g->p_stride <= INT32_MAX) {
        EB_VEC_FN(pack_b_f32_taps)(g, x, oy, ox, nvalid, nr, dst);
        return;
    }
    for (int64_t k = 0; k < k_rows; k++) {
        const int64_t c = k / taps, ky = k % taps / g->kw, kx = k % g->kw;
        const float *xc = x + c * g->c_stride;
        float *d = dst + k * nr;
        for (int j = 0; j < nr; j++) {
            float v = 0.0f;
            if (j < nvalid) {
                int64_t iy = oy[j] + ky * g->dh, ix = ox[j] + kx * g->dw;
                if (iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw)
                    v = xc[(iy * g->iw + ix) * g->p_stride];
            }
            d[j] = v;
        }
    }
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
 * loop above stores one int16 at a time. */
typedef int16_t v16s __attribute__((vector_size(32)));
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef int8_t v16s8 __attribute__((vector_size(16)));

#define PACK_PW2(NAME, TIN, VIN)                                                               \
    static void NAME(const eb_simd_conv_geom *g, const TIN *x, int32_t sub, int64_t kpad,     \
                     int64_t j0, int nvalid, int nr, int16_t *dst)                            \
    {                                                                                        \
        const int64_t k_rows = g->channels;                                                  \
        const v16s vsub = (v16s){0} + (int16_t)sub;                                          \
        for (int64_t k0 = 0; k0 < kpad; k0 += 2) {                                           \
            int16_t *d = dst + k0 * nr;                                                      \
            const TIN *s0 = k0 < k_rows ? x + k0 * g->c_stride + j0 : NULL;                  \
            const TIN *s1 = k0 + 1 < k_rows ? x + (k0 + 1) * g->c_stride + j0 : NULL;        \
            int j = 0;                                                                       \
            if (s0 && nvalid == nr) {                                                        \
                for (; j + 16 <= nr; j += 16) {                                              \
                    VIN r0, r1;                                                              \
                    memcpy(&r0, s0 + j, sizeof r0);                                          \
                    v16s a = __builtin_convertvector(r0, v16s) - vsub, b = (v16s){0};        \
                    if (s1) {                                                                \
                        memcpy(&r1, s1 + j, sizeof r1);                                      \
                        b = __builtin_convertvector(r1, v16s) - vsub;                        \
                    }                                                                        \
                    v16s lo = __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4,  \
                                                              20, 5, 21, 6, 22, 7, 23);       \
                    v16s hi = __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27,   \
                                                              12, 28, 13, 29, 14, 30, 15,     \
                                                              31);                            \
                    memcpy(d + 2 * j, &lo, sizeof lo);                                       \
                    memcpy(d + 2 * j + 16, &hi, sizeof hi);                                  \
                }                                                                            \
            }                                                                                \
            for (; j < nr; j++) {                                                            \
                d[2 * j] = (int16_t)(s0 && j < nvalid ? (int32_t)s0[j] - sub : 0);           \
                d[2 * j + 1] = (int16_t)(s1 && j < nvalid ? (int32_t)s1[j] - sub : 0);       \
            }                                                                                \
        }                                                                                    \
    }

PACK_PW2(pw2_u8, uint8_t, v16u8)
PACK_PW2(pw2_i8, int8_t, v16s8)

PACK_PW(pw_u8_i16_1, uint8_t, int16_t, 1)
PACK_PW(pw_i8_i16_1, int8_t, int16_t, 1)
PACK_PW(pw_u8_b_4, uint8_t, uint8_t, 4)
PACK_PW(pw_i8_b_4, int8_t, uint8_t, 4)

static void EB_VEC_FN(pack_b_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt,
                                 int32_t sub, int32_t pad, int elem_bytes, int ku, int64_t kpad,
                                 int64_t j0, int nvalid, int nr, void *dst)
{
    const int u8 = xdt == EB_DT_U8;
    if (g->pointwise) {
        if (elem_bytes == 2 && ku == 1) {
            u8 ? pw_u8_i16_1(g, x, sub, kpad, j0, nvalid, nr, dst)
               : pw_i8_i16_1(g, x, sub, kpad, j0, nvalid, nr, dst);
            return;
        }
        if (elem_bytes == 2 && ku == 2) {
            u8 ? pw2_u8(g, x, sub, kpad, j0, nvalid, nr, dst)
               : pw2_i8(g, x, sub, kpad, j0, nvalid, nr, dst);
            return;
        }
        if (elem_bytes == 1 && ku == 4) {
            /* the byte pattern of (x - sub) as int8 or uint8 is the same */
            u8 ? pw_u8_b_4(g, x, sub, kpad, j0, nvalid, nr, dst)
               : pw_i8_b_4(g, x, sub, kpad, j0, nvalid, nr, dst);
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

/* ---- depthwise convolution --------------------------------------------- */

/* Columns o whose whole window row lies inside the input for every kx:
 * 0 <= o*sw - pw and o*sw - pw + (kw-1)*dw < iw. */
static void interior_cols(const eb_simd_conv_geom *g, int64_t *lo, int64_t *hi)
{
    int64_t l = (g->pw + g->sw - 1) / g->sw;
    int64_t last = g->iw - 1 + g->pw - (g->kw - 1) * g->dw;
    int64_t h = last < 0 ? 0 : last / g->sw + 1;
    if (h > g->ow)
        h = g->ow;
    *lo = l < h ? l : h;
    *hi = h;
}

/* One output of a depthwise window, bounds-checked (the border columns). */
static float dw_point(const eb_simd_conv_geom *g, const float *x, const float *w, float bias,
                      int64_t oh, int64_t o)
{
    float acc = bias;
    for (int64_t ky = 0; ky < g->kh; ky++) {
        int64_t ih = oh * g->sh - g->ph + ky * g->dh;
        if (ih < 0 || ih >= g->ih)
            continue;
        for (int64_t kx = 0; kx < g->kw; kx++) {
            int64_t iw = o * g->sw - g->pw + kx * g->dw;
            if (iw >= 0 && iw < g->iw)
                acc = MADD(w[ky * g->kw + kx], x[ih * g->iw + iw], acc);
        }
    }
    return acc;
}

#define DW_BLOCK 8

/* Eight lanes as a GCC vector: one AVX register, two SSE / NEON ones, and
 * the compiler picks the instructions of the ISA the file is built for. */
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint8_t v8u8 __attribute__((vector_size(8)));
typedef int8_t v8s8 __attribute__((vector_size(8)));

static inline __attribute__((always_inline)) v8f load8(const float *p, int64_t stride)
{
    v8f v;
    if (stride == 1) {
        memcpy(&v, p, sizeof v);
    } else if (stride == 2) {
        v8f lo, hi;
        memcpy(&lo, p, sizeof lo);
        memcpy(&hi, p + 8, sizeof hi);
        v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
    } else {
        for (int j = 0; j < 8; j++)
            v[j] = p[j * stride];
    }
    return v;
}

/* Regions whose fp32 multiply-adds may fuse, in each compiler's words:
 * clang's pragma holds until the next one at file scope, GCC's is a pushed
 * optimisation setting. */
#if defined(__clang__)
#define FP_CONTRACT_FAST_BEGIN _Pragma("clang fp contract(fast)")
#define FP_CONTRACT_FAST_END _Pragma("clang fp contract(off)")
#else
#define FP_CONTRACT_FAST_BEGIN _Pragma("GCC push_options") _Pragma("GCC optimize(\"fp-contract=fast\")")
#define FP_CONTRACT_FAST_END _Pragma("GCC pop_options")
#endif

/* The fp32 multiply-adds of the depthwise block may fuse (-ffp-contract is
 * off for the file because of the int8 paths; fp32 only promises the
 * tolerance). */
FP_CONTRACT_FAST_BEGIN

/* Interior columns [o0, o1) in blocks of eight outputs held in registers
 * across every tap of the window; returns where the blocks stopped. */
static int64_t dw_interior(const eb_simd_conv_geom *g, const float *x, const float *w,
                           float bias, float lo, float hi, int64_t oh, int64_t o0, int64_t o1,
                           float *row)
{
    const int64_t sw = g->sw;
    int64_t o = o0;
    for (; o + DW_BLOCK <= o1; o += DW_BLOCK) {
        v8f acc = (v8f){0} + bias;
        for (int64_t ky = 0; ky < g->kh; ky++) {
            int64_t ih = oh * g->sh - g->ph + ky * g->dh;
            if (ih < 0 || ih >= g->ih)
                continue;
            const float *src = x + ih * g->iw + o * sw - g->pw;
            for (int64_t kx = 0; kx < g->kw; kx++)
                acc += w[ky * g->kw + kx] * load8(src + kx * g->dw, sw);
        }
        const v8f vlo = (v8f){0} + lo, vhi = (v8f){0} + hi;
        v8i below = acc < vlo, above = acc > vhi;
        acc = (v8f)(((v8i)acc & ~below) | ((v8i)vlo & below));
        acc = (v8f)(((v8i)acc & ~above) | ((v8i)vhi & above));
        memcpy(row + o, &acc, sizeof acc);
    }
    return o;
}

FP_CONTRACT_FAST_END

/* Geometry of a plane copied into a padded buffer so that every output
 * column, in whole blocks of eight, reads inside it: rows from -ph, columns
 * from -pw, padding filled with the value that contributes nothing. */
typedef struct padded_plane {
    int64_t rows, cols;
} padded_plane;

#define PAD_MAX_ELEMS 16384 /* 64 KiB of fp32 on the stack at most */
#define DW_ROWS 4           /* output rows computed together: four FMA chains */

static int padded_size(const eb_simd_conv_geom *g, padded_plane *pp)
{
    int64_t blocks = (g->ow + DW_BLOCK - 1) / DW_BLOCK;
    int64_t cols = (blocks * DW_BLOCK - 1) * g->sw + (g->kw - 1) * g->dw + 1;
    /* output rows in groups of DW_ROWS (independent accumulators) */
    int64_t oh_pad = (g->oh + DW_ROWS - 1) / DW_ROWS * DW_ROWS;
    int64_t rows = (oh_pad - 1) * g->sh + (g->kh - 1) * g->dh + 1;
    int64_t need_c = g->pw + g->iw, need_r = g->ph + g->ih;
    pp->cols = cols > need_c ? cols : need_c;
    pp->rows = rows > need_r ? rows : need_r;
    if (g->sw == 2)
        pp->cols += DW_BLOCK; /* the stride-2 load reads sixteen */
    return pp->rows * pp->cols <= PAD_MAX_ELEMS;
}

FP_CONTRACT_FAST_BEGIN

#define DW_PADDED_F32(NAME, STRIDE)                                                            \
    static void NAME(const eb_simd_conv_geom *g, const padded_plane *pp, const float *buf,      \
                     const float *w, float bias, float lo, float hi, float *y)                 \
    {                                                                                          \
        const int64_t sw = STRIDE ? STRIDE : g->sw;                                            \
        const v8f vlo = (v8f){0} + lo, vhi = (v8f){0} + hi;                                    \
        for (int64_t oh = 0; oh < g->oh; oh += DW_ROWS) {                                      \
            for (int64_t o = 0; o < g->ow; o += DW_BLOCK) {                                    \
                v8f acc[DW_ROWS];                                                              \
                for (int r = 0; r < DW_ROWS; r++)                                              \
                    acc[r] = (v8f){0} + bias;                                                  \
                for (int64_t ky = 0; ky < g->kh; ky++) {                                       \
                    const float *src = buf + (oh * g->sh + ky * g->dh) * pp->cols + o * sw;    \
                    for (int64_t kx = 0; kx < g->kw; kx++) {                                   \
                        const float wv = w[ky * g->kw + kx];                                   \
                        for (int r = 0; r < DW_ROWS; r++)                                      \
                            acc[r] += wv * load8(src + r * g->sh * pp->cols + kx * g->dw, sw); \
                    }                                                                          \
                }                                                                              \
                int64_t n = g->ow - o < DW_BLOCK ? g->ow - o : DW_BLOCK;                        \
                for (int r = 0; r < DW_ROWS && oh + r < g->oh; r++) {                          \
                    v8f a = acc[r];                                                            \
                    v8i below = a < vlo, above = a > vhi;                                      \
                    a = (v8f)(((v8i)a & ~below) | ((v8i)vlo & below));                         \
                    a = (v8f)(((v8i)a & ~above) | ((v8i)vhi & above));                         \
                    memcpy(y + (oh + r) * g->ow + o, &a, (size_t)n * sizeof(float));           \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }

DW_PADDED_F32(dw_padded_f32_s1, 1)
DW_PADDED_F32(dw_padded_f32_s2, 2)
DW_PADDED_F32(dw_padded_f32_sn, 0)

static void dw_padded_f32(const eb_simd_conv_geom *g, const padded_plane *pp, const float *x,
                          const float *w, float bias, float lo, float hi, float *y)
{
    float buf[PAD_MAX_ELEMS];
    /* zero only the border: the plane's rows are copied over the rest */
    const int64_t right = pp->cols - g->pw - g->iw;
    memset(buf, 0, (size_t)(g->ph * pp->cols) * sizeof(float));
    for (int64_t r = 0; r < g->ih; r++) {
        float *row = buf + (r + g->ph) * pp->cols;
        memset(row, 0, (size_t)g->pw * sizeof(float));
        memcpy(row + g->pw, x + r * g->iw, (size_t)g->iw * sizeof(float));
        memset(row + g->pw + g->iw, 0, (size_t)right * sizeof(float));
    }
    memset(buf + (g->ph + g->ih) * pp->cols, 0,
           (size_t)((pp->rows - g->ph - g->ih) * pp->cols) * sizeof(float));
    if (g->sw == 1)
        dw_padded_f32_s1(g, pp, buf, w, bias, lo, hi, y);
    else if (g->sw == 2)
        dw_padded_f32_s2(g, pp, buf, w, bias, lo, hi, y);
    else
        dw_padded_f32_sn(g, pp, buf, w, bias, lo, hi, y);
}

FP_CONTRACT_FAST_END

static void EB_VEC_FN(dwconv_f32)(const eb_simd_conv_geom *g, const float *x, const float *w,
                                  float bias, float lo, float hi, float *y)
{
    padded_plane pp;
    if (padded_size(g, &pp)) {
        dw_padded_f32(g, &pp, x, w, bias, lo, hi, y);
        return;
    }
    int64_t in_lo, in_hi;
    interior_cols(g, &in_lo, &in_hi);
    for (int64_t oh = 0; oh < g->oh; oh++) {
        float *row = y + oh * g->ow;
        int64_t o = in_hi > in_lo ? dw_interior(g, x, w, bias, lo, hi, oh, in_lo, in_hi, row)
                                  : in_lo;
        /* border columns and the interior's remainder */
        for (int64_t c = 0; c < g->ow; c = c + 1 == in_lo ? o : c + 1) {
            if (c == in_lo && c < o)
                c = o;
            if (c >= g->ow)
                break;
            float v = dw_point(g, x, w, bias, oh, c);
            v = v < lo ? lo : v;
            row[c] = v > hi ? hi : v;
        }
    }
}

/* int8 depthwise: the same split into interior blocks and border points,
 * accumulating (x - x_zp) * w in int32 (products are at most 255 * 255 in
 * magnitude and a window holds a few dozen: no overflow; the bias is added
 * in the requantisation, wrapping like the reference). */
static inline __attribute__((always_inline)) v8i load8q(const void *p, int u8, int64_t stride)
{
    if (stride == 1) {
        if (u8) {
            v8u8 b;
            memcpy(&b, p, sizeof b);
            return __builtin_convertvector(b, v8i);
        }
        v8s8 b;
        memcpy(&b, p, sizeof b);
        return __builtin_convertvector(b, v8i);
    }
    v8i v;
    for (int j = 0; j < 8; j++)
        v[j] = u8 ? (int32_t)((const uint8_t *)p)[j * stride]
                  : (int32_t)((const int8_t *)p)[j * stride];
    return v;
}

#define DWQ_INTERIOR(NAME, T, STRIDE)                                                          \
    static int64_t NAME(const eb_simd_conv_geom *g, const T *x, int32_t x_zp, const int16_t *w, \
                        int64_t oh, int64_t o0, int64_t o1, int32_t *acc)                      \
    {                                                                                          \
        const int64_t sw = STRIDE ? STRIDE : g->sw;                                            \
        const int u8 = (T)-1 > 0;                                                              \
        int64_t o = o0;                                                                        \
        for (; o + DW_BLOCK <= o1; o += DW_BLOCK) {                                            \
            v8i a = {0};                                                                       \
            for (int64_t ky = 0; ky < g->kh; ky++) {                                           \
                int64_t ih = oh * g->sh - g->ph + ky * g->dh;                                  \
                if (ih < 0 || ih >= g->ih)                                                     \
                    continue;                                                                  \
                const T *src = x + ih * g->iw + o * sw - g->pw;                                \
                for (int64_t kx = 0; kx < g->kw; kx++)                                         \
                    a += (int32_t)w[ky * g->kw + kx] *                                         \
                         (load8q(src + kx * g->dw, u8, sw) - x_zp);                            \
            }                                                                                  \
            memcpy(acc + o, &a, sizeof a);                                                     \
        }                                                                                      \
        return o;                                                                              \
    }                                                                                          \
    static void NAME##_row(const eb_simd_conv_geom *g, const T *x, int32_t x_zp,                \
                           const int16_t *w, int64_t oh, int64_t in_lo, int64_t in_hi,         \
                           int32_t *acc)                                                       \
    {                                                                                          \
        int64_t o = in_hi > in_lo ? NAME(g, x, x_zp, w, oh, in_lo, in_hi, acc) : in_lo;        \
        for (int64_t c = 0; c < g->ow; c = c + 1 == in_lo ? o : c + 1) {                       \
            if (c == in_lo && c < o)                                                           \
                c = o;                                                                         \
            if (c >= g->ow)                                                                    \
                break;                                                                         \
            int32_t v = 0;                                                                     \
            for (int64_t ky = 0; ky < g->kh; ky++) {                                           \
                int64_t ih = oh * g->sh - g->ph + ky * g->dh;                                  \
                if (ih < 0 || ih >= g->ih)                                                     \
                    continue;                                                                  \
                for (int64_t kx = 0; kx < g->kw; kx++) {                                       \
                    int64_t iw = c * g->sw - g->pw + kx * g->dw;                               \
                    if (iw >= 0 && iw < g->iw)                                                 \
                        v += w[ky * g->kw + kx] * ((int32_t)x[ih * g->iw + iw] - x_zp);        \
                }                                                                              \
            }                                                                                  \
            acc[c] = v;                                                                        \
        }                                                                                      \
    }

DWQ_INTERIOR(dwq_u8_s1, uint8_t, 1)
DWQ_INTERIOR(dwq_u8_s2, uint8_t, 2)
DWQ_INTERIOR(dwq_u8_sn, uint8_t, 0)
DWQ_INTERIOR(dwq_i8_s1, int8_t, 1)
DWQ_INTERIOR(dwq_i8_s2, int8_t, 2)
DWQ_INTERIOR(dwq_i8_sn, int8_t, 0)

static void EB_VEC_FN(requant)(const int32_t *acc, int64_t n, int32_t add, float mult,
                               int32_t zp, int32_t lo, int32_t hi, eb_dtype ydt, void *y);

static inline __attribute__((always_inline)) v8i load8i(const int32_t *p, int64_t stride)
{
    v8i v;
    if (stride == 1) {
        memcpy(&v, p, sizeof v);
    } else if (stride == 2) {
        v8i lo, hi;
        memcpy(&lo, p, sizeof lo);
        memcpy(&hi, p + 8, sizeof hi);
        v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
    } else {
        for (int j = 0; j < 8; j++)
            v[j] = p[j * stride];
    }
    return v;
}

/* int8 on a padded copy holding x - x_zp as int32 (so the padding is 0
 * and the inner loop is a plain int32 multiply-add, no widening per tap),
 * four output rows at a time like the fp32 kernel. */
#define DWQ_ROWS(NAME, STRIDE)                                                                 \
    static void NAME(const eb_simd_conv_geom *g, const padded_plane *pp, const int32_t *buf,    \
                     const int16_t *w, int32_t *acc)                                           \
    {                                                                                          \
        const int64_t sw = STRIDE ? STRIDE : g->sw;                                            \
        for (int64_t oh = 0; oh < g->oh; oh += DW_ROWS) {                                      \
            for (int64_t o = 0; o < g->ow; o += DW_BLOCK) {                                    \
                v8i a[DW_ROWS];                                                                \
                for (int r = 0; r < DW_ROWS; r++)                                              \
                    a[r] = (v8i){0};                                                           \
                for (int64_t ky = 0; ky < g->kh; ky++) {                                       \
                    const int32_t *src = buf + (oh * g->sh + ky * g->dh) * pp->cols + o * sw;  \
                    for (int64_t kx = 0; kx < g->kw; kx++) {                                   \
                        const int32_t wv = w[ky * g->kw + kx];                                 \
                        for (int r = 0; r < DW_ROWS; r++)                                      \
                            a[r] += wv * load8i(src + r * g->sh * pp->cols + kx * g->dw, sw);  \
                    }                                                                          \
                }                                                                              \
                int64_t n = g->ow - o < DW_BLOCK ? g->ow - o : DW_BLOCK;                        \
                for (int r = 0; r < DW_ROWS && oh + r < g->oh; r++)                            \
                    memcpy(acc + (oh + r) * g->ow + o, &a[r], (size_t)n * sizeof(int32_t));    \
            }                                                                                  \
        }                                                                                      \
    }

DWQ_ROWS(dwq_rows_s1, 1)
DWQ_ROWS(dwq_rows_s2, 2)
DWQ_ROWS(dwq_rows_sn, 0)

#define DWQ_FILL(T)                                                                            \
    for (int64_t r = 0; r < g->ih; r++) {                                                      \
        const T *src = (const T *)x + r * g->iw;                                               \
        int32_t *dst = buf + (r + g->ph) * pp->cols + g->pw;                                   \
        for (int64_t c = 0; c < g->iw; c++)                                                    \
            dst[c] = (int32_t)src[c] - x_zp;                                                   \
    }

static void dwq_padded(const eb_simd_conv_geom *g, const padded_plane *pp, const void *x,
                       eb_dtype xdt, int32_t x_zp, const int16_t *w, int32_t *acc_plane)
{
    int32_t buf[PAD_MAX_ELEMS];
    const int64_t right = pp->cols - g->pw - g->iw;
    memset(buf, 0, (size_t)(g->ph * pp->cols) * sizeof(int32_t));
    for (int64_t r = 0; r < g->ih; r++) {
        memset(buf + (r + g->ph) * pp->cols, 0, (size_t)g->pw * sizeof(int32_t));
        memset(buf + (r + g->ph) * pp->cols + g->pw + g->iw, 0, (size_t)right * sizeof(int32_t));
    }
    memset(buf + (g->ph + g->ih) * pp->cols, 0,
           (size_t)((pp->rows - g->ph - g->ih) * pp->cols) * sizeof(int32_t));
    if (xdt == EB_DT_U8)
        DWQ_FILL(uint8_t)
    else
        DWQ_FILL(int8_t)
    if (g->sw == 1)
        dwq_rows_s1(g, pp, buf, w, acc_plane);
    else if (g->sw == 2)
        dwq_rows_s2(g, pp, buf, w, acc_plane);
    else
        dwq_rows_sn(g, pp, buf, w, acc_plane);
}

static void EB_VEC_FN(dwconv_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt,
                                 int32_t x_zp, const int16_t *w, int32_t bias, float mult,
                                 int32_t y_zp, int32_t y_min, int32_t y_max, eb_dtype ydt,
                                 void *y, int32_t *acc)
{
    padded_plane pp;
    /* the padded path keeps the plane's accumulators: acc holds oh * ow */
    if (padded_size(g, &pp)) {
        dwq_padded(g, &pp, x, xdt, x_zp, w, acc);
        EB_VEC_FN(requant)(acc, g->oh * g->ow, bias, mult, y_zp, y_min, y_max, ydt, y);
        return;
    }
    int64_t in_lo, in_hi;
    interior_cols(g, &in_lo, &in_hi);
    for (int64_t oh = 0; oh < g->oh; oh++) {
        if (xdt == EB_DT_U8) {
            if (g->sw == 1)
                dwq_u8_s1_row(g, x, x_zp, w, oh, in_lo, in_hi, acc);
            else if (g->sw == 2)
                dwq_u8_s2_row(g, x, x_zp, w, oh, in_lo, in_hi, acc);
            else
                dwq_u8_sn_row(g, x, x_zp, w, oh, in_lo, in_hi, acc);
        } else {
            if (g->sw == 1)
                dwq_i8_s1_row(g, x, x_zp, w, oh, in_lo, in_hi, acc);
            else if (g->sw == 2)
                dwq_i8_s2_row(g, x, x_zp, w, oh, in_lo, in_hi, acc);
            else
                dwq_i8_sn_row(g, x, x_zp, w, oh, in_lo, in_hi, acc);
        }
        EB_VEC_FN(requant)(acc, g->ow, bias, mult, y_zp, y_min, y_max, ydt,
                           (int8_t *)y + oh * g->ow);
    }
}

/* ---- requantisation ---------------------------------------------------- */

typedef uint32_t v8u __attribute__((vector_size(32)));
typedef uint8_t v32u8 __attribute__((vector_size(32)));
/* The low byte of each of eight 32-bit lanes, in the first eight bytes (the
 * rest is don't-care). */
#define LOW_BYTES8(q)                                                                          \
    __builtin_shufflevector((v32u8)(q), (v32u8)(q), 0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, \
                            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

/* Eight accumulators at a time in the vector types (the auto-vectoriser
 * picks narrow vectors and a scalar tail for rows this short), the rest one
 * by one; both evaluate the same float32 operations in the same order. */
static void EB_VEC_FN(requant)(const int32_t *acc, int64_t n, int32_t add, float mult,
                               int32_t zp, int32_t lo, int32_t hi, eb_dtype ydt, void *y)
{
    const float flo = (float)(lo - zp), fhi = (float)(hi - zp);
    const v8f vlo = (v8f){0} + flo, vhi = (v8f){0} + fhi, vm = (v8f){0} + mult;
    const v8f magic = (v8f){0} + 12582912.0f;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8u a;
        memcpy(&a, acc + i, sizeof a);
        a += (uint32_t)add; /* wraps, as the reference's uint32 sum */
        v8f v = __builtin_convertvector((v8i)a, v8f) * vm;
        v8i keep = v >= vlo; /* clamp low first, as q_round */
        v = (v8f)(((v8i)v & keep) | ((v8i)vlo & ~keep));
        v8i over = v > vhi;
        v = (v8f)(((v8i)v & ~over) | ((v8i)vhi & over));
        v = (v + magic) - magic;
        v8i q = __builtin_convertvector(v, v8i) + zp;
        /* every lane already lies in the output type's range: its low byte
         * is the result, for int8 and uint8 alike (a byte shuffle, where a
         * narrowing conversion compiles to lane-by-lane extraction) */
        v32u8 low = LOW_BYTES8(q);
        memcpy((uint8_t *)y + i, &low, 8);
    }
    for (; i < n; i++) {
        int32_t a = (int32_t)((uint32_t)acc[i] + (uint32_t)add);
        int32_t q = q_round((float)a * mult, zp, flo, fhi);
        if (ydt == EB_DT_U8)
            ((uint8_t *)y)[i] = (uint8_t)q;
        else
            ((int8_t *)y)[i] = (int8_t)q;
    }
}

/* ---- channels-last depthwise ------------------------------------------- */

/* Depthwise convolution vectorised over channels: the step copies the input
 * planes into a channels-last buffer (pixel by pixel, cpad channels, a
 * multiple of eight, the extra ones zero), and each output pixel is then a
 * few full vectors of channels whatever the plane's size, where the planar
 * kernels above leave most lanes idle on MobileNet's 12x12 ... 3x3 planes.
 * The outputs are written straight back to the planar layout. */

/* Eight pixels x eight channels transposed in registers: r[i] holds pixel
 * i's channels on entry, channel i's pixels on return. */
/* __builtin_shufflevector takes its lane indices as constants (GCC 12 and
 * clang alike; GCC's __builtin_shuffle with a mask vector is GCC-only). */
#define SHUF_LO_(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 4, 12, 5, 13)
#define SHUF_HI_(a, b) __builtin_shufflevector(a, b, 2, 10, 3, 11, 6, 14, 7, 15)
#define SHUF_LO2_(a, b) __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13)
#define SHUF_HI2_(a, b) __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15)
#define SHUF_LO4_(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11)
#define SHUF_HI4_(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15)
#define TRANSPOSE8(V, r)                                                                       \
    do {                                                                                       \
        V t_[8], u_[8];                                                                        \
        for (int i_ = 0; i_ < 8; i_ += 2) {                                                    \
            t_[i_] = SHUF_LO_(r[i_], r[i_ + 1]);                                               \
            t_[i_ + 1] = SHUF_HI_(r[i_], r[i_ + 1]);                                           \
        }                                                                                      \
        for (int h_ = 0; h_ < 8; h_ += 4) {                                                    \
            u_[h_] = SHUF_LO2_(t_[h_], t_[h_ + 2]);                                            \
            u_[h_ + 1] = SHUF_HI2_(t_[h_], t_[h_ + 2]);                                        \
            u_[h_ + 2] = SHUF_LO2_(t_[h_ + 1], t_[h_ + 3]);                                    \
            u_[h_ + 3] = SHUF_HI2_(t_[h_ + 1], t_[h_ + 3]);                                    \
        }                                                                                      \
        for (int i_ = 0; i_ < 4; i_++) {                                                       \
            r[i_] = SHUF_LO4_(u_[i_], u_[i_ + 4]);                                             \
            r[i_ + 4] = SHUF_HI4_(u_[i_], u_[i_ + 4]);                                         \
        }                                                                                      \
    } while (0)

static void EB_VEC_FN(to_nhwc_f32)(const float *x, int64_t plane, int64_t ih, int64_t iw,
                                   int64_t row, int64_t cpad, int64_t c0, int64_t c1, float *dst)
{
    /* eight channel streams read in step, one 32-byte store per pixel */
    for (int64_t c = c0; c < c1; c += 8) {
        const int64_t n = c1 - c < 8 ? c1 - c : 8;
        const float *s = x + c * plane;
        for (int64_t r = 0; r < ih; r++) {
            float *d = dst + r * row * cpad + c;
            const float *sr = s + r * iw;
            if (n == 8) {
                for (int64_t q = 0; q < iw; q++) {
                    v8f v = {sr[q], sr[plane + q], sr[2 * plane + q], sr[3 * plane + q],
                             sr[4 * plane + q], sr[5 * plane + q], sr[6 * plane + q],
                             sr[7 * plane + q]};
                    memcpy(d + q * cpad, &v, sizeof v);
                }
            } else {
                for (int64_t q = 0; q < iw; q++)
                    for (int64_t j = 0; j < n; j++)
                        d[q * cpad + j] = sr[j * plane + q];
            }
        }
    }
}

/* The int8 channels-last buffer holds x - x_zp as int32 lanes. With AVX2
 * only their low 16 bits are kept (the value fits: |x - x_zp| <= 255), so
 * vpmaddwd against the int32 weight gives x * w_lo16 + 0 * w_hi16, exactly
 * the product, at the cost of one 16-bit multiply where vpmulld (32-bit)
 * takes two micro-ops and twice the latency. */
#if defined(__AVX2__)
#include <immintrin.h>
#define DWQ_KEEP(v) ((v) & 0xFFFF)
#define DWQ_MUL(w, x) ((v8i)_mm256_madd_epi16((__m256i)(x), (__m256i)(w)))
#else
#define DWQ_KEEP(v) (v)
#define DWQ_MUL(w, x) ((w) * (x))
#endif

#define TO_NHWC_Q8(NAME, T)                                                                    \
    static void NAME(const T *x, int32_t zp, int64_t plane, int64_t ih, int64_t iw,            \
                     int64_t row, int64_t cpad, int64_t c0, int64_t c1, int32_t *dst)          \
    {                                                                                          \
        for (int64_t c = c0; c < c1; c += 8) {                                                 \
            const int64_t n = c1 - c < 8 ? c1 - c : 8;                                         \
            const T *s = x + c * plane;                                                        \
            for (int64_t r = 0; r < ih; r++) {                                                 \
                int32_t *d = dst + r * row * cpad + c;                                         \
                const T *sr = s + r * iw;                                                      \
                if (n == 8) {                                                                  \
                    for (int64_t q = 0; q < iw; q++) {                                         \
                        v8i v = {sr[q], sr[plane + q], sr[2 * plane + q], sr[3 * plane + q],   \
                                 sr[4 * plane + q], sr[5 * plane + q], sr[6 * plane + q],      \
                                 sr[7 * plane + q]};                                           \
                        v = DWQ_KEEP(v - zp);                                                  \
                        memcpy(d + q * cpad, &v, sizeof v);                                    \
                    }                                                                          \
                } else {                                                                       \
                    for (int64_t q = 0; q < iw; q++)                                           \
                        for (int64_t j = 0; j < n; j++)                                        \
                            d[q * cpad + j] = DWQ_KEEP((int32_t)sr[j * plane + q] - zp);       \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }

TO_NHWC_Q8(to_nhwc_u8, uint8_t)
TO_NHWC_Q8(to_nhwc_i8, int8_t)

static void EB_VEC_FN(to_nhwc_q8)(const void *x, eb_dtype xdt, int32_t zp, int64_t plane,
                                  int64_t ih, int64_t iw, int64_t row, int64_t cpad, int64_t c0,
                                  int64_t c1, int32_t *dst)
{
    if (xdt == EB_DT_U8)
        to_nhwc_u8(x, zp, plane, ih, iw, row, cpad, c0, c1, dst);
    else
        to_nhwc_i8(x, zp, plane, ih, iw, row, cpad, c0, c1, dst);
}

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

static void EB_VEC_FN(dwconv_nhwc_f32)(const eb_simd_conv_geom *g, int64_t channels,
                                       int64_t cpad, int64_t row, const float *x, const float *w,
                                       const float *bias, float lo, float hi, int64_t oh0,
                                       int64_t oh1, float *y)
{
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
 * skipped padding is exactly the reference's zero contribution), then the
 * requantisation of EB_VEC_FN(requant) with per-channel bias and multiplier:
 * the same float32 operations in the same order, so the same bytes. */
static inline __attribute__((always_inline)) v8i requant8(v8i acc, const int32_t *add,
                                                          const float *mult, int32_t zp,
                                                          v8f vlo, v8f vhi)
{
    const v8f magic = (v8f){0} + 12582912.0f;
    v8u a, ad;
    v8f vm;
    memcpy(&ad, add, sizeof ad);
    memcpy(&vm, mult, sizeof vm);
    a = (v8u)acc + ad; /* wraps, as the reference's uint32 sum */
    v8f v = __builtin_convertvector((v8i)a, v8f) * vm;
#if defined(__AVX2__)
    /* v is never NaN (an int32 times a finite multiplier), so max / min
     * clamp as q_round does; vcvtps2dq rounds half to even in the default
     * rounding mode, as rintf. */
    (void)magic;
    v = (v8f)_mm256_min_ps(_mm256_max_ps((__m256)v, (__m256)vlo), (__m256)vhi);
    return (v8i)_mm256_cvtps_epi32((__m256)v) + zp;
#else
    v8i keep = v >= vlo;
    v = (v8f)(((v8i)v & keep) | ((v8i)vlo & ~keep));
    v8i over = v > vhi;
    v = (v8f)(((v8i)v & ~over) | ((v8i)vhi & over));
    v = (v + magic) - magic;
    return __builtin_convertvector(v, v8i) + zp;
#endif
}

static void EB_VEC_FN(dwconv_nhwc_q8)(const eb_simd_conv_geom *g, int64_t channels,
                                      int64_t cpad, int64_t row, const int32_t *x,
                                      const int32_t *w,
                                      const int32_t *bias, const float *mult, int32_t y_zp,
                                      int32_t y_min, int32_t y_max, int64_t oh0, int64_t oh1,
                                      void *yv)
{
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

/* The int8 GEMM epilogue: rows of an MR x NR accumulator tile at once (one
 * call per tile instead of one per row; the rows are independent, so their
 * vector chains overlap). Each element as EB_VEC_FN(requant). */
static void EB_VEC_FN(requant_tile)(const int32_t *tile, int ldt, int rows, int n,
                                    const int32_t *add, const float *mult, int32_t zp,
                                    int32_t lo, int32_t hi, uint8_t *y, int64_t ldy)
{
    const float flo = (float)(lo - zp), fhi = (float)(hi - zp);
    const v8f vlo = (v8f){0} + flo, vhi = (v8f){0} + fhi;
    for (int r = 0; r < rows; r++) {
        const int32_t *acc = tile + r * ldt;
        uint8_t *yr = y + r * ldy;
        int32_t ad[8];
        float m[8];
        for (int j = 0; j < 8; j++) {
            ad[j] = add[r];
            m[j] = mult[r];
        }
        int i = 0;
#if defined(__AVX2__)
        /* sixteen at a time narrowed with saturating packs, exact since
         * every value already lies in [lo, hi] */
        for (; i + 16 <= n; i += 16) {
            v8i a, b;
            memcpy(&a, acc + i, sizeof a);
            memcpy(&b, acc + i + 8, sizeof b);
            a = requant8(a, ad, m, zp, vlo, vhi);
            b = requant8(b, ad, m, zp, vlo, vhi);
            __m256i w = _mm256_packs_epi32((__m256i)a, (__m256i)b);
            w = lo >= 0 ? _mm256_packus_epi16(w, w) : _mm256_packs_epi16(w, w);
            w = _mm256_permutevar8x32_epi32(w, _mm256_setr_epi32(0, 4, 1, 5, 0, 0, 0, 0));
            _mm_storeu_si128((__m128i *)(yr + i), _mm256_castsi256_si128(w));
        }
#endif
        for (; i + 8 <= n; i += 8) {
            v8i a;
            memcpy(&a, acc + i, sizeof a);
            a = requant8(a, ad, m, zp, vlo, vhi);
            v32u8 low = LOW_BYTES8(a);
            memcpy(yr + i, &low, 8);
        }
        for (; i < n; i++) {
            int32_t a = (int32_t)((uint32_t)acc[i] + (uint32_t)add[r]);
            yr[i] = (uint8_t)q_round((float)a * mult[r], zp, flo, fhi);
        }
    }
}

/* The same for a tile stored column by column (tile[j * ldt + r]: the
 * 16 x 6 int8 kernel's), rows in vectors of eight with their own add and
 * mult, the bytes of each column written a row (ldy) apart. */
static void EB_VEC_FN(requant_cols)(const int32_t *tile, int ldt, int rows, int n,
                                    const int32_t *add, const float *mult, int32_t zp,
                                    int32_t lo, int32_t hi, uint8_t *y, int64_t ldy)
{
    const float flo = (float)(lo - zp), fhi = (float)(hi - zp);
    const v8f vlo = (v8f){0} + flo, vhi = (v8f){0} + fhi;
    for (int j = 0; j < n; j++) {
        const int32_t *acc = tile + j * ldt;
        int r = 0;
        for (; r + 8 <= rows; r += 8) {
            v8i a;
            memcpy(&a, acc + r, sizeof a);
            a = requant8(a, add + r, mult + r, zp, vlo, vhi);
            for (int i = 0; i < 8; i++)
                y[(r + i) * ldy + j] = (uint8_t)a[i];
        }
        for (; r < rows; r++) {
            int32_t a = (int32_t)((uint32_t)acc[r] + (uint32_t)add[r]);
            y[r * ldy + j] = (uint8_t)q_round((float)a * mult[r], zp, flo, fhi);
        }
    }
}

/* QuantizeLinear of float32, per tensor: q_round(x / scale), as
 * eb_ref_quantize_f32 (the division is the same IEEE operation in a vector
 * lane; NaN becomes lo there and here). */
static void EB_VEC_FN(quantize_f32)(const float *x, float scale, int32_t zp, int32_t lo,
                                    int32_t hi, uint8_t *y, int64_t i0, int64_t i1)
{
    const float flo = (float)(lo - zp), fhi = (float)(hi - zp);
    const v8f vlo = (v8f){0} + flo, vhi = (v8f){0} + fhi, vs = (v8f){0} + scale;
    int64_t i = i0;
    for (; i + 8 <= i1; i += 8) {
        v8f v;
        memcpy(&v, x + i, sizeof v);
        v = v / vs;
#if defined(__AVX2__)
        /* max(v, lo) gives lo for NaN (the second operand), as q_round */
        v = (v8f)_mm256_min_ps(_mm256_max_ps((__m256)v, (__m256)vlo), (__m256)vhi);
        v8i q = (v8i)_mm256_cvtps_epi32((__m256)v) + zp;
#else
        v8i keep = v >= vlo;
        v = (v8f)(((v8i)v & keep) | ((v8i)vlo & ~keep));
        v8i over = v > vhi;
        v = (v8f)(((v8i)v & ~over) | ((v8i)vhi & over));
        const v8f magic = (v8f){0} + 12582912.0f;
        v = (v + magic) - magic;
        v8i q = __builtin_convertvector(v, v8i) + zp;
#endif
        v32u8 low = LOW_BYTES8(q);
        memcpy(y + i, &low, 8);
    }
    for (; i < i1; i++)
        y[i] = (uint8_t)q_round(x[i] / scale, zp, flo, fhi);
}

/* ---- element-wise -------------------------------------------------------- */

static void EB_VEC_FN(add_f32)(const float *a, const float *b, float lo, float hi, float *y,
                               int64_t i0, int64_t i1)
{
    for (int64_t i = i0; i < i1; i++) {
        float v = a[i] + b[i];
        v = v < lo ? lo : v;
        y[i] = v > hi ? hi : v;
    }
}

/* Eight lanes at a time with the reference's float32 operations in its
 * order (each product rounded, then the sum, then clamp and round half to
 * even: the file is built without FMA contraction), so the same bytes;
 * every lane is already in the output range, so its low byte is the
 * result for int8 and uint8 alike. The scalar loop finishes the tail. */
#define ADD_Q8(TA, TB, TY, VA, VB)                                                            \
    do {                                                                                      \
        const TA *pa = a;                                                                     \
        const TB *pb = b;                                                                     \
        TY *py = y;                                                                           \
        const v8f vam = (v8f){0} + p->a_mult, vbm = (v8f){0} + p->b_mult;                     \
        const v8f vlo = (v8f){0} + flo, vhi = (v8f){0} + fhi;                                 \
        const v8f magic = (v8f){0} + 12582912.0f;                                             \
        int64_t i = i0;                                                                       \
        for (; i + 8 <= i1; i += 8) {                                                         \
            VA xa;                                                                            \
            VB xb;                                                                            \
            memcpy(&xa, pa + i, sizeof xa);                                                   \
            memcpy(&xb, pb + i, sizeof xb);                                                   \
            v8f va = __builtin_convertvector(__builtin_convertvector(xa, v8i) - p->a_zp, v8f); \
            v8f vb = __builtin_convertvector(__builtin_convertvector(xb, v8i) - p->b_zp, v8f); \
            va = va * vam;                                                                    \
            vb = vb * vbm;                                                                    \
            v8f v = va + vb;                                                                  \
            v8i keep = v >= vlo;                                                              \
            v = (v8f)(((v8i)v & keep) | ((v8i)vlo & ~keep));                                  \
            v8i over = v > vhi;                                                               \
            v = (v8f)(((v8i)v & ~over) | ((v8i)vhi & over));                                  \
            v = (v + magic) - magic;                                                          \
            v8i q = __builtin_convertvector(v, v8i) + p->y_zp;                                \
            v32u8 low = LOW_BYTES8(q);                                                        \
            memcpy(py + i, &low, 8);                                                          \
        }                                                                                     \
        for (; i < i1; i++) {                                                                 \
            float va = (float)((int32_t)pa[i] - p->a_zp) * p->a_mult;                         \
            float vb = (float)((int32_t)pb[i] - p->b_zp) * p->b_mult;                         \
            py[i] = (TY)q_round(va + vb, p->y_zp, flo, fhi);                                  \
        }                                                                                     \
    } while (0)

static void EB_VEC_FN(add_q8)(const eb_ref_add_q8_params *p, const void *a, const void *b,
                              void *y, int64_t i0, int64_t i1)
{
    const float flo = (float)(p->y_min - p->y_zp), fhi = (float)(p->y_max - p->y_zp);
    int key = (p->a_dtype == EB_DT_U8) << 2 | (p->b_dtype == EB_DT_U8) << 1 |
              (p->y_dtype == EB_DT_U8);
    switch (key) {
    case 7: ADD_Q8(uint8_t, uint8_t, uint8_t, v8u8, v8u8); break;
    case 0: ADD_Q8(int8_t, int8_t, int8_t, v8s8, v8s8); break;
    case 6: ADD_Q8(uint8_t, uint8_t, int8_t, v8u8, v8u8); break;
    case 1: ADD_Q8(int8_t, int8_t, uint8_t, v8s8, v8s8); break;
    case 5: ADD_Q8(uint8_t, int8_t, uint8_t, v8u8, v8s8); break;
    case 4: ADD_Q8(uint8_t, int8_t, int8_t, v8u8, v8s8); break;
    case 3: ADD_Q8(int8_t, uint8_t, uint8_t, v8s8, v8u8); break;
    default: ADD_Q8(int8_t, uint8_t, int8_t, v8s8, v8u8); break;
    }
}

/* ---- pooling ------------------------------------------------------------- */

/* 2x2, stride 2, no padding (the pooling of most CNNs, the Fashion CNN's
 * too): eight outputs per vector from two 16-float loads per input row,
 * even and odd columns split by shuffles. The taps are taken in the
 * general loop's order with its comparison (v > m ? v : m, from -inf), so
 * the result, NaN included, is the same. */
static void maxpool_2x2s2_f32(const eb_simd_conv_geom *g, const float *x, float *y)
{
    const v8f ninf = (v8f){0} - INFINITY;
    for (int64_t oh = 0; oh < g->oh; oh++) {
        const float *r0 = x + 2 * oh * g->iw, *r1 = r0 + g->iw;
        float *row = y + oh * g->ow;
        int64_t o = 0;
        for (; o + 8 <= g->ow && 2 * o + 16 <= g->iw; o += 8) {
            v8f a, b, c, d, m = ninf;
            memcpy(&a, r0 + 2 * o, sizeof a);
            memcpy(&b, r0 + 2 * o + 8, sizeof b);
            memcpy(&c, r1 + 2 * o, sizeof c);
            memcpy(&d, r1 + 2 * o + 8, sizeof d);
            const v8f t[4] = {__builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14),
                              __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15),
                              __builtin_shufflevector(c, d, 0, 2, 4, 6, 8, 10, 12, 14),
                              __builtin_shufflevector(c, d, 1, 3, 5, 7, 9, 11, 13, 15)};
            for (int i = 0; i < 4; i++) {
                v8i gt = t[i] > m;
                m = (v8f)(((v8i)t[i] & gt) | ((v8i)m & ~gt));
            }
            memcpy(row + o, &m, sizeof m);
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

static void EB_VEC_FN(maxpool_f32)(const eb_simd_conv_geom *g, const float *x, float *y)
{
    if (g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->dh == 1 && g->dw == 1 &&
        g->ph == 0 && g->pw == 0 && 2 * g->oh <= g->ih && 2 * g->ow <= g->iw) {
        maxpool_2x2s2_f32(g, x, y);
        return;
    }
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

static void EB_VEC_FN(gavgpool_f32)(const float *x, int64_t plane, float *y, int64_t c0,
                                    int64_t c1)
{
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
typedef uint8_t v32u8 __attribute__((vector_size(32)));
typedef int8_t v32s8 __attribute__((vector_size(32)));
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef int8_t v16s8 __attribute__((vector_size(16)));

#define EVEN16 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODD16 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31

#define MAXPOOL_Q8(NAME, T, V32, V16, MIN)                                                      \
    static void NAME(const eb_simd_conv_geom *g, const T *x, T *y)                             \
    {                                                                                          \
        if (g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->dh == 1 &&              \
            g->dw == 1 && g->ph == 0 && g->pw == 0 && 2 * g->oh <= g->ih &&                    \
            2 * g->ow <= g->iw) {                                                              \
            for (int64_t oh = 0; oh < g->oh; oh++) {                                           \
                const T *r0 = x + 2 * oh * g->iw, *r1 = r0 + g->iw;                            \
                T *row = y + oh * g->ow;                                                       \
                int64_t o = 0;                                                                 \
                for (; o + 16 <= g->ow && 2 * o + 32 <= g->iw; o += 16) {                      \
                    V32 a, b;                                                                  \
                    memcpy(&a, r0 + 2 * o, sizeof a);                                          \
                    memcpy(&b, r1 + 2 * o, sizeof b);                                          \
                    V16 ae = __builtin_shufflevector(a, a, EVEN16);                            \
                    V16 ao = __builtin_shufflevector(a, a, ODD16);                             \
                    V16 be = __builtin_shufflevector(b, b, EVEN16);                            \
                    V16 bo = __builtin_shufflevector(b, b, ODD16);                             \
                    V16 m = (V16)(((V16)(ae > ao) & ae) | ((V16)(ae <= ao) & ao));             \
                    V16 n = (V16)(((V16)(be > bo) & be) | ((V16)(be <= bo) & bo));             \
                    m = (V16)(((V16)(m > n) & m) | ((V16)(m <= n) & n));                       \
                    memcpy(row + o, &m, sizeof m);                                             \
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

MAXPOOL_Q8(maxpool_u8, uint8_t, v32u8, v16u8, 0)
MAXPOOL_Q8(maxpool_i8, int8_t, v32s8, v16s8, -128)

static void EB_VEC_FN(maxpool_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype dt,
                                  void *y)
{
    if (dt == EB_DT_U8)
        maxpool_u8(g, x, y);
    else
        maxpool_i8(g, x, y);
}

const eb_simd_vec_kernels EB_VEC_TABLE = {
    .name = EB_VEC_LABEL,
    .isa = EB_VEC_ISA,
    .pack_b_f32 = EB_VEC_FN(pack_b_f32),
    .pack_b_q8 = EB_VEC_FN(pack_b_q8),
    .dwconv_f32 = EB_VEC_FN(dwconv_f32),
    .dwconv_q8 = EB_VEC_FN(dwconv_q8),
    .requant = EB_VEC_FN(requant),
    .add_f32 = EB_VEC_FN(add_f32),
    .add_q8 = EB_VEC_FN(add_q8),
    .maxpool_f32 = EB_VEC_FN(maxpool_f32),
    .gavgpool_f32 = EB_VEC_FN(gavgpool_f32),
    .to_nhwc_f32 = EB_VEC_FN(to_nhwc_f32),
    .to_nhwc_q8 = EB_VEC_FN(to_nhwc_q8),
    .dwconv_nhwc_f32 = EB_VEC_FN(dwconv_nhwc_f32),
    .dwconv_nhwc_q8 = EB_VEC_FN(dwconv_nhwc_q8),
    .requant_tile = EB_VEC_FN(requant_tile),
    .requant_cols = EB_VEC_FN(requant_cols),
    .quantize_f32 = EB_VEC_FN(quantize_f32),
    .maxpool_q8 = EB_VEC_FN(maxpool_q8),
};
