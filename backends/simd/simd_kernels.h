/* Kernel families of the simd backend and their variant lists.
 *
 * Every family's variants are listed once, in an X-macro file:
 *   simd_f32_gemm.inc   fp32 GEMM micro-kernels (MR x NR register tiles)
 *   simd_q8_gemm.inc    int8 GEMM micro-kernels (int32 accumulation)
 *   simd_f32_sigmoid.inc fp32 sigmoid / SiLU (element-wise)
 *   simd_vec.inc        per-ISA builds of the vector helpers (packing,
 *                       depthwise conv, requantisation, add, pooling)
 * Dispatch (simd_dispatch.c), the kernel tests (tests/test_simd_kernels.c,
 * tests/aarch64) and the benchmark (bench/bench_backends.c) read these lists,
 * so a listed variant is dispatched, tested and benchmarked; a variant whose
 * ISA the host lacks is skipped, never failed. Lists run from the most
 * portable variant to the preferred one: dispatch takes the last usable one.
 *
 * Layouts. GEMM computes C[M][N] = A[M][K] * B[K][N] where A holds constant
 * weights (packed once at prepare) and B activations (packed per call).
 * Packed panels interleave KU consecutive k (the depth of one multiply-add
 * instruction: 1 for fp32 FMA, 2 for vpmaddwd, 4 for vpdpbusd / SDOT):
 *   A panel of MR rows:    element (r, k) at ((k / KU) * MR + r) * KU + k % KU
 *   B panel of NR columns: element (k, j) at ((k / KU) * NR + j) * KU + k % KU
 * K is padded with zeros to a multiple of KU, M to MR, N to NR. */
#ifndef EB_SIMD_KERNELS_H
#define EB_SIMD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "backends/ref/ref_q8.h"
#include "backends/simd/simd_isa.h"
#include "edgebench/dtype.h"

/* ---- fp32 GEMM -----------------------------------------------------------
 * c[r * ldc + j] = clamp(bias[r] + sum_k a(r, k) * b[k * ldb + j], lo, hi)
 * for r < mr, j < nr (mr <= MR, nr <= NR valid rows / columns; NR columns
 * of b are read on every row). b is a packed panel (ldb = NR) or, for a
 * pointwise convolution's full panels, the input itself (ldb = the plane),
 * which saves the copy. bias holds MR values (zero-padded) or is NULL. */
typedef void (*eb_simd_f32_gemm_fn)(int64_t k, const float *a, const float *b, int64_t ldb,
                                    float *c, int64_t ldc, int mr, int nr, const float *bias,
                                    float lo, float hi);

typedef void (*eb_simd_f32_block_fn)(int64_t k, const float *a, const float *b, int64_t ldb,
                                     float *c, int64_t ldc, int mr, int nr, const float *bias,
                                     float lo, float hi, int acc, const void *pf,
                                     int64_t pf_lines);

typedef struct eb_simd_f32_gemm_variant {
    const char *name;
    unsigned isa; /* EB_SIMD_ISA_* bits needed */
    int mr, nr;
    int few_cols; /* 1: for products with few columns (eb_simd_f32_gemm_for) */
    eb_simd_f32_gemm_fn fn;
    /* NULL, or the same tile accumulating: c[r * ldc + j] = clamp(c[r * ldc
     * + j] + sum_k a(r, k) * b[k * ldb + j], lo, hi) for r < mr, j < nr,
     * bias unused (a K block after the first) */
    eb_simd_f32_gemm_fn acc;
    /* NULL, or (a few-column tile with an accumulating form) one K block of
     * the tile, from the bias (acc 0, like fn) or accumulating (acc 1, like
     * the acc form), that also asks for pf_lines 64-byte lines from pf
     * (prefetcht1), spread evenly over its k steps: the next block's
     * weights, while this one runs (simd_gemm.c, f32_task) */
    eb_simd_f32_block_fn block;
} eb_simd_f32_gemm_variant;

/* ---- int8 GEMM -----------------------------------------------------------
 * tile[r * NR + j] = sum_k a(r, k) * b(k, j) over the whole panels (kq = K
 * padded / KU groups), int32, wrapping. The caller adds bias and zero-point
 * corrections and requantises. */
