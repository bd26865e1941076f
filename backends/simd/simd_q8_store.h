/* Requantisation in the int8 GEMM micro-kernels' store (the `_rq` entry
 * points, simd_kernels.h): the int32 accumulators of a tile become int8 /
 * uint8 bytes in registers, byte-identical with ref's rule
 * (backends/ref/requant_s32.h) and with the vector helpers' requant8
 * (simd_vec_impl.h): (acc + add) wrapping, int32 -> float32, one float32
 * product (the simd sources are built with -ffp-contract=off), clamp to
 * [lo - zp, hi - zp] on the float, round half to even, + zp. Every value
 * then lies in [lo, hi], so narrowing with saturating packs is exact. */
#ifndef EB_SIMD_Q8_STORE_H
#define EB_SIMD_Q8_STORE_H

#include <stdint.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"

/* One accumulator, portable: the rule inline (as simd_vec_impl.h's
 * q_round: clamp on the float, then round half to even by adding and
 * subtracting 1.5 * 2^23, exact for the clamped range). */
static inline uint8_t eb_simd_q8_rq1(int32_t acc, int32_t add, float mult,
                                     const eb_simd_q8_rq *p)
{
    const int32_t a = (int32_t)((uint32_t)acc + (uint32_t)add); /* wraps */
    const float lo = (float)(p->lo - p->zp), hi = (float)(p->hi - p->zp);
    float v = (float)a * mult;
    v = !(v >= lo) ? lo : v;
    v = v > hi ? hi : v;
    return (uint8_t)(p->zp + (int32_t)((v + 12582912.0f) - 12582912.0f));
}

/* After the k loop a kernel with twelve accumulators stores them to a local
 * tile and requantises from there: requantising them in registers keeps all
 * twelve live beside the clamp constants, more than the sixteen vector
 * registers, and GCC then spills accumulators inside the k loop (measured:
 * 92 against 148 GOP/s). The empty asm takes the tile's address, so the
 * stores cannot be folded back into register copies. */
#define EB_SIMD_Q8_TILE_BARRIER(tile) __asm__ volatile("" : : "r"(tile) : "memory")

#if defined(__AVX2__)
#include <immintrin.h>

typedef struct eb_simd_q8_rq_avx2 {
    __m256 lo, hi;    /* lo - zp, hi - zp */
    __m256i zp16;     /* zp in every int16 lane: added after the first pack */
    int unsigned_out; /* lo >= 0: pack with unsigned saturation */
    int saturate;     /* the packs' saturation is the clamp (eb_simd_q8_rq) */
} eb_simd_q8_rq_avx2;

static inline eb_simd_q8_rq_avx2 eb_simd_q8_rq_avx2_make(const eb_simd_q8_rq *p)
{
    eb_simd_q8_rq_avx2 r;
    r.lo = _mm256_set1_ps((float)(p->lo - p->zp));
    r.hi = _mm256_set1_ps((float)(p->hi - p->zp));
    r.zp16 = _mm256_set1_epi16((int16_t)p->zp);
    r.unsigned_out = p->lo >= 0;
    r.saturate = p->saturate;
    return r;
}

/* Eight accumulators with their add and mult (one per lane or broadcast):
 * round((acc + add) * mult), the zero point not yet added, clamped unless
 * r->saturate, as eb_simd_q8_rq16_avx512. */
static inline __attribute__((always_inline)) __m256i
eb_simd_q8_rq8_avx2(__m256i acc, __m256i add, __m256 mult, const eb_simd_q8_rq_avx2 *r)
{
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(acc, add)), mult);
    /* never NaN; vcvtps2dq rounds half to even in the default mode */
    if (!r->saturate)
        v = _mm256_min_ps(_mm256_max_ps(v, r->lo), r->hi);
    return _mm256_cvtps_epi32(v);
}

/* Four vectors of eb_simd_q8_rq8_avx2 values -> 32 bytes, in order: a's
 * eight, then b's, c's, d's; the zero point added to the int16 values
 * after the first pack (exact: see eb_simd_q8_packw_avx512). */
