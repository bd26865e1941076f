/* fp32 sigmoid / SiLU, AVX2 + FMA, 8 floats per vector, two vectors per
 * iteration (simd_f32_sigmoid.inc; the algorithm in simd_sigmoid_common.h).
 * The tail is done with masked loads and stores. */
#include <immintrin.h>

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_sigmoid_common.h"

static inline __m256 sigmoid8(__m256 x, int silu)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 z = _mm256_or_ps(x, sign); /* -|x| */
    z = _mm256_max_ps(z, _mm256_set1_ps(EB_SIG_ZMIN)); /* NaN -> ZMIN, fixed below */
    __m256 n = _mm256_round_ps(_mm256_mul_ps(z, _mm256_set1_ps(EB_SIG_LOG2E)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EB_SIG_LN2_HI), z);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EB_SIG_LN2_LO), r);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(EB_SIG_C7), r, _mm256_set1_ps(EB_SIG_C6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EB_SIG_C5));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EB_SIG_C4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EB_SIG_C3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EB_SIG_C2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256 s = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(ni, _mm256_set1_epi32(127 + 64)), 23));
    __m256 e = _mm256_mul_ps(_mm256_mul_ps(p, s), _mm256_set1_ps(EB_SIG_TWO_M64));
    __m256 one = _mm256_set1_ps(1.0f);
    __m256 pos = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
    __m256 num = _mm256_blendv_ps(e, one, pos);
    __m256 y = _mm256_div_ps(num, _mm256_add_ps(one, e));
    __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    y = _mm256_blendv_ps(y, x, nan);
    return silu ? _mm256_mul_ps(x, y) : y;
}

void eb_f32_sigmoid__avx2(int64_t n, const float *x, float *y, int silu)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
        _mm256_storeu_ps(y + i, sigmoid8(a, silu));
        _mm256_storeu_ps(y + i + 8, sigmoid8(b, silu));
    }
    for (; i < n; i += 8) {
        int64_t left = n - i;
        if (left >= 8) {
            _mm256_storeu_ps(y + i, sigmoid8(_mm256_loadu_ps(x + i), silu));
            continue;
        }
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left),
                                          _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        _mm256_maskstore_ps(y + i, mask, sigmoid8(_mm256_maskload_ps(x + i, mask), silu));
    }
}