typedef void (*eb_simd_q8_gemm_fn)(int64_t kq, const void *a, const void *b, int32_t *tile);

/* The output side of ref's requantisation rule (backends/ref/requant_s32.h):
 * zero point and clamp range of the int8 / uint8 result. saturate: 1 when
 * the range is the byte type's whole range and every row's |mult| <= 0.5
 * (eb_simd_q8_rq_saturates): then a kernel may leave out the clamp on the
 * float, since round(v) + zp stays inside int32 and the saturating packs
 * to bytes clamp exactly as the rule does. */
typedef struct eb_simd_q8_rq {
    int32_t zp, lo, hi;
    int saturate;
} eb_simd_q8_rq;

/* eb_simd_q8_rq.saturate for an output of type unsigned_out ? uint8 :
 * int8 with range [lo, hi] and the n row multipliers mult: the bytes'
 * saturation is the clamp (the range is the type's), and no value can
 * leave int32 before it (|acc + add| < 2^31, so |(acc + add) * mult| <=
 * 2^30 with |mult| <= 0.5, plus |zp| <= 255). */
static inline int eb_simd_q8_rq_saturates(int unsigned_out, int32_t lo, int32_t hi,
                                          const float *mult, int64_t n)
{
    if (lo != (unsigned_out ? 0 : -128) || hi != (unsigned_out ? 255 : 127))
        return 0;
    for (int64_t i = 0; i < n; i++)
        if (!(mult[i] >= -0.5f && mult[i] <= 0.5f))
            return 0;
    return 1;
}

/* The same product with the requantisation fused into the store (variants
 * listed with RQ 1, entry point eb_<name>_rq): for r < mr, j < nr,
 *   y[r * ldy + j] = requant_s32(tile(r, j) + add[r], mult[r], p)
 * as a byte (int8 or uint8 alike), the int32 sum wrapping, exactly ref's
 * rule; nothing else of y is written. add and mult hold MR readable values
 * (rows past mr are computed, never stored). Rows are the tile's rows (the
 * output channels) for few-column variants too. */
typedef void (*eb_simd_q8_gemm_rq_fn)(int64_t kq, const void *a, const void *b,
                                      const int32_t *add, const float *mult,
                                      const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy, int mr,
                                      int nr);

typedef enum eb_simd_q8_format {
    EB_SIMD_Q8_I16 = 0, /* A and B int16: centred weights x centred activations */
    EB_SIMD_Q8_U8S8 = 1, /* B uint8 (activation offset to unsigned), A int8 */
    EB_SIMD_Q8_S8S8 = 2  /* B int8 (activation offset to signed), A int8 */
} eb_simd_q8_format;

typedef struct eb_simd_q8_gemm_variant {
    const char *name;
    unsigned isa;
    int mr, nr, ku;
    eb_simd_q8_format format;
    int few_cols; /* 1: for products with few columns; tile[j * MR + r] */
    eb_simd_q8_gemm_fn fn;
    eb_simd_q8_gemm_rq_fn rq_fn; /* requantising store, or NULL (RQ 0) */
} eb_simd_q8_gemm_variant;

/* Bytes per value of a variant's operands: 2 for int16, else 1. */
static inline int eb_simd_q8_elem_bytes(const eb_simd_q8_gemm_variant *v)
{
    return v->format == EB_SIMD_Q8_I16 ? 2 : 1;
}

/* ---- fp32 sigmoid --------------------------------------------------------
 * y[i] = sigmoid(x[i]) (silu 0) or x[i] * sigmoid(x[i]) (silu 1), i < n;
 * y may be x. */
typedef void (*eb_simd_f32_sigmoid_fn)(int64_t n, const float *x, float *y, int silu);

typedef struct eb_simd_f32_sigmoid_variant {
    const char *name;
    unsigned isa;
    eb_simd_f32_sigmoid_fn fn;
} eb_simd_f32_sigmoid_variant;

/* ---- geometry shared by packing and direct kernels ----------------------
 * One image and one group of a 2-D convolution, or a matrix seen as one:
 * element (c, iy, ix) of the input is x[c * c_stride + (iy * iw + ix) *
 * p_stride]. A GEMM operand X[rows][K] is c_stride 1, p_stride K, ih 1,
 * iw rows, a 1x1 window. */