static inline __attribute__((always_inline)) __m256i
eb_simd_q8_pack32_avx2(__m256i a, __m256i b, __m256i c, __m256i d, const eb_simd_q8_rq_avx2 *r)
{
    const __m256i ab = _mm256_adds_epi16(_mm256_packs_epi32(a, b), r->zp16),
                  cd = _mm256_adds_epi16(_mm256_packs_epi32(c, d), r->zp16);
    const __m256i w =
        r->unsigned_out ? _mm256_packus_epi16(ab, cd) : _mm256_packs_epi16(ab, cd);
    return _mm256_permutevar8x32_epi32(w, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}
#endif

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>

/* The same rule on sixteen lanes (the AVX-512 kernels). With 32 vector
 * registers their twelve or fourteen accumulators, the per-row add and
 * mult and these constants all fit at once, so unlike the AVX2 kernels
 * they requantise straight from the accumulators, with no tile in L1. */
typedef struct eb_simd_q8_rq_avx512 {
    __m512 lo, hi; /* lo - zp, hi - zp */
    __m512i zp16;     /* zp in every int16 lane: added after the first pack */
    int unsigned_out; /* lo >= 0: pack with unsigned saturation */
    int saturate;     /* the packs' saturation is the clamp (eb_simd_q8_rq) */
} eb_simd_q8_rq_avx512;

static inline eb_simd_q8_rq_avx512 eb_simd_q8_rq_avx512_make(const eb_simd_q8_rq *p)
{
    eb_simd_q8_rq_avx512 r;
    r.lo = _mm512_set1_ps((float)(p->lo - p->zp));
    r.hi = _mm512_set1_ps((float)(p->hi - p->zp));
    r.zp16 = _mm512_set1_epi16((int16_t)p->zp);
    r.unsigned_out = p->lo >= 0;
    r.saturate = p->saturate;
    return r;
}

/* Sixteen accumulators requantised: round((acc + add) * mult) as int32,
 * the zero point not yet added (eb_simd_q8_packw_avx512 adds it); where
 * r->saturate, out of range values are left for the packs' saturation to
 * clamp (two instructions of seven saved: the shallow products' stores,
 * MobileNet-v2 0.5@96's K = 8 and 16 layers, are mostly this). Kernels
 * whose sums started at the bias pass add = zero: the add folds away. */
static inline __attribute__((always_inline)) __m512i
eb_simd_q8_rq16_avx512(__m512i acc, __m512i add, __m512 mult, const eb_simd_q8_rq_avx512 *r)
{
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(acc, add)), mult);
    /* never NaN; vcvtps2dq rounds half to even in the default mode */
    if (!r->saturate)
        v = _mm512_min_ps(_mm512_max_ps(v, r->lo), r->hi);
    return _mm512_cvtps_epi32(v);
}

/* Two vectors of eb_simd_q8_rq16_avx512 values -> 32 int16 (packed
 * within 128-bit lanes) with the zero point added, one instruction per
 * two vectors instead of one each. Exact: clamped values lie within
 * [lo - zp, hi - zp], so both steps are exact; under r->saturate a value
 * v beyond int16 saturates to +-32767/-32768, and with |zp| <= 255 the
 * sum still lies beyond the byte range on v + zp's side, so the byte pack
 * gives what it gives for v + zp. */
static inline __attribute__((always_inline)) __m512i
eb_simd_q8_packw_avx512(__m512i a, __m512i b, const eb_simd_q8_rq_avx512 *r)
{
    return _mm512_adds_epi16(_mm512_packs_epi32(a, b), r->zp16);
}

/* Four vectors of eb_simd_q8_rq16_avx512 values -> 64 bytes: a's
 * sixteen, b's, c's, d's, in order. The packs work within 128-bit lanes
 * (dword 4l + i of the packed vector holds lane l of the i-th input); one
 * permute puts each input's four dwords back together. */
