/* Depthwise 2-D convolution on planar (NCHW) data, fp32 and int8: planes
 * on zero-padded copies of their rows (the whole plane, or groups of rows
 * for large ones), four output rows at a time; planes whose rows are too
 * wide even for that split each output row into interior blocks of eight
 * columns (whole windows inside the input, vector loads) and border
 * points. Also the eight-lane vector types and the fp-contract regions the
 * later families use.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h (after the families above it in its list), inside one
 * vec__<isa>.c, which defines EB_VEC_FN. */
#ifndef EB_SIMD_VEC_DWCONV_H
#define EB_SIMD_VEC_DWCONV_H

/* AVX-512 F + BW in this build: the int8 masked-load row copy and the
 * small-plane kernels below (and simd_vec_requant.h's 16-lane store) */
#if defined(__AVX512F__) && defined(__AVX512BW__)
#define DW_SMALL 1
#else
#define DW_SMALL 0
#endif

/* The kernel of a family generated per window and stride (P_k3s1,
 * P_k3s2, P_k5s1, P_k5s2) for a 3x3 or 5x5 geometry at stride 1 or 2. */
#define DW_KS_PICK(P, g)                                                                       \
    ((g)->kh == 3 ? ((g)->sw == 1 ? P##_k3s1 : P##_k3s2) : ((g)->sw == 1 ? P##_k5s1 : P##_k5s2))

#if DW_SMALL
/* The lanes of a 16-element vector whose element lies in a row of iw,
 * lane 0 being element `first` of it (first may be negative). */
static inline __mmask16 cols_in(int64_t first, int64_t iw)
{
    const int64_t lo = first < 0 ? -first : 0, hi = iw - first < 16 ? iw - first : 16;
    return hi > lo ? (__mmask16)(((1u << hi) - 1u) & ~((1u << lo) - 1u)) : 0;
}
#endif

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

/* Eight bytes widened to int32 lanes: widen8_u8 / widen8_s8. The ISA's
 * widening load where it has one (__builtin_convertvector of an eight-byte
 * vector came out of GCC 12 as byte extracts and inserts: the int8 Add
 * spent most of its time there, 1.2 ns per element). */
#if defined(__AVX2__)
#define WIDEN8(NAME, T, V, CVT)                                                                \
    static inline __attribute__((always_inline)) v8i NAME(const T *p)                         \
    {                                                                                          \
        return (v8i)CVT(_mm_loadl_epi64((const __m128i *)p));                                  \
    }
#else
#define WIDEN8(NAME, T, V, CVT)                                                                \
    static inline __attribute__((always_inline)) v8i NAME(const T *p)                         \
    {                                                                                          \
        V b;                                                                                   \
        memcpy(&b, p, sizeof b);                                                               \
        return __builtin_convertvector(b, v8i);                                                \
    }
#endif
WIDEN8(widen8_u8, uint8_t, v8u8, _mm256_cvtepu8_epi32)
WIDEN8(widen8_s8, int8_t, v8s8, _mm256_cvtepi8_epi32)

/* Eight elements stride apart: one load for stride 1, two loads and a
 * shuffle for stride 2 (elements 0..7 and 7..14: from 8..15, the last
 * block of a plane read one element past its last input, past the end of
 * the tensor where that plane is the last), else one by one. */
#define LOAD8_STRIDED(NAME, V, T)                                                               \
    static inline __attribute__((always_inline)) V NAME(const T *p, int64_t stride)            \
    {                                                                                          \
        V v;                                                                                   \
        if (stride == 1) {                                                                     \
            memcpy(&v, p, sizeof v);                                                           \
        } else if (stride == 2) {                                                              \
            V lo, hi;                                                                          \
            memcpy(&lo, p, sizeof lo);                                                         \
            memcpy(&hi, p + 7, sizeof hi);                                                     \
            v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 9, 11, 13, 15);                    \
        } else {                                                                               \
            for (int j = 0; j < 8; j++)                                                        \
                v[j] = p[j * stride];                                                          \
        }                                                                                      \
        return v;                                                                              \
    }

LOAD8_STRIDED(load8, v8f, float)
LOAD8_STRIDED(load8i, v8i, int32_t)

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

/* Geometry of the padded copy a plane's kernels read, one group of output
 * rows at a time: the input rows the group reads (rows from -ph, columns
 * from -pw, padding filled with the value that contributes nothing), wide
 * enough that every output column, in whole blocks, reads inside it.
 *
 * Why groups: a group's copy stays in L1 between the copy and the kernel.
 * A copy of the whole plane (50-65 KiB at 112x112) went through L2 both
 * ways, and its memcpy and memset took as long as the fp32 3x3 kernels
 * themselves (perf, MobileNet-v2@224); in groups, MobileNet-v2's stride-2
 * 112x112 layer takes 0.7x the time. */
typedef struct padded_plane {
    int64_t rows, cols; /* one group's copy: its rows, every row's columns */
    int64_t group;      /* output rows per group, a multiple of DW_ROWS */
    int64_t block;      /* output columns per block the geometry was made for */
} padded_plane;

/* 96 KiB of fp32 on the stack at most, for one group's rows: rows of
 * thousands of columns, or windows of dozens of rows, still fit */
#define PAD_MAX_ELEMS 24576
/* A plane's copy is made whole when it fits PAD_WHOLE_BYTES (half of a 48
 * KiB L1: MobileNet-v2's 56x56 planes), else in groups of about
 * PAD_GROUP_BYTES (its 112x112 ones). Consecutive groups copy again the
 * rows their windows share (half of them at stride 1, a ninth at stride
 * 2): where the whole copy stays in L1 anyway, small groups only cost
 * (a tenth more time at 56x56). */
#define PAD_WHOLE_BYTES 24576
#define PAD_GROUP_BYTES 8192
#define DW_ROWS 4             /* output rows computed together: four FMA chains */

/* The padded geometry for output blocks of `block` columns, copies of
 * elements of `elem` bytes: 0 when even a group of DW_ROWS rows does not
 * fit the stack buffer. */
static int padded_size_for(const eb_simd_conv_geom *g, int64_t block, size_t elem,
                           padded_plane *pp)
{
    int64_t blocks = (g->ow + block - 1) / block;
    int64_t cols = (blocks * block - 1) * g->sw + (g->kw - 1) * g->dw + 1;
    int64_t need_c = g->pw + g->iw;
    pp->block = block;
    pp->cols = cols > need_c ? cols : need_c;
    if (g->sw == 2)
        pp->cols += block; /* the stride-2 load reads twice the block */
    /* output rows in multiples of DW_ROWS (independent accumulators): the
     * whole plane when its copy fits PAD_WHOLE_BYTES, else as many as
     * PAD_GROUP_BYTES holds */
    const int64_t window = (g->kh - 1) * g->dh + 1;
    const int64_t all = (g->oh + DW_ROWS - 1) / DW_ROWS * DW_ROWS;
    const size_t bytes = (size_t)pp->cols * elem;
    int64_t group = all;
    if ((size_t)((all - 1) * g->sh + window) * bytes > PAD_WHOLE_BYTES) {
        const int64_t fit_rows = (int64_t)(PAD_GROUP_BYTES / bytes);
        group = fit_rows > window ? ((fit_rows - window) / g->sh + 1) / DW_ROWS * DW_ROWS : 0;
        group = group < DW_ROWS ? DW_ROWS : group > all ? all : group;
    }
    pp->group = group;
    pp->rows = (group - 1) * g->sh + window;
    return pp->rows * pp->cols <= PAD_MAX_ELEMS;
}

static int padded_size(const eb_simd_conv_geom *g, size_t elem, padded_plane *pp)
{
    return padded_size_for(g, DW_BLOCK, elem, pp);
}

/* The end of the group of output rows that starts at oh0. */
static inline int64_t group_end(const eb_simd_conv_geom *g, const padded_plane *pp, int64_t oh0)
{
    return oh0 + pp->group < g->oh ? oh0 + pp->group : g->oh;
}

/* 3x3 windows at dilation 1 (nearly every depthwise layer of MobileNet,
 * EfficientNet, MnasNet, ShuffleNet) get their own kernel: sixteen-column
 * blocks (one AVX-512 register, two AVX / four NEON ones), the nine
 * weights held in registers, the window unrolled, each input row loaded
 * once for the DW_ROWS output rows that read it, and one accumulator per
 * output row and window row, so the multiply-adds of a block form twelve
 * short chains instead of four of nine (the general kernel waited on the
 * FMA latency: depthwise layers took a quarter of MobileNet-v2@224). */
#define DW3_BLOCK 16
typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));

