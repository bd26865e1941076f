/* Element-wise kernels over ranges [i0, i1): QuantizeLinear of fp32 and
 * DequantizeLinear of int8 per tensor, fp32 Add with a clamp, and the
 * int8 QDQ add.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h (after the families above it in its list), inside one
 * vec__<isa>.c, which defines EB_VEC_FN. */
#ifndef EB_SIMD_VEC_ELTWISE_H
#define EB_SIMD_VEC_ELTWISE_H

#if defined(__AVX512F__) && defined(__AVX512BW__)
/* Sixteen lanes on AVX-512, by x * (1 / scale) where that gives the same
 * byte as x / scale (the division bounded the kernel: MobileNet-v2 0.5@96's
 * int8 input, 27648 values, took 4.8 us):
 * - q_round (clamp to integer bounds, then round half to even) is a
 *   monotone step function whose steps are all at half-integers, so the
 *   product t and the quotient v give the same byte unless a half-integer
 *   lies between them;
 * - 1 / scale, x times that and x / scale are each within 2^-24 relative
 *   of the exact values, so |t - v| <= 3 * 2^-24 * |v|: under 2^-13 while
 *   |v| < 385 (the bounds are bytes less the zero point: at most 383 away;
 *   subnormal quotients: within 2^-149), and past a bound both clamp to it;
 * - so a lane is kept when t, clamped, is at least 2^-12 from every
 *   half-integer (a clamped t is an integer bound: kept). The others (on
 *   or next to a half) divide. NaN clamps to lo, as q_round makes it. Not
 *   used when 1 / scale is not a normal number (a subnormal scale's
 *   reciprocal overflows).
 * Returns where it stopped. */
static int64_t quantize16(const float *x, float scale, int32_t zp, float flo, float fhi,
                          uint8_t *y, int64_t i, int64_t i1)
{
    const float r = 1.0f / scale, ar = r < 0 ? -r : r;
    if (!(ar >= 1.2e-38f && ar <= 3.4e38f) || !(fhi < 384.0f && flo > -384.0f))
        return i;
    const __m512 vr = _mm512_set1_ps(r), vs = _mm512_set1_ps(scale);
    const __m512 edge = _mm512_set1_ps(0.5f - 1.0f / 4096.0f);
    const __m512 vlo = _mm512_set1_ps(flo), vhi = _mm512_set1_ps(fhi);
    const __m512i vzp = _mm512_set1_epi32(zp);
    for (; i + 16 <= i1; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        /* max with the value first: NaN gives lo, as q_round */
        const __m512 t = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(v, vr), vlo), vhi);
        __m512i q = _mm512_cvtps_epi32(t); /* half to even */
        const __m512 d = _mm512_sub_ps(t, _mm512_cvtepi32_ps(q));
        const __mmask16 ok = _mm512_cmp_ps_mask(_mm512_abs_ps(d), edge, _CMP_LE_OQ);
        if (ok != 0xFFFF) {
            const __m512 u = _mm512_min_ps(_mm512_max_ps(_mm512_div_ps(v, vs), vlo), vhi);
            q = _mm512_mask_cvtps_epi32(q, (__mmask16)~ok, u);
        }
        _mm_storeu_si128((__m128i *)(void *)(y + i),
                         _mm512_cvtepi32_epi8(_mm512_add_epi32(q, vzp)));
    }
    return i;
}
#endif

/* QuantizeLinear of float32, per tensor: q_round(x / scale), as
 * eb_ref_quantize_f32 (the division is the same IEEE operation in a vector
 * lane; NaN becomes lo there and here). */
static void EB_VEC_FN(quantize_f32)(const float *x, float scale, int32_t zp, int32_t lo,
                                    int32_t hi, uint8_t *y, int64_t i0, int64_t i1)
{
    const float flo = (float)(lo - zp), fhi = (float)(hi - zp);
    const v8f vlo = (v8f){0} + flo, vhi = (v8f){0} + fhi, vs = (v8f){0} + scale;
    int64_t i = i0;
#if defined(__AVX512F__) && defined(__AVX512BW__)
    i = quantize16(x, scale, zp, flo, fhi, y, i, i1);
#endif
    for (; i + 8 <= i1; i += 8) {
        v8f v;
        memcpy(&v, x + i, sizeof v);
        v = v / vs;
        v8i q = clamp_round8(v, vlo, vhi) + zp;
        v32u8 low = LOW_BYTES8(q);
        memcpy(y + i, &low, 8);
    }
    for (; i < i1; i++)
        y[i] = (uint8_t)q_round(x[i] / scale, zp, flo, fhi);
}

