/* The variant tables built from the lists, and run-time choice among them. */
#include "backends/simd/simd_kernels.h"

static const eb_simd_f32_gemm_variant f32_gemm[] = {
#define EB_SIMD_F32_GEMM(NAME, ISA, MR, NR) {#NAME, ISA, MR, NR, eb_##NAME},
#include "backends/simd/simd_f32_gemm.inc"
#undef EB_SIMD_F32_GEMM
};

static const eb_simd_q8_gemm_variant q8_gemm[] = {
#define EB_SIMD_Q8_GEMM(NAME, ISA, MR, NR, KU, FORMAT) {#NAME, ISA, MR, NR, KU, FORMAT, eb_##NAME},
#include "backends/simd/simd_q8_gemm.inc"
#undef EB_SIMD_Q8_GEMM
};

static const eb_simd_vec_kernels *const vec[] = {
#define EB_SIMD_VEC(NAME, ISA) &eb_simd_vec__##NAME,
#include "backends/simd/simd_vec.inc"
#undef EB_SIMD_VEC
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const eb_simd_f32_gemm_variant *eb_simd_f32_gemm_variants(int *n)
{
    *n = COUNT(f32_gemm);
    return f32_gemm;
}

const eb_simd_q8_gemm_variant *eb_simd_q8_gemm_variants(int *n)
{
    *n = COUNT(q8_gemm);
    return q8_gemm;
}

const eb_simd_vec_kernels *const *eb_simd_vec_variants(int *n)
{
    *n = COUNT(vec);
    return vec;
}

const eb_simd_f32_gemm_variant *eb_simd_pick_f32_gemm(unsigned isa)
{
    const eb_simd_f32_gemm_variant *best = &f32_gemm[0];
    for (int i = 0; i < COUNT(f32_gemm); i++)
        if (eb_simd_isa_has(isa, f32_gemm[i].isa))
            best = &f32_gemm[i];
    return best;
}

const eb_simd_q8_gemm_variant *eb_simd_pick_q8_gemm(unsigned isa, int narrow)
{
    const eb_simd_q8_gemm_variant *best = &q8_gemm[0];
    for (int i = 0; i < COUNT(q8_gemm); i++)
        if (eb_simd_isa_has(isa, q8_gemm[i].isa) &&
            (narrow || q8_gemm[i].format == EB_SIMD_Q8_I16))
            best = &q8_gemm[i];
    return best;
}

const eb_simd_vec_kernels *eb_simd_pick_vec(unsigned isa)
{
    const eb_simd_vec_kernels *best = vec[0];
    for (int i = 0; i < COUNT(vec); i++)
        if (eb_simd_isa_has(isa, vec[i]->isa))
            best = vec[i];
    return best;
}