/* Sixteen elements at stride 1, or at stride 2 (two loads and a
 * shuffle), the padded buffer holding every element either reads. */
#define LOAD16_STRIDED(NAME, V, T)                                                              \
    static inline __attribute__((always_inline)) V NAME(const T *p, int stride)                \
    {                                                                                          \
        V v;                                                                                   \
        if (stride == 1) {                                                                     \
            memcpy(&v, p, sizeof v);                                                           \
        } else {                                                                               \
            V lo, hi;                                                                          \
            memcpy(&lo, p, sizeof lo);                                                         \
            memcpy(&hi, p + 16, sizeof hi);                                                    \
            v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, \
                                        26, 28, 30);                                           \
        }                                                                                      \
        return v;                                                                              \
    }

LOAD16_STRIDED(load16, v16f, float)
LOAD16_STRIDED(load16i, v16i, int32_t)

/* One multiply-add of int16 pairs into int32 lanes (vpmaddwd): each lane of
 * x and w holds two int16 values (the first in memory in the low half), and
 * the lane's result is x.lo * w.lo + x.hi * w.hi, exact. */
typedef uint32_t v16pu __attribute__((vector_size(64)));
#define PAIR_LO(v) ((v16i)((v16pu)(v) << 16) >> 16)
#if defined(__AVX512BW__)
#define PAIR_MADD16(x, w) ((v16i)_mm512_madd_epi16((__m512i)(x), (__m512i)(w)))
#elif defined(__AVX2__)
static inline __attribute__((always_inline)) v16i pair_madd16_avx2(v16i x, v16i w)
{
    union {
        v16i v;
        __m256i h[2];
    } a = {x}, b = {w}, r;
    r.h[0] = _mm256_madd_epi16(a.h[0], b.h[0]);
    r.h[1] = _mm256_madd_epi16(a.h[1], b.h[1]);
    return r.v;
}
#define PAIR_MADD16(x, w) pair_madd16_avx2(x, w)
#else
#define PAIR_MADD16(x, w) (PAIR_LO(x) * PAIR_LO(w) + ((x) >> 16) * ((w) >> 16))
#endif
/* acc + PAIR_MADD16(x, w): one vpdpwssd with AVX-512 VNNI (not the
 * saturating form: the sum wraps as the plain add does; these sums are
 * far from the int32 range anyway) */
#if defined(__AVX512VNNI__)
#define PAIR_MADD16_ACC(acc, x, w)                                                              \
    ((v16i)_mm512_dpwssd_epi32((__m512i)(acc), (__m512i)(x), (__m512i)(w)))
#else
#define PAIR_MADD16_ACC(acc, x, w) ((acc) + PAIR_MADD16(x, w))
#endif

static int dw3_applies(const eb_simd_conv_geom *g)
{
    return g->kh == 3 && g->kw == 3 && g->dh == 1 && g->dw == 1 && g->sh == g->sw &&
           (g->sw == 1 || g->sw == 2);
}

FP_CONTRACT_FAST_BEGIN

