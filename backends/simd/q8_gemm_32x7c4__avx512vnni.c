/* int8 GEMM micro-kernel, AVX-512 VNNI, for products with few columns (the
 * 1x1 convolutions on MobileNet-v2's 14x14 and 7x7 planes: 196 = 28 x 7
 * and 49 = 7 x 7 pixels, so 7-column tiles waste no lane there, where the
 * general 6 x 32 tile fills 224 and 64 slots). 32 rows (output channels)
 * across the lanes of two vectors, 7 columns (pixels) broadcast as 4-byte
 * groups of the packed B panel, vpdpbusd (uint8 activations x int8
 * weights, exact as in q8_gemm_6x32c4__avx512vnni); 14 accumulators, so
 * the 32 vector registers hold them, the two weight vectors and the
 * requantisation constants together. Listed as VNNI's few-column variant:
 * the int8 GEMM driver runs it instead of the general kernel for narrow
 * products (eb_simd_q8_gemm_for); before it, VNNI hosts borrowed AVX2's
 * int16 16 x 6 tile there, at under a third of the throughput.
 * A: 32-row panels, k in groups of 4 (kq x 32 x 4 int8);
 * B: kq x 7 x 4 uint8; tile: 32 x 7 int32 column by column
 * (tile[j * 32 + r]). The `_rq` entry point requantises in registers,
 * packs and transposes the 32 x 7 bytes (see there) and writes each
 * output row's 7 bytes with one masked store. */
#include <immintrin.h>
#include <string.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_q8_store.h"
#include "backends/simd/simd_vnni.h"

/* the sums start at zero (the int32 tile) or at the rows' bias (`_rq`) */
#define INIT(J) __m512i c##J##0 = ad0, c##J##1 = ad1;
#define STEP(J)                                               \
    memcpy(&quad, pb + J * 4, sizeof quad);                   \
    bv = _mm512_set1_epi32(quad);                             \
    c##J##0 = eb_simd_dpbusd(c##J##0, bv, a0);                \
    c##J##1 = eb_simd_dpbusd(c##J##1, bv, a1);
#define LOOP                                                           \
    const int8_t *pa = a;                                              \
    const uint8_t *pb = b;                                             \
    INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6)            \
    for (int64_t q = 0; q < kq; q++, pa += 32 * 4, pb += 7 * 4) {      \
        const __m512i a0 = _mm512_loadu_si512(pa);                     \
        const __m512i a1 = _mm512_loadu_si512(pa + 64);                \
        int32_t quad;                                                  \
        __m512i bv;                                                    \
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6)        \
    }

void eb_q8_gemm_32x7c4__avx512vnni(int64_t kq, const void *a, const void *b, int32_t *tile)
{
    const __m512i ad0 = _mm512_setzero_si512(), ad1 = ad0;
    LOOP
#define STORE(J)                                        \
    _mm512_storeu_si512(tile + J * 32, c##J##0);        \
    _mm512_storeu_si512(tile + J * 32 + 16, c##J##1);
    STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5) STORE(6)
#undef STORE
}

/* Where output row r's 8 bytes (columns 0..7) end up in the transposed
 * block below: byte offset 64 q + 16 l + 8 h (vector q, lane l, half h). */
static const uint8_t row_at[32] = {
    0,   8,   64,  72,  16,  24,  80,  88,  32,  40,  96,  104, 48,  56,  112, 120,
    128, 136, 192, 200, 144, 152, 208, 216, 160, 168, 224, 232, 176, 184, 240, 248};

void eb_q8_gemm_32x7c4__avx512vnni_rq(int64_t kq, const void *a, const void *b,
                                      const int32_t *add, const float *mult,
                                      const eb_simd_q8_rq *p, uint8_t *y, int64_t ldy, int mr,
                                      int nr)
{
    const __m512i ad0 = _mm512_loadu_si512(add), ad1 = _mm512_loadu_si512(add + 16);
    LOOP
    const eb_simd_q8_rq_avx512 r = eb_simd_q8_rq_avx512_make(p);
    const __m512i z = _mm512_setzero_si512();
    const __m512 m0 = _mm512_loadu_ps(mult), m1 = _mm512_loadu_ps(mult + 16);
    /* Column J as 32 int16 (packs work within 128-bit lanes: lane l holds
     * rows 4l..4l+3, then rows 16+4l..16+4l+3). */
#define W(J) eb_simd_q8_packw_avx512(eb_simd_q8_rq16_avx512(c##J##0, z, m0, &r), \
                                   eb_simd_q8_rq16_avx512(c##J##1, z, m1, &r), &r)
    const __m512i w0 = W(0), w1 = W(1), w2 = W(2), w3 = W(3), w4 = W(4), w5 = W(5), w6 = W(6);
#undef W
    /* Columns J, J + 1 as bytes: lane l is (J's 8 rows, J+1's same 8 rows);
     * a column 7 (a copy of 6) completes the 8 x 8 blocks and is never
     * stored. */
#define K(A, B) (r.unsigned_out ? _mm512_packus_epi16(A, B) : _mm512_packs_epi16(A, B))
    const __m512i k01 = K(w0, w1), k23 = K(w2, w3), k45 = K(w4, w5), k67 = K(w6, w6);
#undef K
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