/* DequantizeLinear of int8 / uint8, per tensor: (float)(x - zp) * scale,
 * as ref's op (the subtraction exact, one rounding in the product; the
 * file is built without contraction, so no FMA changes it). */
static void EB_VEC_FN(dequantize_q8)(const void *x, eb_dtype dt, int32_t zp, float scale,
                                     float *y, int64_t i0, int64_t i1)
{
    const uint8_t *xu = x;
    const int8_t *xs = x;
    const v8f vs = (v8f){0} + scale;
    int64_t i = i0;
    for (; i + 8 <= i1; i += 8) {
        const v8i q = (dt == EB_DT_U8 ? widen8_u8(xu + i) : widen8_s8(xs + i)) - zp;
        const v8f v = __builtin_convertvector(q, v8f) * vs;
        memcpy(y + i, &v, sizeof v);
    }
    for (; i < i1; i++)
        y[i] = (float)((dt == EB_DT_U8 ? (int32_t)xu[i] : (int32_t)xs[i]) - zp) * scale;
}

static void EB_VEC_FN(add_f32)(const float *a, const float *b, float lo, float hi, float *y,
                               int64_t i0, int64_t i1)
{
    for (int64_t i = i0; i < i1; i++) {
        float v = a[i] + b[i];
        v = v < lo ? lo : v;
        y[i] = v > hi ? hi : v;
    }
}

static void EB_VEC_FN(scale_f32)(const float *x, float s, float *y, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        y[i] = x[i] * s;
}

#if defined(__AVX512F__) && defined(__AVX512BW__)
/* Sixteen lanes on AVX-512 first: the eight-lane loop below widened,
 * clamped by compare-and-blend and narrowed through generic vectors, and
 * MobileNet-v2 0.5@96's int8 Adds took 2.7x their fp32 time (features.3:
 * 3.0 against 1.1 us). The same operations in the same order: vmaxps with
 * the value first (no NaN can arise from two bytes and finite multipliers),
 * vcvtps2dq rounding half to even as the magic-number rounding does. */
#define ADD_Q8_16(WA, WB)                                                                     \
    do {                                                                                      \
        const __m512 vam16 = _mm512_set1_ps(p->a_mult), vbm16 = _mm512_set1_ps(p->b_mult);    \
        const __m512 vlo16 = _mm512_set1_ps(flo), vhi16 = _mm512_set1_ps(fhi);                \
        const __m512i azp16 = _mm512_set1_epi32(p->a_zp), bzp16 = _mm512_set1_epi32(p->b_zp); \
        const __m512i yzp16 = _mm512_set1_epi32(p->y_zp);                                     \
        for (; i + 16 <= i1; i += 16) {                                                       \
            const __m512i qa = _mm512_sub_epi32(                                              \
                WA(_mm_loadu_si128((const __m128i *)(const void *)(pa + i))), azp16);         \
            const __m512i qb = _mm512_sub_epi32(                                              \
                WB(_mm_loadu_si128((const __m128i *)(const void *)(pb + i))), bzp16);         \
            const __m512 v16 = _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(qa), vam16),   \
                                             _mm512_mul_ps(_mm512_cvtepi32_ps(qb), vbm16));   \
            _mm_storeu_si128((__m128i *)(void *)(py + i), q8_narrow16(v16, vlo16, vhi16, yzp16)); \
        }                                                                                     \
    } while (0)
#define ADD_W16_u8 _mm512_cvtepu8_epi32
#define ADD_W16_s8 _mm512_cvtepi8_epi32
#else
#define ADD_Q8_16(WA, WB) ((void)0)
#endif

#if defined(__AVX2__)
/* The low byte of each of q's eight int32 lanes, stored at y: every lane
 * is already in the output's range, so that byte is the result for int8
 * and uint8 alike. */
static inline __attribute__((always_inline)) void q8_store_low8(__m256i q, void *y)
{
    const __m256i lb = _mm256_shuffle_epi8(
        q, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8,
                            12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    const __m256i d = _mm256_permutevar8x32_epi32(lb, _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1));
    _mm_storel_epi64((__m128i *)y, _mm256_castsi256_si128(d));
}

