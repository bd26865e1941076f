/* Requantisation of int32 accumulators to int8 / uint8, as requant_s32.h
 * rounds: a row (depthwise), eight lanes (requant8), and the int8 GEMM
 * epilogue over whole tiles, row-major or column-major.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h (after the families above it in its list), inside one
 * vec__<isa>.c, which defines EB_VEC_FN. */
#ifndef EB_SIMD_VEC_REQUANT_H
#define EB_SIMD_VEC_REQUANT_H

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

/* Clamp to [vlo, vhi] (NaN to vlo, as q_round), then round half to even to
 * int32. */
static inline __attribute__((always_inline)) v8i clamp_round8(v8f v, v8f vlo, v8f vhi)
{
#if defined(__AVX2__)
    /* max(v, lo) gives lo for NaN (the second operand), as q_round;
     * vcvtps2dq rounds half to even in the default rounding mode, as rintf */
    v = (v8f)_mm256_min_ps(_mm256_max_ps((__m256)v, (__m256)vlo), (__m256)vhi);
    return (v8i)_mm256_cvtps_epi32((__m256)v);
#else
    v8i keep = v >= vlo;
    v = (v8f)(((v8i)v & keep) | ((v8i)vlo & ~keep));
    v8i over = v > vhi;
    v = (v8f)(((v8i)v & ~over) | ((v8i)vhi & over));
    const v8f magic = (v8f){0} + 12582912.0f;
    v = (v + magic) - magic;
    return __builtin_convertvector(v, v8i);
#endif
}

/* The requantisation of EB_VEC_FN(requant) on eight lanes with their own
 * bias and multiplier: the same float32 operations in the same order, so
 * the same bytes. */
static inline __attribute__((always_inline)) v8i requant8_v(v8i acc, v8u add, v8f mult,
                                                            int32_t zp, v8f vlo, v8f vhi)
{
    v8u a = (v8u)acc + add; /* wraps, as the reference's uint32 sum */
    v8f v = __builtin_convertvector((v8i)a, v8f) * mult;
    return clamp_round8(v, vlo, vhi) + zp;
}

/* The same with bias and multiplier read from eight channels. */
static inline __attribute__((always_inline)) v8i requant8(v8i acc, const int32_t *add,
                                                          const float *mult, int32_t zp,
                                                          v8f vlo, v8f vhi)
{
    v8u ad;
    v8f vm;
    memcpy(&ad, add, sizeof ad);
    memcpy(&vm, mult, sizeof vm);
    return requant8_v(acc, ad, vm, zp, vlo, vhi);
}

/* Declared in simd_vec_dwconv.h: the 3x3 int8 depthwise kernels' fused
 * requantisation, per half as EB_VEC_FN(requant) (requant8_v, as requant8
 * with one bias and multiplier for the plane). */
static inline __attribute__((always_inline)) void requant_store16(v16i acc, const dwq_out *o,
                                                                  int64_t n, uint8_t *y)
{
#if DW_SMALL
    /* one AVX-512 vector and a masked byte store (the same operations as
     * requant8_v): two eight-lane halves and a byte loop for a ragged row
     * cost more than the 3x3 kernels' multiply-adds */
    requant_store_m16((__m512i)acc, o, (__mmask16)((1u << n) - 1), y);
#else
    const v8f vlo = (v8f){0} + o->flo, vhi = (v8f){0} + o->fhi, vm = (v8f){0} + o->mult;
    const v8u add = (v8u){0} + (uint32_t)o->add;
    for (int64_t h = 0; h < n; h += 8) {
        v8i a;
        memcpy(&a, (const int32_t *)&acc + h, sizeof a);
        v32u8 low = LOW_BYTES8(requant8_v(a, add, vm, o->zp, vlo, vhi));
        if (n - h >= 8)
            memcpy(y + h, &low, 8);
        else
            for (int64_t j = 0; j < n - h; j++)
                y[h + j] = low[j];
    }
#endif
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

#endif