typedef struct eb_simd_conv_geom {
    int64_t channels;           /* input channels of the group */
    int64_t ih, iw, oh, ow;
    int64_t kh, kw, sh, sw, dh, dw, ph, pw;
    int64_t c_stride, p_stride;
    int pointwise;              /* 1x1, stride 1, no padding, p_stride 1 */
    /* int8 packing only: each element is 4 bytes holding KU channels'
     * values x - sub (KU 4 bytes, or KU 2 int16), "channels" count such
     * groups of channels, c_stride and p_stride count elements
     * (pack_b_q8; simd_plan_conv.c makes them) */
    int blocked;
} eb_simd_conv_geom;

/* Per-ISA helpers, built from one template (simd_vec_impl.h) per ISA. */
typedef struct eb_simd_vec_kernels {
    const char *name; /* "c", "avx2", ... */
    unsigned isa;

    /* B panel of NR columns [j0, j0 + nvalid) of the convolution's column
     * matrix (rows k = (c, ky, kx)), fp32, KU 1; padding and columns past
     * nvalid are 0. */
    void (*pack_b_f32)(const eb_simd_conv_geom *g, const float *x, int64_t j0, int nvalid,
                       int nr, float *dst);
    /* Same for int8: value x - sub (x read as xdt), `pad` where the window
     * lies in the padding; elem_bytes 1 or 2; KU interleave, rows up to
     * kpad (a multiple of ku) zero past the real ones. From a `blocked`
     * input (elem_bytes * ku == 4): its elements moved whole, rows (c, ky,
     * kx) of channel groups c, kpad = channels * kh * kw * ku. */
    void (*pack_b_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt, int32_t sub,
                      int32_t pad, int elem_bytes, int ku, int64_t kpad, int64_t j0, int nvalid,
                      int nr, void *dst);
    /* Column panels [p0, p1) of nr columns (the last ending at column n),
     * panel p at dst + (p - p0) * kpad * nr * elem_bytes, each as
     * pack_b_q8 packs it: the few-column GEMMs' packing of all their
     * panels at once. */
    void (*pack_b_q8_panels)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt,
                             int32_t sub, int32_t pad, int elem_bytes, int ku, int64_t kpad,
                             int64_t n, int nr, int64_t p0, int64_t p1, void *dst);

    /* planes channel planes of a 2-D depthwise convolution (any kernel,
     * stride, dilation, padding): plane p reads x + p * x_plane with the
     * weights w + p * kh * kw and bias[p] (0 where bias is NULL) and writes
     * y + p * y_plane = clamp(bias + sum w * x, lo, hi). Several planes per
     * call: what a plane's kernel sets up (the small-plane masks) is done
     * once. */
    void (*dwconv_f32)(const eb_simd_conv_geom *g, int64_t planes, const float *x,
                       int64_t x_plane, const float *w, const float *bias, float lo, float hi,
                       float *y, int64_t y_plane);
    /* 1 when dwconv_f32 reads a small plane of geometry g (at most 16
     * output columns) in place: AVX-512 one vector per output row
     * (simd_vec_dwconv.h's dw_small_plane), AVX2 one or two blocks of
     * eight (simd_vec_dwconv_avx2.h). Then planar beats the channels-last
     * path. NULL in builds without such a kernel. */
    int (*dw_small_plane)(const eb_simd_conv_geom *g);
    /* The same for dwconv_q8 (AVX-512; AVX2 from 9 columns: simd_vec_dwconv_avx2.h). */
    int (*dw_small_plane_q8)(const eb_simd_conv_geom *g);
    /* int8 3x3 planes at least this many columns wide run planar, the
     * narrower ones channels-last (simd_plan_dwconv.c's planar_pays). */
    int64_t dw_q8_planar_iw;
    /* 1 when dwconv_q8 reads a plane of geometry g with one channel's
     * weights w (kh * kw) in place at any width (VNNI: one vpdpbusd per
     * window row, simd_vec_dwconv.h's dw_vq_fits); such planes run planar
     * at every width, dw_q8_planar_iw aside. NULL in builds without it. */
    int (*dw_q8_in_place)(const eb_simd_conv_geom *g, const int16_t *w);
    /* int8 3x3 depthwise on planes of at most 8 output columns, two or
     * four planes per vector (VNNI: simd_vec_dwconv_q8_tiny.h); NULL in
     * builds without it. dw_q8_tiny_pack packs one channel's weights, bias
     * and input zero point into the four int32 the kernel reads (prm[4 c]),
     * or returns 0 when the kernel does not take the plane. The kernel runs
     * `planes` consecutive planes (x_plane, y_plane elements apart) of one
     * image, prm and mult from their first channel. */
    int (*dw_q8_tiny_pack)(const eb_simd_conv_geom *g, const int16_t *w, int32_t bias,
                           int32_t x_zp, eb_dtype xdt, int32_t prm[4]);
    void (*dwconv_q8_tiny)(const eb_simd_conv_geom *g, int64_t planes, const void *x,
                           int64_t x_plane, eb_dtype xdt, int32_t x_zp, const int32_t *prm,
                           const float *mult, int32_t y_zp, int32_t y_min, int32_t y_max,
                           void *y, int64_t y_plane);
    /* int8: y = requant(bias + sum w * (x - x_zp)); acc: g->oh * g->ow
     * int32 of scratch. */
    void (*dwconv_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype xdt, int32_t x_zp,
                      const int16_t *w, int32_t bias, float mult, int32_t y_zp, int32_t y_min,
                      int32_t y_max, eb_dtype ydt, void *y, int32_t *acc);

    /* y[i] = requant_s32(acc[i] + add, mult, zp, lo, hi) for i < n, bit-exact
     * with requant_s32.h; ydt int8 or uint8. */
    void (*requant)(const int32_t *acc, int64_t n, int32_t add, float mult, int32_t zp,
                    int32_t lo, int32_t hi, eb_dtype ydt, void *y);

    /* y[i] = clamp(a[i] + b[i], lo, hi), i in [i0, i1). */
    void (*add_f32)(const float *a, const float *b, float lo, float hi, float *y, int64_t i0,
                    int64_t i1);
    /* y[i] = x[i] * s, i in [0, n): one rounding, ref's Mul. */
    void (*scale_f32)(const float *x, float s, float *y, int64_t n);
    /* eb_ref_add_q8 on elements [i0, i1), bit-exact. */
    void (*add_q8)(const eb_ref_add_q8_params *p, const void *a, const void *b, void *y,
                   int64_t i0, int64_t i1);

    /* One channel plane of a 2-D max pool (padding never wins; the window
     * geometry in g with channels 1). */
    void (*maxpool_f32)(const eb_simd_conv_geom *g, const float *x, float *y);
    /* y[c] = mean of plane c, c in [c0, c1). */
    void (*gavgpool_f32)(const float *x, int64_t plane, float *y, int64_t c0, int64_t c1);

    /* Channels-last depthwise (whole image, vectorised over channels) on a
     * padded buffer: pixel (r, q) of the input at dst[(r * row + q) * cpad],
     * rows of `row` pixels, the padding around it zero (set by the caller).
     * to_nhwc copies ih rows of iw pixels of channels [c0, c1) there
     * (channel c's rows at x + c * plane, so a band of rows of a larger
     * plane can be copied; int8: x - zp, x read as xdt, in the int32 form
     * the same table's dwconv_nhwc_q8 reads; see simd_vec_impl.h); cpad a
     * multiple of 8. */
    void (*to_nhwc_f32)(const float *x, int64_t plane, int64_t ih, int64_t iw, int64_t row,
                        int64_t cpad, int64_t c0, int64_t c1, float *dst);
    void (*to_nhwc_q8)(const void *x, eb_dtype xdt, int32_t zp, int64_t plane, int64_t ih,
                       int64_t iw, int64_t row, int64_t cpad, int64_t c0, int64_t c1,
                       int32_t *dst);
    /* Output rows [oh0, oh1) of one image; x points at the padded buffer's
     * corner (the window of output (oy, ox) starts at row oy * sh, column
     * ox * sw), weights w[tap * cpad + c], bias / mult of cpad; written
     * planar: y[c * oh * ow + p] for c < channels. fp32: clamp to [lo, hi];
     * int8: requant(acc + bias[c], mult[c]) exactly as `requant`. */
    void (*dwconv_nhwc_f32)(const eb_simd_conv_geom *g, int64_t channels, int64_t cpad,
                            int64_t row, const float *x, const float *w, const float *bias,
                            float lo, float hi, int64_t oh0, int64_t oh1, float *y);
    void (*dwconv_nhwc_q8)(const eb_simd_conv_geom *g, int64_t channels, int64_t cpad,
                           int64_t row, const int32_t *x, const int32_t *w, const int32_t *bias,
                           const float *mult, int32_t y_zp, int32_t y_min, int32_t y_max,
                           int64_t oh0, int64_t oh1, void *y);
    /* `requant` on `rows` rows of n accumulators (row r at tile + r * ldt,
     * its add[r] and mult[r]), bytes to y + r * ldy (int8 or uint8 alike). */
    void (*requant_tile)(const int32_t *tile, int ldt, int rows, int n, const int32_t *add,
                         const float *mult, int32_t zp, int32_t lo, int32_t hi, uint8_t *y,
                         int64_t ldy);
    /* The same on a tile stored by columns: row r of column j at
     * tile[j * ldt + r]; bytes to y + r * ldy + j. */
    void (*requant_cols)(const int32_t *tile, int ldt, int rows, int n, const int32_t *add,
                         const float *mult, int32_t zp, int32_t lo, int32_t hi, uint8_t *y,
                         int64_t ldy);
    /* y[i] = eb_ref_quantize_f32(x[i], scale, zp, lo, hi) as a byte (int8
     * or uint8 alike), i in [i0, i1). */
    /* y[i] = (float)(x[i] - zp) * scale, x int8 or uint8 (dt): ref's
     * DequantizeLinear per tensor, bit-exact. */
    void (*dequantize_q8)(const void *x, eb_dtype dt, int32_t zp, float scale, float *y,
                          int64_t i0, int64_t i1);
    void (*quantize_f32)(const float *x, float scale, int32_t zp, int32_t lo, int32_t hi,
                         uint8_t *y, int64_t i0, int64_t i1);
    /* One plane of a 2-D max pooling on int8 / uint8 (dt) values, as
     * eb_ref_maxpool_q8: padding never wins, a window wholly in the
     * padding gives the type's minimum. */
    void (*maxpool_q8)(const eb_simd_conv_geom *g, const void *x, eb_dtype dt, void *y);
    /* Output rows [oy0, oy1) of one image of a 2-D fp32 convolution (group
     * 1) read in place: y[o][oy][ox] = clamp(bias[o] + sum over (c, ky, kx)
     * of w(o, c, ky, kx) * x[c][iy][ix], lo, hi) for o < m; w holds, per
     * group of 16 output channels, 16 values per tap (c * kh + ky) * kw +
     * kx, zero past m, and bias is padded the same way. For inputs of few
     * channels (the stem, simd_vec_conv_small.h), stride sw 1 or 2, kw at
     * most EB_SIMD_CONV_SMALL_KW. NULL where the build has none (it is
     * AVX-512 only). */
    void (*conv_small_f32)(const eb_simd_conv_geom *g, int64_t m, const float *w,
                           const float *bias, const float *x, float *y, int64_t oy0,
                           int64_t oy1, float lo, float hi);
    /* int8 3x3 convolution of 1-4 input channels (a stem) with VNNI,
     * direct (simd_vec_conv_small_q8.h): rows [oy0, oy1) of m output
     * channels, from weights and additive terms conv_small_q8_pack made
     * (m > 16: several blocks of 16 channels, w and add from the first);
     * mult per channel. pack returns 0 when the kernel does not take the
     * geometry or the weights. Both NULL in builds without it. */
    int (*conv_small_q8_pack)(const eb_simd_conv_geom *g, int64_t m, const int16_t *w,
                              const int32_t *bias, int32_t x_zp, eb_dtype xdt, int32_t *wp,
                              int32_t *add);
    void (*conv_small_q8)(const eb_simd_conv_geom *g, int64_t m, const int32_t *w,
                          const int32_t *add, const float *mult, const void *x, eb_dtype xdt,
                          int32_t x_zp, int32_t y_zp, int32_t y_min, int32_t y_max, void *y,
                          int64_t oy0, int64_t oy1);
} eb_simd_vec_kernels;