static inline __attribute__((always_inline)) __m512i
eb_simd_q8_pack64_avx512(__m512i a, __m512i b, __m512i c, __m512i d,
                         const eb_simd_q8_rq_avx512 *r)
{
    const __m512i ab = eb_simd_q8_packw_avx512(a, b, r), cd = eb_simd_q8_packw_avx512(c, d, r);
    const __m512i w =
        r->unsigned_out ? _mm512_packus_epi16(ab, cd) : _mm512_packs_epi16(ab, cd);
    return _mm512_permutexvar_epi32(
        _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), w);
}

/* Two rows R, R + 1 of a tile of 32 columns (two vectors each, one add and
 * mult per row) stored as bytes: nr columns of each row that is below mr
 * (masked stores write nothing else; shared by the 6 x 32 kernels). */
static inline __attribute__((always_inline)) void
eb_simd_q8_store_2rows_avx512(__m512i r00, __m512i r01, __m512i r10, __m512i r11,
                              const int32_t *add, const float *mult, int R,
                              const eb_simd_q8_rq_avx512 *r, uint8_t *y, int64_t ldy, int mr,
                              __mmask32 cols)
{
    /* add NULL: the kernel's sums started at the bias */
    const __m512i a0 = add ? _mm512_set1_epi32(add[R]) : _mm512_setzero_si512(),
                  a1 = add ? _mm512_set1_epi32(add[R + 1]) : _mm512_setzero_si512();
    const __m512 m0 = _mm512_set1_ps(mult[R]), m1 = _mm512_set1_ps(mult[R + 1]);
    const __m512i v = eb_simd_q8_pack64_avx512(
        eb_simd_q8_rq16_avx512(r00, a0, m0, r), eb_simd_q8_rq16_avx512(r01, a0, m0, r),
        eb_simd_q8_rq16_avx512(r10, a1, m1, r), eb_simd_q8_rq16_avx512(r11, a1, m1, r), r);
    if (R < mr)
        _mm256_mask_storeu_epi8(y + (int64_t)R * ldy, cols, _mm512_castsi512_si256(v));
    if (R + 1 < mr)
        _mm256_mask_storeu_epi8(y + (int64_t)(R + 1) * ldy, cols,
                                _mm512_extracti64x4_epi64(v, 1));
}

/* Eight columns of a 32-row few-column tile, each as 32 int16 (w[J]:
 * eb_simd_q8_packw_avx512 of the column's rows 0-15 and 16-31, so lane l
 * holds rows 4l..4l+3, then 16+4l..16+4l+3), packed to bytes, transposed
 * to rows, and each of the first mr output rows' first nr (<= 8) bytes
 * written with one masked store (nothing else is written). */
static inline __attribute__((always_inline)) void
eb_simd_q8_store_32x8w_avx512(const __m512i *w, const eb_simd_q8_rq_avx512 *r, uint8_t *y,
                              int64_t ldy, int mr, int nr)
{
    /* Where output row r's 8 bytes (columns 0..7) end up in the transposed
     * block below: byte offset 64 q + 16 l + 8 h (vector q, lane l, half h). */
    static const uint8_t row_at[32] = {
        0,   8,   64,  72,  16,  24,  80,  88,  32,  40,  96,  104, 48,  56,  112, 120,
        128, 136, 192, 200, 144, 152, 208, 216, 160, 168, 224, 232, 176, 184, 240, 248};
    /* Columns J, J + 1 as bytes: lane l is (J's 8 rows, J+1's same 8 rows) */
#define EB_Q8_K(J) (r->unsigned_out ? _mm512_packus_epi16(w[J], w[J + 1]) \
                                    : _mm512_packs_epi16(w[J], w[J + 1]))
    const __m512i k01 = EB_Q8_K(0), k23 = EB_Q8_K(2), k45 = EB_Q8_K(4), k67 = EB_Q8_K(6);