#define DW_PADDED_F32(NAME, STRIDE)                                                            \
    static void NAME(const eb_simd_conv_geom *g, const padded_plane *pp, const float *buf,      \
                     int64_t oh0, const float *w, float bias, float lo, float hi, float *y)    \
    {                                                                                          \
        const int64_t sw = STRIDE ? STRIDE : g->sw;                                            \
        const int64_t oh1 = group_end(g, pp, oh0);                                             \
        const v8f vlo = (v8f){0} + lo, vhi = (v8f){0} + hi;                                    \
        for (int64_t oh = oh0; oh < oh1; oh += DW_ROWS) {                                      \
            for (int64_t o = 0; o < g->ow; o += DW_BLOCK) {                                    \
                v8f acc[DW_ROWS];                                                              \
                for (int r = 0; r < DW_ROWS; r++)                                              \
                    acc[r] = (v8f){0} + bias;                                                  \
                for (int64_t ky = 0; ky < g->kh; ky++) {                                       \
                    const float *src =                                                         \
                        buf + ((oh - oh0) * g->sh + ky * g->dh) * pp->cols + o * sw;           \
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

#define DW3_PADDED_F32(NAME, S)                                                                \
    static void NAME(const eb_simd_conv_geom *g, const padded_plane *pp, const float *buf,      \
                     int64_t oh0, const float *w, float bias, float lo, float hi, float *y)    \
    {                                                                                          \
        const int64_t oh1 = group_end(g, pp, oh0);                                             \
        v16f wv[9];                                                                            \
        for (int i = 0; i < 9; i++)                                                            \
            wv[i] = (v16f){0} + w[i];                                                          \
        const v16f vlo = (v16f){0} + lo, vhi = (v16f){0} + hi;                                 \
        const int64_t cols = pp->cols;                                                         \
        for (int64_t oh = oh0; oh < oh1; oh += DW_ROWS) {                                      \
            const float *top = buf + (oh - oh0) * S * cols;                                    \
            for (int64_t o = 0; o < g->ow; o += DW3_BLOCK) {                                   \
                v16f acc[DW_ROWS][3];                                                          \
                for (int r = 0; r < DW_ROWS; r++) {                                            \
                    acc[r][0] = (v16f){0} + bias;                                              \
                    acc[r][1] = acc[r][2] = (v16f){0};                                         \
                }                                                                              \
                _Pragma("GCC unroll 16") for (int ir = 0; ir < (DW_ROWS - 1) * S + 3; ir++)    \
                {                                                                              \
                    const float *src = top + ir * cols + o * S;                                \
                    const v16f x0 = load16(src, S), x1 = load16(src + 1, S),                   \
                               x2 = load16(src + 2, S);                                        \
                    _Pragma("GCC unroll 4") for (int r = 0; r < DW_ROWS; r++)                  \
                    {                                                                          \
                        const int ky = ir - r * S;                                             \
                        if (ky >= 0 && ky < 3) {                                               \
                            acc[r][ky] += x0 * wv[ky * 3];                                     \
                            acc[r][ky] += x1 * wv[ky * 3 + 1];                                 \
                            acc[r][ky] += x2 * wv[ky * 3 + 2];                                 \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
                int64_t n = g->ow - o < DW3_BLOCK ? g->ow - o : DW3_BLOCK;                      \
                for (int r = 0; r < DW_ROWS && oh + r < g->oh; r++) {                          \
                    v16f a = acc[r][0] + acc[r][1] + acc[r][2];                                \
                    v16i below = a < vlo, above = a > vhi;                                     \
                    a = (v16f)(((v16i)a & ~below) | ((v16i)vlo & below));                      \
                    a = (v16f)(((v16i)a & ~above) | ((v16i)vhi & above));                      \
                    float *dst = y + (oh + r) * g->ow + o;                                     \
                    if (n == DW3_BLOCK) {                                                      \
                        memcpy(dst, &a, sizeof a); /* a constant size: one store */            \
                    } else {                                                                   \
                        for (int64_t j = 0; j < n; j++)                                        \
                            dst[j] = a[j];                                                     \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }

DW3_PADDED_F32(dw3_padded_f32_s1, 1)
DW3_PADDED_F32(dw3_padded_f32_s2, 2)

#if DW_SMALL
/* One padded fp32 row on AVX-512 (src NULL: a padding row): 16 columns per
 * step, the input loaded under a mask of the columns inside the row (the
 * others read as 0), one store each, no library call. For rows of at
 * most PAD_ROW_F32_MAX columns: there a memset, memcpy, memset per row
 * cost more than the copy (MobileNet-v2@224's 28 and 56 wide planes); on
 * 112-wide rows memcpy was faster than masked loads. */
#define PAD_ROW_F32_MAX 64
static inline void fill_row_f32(const float *src, int64_t iw, int64_t pw, int64_t cols,
                                float *dst)
{
    for (int64_t c = 0; c < cols; c += 16) {
        const __mmask16 m = src ? cols_in(c - pw, iw) : 0;
        const __m512 v = _mm512_maskz_loadu_ps(m, src ? src + c - pw : dst);
        if (c + 16 <= cols)
            _mm512_storeu_ps(dst + c, v);
        else
            _mm512_mask_storeu_ps(dst + c, (__mmask16)((1u << (cols - c)) - 1u), v);
    }
}
#endif

/* Padded rows [r0, r0 + pp->rows) (padded row r is input row r - ph) into
 * buf with pp's geometry, zeros around the input. */
static void pad_rows_f32(const eb_simd_conv_geom *g, const padded_plane *pp, const float *x,
                         int64_t r0, float *buf)
{
    const int64_t right = pp->cols - g->pw - g->iw;
    for (int64_t i = 0; i < pp->rows; i++) {
        float *row = buf + i * pp->cols;
        const int64_t r = r0 + i - g->ph;
#if DW_SMALL
        if (pp->cols <= PAD_ROW_F32_MAX) {
            fill_row_f32(r < 0 || r >= g->ih ? NULL : x + r * g->iw, g->iw, g->pw, pp->cols,
                         row);
            continue;
        }
#endif
        if (r < 0 || r >= g->ih) {
            memset(row, 0, (size_t)pp->cols * sizeof(float));
            continue;
        }
        memset(row, 0, (size_t)g->pw * sizeof(float));
        memcpy(row + g->pw, x + r * g->iw, (size_t)g->iw * sizeof(float));
        memset(row + g->pw + g->iw, 0, (size_t)right * sizeof(float));
    }
}

/* The plane group by group: its rows copied, then the group's kernel (the
 * 3x3 ones when dw3, pp then made for DW3_BLOCK). */
static void dw_padded_f32(const eb_simd_conv_geom *g_in, const padded_plane *pp, int dw3,
                          const float *x, const float *w, float bias, float lo, float hi,
                          float *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    float buf[PAD_MAX_ELEMS];
    for (int64_t oh = 0; oh < g->oh; oh += pp->group) {
        pad_rows_f32(g, pp, x, oh * g->sh, buf);
        if (dw3 && g->sw == 1)
            dw3_padded_f32_s1(g, pp, buf, oh, w, bias, lo, hi, y);
        else if (dw3)
            dw3_padded_f32_s2(g, pp, buf, oh, w, bias, lo, hi, y);
        else if (g->sw == 1)
            dw_padded_f32_s1(g, pp, buf, oh, w, bias, lo, hi, y);
        else if (g->sw == 2)
            dw_padded_f32_s2(g, pp, buf, oh, w, bias, lo, hi, y);
        else
            dw_padded_f32_sn(g, pp, buf, oh, w, bias, lo, hi, y);
    }
}

FP_CONTRACT_FAST_END

/* Small planes (at most 16 output columns: the 14x14 and 7x7 layers of
 * MobileNet, EfficientNet, MnasNet) on AVX-512, 3x3 and 5x5 windows at
 * stride 1 or 2: each output row is one vector and each input row is read
 * in place with masked loads, the lanes a window puts in the padding
 * masked to zero (a masked-off lane is never read, so it cannot fault).
 * No copy and no layout change. Before this, these layers ran
 * channels-last: a gather of every plane into channels-last and a
 * transpose back, which took longer than their multiply-adds (the planar
 * padded kernel, with a copy per plane and 16-column blocks, was slower
 * still). Four output rows at a time, an accumulator per output row and
 * window row: 12 (3x3) or 20 (5x5) short FMA chains (with two per output
 * row, the 14x14 layers waited on the FMA latency: 1.5x the time). */
#if DW_SMALL

static int dw_small_plane(const eb_simd_conv_geom *g)
{
    return g->kh == g->kw && (g->kh == 3 || g->kh == 5) && g->dh == 1 && g->dw == 1 &&
           g->sh == g->sw && (g->sw == 1 || (g->sw == 2 && g->iw <= 32)) && g->ow <= 16;
}

/* Per window column kx: the lanes j < ow whose input column j * s + kx -
 * pw lies in [0, iw), and (s = 2) that column as an index into the row's
 * two vectors (lanes outside are masked: their index does not matter).
 * Ranges, not a loop over lanes: this runs once per plane, and a 7x7
 * plane's multiply-adds take only ~40 cycles. */
static inline int64_t ceil_div_nonneg(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

static void dw_small_lanes(const eb_simd_conv_geom *g, int k, int s, __mmask16 *m, __m512i *idx)
{
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    for (int kx = 0; kx < k; kx++) {
        const int64_t off = kx - g->pw;
        /* j * s + off >= 0 and j * s + off < iw, j < ow */
        const int64_t j0 = ceil_div_nonneg(-off, s);
        int64_t j1 = ceil_div_nonneg(g->iw - off, s);
        j1 = j1 < g->ow ? j1 : g->ow;
        const unsigned bits = j1 > j0 ? ((1u << j1) - 1) & ~((1u << j0) - 1) : 0;
        m[kx] = (__mmask16)bits;
        idx[kx] = _mm512_add_epi32(_mm512_mullo_epi32(lane, _mm512_set1_epi32(s)),
                                   _mm512_set1_epi32((int32_t)off));
    }
}

/* The row loop the small-plane kernels share (fp32 here, int8 below):
 * groups of DW_ROWS output rows; each input row of the group read once
 * into its NX vectors (XS(S, K, row, xs): K shifted ones by masked loads
 * at stride 1, two loads and a permute per tap at stride 2; VNNI's one of
 * byte triples), multiply-added into the accumulator of each output row
 * and window row that reads it (MADD(acc, x, ky * K + kx), kx < NX); each
 * output row's window-row sums added (ADD) and stored (STORE(v, oh)).
 * ACC0(ky) starts the accumulators. Rows in the padding are skipped, or
 * with PADROWS given to XS as NULL. In scope: g, x. */
#define DW_SMALL_ROWS(K, S, NX, PADROWS, V, T, ACC0, XS, MADD, ADD, STORE)                     \
    {                                                                                          \
        /* the geometry in locals: read through g, every field was loaded     \
         * again after each store (the compiler cannot rule out that a        \
         * store changed it), and the 56x56 kernel ran at ~16-24              \
         * multiply-adds per ns; XS and STORE use dwr_pw and dwr_ow */        \
        const int64_t dwr_oh = g->oh, dwr_ow = g->ow, dwr_ih = g->ih, dwr_iw = g->iw;         \
        const int64_t dwr_ph = g->ph, dwr_pw = g->pw;                                          \
        (void)dwr_ow;                                                                          \
        (void)dwr_pw;                                                                          \
        for (int64_t oh0 = 0; oh0 < dwr_oh; oh0 += DW_ROWS) {                                  \
            V acc[DW_ROWS][K];                                                                 \
            for (int r = 0; r < DW_ROWS; r++)                                                  \
                for (int ky = 0; ky < K; ky++)                                                 \
                    acc[r][ky] = ACC0(ky);                                                     \
            _Pragma("GCC unroll 16") for (int ir = 0; ir < (DW_ROWS - 1) * S + K; ir++)        \
            {                                                                                  \
                const int64_t ih = oh0 * S - dwr_ph + ir;                                      \
                const int pad_row = ih < 0 || ih >= dwr_ih;                                    \
                if (pad_row && !(PADROWS))                                                     \
                    continue;                                                                  \
                const T *row = pad_row ? NULL : x + ih * dwr_iw;                               \
                V xs[NX];                                                                      \
                XS(S, K, row, xs);                                                             \
                _Pragma("GCC unroll 4") for (int r = 0; r < DW_ROWS; r++)                      \
                {                                                                              \
                    const int ky = ir - r * S;                                                 \
                    if (ky >= 0 && ky < K)                                                     \
                        for (int kx = 0; kx < NX; kx++)                                        \
                            acc[r][ky] = MADD(acc[r][ky], xs[kx], ky * K + kx);                \
                }                                                                              \
            }                                                                                  \
            for (int r = 0; r < DW_ROWS && oh0 + r < dwr_oh; r++) {                            \
                V v = acc[r][0];                                                               \
                for (int ky = 1; ky < K; ky++)                                                 \
                    v = ADD(v, acc[r][ky]);                                                    \
                STORE(v, oh0 + r);                                                             \
            }                                                                                  \
        }                                                                                      \
    }

/* The masks and stride-2 indices of dw_small_lanes, and the masks of a
 * row's two vectors (stride 2 reads up to 32 columns). */
#define DW_SMALL_MASKS(K, S)                                                                   \
    __mmask16 m[K];                                                                            \
    __m512i idx[K];                                                                            \
    dw_small_lanes(g, K, S, m, idx);                                                           \
    const __mmask16 out = (__mmask16)((1u << g->ow) - 1);                                      \
    const __mmask16 row_lo = (__mmask16)((1u << (g->iw < 16 ? g->iw : 16)) - 1);               \
    const __mmask16 row_hi = (__mmask16)(g->iw > 16 ? (1u << (g->iw - 16)) - 1 : 0)

#define F32_ACC0(ky) ((ky) == 0 ? vb : _mm512_setzero_ps())
#define F32_XS(S, K, row, xs)                                                                  \
    do {                                                                                       \
        if (S == 1) {                                                                          \
            for (int kx = 0; kx < K; kx++)                                                     \
                xs[kx] = _mm512_maskz_loadu_ps(m[kx], row + kx - dwr_pw);                       \
        } else {                                                                               \
            const __m512 a_ = _mm512_maskz_loadu_ps(row_lo, row),                              \
                         b_ = _mm512_maskz_loadu_ps(row_hi, row + 16);                         \
            for (int kx = 0; kx < K; kx++)                                                     \
                xs[kx] = _mm512_maskz_permutex2var_ps(m[kx], a_, idx[kx], b_);                 \
        }                                                                                      \
    } while (0)
#define F32_MADD(acc, xv, tap) _mm512_fmadd_ps(xv, _mm512_set1_ps(w[tap]), acc)
#define F32_STORE(v, oh)                                                                       \
    _mm512_mask_storeu_ps(y + (oh) * dwr_ow, out, _mm512_min_ps(_mm512_max_ps(v, vlo), vhi))

/* planes consecutive planes (see dwconv_f32), the masks made once: on 7x7
 * planes they were as long as the plane's multiply-adds */
#define DW_SMALL_F32(NAME, K, S)                                                               \
    static void NAME(const eb_simd_conv_geom *g, int64_t planes, const float *x0,              \
                     int64_t x_plane, const float *w0, const float *bias, float lo, float hi,  \
                     float *y0, int64_t y_plane)                                               \
    {                                                                                          \
        DW_SMALL_MASKS(K, S);                                                                  \
        const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);                       \
        for (int64_t p = 0; p < planes; p++) {                                                 \
            const float *x = x0 + p * x_plane, *w = w0 + p * K * K;                            \
            float *y = y0 + p * y_plane;                                                       \
            const __m512 vb = _mm512_set1_ps(bias ? bias[p] : 0.0f);                           \
            DW_SMALL_ROWS(K, S, K, 0, __m512, float, F32_ACC0, F32_XS, F32_MADD,               \
                          _mm512_add_ps, F32_STORE)                                            \
        }                                                                                      \
    }

DW_SMALL_F32(dw_small_f32_k3s1, 3, 1)
DW_SMALL_F32(dw_small_f32_k3s2, 3, 2)
DW_SMALL_F32(dw_small_f32_k5s1, 5, 1)
DW_SMALL_F32(dw_small_f32_k5s2, 5, 2)

/* Stride 1 on wider planes, read in place the same way: blocks of 16
 * output columns, each a small plane whose left padding is pw - o0 (the
 * masks of the middle blocks all ones), no padded copy of the plane. */
#define DW_WIDE_F32(NAME, K)                                                                   \
    static void NAME(const eb_simd_conv_geom *g, const float *x_plane, const float *w,         \
                     float bias, float lo, float hi, float *y_plane)                           \
    {                                                                                          \
        const __m512 vb = _mm512_set1_ps(bias), vlo = _mm512_set1_ps(lo),                      \
                     vhi = _mm512_set1_ps(hi);                                                 \
        const __mmask16 row_lo = 0, row_hi = 0; /* stride 2 only */                            \
        (void)row_lo;                                                                          \
        (void)row_hi;                                                                          \
        for (int64_t o0 = 0; o0 < g->ow; o0 += 16) {                                           \
            const float *x = x_plane + o0;                                                     \
            float *y = y_plane + o0;                                                           \
            eb_simd_conv_geom block = *g;                                                      \
            block.pw = g->pw - o0;                                                             \
            block.ow = g->ow - o0 < 16 ? g->ow - o0 : 16;                                      \
            __mmask16 m[K];                                                                    \
            __m512i idx[K];                                                                    \
            dw_small_lanes(&block, K, 1, m, idx);                                              \
            const __mmask16 out = (__mmask16)((1u << block.ow) - 1);                           \
            DW_SMALL_ROWS(K, 1, K, 0, __m512, float, F32_ACC0, F32_XS, F32_MADD,               \
                          _mm512_add_ps, F32_STORE)                                            \
        }                                                                                      \
    }

DW_WIDE_F32(dw_wide_f32_k3, 3)

/* Stride 2, 3x3, in place: a block of 16 outputs reads input columns
 * 2 * o0 - pw + 0..32; per input row four masked loads (columns outside
 * the input read as 0), at +0 and +16 for the taps kx = 0, 1 (even and odd
 * elements by a two-source permute) and at +2 and +18 for kx = 2. */
#define WIDE_S2_XS(S, K, row, xs)                                                              \
    do {                                                                                       \
        const float *p_ = (row) + ws;                                                          \
        const __m512 a_ = _mm512_maskz_loadu_ps(ma, p_), b_ = _mm512_maskz_loadu_ps(mb, p_ + 16); \
        const __m512 c_ = _mm512_maskz_loadu_ps(mc, p_ + 2),                                   \
                     d_ = _mm512_maskz_loadu_ps(md, p_ + 18);                                  \
        xs[0] = _mm512_permutex2var_ps(a_, even, b_);                                          \
        xs[1] = _mm512_permutex2var_ps(a_, odd, b_);                                           \
        xs[2] = _mm512_permutex2var_ps(c_, even, d_);                                          \
    } while (0)

static void dw_wide_f32_k3s2(const eb_simd_conv_geom *g, const float *x, const float *w,
                             float bias, float lo, float hi, float *y_plane)
{
    const __m512 vb = _mm512_set1_ps(bias), vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    const __m512i even = EVEN_PICK_512;
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (int64_t o0 = 0; o0 < g->ow; o0 += 16) {
        float *y = y_plane + o0;
        const int64_t ws = 2 * o0 - g->pw, n = g->ow - o0 < 16 ? g->ow - o0 : 16;
        const __mmask16 ma = cols_in(ws, g->iw), mb = cols_in(ws + 16, g->iw);
        const __mmask16 mc = cols_in(ws + 2, g->iw), md = cols_in(ws + 18, g->iw);
        const __mmask16 out = (__mmask16)((1u << n) - 1);
        DW_SMALL_ROWS(3, 2, 3, 0, __m512, float, F32_ACC0, WIDE_S2_XS, F32_MADD, _mm512_add_ps,
                      F32_STORE)
    }
}

static void dw_small_f32(const eb_simd_conv_geom *g, int64_t planes, const float *x,
                         int64_t x_plane, const float *w, const float *bias, float lo, float hi,
                         float *y, int64_t y_plane)
{
    DW_KS_PICK(dw_small_f32, g)(g, planes, x, x_plane, w, bias, lo, hi, y, y_plane);
}
#endif

/* The requantisation of a plane's outputs (EB_VEC_FN(requant)'s
 * parameters), done on the accumulators in registers as they are made. */
typedef struct dwq_out {
    int32_t add;
    float mult;
    int32_t zp;
    float flo, fhi; /* the output range relative to zp */
    int sat;        /* DWQ_SAT_*: how the AVX-512 stores clamp (q8_narrow16_by) */
} dwq_out;

/* dwq_out.sat. 0: the float is clamped to [flo, fhi] before rounding.
 * DWQ_SAT_U8 / DWQ_SAT_I8: the output range is all of uint8 / int8 and
 * every multiplier's |mult| <= 0.5 (eb_simd_q8_rq_saturates), so the
 * rounded value plus zp stays inside int32 and the saturating narrow to
 * bytes clamps exactly as ref's rule does. */
enum { DWQ_SAT_U8 = 1, DWQ_SAT_I8 = 2 };

static inline int dwq_sat(int32_t y_min, int32_t y_max, const float *mult, int64_t n)
{
    if (eb_simd_q8_rq_saturates(1, y_min, y_max, mult, n))
        return DWQ_SAT_U8;
    return eb_simd_q8_rq_saturates(0, y_min, y_max, mult, n) ? DWQ_SAT_I8 : 0;
}

#include "backends/simd/simd_vec_dwconv_avx2.h"

/* One plane by the general kernels. */
static void dw_plane_f32(const eb_simd_conv_geom *g, const float *x, const float *w, float bias,
                         float lo, float hi, float *y)
{
#if DW_SMALL
    if (dw3_applies(g)) {
        (g->sw == 1 ? dw_wide_f32_k3 : dw_wide_f32_k3s2)(g, x, w, bias, lo, hi, y);
        return;
    }
#endif
    padded_plane pp;
    if (dw3_applies(g) && padded_size_for(g, DW3_BLOCK, sizeof(float), &pp)) {
        dw_padded_f32(g, &pp, 1, x, w, bias, lo, hi, y);
        return;
    }
    if (padded_size(g, sizeof(float), &pp)) {
        dw_padded_f32(g, &pp, 0, x, w, bias, lo, hi, y);
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

static void EB_VEC_FN(dwconv_f32)(const eb_simd_conv_geom *g, int64_t planes, const float *x,
                                  int64_t x_plane, const float *w, const float *bias, float lo,
                                  float hi, float *y, int64_t y_plane)
{
#if DW_SMALL
    if (dw_small_plane(g)) {
        dw_small_f32(g, planes, x, x_plane, w, bias, lo, hi, y, y_plane);
        return;
    }
#endif
#if DW_AVX2
    if (dw_avx2_applies(g)) {
        dw_avx2_f32(g, planes, x, x_plane, w, bias, lo, hi, y, y_plane);
        return;
    }
#endif
    const int64_t taps = g->kh * g->kw;
    for (int64_t p = 0; p < planes; p++)
        dw_plane_f32(g, x + p * x_plane, w + p * taps, bias ? bias[p] : 0.0f, lo, hi,
                     y + p * y_plane);
}

/* int8 depthwise: the same split into interior blocks and border points,
 * accumulating (x - x_zp) * w in int32 (products are at most 255 * 255 in
 * magnitude and a window holds a few dozen: no overflow; the bias is added
 * in the requantisation, wrapping like the reference). */
static inline __attribute__((always_inline)) v8i load8q(const void *p, int u8, int64_t stride)
{
    if (stride == 1)
        return u8 ? widen8_u8(p) : widen8_s8(p);
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

/* int8 on a padded copy holding x - x_zp as int32 (so the padding is 0
 * and the inner loop is a plain int32 multiply-add, no widening per tap),
 * four output rows at a time like the fp32 kernel. */
#define DWQ_ROWS(NAME, STRIDE)                                                                 \
    static void NAME(const eb_simd_conv_geom *g, const padded_plane *pp, const int32_t *buf,    \
                     int64_t oh0, const int16_t *w, int32_t *acc)                              \
    {                                                                                          \
        const int64_t sw = STRIDE ? STRIDE : g->sw;                                            \
        const int64_t oh1 = group_end(g, pp, oh0);                                             \
        for (int64_t oh = oh0; oh < oh1; oh += DW_ROWS) {                                      \
            for (int64_t o = 0; o < g->ow; o += DW_BLOCK) {                                    \
                v8i a[DW_ROWS];                                                                \
                for (int r = 0; r < DW_ROWS; r++)                                              \
                    a[r] = (v8i){0};                                                           \
                for (int64_t ky = 0; ky < g->kh; ky++) {                                       \
                    const int32_t *src =                                                       \
                        buf + ((oh - oh0) * g->sh + ky * g->dh) * pp->cols + o * sw;           \
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

/* 3x3 int8 windows (dw3_applies) on an int16 padded copy of x - x_zp,
 * two taps per multiply-add of int16 pairs (PAIR_MADD16): window row ky's
 * taps 0 and 1 against the weight pair (w0, w1), tap 2 against (w2, 0).
 * At stride 2 the 32 int16 from column 2o are already the pairs (x[2o +
 * 2i], x[2o + 2i + 1]) of outputs o + i, and those from 2o + 2 their third
 * taps: sixteen outputs per register, no shuffles. At stride 1 the same
 * loads from column o give the even outputs o + 2i, and from o + 1 the odd
 * ones: 32 outputs per block, interleaved once when stored. Before this
 * the copy held int32 and every tap was its own 32-bit multiply (two
 * micro-ops) and add, and stride 2 gathered its columns with a shuffle per
 * load: int8 took 1.1-1.9x the fp32 time on these layers. Sums are exact,
 * so byte-identical with ref. The copy has a few elements of slack: the
 * last load of a row may read one past it, into lanes whose weight is 0. */
#define DW3Q16_SLACK 64

static inline __attribute__((always_inline)) v16i load_pairs(const int16_t *p)
{
    v16i v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Two int16 values in one int32 lane, lo in the low half (the order of two
 * consecutive int16 in memory): a weight pair for PAIR_MADD16. */
static inline int32_t q8_pair(int32_t lo, int32_t hi)
{
    return (int32_t)(((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16));
}

static void dw3q16_weights(const int16_t *w, v16i *w01, v16i *w2)
{
    for (int i = 0; i < 3; i++) {
        w01[i] = (v16i){0} + q8_pair(w[3 * i], w[3 * i + 1]);
        w2[i] = (v16i){0} + q8_pair(w[3 * i + 2], 0);
    }
}

/* n <= 16 outputs of acc requantised as EB_VEC_FN(requant) does, bytes to
 * y (simd_vec_requant.h, included after this file). */
static inline __attribute__((always_inline)) void requant_store16(v16i acc, const dwq_out *o,
                                                                  int64_t n, uint8_t *y);

#if DW_SMALL
/* requant_store16 in one AVX-512 vector: the same float32 operations
 * (wrapping add, convert, multiply, max with lo first so NaN gives lo, min,
 * round half to even), the low byte of each lane stored under `out` (one
 * masked store: the eight-lane version stored a 7- or 14-wide row's tail
 * byte by byte, the half of these layers' time). */
/* The end every sixteen-lane int8 kernel shares (the requantisations
 * here, the tiny-plane depthwise, the direct stem, the QDQ Add): v clamped
 * to [lo, hi] (the output range less the zero point; max with v first, so
 * NaN gives lo), rounded half to even, the zero point added, each lane's
 * low byte (int8 and uint8 alike: the lane is in range). */
static inline __attribute__((always_inline)) __m128i q8_narrow16(__m512 v, __m512 lo, __m512 hi,
                                                                 __m512i zp)
{
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    return _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(v), zp));
}

/* q8_narrow16 where sat (dwq_out.sat) lets the narrowing's saturation be
 * the clamp: uint8 keeps one integer max (vpmovusdb reads lanes as
 * unsigned) of the two float ones, int8 none. The stores of the
 * depthwise kernels and the stem spend half their instructions here. */
static inline __attribute__((always_inline)) __m128i q8_narrow16_by(__m512 v, __m512 lo,
                                                                    __m512 hi, __m512i zp,
                                                                    int sat)
{
    if (sat == DWQ_SAT_U8)
        return _mm512_cvtusepi32_epi8(
            _mm512_max_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(v), zp), _mm512_setzero_si512()));
    if (sat == DWQ_SAT_I8)
        return _mm512_cvtsepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(v), zp));
    return q8_narrow16(v, lo, hi, zp);
}

/* acc * mult (one multiplier per lane), then q8_narrow16_by. */
static inline __attribute__((always_inline)) __m128i q8_requant16(__m512i acc, __m512 mult,
                                                                  __m512 lo, __m512 hi,
                                                                  __m512i zp, int sat)
{
    return q8_narrow16_by(_mm512_mul_ps(_mm512_cvtepi32_ps(acc), mult), lo, hi, zp, sat);
}

/* acc + o->add requantised; the _na form for kernels that started their
 * sums at the bias already */
static inline __attribute__((always_inline)) void requant_store_m16_na(__m512i acc,
                                                                       const dwq_out *o,
                                                                       int sat, __mmask16 out,
                                                                       uint8_t *y)
{
    _mm_mask_storeu_epi8(y, out,
                         q8_requant16(acc, _mm512_set1_ps(o->mult), _mm512_set1_ps(o->flo),
                                      _mm512_set1_ps(o->fhi), _mm512_set1_epi32(o->zp), sat));
}

static inline __attribute__((always_inline)) void requant_store_m16(__m512i acc,
                                                                    const dwq_out *o,
                                                                    __mmask16 out, uint8_t *y)
{
    requant_store_m16_na(_mm512_add_epi32(acc, _mm512_set1_epi32(o->add)), o, o->sat, out, y);
}
#endif

static void dw3q16_s2(const eb_simd_conv_geom *g, const padded_plane *pp, const int16_t *buf,
                      int64_t oh0, const v16i *w01, const v16i *w2, const dwq_out *q,
                      uint8_t *y)
{
    const int64_t cols = pp->cols, oh1 = group_end(g, pp, oh0);
    for (int64_t oh = oh0; oh < oh1; oh += DW_ROWS) {
        const int16_t *top = buf + (oh - oh0) * 2 * cols;
        for (int64_t o = 0; o < g->ow; o += 16) {
            v16i a[DW_ROWS];
            for (int r = 0; r < DW_ROWS; r++)
                a[r] = (v16i){0};
            _Pragma("GCC unroll 16") for (int ir = 0; ir < (DW_ROWS - 1) * 2 + 3; ir++)
            {
                const int16_t *src = top + ir * cols + 2 * o;
                const v16i x0 = load_pairs(src), x2 = load_pairs(src + 2);
                _Pragma("GCC unroll 4") for (int r = 0; r < DW_ROWS; r++)
                {
                    const int ky = ir - 2 * r;
                    if (ky >= 0 && ky < 3)
                        a[r] = PAIR_MADD16_ACC(PAIR_MADD16_ACC(a[r], x0, w01[ky]), x2, w2[ky]);
                }
            }
            const int64_t n = g->ow - o < 16 ? g->ow - o : 16;
            for (int r = 0; r < DW_ROWS && oh + r < g->oh; r++)
                requant_store16(a[r], q, n, y + (oh + r) * g->ow + o);
        }
    }
}

static void dw3q16_s1(const eb_simd_conv_geom *g, const padded_plane *pp, const int16_t *buf,
                      int64_t oh0, const v16i *w01, const v16i *w2, const dwq_out *q,
                      uint8_t *y)
{
    const int64_t cols = pp->cols, oh1 = group_end(g, pp, oh0);
    for (int64_t oh = oh0; oh < oh1; oh += DW_ROWS) {
        const int16_t *top = buf + (oh - oh0) * cols;
        for (int64_t o = 0; o < g->ow; o += 32) {
            v16i ev[DW_ROWS], od[DW_ROWS]; /* outputs o + 2i and o + 2i + 1 */
            for (int r = 0; r < DW_ROWS; r++)
                ev[r] = od[r] = (v16i){0};
            _Pragma("GCC unroll 16") for (int ir = 0; ir < DW_ROWS + 2; ir++)
            {
                const int16_t *src = top + ir * cols + o;
                const v16i x0 = load_pairs(src), x1 = load_pairs(src + 1),
                           x2 = load_pairs(src + 2), x3 = load_pairs(src + 3);
                _Pragma("GCC unroll 4") for (int r = 0; r < DW_ROWS; r++)
                {
                    const int ky = ir - r;
                    if (ky >= 0 && ky < 3) {
                        ev[r] = PAIR_MADD16_ACC(PAIR_MADD16_ACC(ev[r], x0, w01[ky]), x2, w2[ky]);
                        od[r] = PAIR_MADD16_ACC(PAIR_MADD16_ACC(od[r], x1, w01[ky]), x3, w2[ky]);
                    }
                }
            }
            const int64_t n = g->ow - o < 32 ? g->ow - o : 32;
            for (int r = 0; r < DW_ROWS && oh + r < g->oh; r++) {
                const v16i lo = __builtin_shufflevector(ev[r], od[r], 0, 16, 1, 17, 2, 18, 3, 19,
                                                        4, 20, 5, 21, 6, 22, 7, 23);
                const v16i hi = __builtin_shufflevector(ev[r], od[r], 8, 24, 9, 25, 10, 26, 11,
                                                        27, 12, 28, 13, 29, 14, 30, 15, 31);
                uint8_t *dst = y + (oh + r) * g->ow + o;
                requant_store16(lo, q, n < 16 ? n : 16, dst);
                if (n > 16)
                    requant_store16(hi, q, n - 16, dst + 16);
            }
        }
    }
}

/* x - x_zp (x read as T) of padded rows [r0, r0 + pp->rows) into buf
 * (elements of type D) with pp's geometry (padded row r is input row r -
 * ph, columns from -pw): the padding 0, and `slack` zero elements after
 * the last row. Rows widened in fixed sixteen- and eight-element steps
 * (each one vector conversion): left to the compiler, a loop ran 32 or 64
 * at a time and the rest of a 56-wide row one by one (a sixth of the
 * layer's time). */
#if DW_SMALL
/* One padded int16 row of x - x_zp on AVX-512: 32 columns per step, the
 * input bytes loaded under a mask of the columns inside the row and the
 * padding lanes zeroed by the masked subtraction, so padding and data are
 * one pass of whole-vector stores. GCC compiled the eight-wide tail of the
 * generic loop below into byte loads and shifts: a fifth of the planar
 * int8 depthwise time on MobileNet-v2@224. */
static void fill_row_q16(const void *row, int u8, int64_t iw, int64_t pw, int64_t cols,
                         int32_t x_zp, int16_t *dst)
{
    const __m512i zp = _mm512_set1_epi16((int16_t)x_zp);
    const unsigned char *src = row;
    for (int64_t c = 0; c < cols; c += 32) {
        /* lanes j with input column c + j - pw in [0, iw) */
        const int64_t lo = pw - c > 0 ? pw - c : 0, hi = pw + iw - c < 32 ? pw + iw - c : 32;
        const __mmask32 m = hi > lo ? (__mmask32)(((hi == 32 ? 0u : 1u << hi) - 1u) &
                                                  ~((1u << lo) - 1u))
                                    : 0;
        const __m256i b = _mm256_maskz_loadu_epi8(m, src + c - pw);
        const __m512i w = u8 ? _mm512_cvtepu8_epi16(b) : _mm512_cvtepi8_epi16(b);
        const __m512i v = _mm512_maskz_sub_epi16(m, w, zp);
        if (c + 32 <= cols)
            _mm512_storeu_si512(dst + c, v);
        else
            _mm512_mask_storeu_epi16(dst + c, (__mmask32)((1u << (cols - c)) - 1u), v);
    }
}
#endif

#if DW_SMALL
#define PAD_ROW_Q16(src, u8, iw, pw, cols, zp, dst) fill_row_q16(src, u8, iw, pw, cols, zp, dst)
#else
#define PAD_ROW_Q16(src, u8, iw, pw, cols, zp, dst) ((void)0)
#endif

#define DWQ_PAD_FILL(NAME, D, T)                                                               \
    static void NAME(const eb_simd_conv_geom *g, const padded_plane *pp, const T *x,           \
                     int32_t x_zp, int64_t r0, D *buf, int64_t slack)                          \
    {                                                                                          \
        for (int64_t i = 0; i < pp->rows; i++) {                                               \
            D *dst = buf + i * pp->cols;                                                       \
            const int64_t r = r0 + i - g->ph;                                                  \
            if (r < 0 || r >= g->ih) {                                                         \
                memset(dst, 0, (size_t)pp->cols * sizeof *dst);                                \
                continue;                                                                      \
            }                                                                                  \
            const T *src = x + r * g->iw;                                                      \
            if (DW_SMALL && sizeof(D) == 2) {                                                  \
                PAD_ROW_Q16(src, (T)-1 > 0, g->iw, g->pw, pp->cols, x_zp, (int16_t *)(void *)dst); \
                continue;                                                                      \
            }                                                                                  \
            memset(dst, 0, (size_t)g->pw * sizeof *dst);                                       \
            D *d = dst + g->pw;                                                                \
            int64_t c = 0;                                                                     \
            for (; c + 16 <= g->iw; c += 16)                                                   \
                for (int j = 0; j < 16; j++)                                                   \
                    d[c + j] = (D)((int32_t)src[c + j] - x_zp);                                \
            for (; c + 8 <= g->iw; c += 8)                                                     \
                for (int j = 0; j < 8; j++)                                                    \
                    d[c + j] = (D)((int32_t)src[c + j] - x_zp);                                \
            for (; c < g->iw; c++)                                                             \
                d[c] = (D)((int32_t)src[c] - x_zp);                                            \
            memset(d + g->iw, 0, (size_t)(pp->cols - g->pw - g->iw) * sizeof *dst);            \
        }                                                                                      \
        memset(buf + pp->rows * pp->cols, 0, (size_t)slack * sizeof *buf);                     \
    }

DWQ_PAD_FILL(pad_q16_u8, int16_t, uint8_t)
DWQ_PAD_FILL(pad_q16_i8, int16_t, int8_t)
DWQ_PAD_FILL(pad_q32_u8, int32_t, uint8_t)
DWQ_PAD_FILL(pad_q32_i8, int32_t, int8_t)

static void dw3q16_padded(const eb_simd_conv_geom *g_in, const padded_plane *pp, const void *x,
                          eb_dtype xdt, int32_t x_zp, const int16_t *w, const dwq_out *q,
                          uint8_t *y)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    int16_t buf[PAD_MAX_ELEMS + DW3Q16_SLACK];
    v16i w01[3], w2[3];
    dw3q16_weights(w, w01, w2);
    for (int64_t oh = 0; oh < g->oh; oh += pp->group) {
        if (xdt == EB_DT_U8)
            pad_q16_u8(g, pp, x, x_zp, oh * g->sh, buf, DW3Q16_SLACK);
        else
            pad_q16_i8(g, pp, x, x_zp, oh * g->sh, buf, DW3Q16_SLACK);
        if (g->sw == 1)
            dw3q16_s1(g, pp, buf, oh, w01, w2, q, y);
        else
            dw3q16_s2(g, pp, buf, oh, w01, w2, q, y);
    }
}

static void dwq_padded(const eb_simd_conv_geom *g_in, const padded_plane *pp, const void *x,
                       eb_dtype xdt, int32_t x_zp, const int16_t *w, int32_t *acc_plane)
{
    const eb_simd_conv_geom gl = *g_in, *g = &gl; /* see conv_small_f32 */
    int32_t buf[PAD_MAX_ELEMS];
    for (int64_t oh = 0; oh < g->oh; oh += pp->group) {
        if (xdt == EB_DT_U8)
            pad_q32_u8(g, pp, x, x_zp, oh * g->sh, buf, 0);
        else
            pad_q32_i8(g, pp, x, x_zp, oh * g->sh, buf, 0);
        if (g->sw == 1)
            dwq_rows_s1(g, pp, buf, oh, w, acc_plane);
        else if (g->sw == 2)
            dwq_rows_s2(g, pp, buf, oh, w, acc_plane);
        else
            dwq_rows_sn(g, pp, buf, oh, w, acc_plane);
    }
}

/* int8 small planes (dw_small_plane), as dw_small_f32: each input row read
 * in place with masked byte loads, widened to int32 lanes as x - x_zp
 * (lanes in the padding zero), each tap one multiply-add of an int16 pair
 * against (w, 0) (vpmaddwd: one micro-op, exact; vpmulld is two), the
 * requantisation in registers (requant_store_m16).
 * Byte-identical with ref: the sums are exact. */
#if DW_SMALL
#define Q8_ACC0(ky) _mm512_setzero_si512()
#define Q8_XS(WIDEN, S, K, row, xs)                                                            \
    do {                                                                                       \
        if (S == 1) {                                                                          \
            for (int kx = 0; kx < K; kx++)                                                     \
                xs[kx] = _mm512_maskz_sub_epi32(                                               \
                    m[kx], WIDEN(_mm_maskz_loadu_epi8(m[kx], row + kx - dwr_pw)), zp);          \
        } else {                                                                               \
            const __m512i a_ = _mm512_sub_epi32(WIDEN(_mm_maskz_loadu_epi8(row_lo, row)), zp), \
                          b_ = _mm512_sub_epi32(                                               \
                              WIDEN(_mm_maskz_loadu_epi8(row_hi, row + 16)), zp);              \
            for (int kx = 0; kx < K; kx++)                                                     \
                xs[kx] = _mm512_maskz_permutex2var_epi32(m[kx], a_, idx[kx], b_);              \
        }                                                                                      \
    } while (0)
#define U8_XS(S, K, row, xs) Q8_XS(_mm512_cvtepu8_epi32, S, K, row, xs)
#define I8_XS(S, K, row, xs) Q8_XS(_mm512_cvtepi8_epi32, S, K, row, xs)
#define Q8_MADD(acc, xv, tap)                                                                  \
    ((__m512i)PAIR_MADD16_ACC((v16i)(acc), (v16i)(xv), (v16i)_mm512_set1_epi32(wp[tap])))
#define Q8_STORE(v, oh) requant_store_m16(v, q, out, y + (oh) * dwr_ow)

#define DW_SMALL_Q8(NAME, K, S, T, XS)                                                         \
    static void NAME(const eb_simd_conv_geom *g, const T *x, int32_t x_zp, const int16_t *w,   \
                     const dwq_out *q, uint8_t *y)                                             \
    {                                                                                          \
        DW_SMALL_MASKS(K, S);                                                                  \
        const __m512i zp = _mm512_set1_epi32(x_zp);                                            \
        int32_t wp[K * K]; /* (w, 0) pairs, broadcast from memory by the multiply-adds */      \
        for (int i = 0; i < K * K; i++)                                                        \
            wp[i] = (int32_t)((uint32_t)w[i] & 0xFFFFu);                                       \
        DW_SMALL_ROWS(K, S, K, 0, __m512i, T, Q8_ACC0, XS, Q8_MADD, _mm512_add_epi32,          \
                      Q8_STORE)                                                                \
    }

DW_SMALL_Q8(dw_small_u8_k3s1, 3, 1, uint8_t, U8_XS)
DW_SMALL_Q8(dw_small_u8_k3s2, 3, 2, uint8_t, U8_XS)
DW_SMALL_Q8(dw_small_u8_k5s1, 5, 1, uint8_t, U8_XS)
DW_SMALL_Q8(dw_small_u8_k5s2, 5, 2, uint8_t, U8_XS)
DW_SMALL_Q8(dw_small_i8_k3s1, 3, 1, int8_t, I8_XS)
DW_SMALL_Q8(dw_small_i8_k3s2, 3, 2, int8_t, I8_XS)
DW_SMALL_Q8(dw_small_i8_k5s1, 5, 1, int8_t, I8_XS)
DW_SMALL_Q8(dw_small_i8_k5s2, 5, 2, int8_t, I8_XS)

#if defined(__AVX512VNNI__)
/* The row reading the VNNI kernels share (dw_vq here, the tiny-plane
 * depthwise and the direct stem after it): 64 bytes of an input row from
 * column o0 * s - pw, where the 16 outputs from o0 start, under the mask
 * vq_row_mask gives (bytes outside the input keep the zero point it was
 * loaded over); vq_didx(s) then gives 128-bit lane L the dwords L*s ..
 * L*s + 3, the 16 bytes its four outputs start in, and vq_pat(s) shuffles
 * each output j' of the lane to its window row's bytes s*j' + 0..2, then
 * 0. */
static inline __mmask64 vq_row_mask(int64_t lpad, int64_t iw)
{
    /* the input's bytes are [lpad, lpad + iw) of the 64; lpad (pw - o0 * s)
     * may be negative: then from byte 0 */
    const int64_t b0 = lpad > 0 ? lpad : 0, b1 = lpad + iw < 64 ? lpad + iw : 64;
    return b1 > b0 ? (b1 >= 64 ? ~0ull : (1ull << b1) - 1) & ~((1ull << b0) - 1) : 0;
}

static inline __m512i vq_didx(int s)
{
    return _mm512_setr_epi32(0, 1, 2, 3, s, s + 1, s + 2, s + 3, 2 * s, 2 * s + 1, 2 * s + 2,
                             2 * s + 3, 3 * s, 3 * s + 1, 3 * s + 2, 3 * s + 3);
}

static inline __m512i vq_pat(int s)
{
    return _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, -128, (char)s, (char)(s + 1),
                                                (char)(s + 2), -128, (char)(2 * s),
                                                (char)(2 * s + 1), (char)(2 * s + 2), -128,
                                                (char)(3 * s), (char)(3 * s + 1),
                                                (char)(3 * s + 2), -128));
}

/* 3x3 planes at stride 1 or 2 with VNNI, any width, read in place: one
 * vpdpbusd per input row and output row takes a window row's three taps
 * at once (the small-plane kernel above: three int16 pair multiply-adds
 * after widening each tap's bytes to int32; the padded kernels: a copy of
 * the plane as int16 first). Blocks of 16 output columns; lane j of an
 * input row's vector holds the bytes (x[j*s - pw + 0..2], 0) as
 * unsigned (int8 input: x + 128); the window row's weights are (w0, w1,
 * w2, 0) as signed bytes. The row is one masked 64-byte load (bytes
 * outside the input read as the zero point, so the padding contributes
 * w * (zp - zp) = 0 like ref's), then a dword permute giving each 128-bit
 * lane the 16 bytes its four outputs start in, and a byte shuffle into
 * the triples; rows above or below the input are all zero points. The
 * sums are of x - zp through sum(w * x) - zp * sum(w), exact in int32:
 * byte-identical with ref. Weights outside int8 keep the kernel above. */
#define VQ_XS(S, K, row, xs)                                                                   \
    do {                                                                                       \
        __m512i b_ = row ? _mm512_mask_loadu_epi8(zpb, rowm, (row) - dwr_pw) : zpb;             \
        if (flip)                                                                              \
            b_ = _mm512_xor_si512(b_, _mm512_set1_epi8((char)0x80));                           \
        xs[0] = _mm512_shuffle_epi8(_mm512_permutexvar_epi32(didx, b_), pat);                  \
    } while (0)
#define VQ_ACC0(ky) ((ky) == 0 ? corr : _mm512_setzero_si512())
#define VQ_MADD(acc, xv, tap) eb_simd_dpbusd(acc, xv, wq[(tap) / 3])
#define VQ_STORE(v, oh) requant_store_m16_na(v, q, sat, out, y + (oh) * dwr_ow)

#define DW_VQ(NAME, S)                                                                   \
    static void NAME(const eb_simd_conv_geom *g, const uint8_t *x_plane, int flip,             \
                     int32_t x_zp, const int16_t *w, const dwq_out *q, uint8_t *y_plane)       \
    {                                                                                          \
        const __m512i zpb = _mm512_set1_epi8((char)(uint8_t)x_zp);                             \
        const __m512i didx = vq_didx(S), pat = vq_pat(S);                                      \
        __m512i wq[3];                                                                         \
        int32_t wsum = 0;                                                                      \
        for (int ky = 0; ky < 3; ky++) {                                                       \
            const uint32_t b0 = (uint8_t)w[ky * 3], b1 = (uint8_t)w[ky * 3 + 1],               \
                           b2 = (uint8_t)w[ky * 3 + 2];                                        \
            wq[ky] = _mm512_set1_epi32((int32_t)(b0 | b1 << 8 | b2 << 16));                    \
            wsum += w[ky * 3] + w[ky * 3 + 1] + w[ky * 3 + 2];                                 \
        }                                                                                      \
        const int32_t zp_u = flip ? x_zp + 128 : x_zp; /* the zero point as loaded */          \
        /* the sums start at the bias less the zero point's share (int32,                      \
         * wrapping as ref's add does), so the stores add nothing */                           \
        const __m512i corr =                                                                   \
            _mm512_set1_epi32((int32_t)((uint32_t)q->add - (uint32_t)zp_u * (uint32_t)wsum));  \
        const int sat = q->sat; /* in a register: the byte stores may alias *q */              \
        /* blocks of 16 output columns, each as a plane whose input starts                     \
         * at column o0 * S (its padding on the left pw - o0 * S, which may                    \
         * be negative: the mask then starts at byte 0) */                                     \
        for (int64_t o0 = 0; o0 < g->ow; o0 += 16) {                                           \
            const uint8_t *x = x_plane + o0 * S;                                               \
            uint8_t *y = y_plane + o0;                                                         \
            const int64_t n = g->ow - o0 < 16 ? g->ow - o0 : 16;                               \
            const __mmask16 out = (__mmask16)((1u << n) - 1);                                  \
            const __mmask64 rowm = vq_row_mask(g->pw - o0 * S, g->iw);                         \
            DW_SMALL_ROWS(3, S, 1, 1, __m512i, uint8_t, VQ_ACC0, VQ_XS, VQ_MADD,               \
                          _mm512_add_epi32, VQ_STORE)                                          \
        }                                                                                      \
    }

DW_VQ(dw_vq_k3s1, 1)
DW_VQ(dw_vq_k3s2, 2)

/* Whether the VNNI kernel takes the plane: 3x3 at stride 1 or 2, weights
 * in int8. */
static int dw_vq_fits(const eb_simd_conv_geom *g, const int16_t *w)
{
    if (!dw3_applies(g))
        return 0;
    for (int i = 0; i < 9; i++)
        if (w[i] < -128 || w[i] > 127)
            return 0;
    return 1;
}
#endif

#include "backends/simd/simd_vec_dwconv_q8_tiny.h"

static void dw_small_q8(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt, int32_t x_zp,
                        const int16_t *w, const dwq_out *q, uint8_t *y)
{
    if (xdt == EB_DT_U8)
        DW_KS_PICK(dw_small_u8, g)(g, x, x_zp, w, q, y);
    else
        DW_KS_PICK(dw_small_i8, g)(g, x, x_zp, w, q, y);
}
#endif

static void EB_VEC_FN(dwconv_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt,
                                 int32_t x_zp, const int16_t *w, int32_t bias, float mult,
                                 int32_t y_zp, int32_t y_min, int32_t y_max, eb_dtype ydt,
                                 void *y, int32_t *acc)
{
    padded_plane pp;
    const dwq_out q = {.add = bias, .mult = mult, .zp = y_zp, .flo = (float)(y_min - y_zp),
                       .fhi = (float)(y_max - y_zp), .sat = dwq_sat(y_min, y_max, &mult, 1)};
#if defined(__AVX512VNNI__)
    if (dw_vq_fits(g, w)) {
        (g->sw == 1 ? dw_vq_k3s1 : dw_vq_k3s2)(g, (const uint8_t *)x, xdt != EB_DT_U8, x_zp, w,
                                               &q, (uint8_t *)y);
        return;
    }
#endif
#if DW_SMALL
    if (dw_small_plane(g)) {
        dw_small_q8(g, x, xdt, x_zp, w, &q, y);
        return;
    }
#endif
#if DW_AVX2
    if (dw_avx2_q8_fits(g, w)) {
        dw_avx2_q8(g, x, xdt, x_zp, w, &q, y);
        return;
    }
#endif
    /* the general padded path keeps the plane's accumulators: acc holds
     * oh * ow */
    if (dw3_applies(g) && padded_size_for(g, g->sw == 1 ? 32 : 16, sizeof(int16_t), &pp)) {
        dw3q16_padded(g, &pp, x, xdt, x_zp, w, &q, y);
        return;
    }
    if (padded_size(g, sizeof(int32_t), &pp)) {
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

#endif
