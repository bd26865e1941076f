/* Planar (NCHW) to channels-last copies for the channels-last depthwise
 * kernels (simd_vec_dwconv_nhwc.h): fp32 as is, int8 as x - x_zp in int32
 * lanes, into a buffer of padded rows; and the 8 x 8 register transpose.
 *
 * Part of the per-ISA build of the vector helpers: included only by
 * simd_vec_impl.h (after the families above it in its list), inside one
 * vec__<isa>.c, which defines EB_VEC_FN. */
#ifndef EB_SIMD_VEC_LAYOUT_H
#define EB_SIMD_VEC_LAYOUT_H

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

#endif