#undef EB_Q8_K
    /* Each lane now holds an 8 (rows) x 8 (columns) byte block column by
     * column; transpose it: interleave the two columns' bytes of a vector
     * (row i's pair at word i), then words, then dwords. */
    const __m512i pair = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
    const __m512i t01 = _mm512_shuffle_epi8(k01, pair), t23 = _mm512_shuffle_epi8(k23, pair);
    const __m512i t45 = _mm512_shuffle_epi8(k45, pair), t67 = _mm512_shuffle_epi8(k67, pair);
    const __m512i s0 = _mm512_unpacklo_epi16(t01, t23), s1 = _mm512_unpackhi_epi16(t01, t23);
    const __m512i s2 = _mm512_unpacklo_epi16(t45, t67), s3 = _mm512_unpackhi_epi16(t45, t67);
    /* vector q, lane l, half h: local row i = 2q + h of lane l, output row
     * 4l + i (i < 4) or 16 + 4l + i - 4 (row_at) */
    uint8_t blk[256] __attribute__((aligned(64)));
    _mm512_store_si512(blk, _mm512_unpacklo_epi32(s0, s2));
    _mm512_store_si512(blk + 64, _mm512_unpackhi_epi32(s0, s2));
    _mm512_store_si512(blk + 128, _mm512_unpacklo_epi32(s1, s3));
    _mm512_store_si512(blk + 192, _mm512_unpackhi_epi32(s1, s3));
    const __mmask16 cols = (__mmask16)((1u << nr) - 1);
    for (int i = 0; i < mr; i++)
        _mm_mask_storeu_epi8(y + i * ldy, cols,
                             _mm_loadl_epi64((const __m128i *)(blk + row_at[i])));
}

/* A 32 x ncols tile of a few-column kernel, ncols 7 or 9
 * (q8_gemm_32x7c4__avx512vnni, q8_gemm_32x7c2__avx512,
 * q8_gemm_32x9c4__avx512vnni: c[2J], c[2J + 1] are column J's rows 0-15
 * and 16-31, their sums started at the rows' bias) requantised in
 * registers, and the first mr output rows' first nr bytes written,
 * nothing else: columns 0-7 packed, transposed to rows and stored with
 * one masked store per row (with 7 columns a copy of column 6 completes
 * the 8 x 8 blocks and is never stored), column 8 packed to the rows' 32
 * bytes in order (eb_simd_q8_pack64_avx512) and stored byte by byte. */
static inline __attribute__((always_inline)) void
eb_simd_q8_store_32xn_avx512(const __m512i *c, int ncols, const float *mult,
                             const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy, int mr, int nr)
{
    const eb_simd_q8_rq_avx512 r = eb_simd_q8_rq_avx512_make(p);
    const __m512 m0 = _mm512_loadu_ps(mult), m1 = _mm512_loadu_ps(mult + 16);
    const __m512i z = _mm512_setzero_si512();
    __m512i w[8];
    for (int j = 0; j < 8; j++) {
        const int jc = j < ncols ? j : ncols - 1;
        w[j] = eb_simd_q8_packw_avx512(eb_simd_q8_rq16_avx512(c[2 * jc], z, m0, &r),
                                       eb_simd_q8_rq16_avx512(c[2 * jc + 1], z, m1, &r), &r);
    }
    eb_simd_q8_store_32x8w_avx512(w, &r, y, ldy, mr, nr < 8 ? nr : 8);
    if (ncols < 9 || nr < 9) /* ncols is a constant: the rest compiles away */
        return;
    const __m512i a = eb_simd_q8_rq16_avx512(c[16], z, m0, &r);
    const __m512i b = eb_simd_q8_rq16_avx512(c[17], z, m1, &r);
    uint8_t col[64] __attribute__((aligned(64)));
    _mm512_store_si512(col, eb_simd_q8_pack64_avx512(a, b, a, b, &r));
    for (int i = 0; i < mr; i++)
        y[i * ldy + 8] = col[i];
}
#endif

#endif
