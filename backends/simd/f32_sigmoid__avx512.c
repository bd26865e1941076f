/* fp32 sigmoid / SiLU, AVX-512F, 16 floats per vector (simd_f32_sigmoid.inc;
 * the algorithm in simd_sigmoid_common.h). The tail is done with a mask. */
#include <immintrin.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_sigmoid_common.h"

static inline __m512 sigmoid16(__m512 x, int silu)
{
    __m512 z = _mm512_castsi512_ps(
        _mm512_or_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u)));
    z = _mm512_max_ps(z, _mm512_set1_ps(EB_SIG_ZMIN)); /* NaN -> ZMIN, fixed below */
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
    __m512i ni = _mm512_cvtps_epi32(n);
    __m512 s = _mm512_castsi512_ps(
        _mm512_slli_epi32(_mm512_add_epi32(ni, _mm512_set1_epi32(127 + 64)), 23));
    __m512 e = _mm512_mul_ps(_mm512_mul_ps(p, s), _mm512_set1_ps(EB_SIG_TWO_M64));
    __m512 one = _mm512_set1_ps(1.0f);
    __mmask16 pos = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    __m512 num = _mm512_mask_blend_ps(pos, e, one);
    __m512 y = _mm512_div_ps(num, _mm512_add_ps(one, e));
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    y = _mm512_mask_blend_ps(nan, y, x);
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