#define EB_SIMD_CONV_SMALL_KW 16

/* ---- the lists --------------------------------------------------------- */

#define F32_ACC_0(NAME)
#define F32_ACC_1(NAME)                                                                      \
    void eb_##NAME##_acc(int64_t, const float *, const float *, int64_t, float *, int64_t, int, \
                         int, const float *, float, float);
#define F32_ACC_2(NAME)                                                                        \
    F32_ACC_1(NAME)                                                                            \
    void eb_##NAME##_block(int64_t, const float *, const float *, int64_t, float *, int64_t, int, \
                           int, const float *, float, float, int, const void *, int64_t);
#define EB_SIMD_F32_GEMM(NAME, ISA, MR, NR, FEW_COLS, ACC) \
    void eb_##NAME(int64_t, const float *, const float *, int64_t, float *, int64_t, int, int, \
                   const float *, float, float);                                            \
    F32_ACC_##ACC(NAME)
#include "backends/simd/simd_f32_gemm.inc"
#undef EB_SIMD_F32_GEMM
#undef F32_ACC_0
#undef F32_ACC_1
#undef F32_ACC_2

#define EB_SIMD_Q8_GEMM(NAME, ISA, MR, NR, KU, FORMAT, FEW_COLS, RQ) \
    void eb_##NAME(int64_t, const void *, const void *, int32_t *); \
    void eb_##NAME##_rq(int64_t, const void *, const void *, const int32_t *, const float *, \
                        const eb_simd_q8_rq *, uint8_t *, int64_t, int, int);