/* The same eight lanes at a time on AVX2 (and AVX-512's tail): the generic
 * loop below clamps by compare-and-blend and rounds by the magic number,
 * and MobileNet-v2 0.5@96's int8 Adds took 3.6-4.5x their fp32 time
 * with AVX2 (features.3: 4.3 against 1.2 us). vmaxps / vminps and
 * vcvtps2dq give the same values, as ADD_Q8_16 says. */
#define ADD_Q8_8(WA, WB)                                                                      \
    do {                                                                                      \
        const __m256 vam8 = _mm256_set1_ps(p->a_mult), vbm8 = _mm256_set1_ps(p->b_mult);      \
        const __m256 vlo8 = _mm256_set1_ps(flo), vhi8 = _mm256_set1_ps(fhi);                  \
        const __m256i azp8 = _mm256_set1_epi32(p->a_zp), bzp8 = _mm256_set1_epi32(p->b_zp);   \
        const __m256i yzp8 = _mm256_set1_epi32(p->y_zp);                                      \
        for (; i + 8 <= i1; i += 8) {                                                         \
            const __m256i qa = _mm256_sub_epi32(                                              \
                WA(_mm_loadl_epi64((const __m128i *)(const void *)(pa + i))), azp8);          \
            const __m256i qb = _mm256_sub_epi32(                                              \
                WB(_mm_loadl_epi64((const __m128i *)(const void *)(pb + i))), bzp8);          \
            __m256 v8 = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(qa), vam8),            \
                                      _mm256_mul_ps(_mm256_cvtepi32_ps(qb), vbm8));           \
            v8 = _mm256_min_ps(_mm256_max_ps(v8, vlo8), vhi8);                                \
            q8_store_low8(_mm256_add_epi32(_mm256_cvtps_epi32(v8), yzp8), py + i);            \
        }                                                                                     \
    } while (0)
#define ADD_W8_u8 _mm256_cvtepu8_epi32
#define ADD_W8_s8 _mm256_cvtepi8_epi32
#else
#define ADD_Q8_8(WA, WB) ((void)0)
#endif

/* Eight lanes at a time with the reference's float32 operations in its
 * order (each product rounded, then the sum, then clamp and round half to
 * even: the file is built without FMA contraction), so the same bytes;
 * every lane is already in the output range, so its low byte is the
 * result for int8 and uint8 alike. The scalar loop finishes the tail. */
#define ADD_Q8(TA, TB, TY, WA, WB)                                                            \
    do {                                                                                      \
        const TA *pa = a;                                                                     \
        const TB *pb = b;                                                                     \
        TY *py = y;                                                                           \
        const v8f vam = (v8f){0} + p->a_mult, vbm = (v8f){0} + p->b_mult;                     \
        const v8f vlo = (v8f){0} + flo, vhi = (v8f){0} + fhi;                                 \
        const v8f magic = (v8f){0} + 12582912.0f;                                             \
        int64_t i = i0;                                                                       \
        ADD_Q8_16(ADD_W16_##WA, ADD_W16_##WB);                                                \
        ADD_Q8_8(ADD_W8_##WA, ADD_W8_##WB);                                                   \
        for (; i + 8 <= i1; i += 8) {                                                         \
            v8f va = __builtin_convertvector(widen8_##WA(pa + i) - p->a_zp, v8f);             \
            v8f vb = __builtin_convertvector(widen8_##WB(pb + i) - p->b_zp, v8f);             \
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
    case 7: ADD_Q8(uint8_t, uint8_t, uint8_t, u8, u8); break;
    case 0: ADD_Q8(int8_t, int8_t, int8_t, s8, s8); break;
    case 6: ADD_Q8(uint8_t, uint8_t, int8_t, u8, u8); break;
    case 1: ADD_Q8(int8_t, int8_t, uint8_t, s8, s8); break;
    case 5: ADD_Q8(uint8_t, int8_t, uint8_t, u8, s8); break;
    case 4: ADD_Q8(uint8_t, int8_t, int8_t, u8, s8); break;
    case 3: ADD_Q8(int8_t, uint8_t, uint8_t, s8, u8); break;
    default: ADD_Q8(int8_t, uint8_t, int8_t, s8, u8); break;
    }
}

#endif
