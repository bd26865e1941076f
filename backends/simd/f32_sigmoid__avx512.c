/* fp32 sigmoid / SiLU, AVX-512F, 16 floats per vector (simd_f32_sigmoid.inc;
 * the algorithm in simd_sigmoid_common.h). The tail is done with a mask. */
#include <immintrin.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_sigmoid_common.h"

static inline __m512 sigmoid16(__m512 x, int silu)
{
    __m512 z = _mm512_castsi512_ps(
        _mm512_or_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u)));
    /* maxps returns its second operand when either is NaN: a NaN x stays
     * NaN through every step below (the compare puts e in num), so it
     * needs no fix-up at the end */
    z = _mm512_max_ps(_mm512_set1_ps(EB_SIG_ZMIN), z);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(z, _mm512_set1_ps(EB_SIG_LOG2E)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EB_SIG_LN2_HI), z);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EB_SIG_LN2_LO), r);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(EB_SIG_C7), r, _mm512_set1_ps(EB_SIG_C6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EB_SIG_C5));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EB_SIG_C4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EB_SIG_C3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EB_SIG_C2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    /* p * 2^n rounded once, into the subnormals too: what the 2^(n + 64)
     * and 2^-64 steps of the other builds compute, in one instruction */
    __m512 e = _mm512_scalef_ps(p, n);
    __m512 one = _mm512_set1_ps(1.0f);
    __mmask16 pos = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    __m512 num = _mm512_mask_blend_ps(pos, e, one);
    /* num / d, d in [1, 2], by the 14-bit reciprocal and one Newton step
     * (relative error about 2^-28, then two roundings) instead of a
     * division, which alone took as long as the rest */
    __m512 d = _mm512_add_ps(one, e), q = _mm512_rcp14_ps(d);
    q = _mm512_mul_ps(q, _mm512_fnmadd_ps(d, q, _mm512_set1_ps(2.0f)));
    __m512 y = _mm512_mul_ps(num, q);
    return silu ? _mm512_mul_ps(x, y) : y;
}

void eb_f32_sigmoid__avx512(int64_t n, const float *x, float *y, int silu)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, sigmoid16(_mm512_loadu_ps(x + i), silu));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(y + i, m, sigmoid16(_mm512_maskz_loadu_ps(m, x + i), silu));
    }
}