#include "backends/simd/simd_q8_gemm.inc"
#undef EB_SIMD_Q8_GEMM

#define EB_SIMD_F32_SIGMOID(NAME, ISA) void eb_##NAME(int64_t, const float *, float *, int);
#include "backends/simd/simd_f32_sigmoid.inc"
#undef EB_SIMD_F32_SIGMOID

#define EB_SIMD_VEC(NAME, ISA) extern const eb_simd_vec_kernels eb_simd_vec__##NAME;
#include "backends/simd/simd_vec.inc"
#undef EB_SIMD_VEC

/* Every listed variant (in list order) and the count. */
const eb_simd_f32_gemm_variant *eb_simd_f32_gemm_variants(int *n);
const eb_simd_q8_gemm_variant *eb_simd_q8_gemm_variants(int *n);
const eb_simd_vec_kernels *const *eb_simd_vec_variants(int *n);
const eb_simd_f32_sigmoid_variant *eb_simd_f32_sigmoid_variants(int *n);

/* The preferred general variant usable under ISA mask `isa` (never NULL:
 * the portable ones need nothing; few-column variants are never picked
 * here). q8: `narrow` says the centred weights fit int8, which the U8S8 /
 * S8S8 formats need. */
const eb_simd_f32_gemm_variant *eb_simd_pick_f32_gemm(unsigned isa);
const eb_simd_q8_gemm_variant *eb_simd_pick_q8_gemm(unsigned isa, int narrow);

/* The kernel one m x n product runs with, given the general one: the
 * listed few-column variant of the same ISA or a lower level (and for
 * int8 the same format and KU) when n is small enough that its tiles,
 * rows and columns, waste fewer lanes (9 columns fill 12 slots of
 * 6-column tiles, 16 of a 16-column one; 36: 36, not 48) and the result
 * is stored row-major (y_col 1); a one-column (matrix-vector) variant for
 * n = 1 only; otherwise `general` itself. */
const eb_simd_f32_gemm_variant *eb_simd_f32_gemm_for(const eb_simd_f32_gemm_variant *general,
                                                     int64_t m, int64_t n, int64_t y_col);
const eb_simd_q8_gemm_variant *eb_simd_q8_gemm_for(const eb_simd_q8_gemm_variant *general,
                                                   int64_t m, int64_t n, int64_t y_col);
const eb_simd_vec_kernels *eb_simd_pick_vec(unsigned isa);
const eb_simd_f32_sigmoid_variant *eb_simd_pick_f32_sigmoid(unsigned isa);

/* 1 when every ISA bit the variant needs is in `isa`. */
static inline int eb_simd_isa_has(unsigned isa, unsigned need) { return (isa & need) == need; }

#endif
